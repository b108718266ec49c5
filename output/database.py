"""programmes.sqlite: one run as a SQLite database with typed columns, for datasette (`datasette
programmes.sqlite`) and DuckDB (`ATTACH 'programmes.sqlite' (TYPE sqlite)`). Tables: programmes (the CSV's
columns, typed as the field specification says), conflicts, review, changes, runs (the history's runs up to and
including this one). Declared types: INTEGER, REAL, BOOLEAN (0/1), DATE (ISO text), TEXT."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from output.diff import CONTEXT
from output.typed import SQL_TYPES, TYPES, cell, typed_row


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(db: sqlite3.Connection, name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]],
           key: Sequence[str] = ()) -> None:
    spec = ", ".join(f"{_quote(c)} {t}" for c, t in columns)
    if key:
        spec += f", PRIMARY KEY ({', '.join(map(_quote, key))})"
    db.execute(f"CREATE TABLE {_quote(name)} ({spec})")
    db.executemany(f"INSERT INTO {_quote(name)} VALUES ({', '.join('?' * len(columns))})", rows)


def write_database(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]],
                   conflicts: Iterable[Mapping[str, str]], review: Iterable[Mapping[str, str]],
                   diff: Mapping[str, Any], runs: Iterable[Mapping[str, Any]]) -> None:
    """Written to a fresh file, rows streamed (executemany over generators)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        with db:
            _table(db, "programmes", [(c, SQL_TYPES[TYPES.get(c, "string")]) for c in columns],
                   ([typed.get(c) for c in columns] for typed in map(typed_row, rows)), key=["programme_id"])
            _table(db, "conflicts", [(c, "TEXT") for c in ("programme_id", "field", "source", "value", "chosen", "rule")],
                   ((r["programme_id"], r["field"], r["source"], r["value"], r["chosen"], r["rule"]) for r in conflicts))
            _table(db, "review", [("left", "TEXT"), ("right", "TEXT"), ("score", "REAL"), ("title_similarity", "REAL"),
                                  ("left_title", "TEXT"), ("right_title", "TEXT"), ("reasons", "TEXT")],
                   ((r["left"], r["right"], float(r["score"]), float(r["title_similarity"]), r["left_title"],
                     r["right_title"], r["reasons"]) for r in review))
            _table(db, "changes", [("programme_id", "TEXT"), *((c, "TEXT") for c in CONTEXT), ("change", "TEXT"),
                                   ("field", "TEXT"), ("old", "TEXT"), ("new", "TEXT")], _changes(diff))
            _table(db, "runs", [("run_id", "TEXT"), ("started_at", "TEXT"), ("status", "TEXT"), ("exit_code", "INTEGER"),
                                ("programmes", "INTEGER"), ("added", "INTEGER"), ("removed", "INTEGER"),
                                ("changed", "INTEGER"), ("summary", "TEXT")],
                   ((r["run_id"], r.get("started_at"), r.get("status"), r.get("exit_code"), r.get("programmes"),
                     *(r.get("changes", {}).get(k) for k in ("added", "removed", "changed")),
                     json.dumps(r, sort_keys=True, default=str)) for r in runs), key=["run_id"])
            db.execute("CREATE INDEX conflicts_programme ON conflicts (programme_id)")
            db.execute("CREATE INDEX changes_programme ON changes (programme_id)")
    finally:
        db.close()


def _changes(diff: Mapping[str, Any]) -> Iterable[tuple[Any, ...]]:
    for kind in ("added", "removed"):
        for r in diff[kind]:
            yield (r["programme_id"], *(cell(r.get(c)) for c in CONTEXT), kind, None, None, None)
    for c in diff["changed"]:
        context = [cell(c["changes"][x][1]) if x in c["changes"] else cell(c.get("unchanged", {}).get(x)) for x in CONTEXT]
        for field, (old, new) in sorted(c["changes"].items()):
            yield (c["key"], *context, "changed", field, cell(old), cell(new))
