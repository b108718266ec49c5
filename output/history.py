"""Run history in embedded SQLite (WAL): runs, per-source counts, canonical rows, and the source-key → id map
that keeps programme ids stable. Migrations are a registry of small functions recorded in a table.

Rows are typed columns (table `programmes`: INTEGER, REAL, BOOLEAN, DATE, TEXT as the field specification says),
so datasette and DuckDB show values, not JSON text. Growth is bounded: full rows are kept for the newest
`keep_runs` runs; every run keeps its summary and one hash per programme (`programme_hashes`), enough to say
which programmes were added, removed or changed. A column added to the specification is added to the table
when a run first writes it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from output.columns import COLUMNS
from output.typed import SQL_TYPES, TYPES, row_hash, typed_row


def _script(db: sqlite3.Connection, script: str) -> None:
    """Statement by statement: executescript() would COMMIT the migration's transaction half-way."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    _script(db, """
        CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT NOT NULL,
                           status TEXT NOT NULL, exit_code INTEGER NOT NULL, settings TEXT NOT NULL,
                           summary TEXT NOT NULL);
        CREATE TABLE run_sources (run_id TEXT NOT NULL REFERENCES runs(run_id), source TEXT NOT NULL,
                                  records INTEGER NOT NULL, stale INTEGER NOT NULL, outcomes TEXT NOT NULL,
                                  fill_rates TEXT NOT NULL, PRIMARY KEY (run_id, source));
        CREATE TABLE programmes (run_id TEXT NOT NULL REFERENCES runs(run_id), programme_id TEXT NOT NULL,
                                 row TEXT NOT NULL, PRIMARY KEY (run_id, programme_id));
        CREATE TABLE id_map (source_ref TEXT PRIMARY KEY, programme_id TEXT NOT NULL, last_run TEXT NOT NULL);
        CREATE TABLE programme_dates (programme_id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
    """)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ensure_columns(db: sqlite3.Connection, names: Iterable[str]) -> None:
    have = {r[1] for r in db.execute("PRAGMA table_info(programmes)")}
    for name in names:
        if name not in have:
            db.execute(f"ALTER TABLE programmes ADD COLUMN {_quote(name)} {SQL_TYPES[TYPES.get(name, 'string')]}")
            have.add(name)


def _insert_row(db: sqlite3.Connection, run_id: str, row: Mapping[str, Any]) -> None:
    names = ["run_id", *row]
    db.execute(f"INSERT INTO programmes ({', '.join(map(_quote, names))}) VALUES ({', '.join('?' * len(names))})",
               (run_id, *row.values()))
    db.execute("INSERT INTO programme_hashes VALUES (?, ?, ?)", (run_id, row["programme_id"], row_hash(row)))


def _v2(db: sqlite3.Connection) -> None:
    """Typed rows and per-programme hashes replace v1's JSON text rows (which are converted, then dropped)."""
    columns = ", ".join(f"{_quote(c.name)} {SQL_TYPES[c.table_type]}" for c in COLUMNS if c.name != "programme_id")
    _script(db, f"""
        ALTER TABLE programmes RENAME TO programmes_v1;
        CREATE TABLE programmes (run_id TEXT NOT NULL REFERENCES runs(run_id), programme_id TEXT NOT NULL,
                                 {columns}, PRIMARY KEY (run_id, programme_id));
        CREATE TABLE programme_hashes (run_id TEXT NOT NULL REFERENCES runs(run_id), programme_id TEXT NOT NULL,
                                       hash TEXT NOT NULL, PRIMARY KEY (run_id, programme_id))
    """)
    # streamed: SQLite lets one connection read one table while writing another
    for run_id, text in db.execute("SELECT run_id, row FROM programmes_v1 ORDER BY run_id, programme_id"):
        row = typed_row(json.loads(text))
        _ensure_columns(db, row)
        _insert_row(db, run_id, row)
    db.execute("DROP TABLE programmes_v1")


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite3.Connection], None]], ...] = (
    (1, "runs, sources, programmes, id map, dates", _v1),
    (2, "typed programme rows, per-programme hashes, bounded growth", _v2),
)


