"""programmes.parquet: the CSV's columns with Arrow types from the field specification (string, int64, float64,
bool, date32), written in row groups so memory stays bounded. pyarrow is imported here only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from output.typed import TYPES, typed_row

BATCH = 50_000


def arrow_schema(columns: Sequence[str]) -> Any:
    import pyarrow as pa

    kinds = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "date": pa.date32(), "datetime": pa.timestamp("ms", tz="UTC")}  # Parquet has no seconds unit
    return pa.schema([pa.field(c, kinds[TYPES.get(c, "string")]) for c in columns])


def _value(kind: str, value: Any) -> Any:
    """A cell that does not have its column's type (never written by us) is left empty, not guessed."""
    if value is None:
        return None
    if kind in ("date", "datetime"):
        try:
            return (date if kind == "date" else datetime).fromisoformat(value)
        except (TypeError, ValueError):
            return None
    expected: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "number": (int, float), "boolean": bool}
    if not isinstance(value, expected[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
        return None
    return value


def write_parquet(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(columns)
    kinds = [TYPES.get(c, "string") for c in columns]
    iterator = iter(rows)
    with pq.ParquetWriter(path, schema) as writer:
        first = True
        while True:
            batch = [typed_row(r) for r in islice(iterator, BATCH)]
            if batch or first:  # an empty run still gets its schema
                arrays = [pa.array([_value(k, r.get(c)) for r in batch], type=schema.field(c).type)
                          for c, k in zip(columns, kinds)]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            first = False
            if len(batch) < BATCH:
                break
