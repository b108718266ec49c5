"""CSV cells ↔ typed values, by the column's Table Schema type (from the field specification). The typed outputs
(history, programmes.sqlite, Parquet, xlsx, `programme_scout.load`) and the history diff use these, so a value
is compared as a number or a date, never as its rendering ("1100" and "1100.0" are one value).

Text keeps the CSV's spreadsheet neutralisation (a leading `'` before `=`, `+`, `-`, `@`): every output shows the
same text."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from output.columns import BOOKKEEPING_COLUMNS, COLUMNS

TYPES: dict[str, str] = {c.name: c.table_type for c in COLUMNS}
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "BOOLEAN", "date": "DATE",
             "datetime": "TEXT"}  # ISO 8601 text: SQLite's own way with times


def typed(kind: str, cell: str | None) -> Any:
    """One CSV cell as its type; the empty cell is None. A cell that does not parse stays text (never guessed)."""
    if cell is None or cell == "":
        return None
    try:
        if kind == "integer":
            return int(cell)
        if kind == "number":
            return float(cell)
        if kind == "boolean":
            return {"true": True, "false": False}[cell]
    except (ValueError, KeyError):
        return cell
    return cell  # string; date stays ISO text here (SQLite and JSON have no date type; Parquet converts)


def typed_row(row: Mapping[str, str]) -> dict[str, Any]:
    return {name: typed(TYPES.get(name, "string"), cell) for name, cell in row.items()}


def cell(value: Any) -> str:
    """A typed value back to its CSV text (as output.tables writes it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def text_row(row: Mapping[str, Any]) -> dict[str, str]:
    return {name: cell(value) for name, value in row.items()}


def row_hash(row: Mapping[str, Any], ignore: Iterable[str] = BOOKKEEPING_COLUMNS) -> str:
    """What a pruned run keeps per programme: equal hashes mean no change (bookkeeping columns left out)."""
    skip = set(ignore)
    text = json.dumps({k: cell(v) for k, v in sorted(row.items()) if k not in skip}, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