class History:
    def __init__(self, path: Path, *, create: bool = True) -> None:
        """`create=False` (read-only commands): a missing file is FileNotFoundError, never a new history."""
        if not create and not path.is_file():
            raise FileNotFoundError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT, "
                        "applied_at TEXT DEFAULT CURRENT_TIMESTAMP)")
        done = {v for (v,) in self.db.execute("SELECT version FROM migrations")}
        for version, name, apply in MIGRATIONS:
            if version not in done:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    apply(self.db)
                    self.db.execute("INSERT INTO migrations (version, name) VALUES (?, ?)", (version, name))
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- reads
    def known_ids(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT source_ref, programme_id FROM id_map"))

    def dates(self) -> dict[str, tuple[str, str]]:
        return {pid: (a, b) for pid, a, b in self.db.execute("SELECT programme_id, first_seen, last_seen FROM programme_dates")}

    def published_runs(self) -> list[str]:
        return [r for (r,) in self.db.execute("SELECT run_id FROM runs WHERE status IN ('published', 'partial') ORDER BY run_id")]

    def healthy_runs(self) -> list[str]:
        """Runs published with every source fresh: status 'published' (a run with stale sources is 'partial')."""
        return [r for (r,) in self.db.execute("SELECT run_id FROM runs WHERE status = 'published' ORDER BY run_id")]

    def runs(self) -> list[dict[str, Any]]:
        cols = ("run_id", "started_at", "ended_at", "status", "exit_code", "summary")
        return [dict(zip(cols, row)) for row in self.db.execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY run_id")]

    def source_stats(self, run_id: str) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("SELECT source, records, stale, fill_rates FROM run_sources WHERE run_id = ?", (run_id,))
        return {s: {"records": n, "stale": bool(st), "fill_rates": json.loads(f)} for s, n, st, f in rows}

    def rows_of(self, run_id: str) -> list[dict[str, Any]]:
        """A run's typed rows ([] when the run was pruned to its hashes or kept none)."""
        cursor = self.db.execute("SELECT * FROM programmes WHERE run_id = ? ORDER BY programme_id", (run_id,))
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor]
        for row in rows:
            del row["run_id"]
            for name, value in row.items():  # SQLite stores booleans as 0/1
                if TYPES.get(name) == "boolean" and value is not None:
                    row[name] = bool(value)
        return rows

    def has_rows(self, run_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM programmes WHERE run_id = ? LIMIT 1", (run_id,)).fetchone() is not None

    def hashes_of(self, run_id: str) -> dict[str, str]:
        return dict(self.db.execute("SELECT programme_id, hash FROM programme_hashes WHERE run_id = ?", (run_id,)))

    def run_summaries(self) -> list[dict[str, Any]]:
        """Every run's summary (report.json as recorded), oldest first: the runs index's trends."""
        return [{"run_id": r, "status": st, "exit_code": c, **json.loads(s)}
                for r, st, c, s in self.db.execute("SELECT run_id, status, exit_code, summary FROM runs ORDER BY run_id")]

    # --------------------------------------------------------------- writes
    def record_run(self, *, run_id: str, started_at: str, ended_at: str, status: str, exit_code: int,
                   settings: Mapping[str, Any], summary: Mapping[str, Any],
                   sources: Mapping[str, Mapping[str, Any]], rows: Iterable[Mapping[str, str]] = (),
                   id_map: Mapping[str, str] | None = None, run_date: str = "", published: bool = True,
                   keep_runs: int = 0) -> None:
        """One transaction per run: a run killed before COMMIT leaves the history exactly as it was. Every run's
        rows are kept (an unpublished run's too, for `diff`); only a published run moves the dates and the id
        map. `keep_runs` > 0 prunes older runs to their summary and hashes."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (run_id, started_at, ended_at, status, exit_code, json.dumps(settings, sort_keys=True, default=str),
                             json.dumps(summary, sort_keys=True, default=str)))
            for source, stats in sources.items():
                self.db.execute("INSERT INTO run_sources VALUES (?, ?, ?, ?, ?, ?)",
                                (run_id, source, stats["records"], int(stats.get("stale", False)),
                                 json.dumps(stats.get("outcomes", {}), sort_keys=True),
                                 json.dumps(stats.get("fill_rates", {}), sort_keys=True)))
            columns_checked = False
            for row in rows:
                values = typed_row(row)
                if not columns_checked:
                    _ensure_columns(self.db, values)
                    columns_checked = True
                _insert_row(self.db, run_id, values)
                if published and row.get("stale") != "true":
                    self.db.execute(
                        "INSERT INTO programme_dates VALUES (?, ?, ?) ON CONFLICT(programme_id) DO UPDATE SET last_seen = excluded.last_seen",
                        (row["programme_id"], row["first_seen"], run_date))
            for ref, pid in (id_map or {}).items():
                self.db.execute("INSERT INTO id_map VALUES (?, ?, ?) ON CONFLICT(source_ref) DO UPDATE SET "
                                "programme_id = excluded.programme_id, last_run = excluded.last_run", (ref, pid, run_id))
            if keep_runs > 0:
                self.db.execute("DELETE FROM programmes WHERE run_id IN (SELECT run_id FROM runs ORDER BY run_id "
                                "DESC LIMIT -1 OFFSET ?)", (keep_runs,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
