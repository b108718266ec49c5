"""Run history in embedded SQLite (WAL): runs, per-source counts, canonical rows, and the source-key → id map
that keeps programme ids stable. Migrations are a registry of small functions recorded in a table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any


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


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite3.Connection], None]], ...] = (
    (1, "runs, sources, programmes, id map, dates", _v1),
)


class History:
    def __init__(self, path: Path) -> None:
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

    def runs(self) -> list[dict[str, Any]]:
        cols = ("run_id", "started_at", "ended_at", "status", "exit_code", "summary")
        return [dict(zip(cols, row)) for row in self.db.execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY run_id")]

    def source_stats(self, run_id: str) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("SELECT source, records, stale, fill_rates FROM run_sources WHERE run_id = ?", (run_id,))
        return {s: {"records": n, "stale": bool(st), "fill_rates": json.loads(f)} for s, n, st, f in rows}

    def rows_of(self, run_id: str) -> list[dict[str, str]]:
        return [json.loads(r) for (r,) in self.db.execute(
            "SELECT row FROM programmes WHERE run_id = ? ORDER BY programme_id", (run_id,))]

    # --------------------------------------------------------------- writes
    def record_run(self, *, run_id: str, started_at: str, ended_at: str, status: str, exit_code: int,
                   settings: Mapping[str, Any], summary: Mapping[str, Any],
                   sources: Mapping[str, Mapping[str, Any]], rows: Iterable[Mapping[str, str]] = (),
                   id_map: Mapping[str, str] | None = None, run_date: str = "") -> None:
        """One transaction per run: a run killed before COMMIT leaves the history exactly as it was."""
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
            for row in rows:
                self.db.execute("INSERT INTO programmes VALUES (?, ?, ?)",
                                (run_id, row["programme_id"], json.dumps(row, sort_keys=True)))
                if row.get("stale") != "true":
                    self.db.execute(
                        "INSERT INTO programme_dates VALUES (?, ?, ?) ON CONFLICT(programme_id) DO UPDATE SET last_seen = excluded.last_seen",
                        (row["programme_id"], row["first_seen"], run_date))
            for ref, pid in (id_map or {}).items():
                self.db.execute("INSERT INTO id_map VALUES (?, ?, ?) ON CONFLICT(source_ref) DO UPDATE SET "
                                "programme_id = excluded.programme_id, last_run = excluded.last_run", (ref, pid, run_id))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
