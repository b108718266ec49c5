"""Canonical records → flat rows of the CSV columns; CSV writing with spreadsheet-injection neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from normalize.models import CanonicalRecord
from output.columns import COLUMN_NAMES

LIST_SEPARATOR = "; "
# A cell starting with one of these is read as a formula by spreadsheets; we prefix a single quote (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Negative numbers are written by us as numbers, not text, and never reach here as strings."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        return text
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return neutralise(LIST_SEPARATOR.join(_cell(v) for v in value))
    if isinstance(value, dict):
        return neutralise(LIST_SEPARATOR.join(f"{k}={_cell(v)}" for k, v in sorted(value.items())))
    return neutralise(str(value))


def programme_row(p: CanonicalRecord, *, first_seen: str, last_seen: str) -> dict[str, str]:
    values: dict[str, Any] = {name: getattr(p, name, None) for name in COLUMN_NAMES}
    values.update(
        n_conflicts=len(p.conflicts),
        flags=[f.short() for f in p.flags], first_seen=first_seen, last_seen=last_seen, stale=p.stale,
        source_urls=p.source_urls, sources=p.sources,
    )
    return {name: _cell(values[name]) for name in COLUMN_NAMES}


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in columns})


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
