"""Linking measured on labelled listings: records.csv + truth.csv (the layout of ../shared/real/linking-dev) through
the whole reconciler (normalise, link, merge), scored pair by pair against the truth: precision, recall, F1, and
every false merge and missed link with the linker's reason. Behind `programme-scout link-eval` and `make eval`:
`evaluate_linking()` returns plain data, `render()` turns it into text."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import Any

from normalize.evaluate import pair_errors, pair_scores, truth_pairs
from normalize.link import LinkSettings, features, score_features
from normalize.reconcile import reconcile
from scrapers.records import RawRecord

AS_OF = date(2026, 1, 1)  # fixed, as the reference checker: the records normalise the same way every day
MODE_TEXT = {"on_campus": "On Campus", "online": "Online", "blended": "Blended"}
PACE_TEXT = {"full_time": "Full-time", "part_time": "Part-time"}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _language_name(code: str) -> str:
    import pycountry

    language = pycountry.languages.get(alpha_2=code.lower())
    return language.name if language else code


def raw_fields(row: dict[str, str]) -> dict[str, list[str]]:
    """The strings a scraper would have read off the page for this listing (as the reference checker builds them:
    typed columns given back as text, "12 months", "On Campus", "Full-time", "English")."""
    fields: dict[str, list[str]] = {}

    def put(name: str, value: str) -> None:
        if value:
            fields.setdefault(name, []).append(value)

    put("title", row["title"])
    put("university", row["university"])
    put("location", ", ".join(part for part in (row["city"], row["country"]) if part))
    put("degree", row["degree"])
    put("level", row["level"])
    if row["duration_months"]:
        put("duration", f"{row['duration_months']} months" + (" part-time" if row["pace"] == "part_time" else ""))
    if row["ects"]:
        put("credits", f"{row['ects']} ECTS")
    put("mode", MODE_TEXT.get(row["study_mode"], row["study_mode"]))
    put("pace", PACE_TEXT.get(row["pace"], row["pace"]))
    if row["languages"]:
        put("languages", ", ".join(_language_name(code.strip()) for code in row["languages"].replace(";", ",").split(",")
                                   if code.strip()))
    return fields


def load(records_csv: Path, truth_csv: Path) -> tuple[list[RawRecord], dict[str, str]]:
    """Raw records and their labels (ref → programme); ValueError on a record without a label or a repeated key."""
    labels = {f"{t['source']}:{t['source_key']}": t["programme"] for t in _read(truth_csv)}
    raw = []
    for row in _read(records_csv):
        ref = f"{row['source']}:{row['source_key']}"
        if ref not in labels:
            raise ValueError(f"{ref} has no label in {truth_csv}")
        raw.append(RawRecord(source=row["source"], source_key=row["source_key"],
                             url=row.get("evidence", "").split()[0] if row.get("evidence") else "",
                             fetched_at="", content_hash="", fields=raw_fields(row)))
    if len({f"{r.source}:{r.source_key}" for r in raw}) != len(raw):
        raise ValueError(f"{records_csv} repeats a (source, source_key)")
    return raw, labels


def evaluate_linking(records_csv: Path | str, truth_csv: Path | str,
                     settings: LinkSettings | None = None) -> dict[str, Any]:
    """Precision, recall, F1, counts, and every false merge and missed link with its reason, as plain data."""
    settings = settings or LinkSettings()
    raw, labels = load(Path(records_csv), Path(truth_csv))
    reconciled = reconcile(raw, as_of=AS_OF, link_settings=settings)
    link = reconciled.link
    by_ref = {r.ref: r for r in reconciled.source_records}
    scores = pair_scores(link.clusters, truth_pairs(labels))
    # every wrong pair explained by the linker's own comparison (scored here again: the review holds only a share)
    wrong = scores["false_positives"] + scores["false_negatives"]
    explained: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for pair in link.review:
        explained[tuple(sorted((pair.left, pair.right)))] = (pair.score, list(pair.reasons))  # type: ignore[index]
    for left, right in wrong:
        if (left, right) not in explained:
            scored = score_features(features(by_ref[left]), features(by_ref[right]), settings)
            if scored is not None:
                explained[(left, right)] = (scored.score, list(scored.reasons) or
                                            (["below the match threshold"] if scored.score < settings.match_threshold
                                             else []))
    errors = pair_errors(link.clusters, labels, explained)

    def describe(ref: str) -> str:
        r = by_ref[ref]
        extra = ", ".join(str(x) for x in (r.degree, r.level, r.duration_months, r.study_mode, r.city) if x)
        return f"{ref} [{r.title} | {r.university} | {r.country or '?'}{' | ' + extra if extra else ''}]"

    for kind in ("false_merges", "missed_links"):
        for row in errors[kind]:
            row["left_record"], row["right_record"] = describe(row["left"]), describe(row["right"])
    return {"records": len(raw), "programmes": len(set(labels.values())), "clusters": len(link.clusters),
            "truth_pairs": len(truth_pairs(labels)), "linked_pairs": scores["true_positives"] + len(scores["false_positives"]),
            "precision": scores["precision"], "recall": scores["recall"], "f1": scores["f1"],
            "review_pairs": len(link.review), "settings": settings.to_dict(), **errors}


def render(result: dict[str, Any]) -> str:
    lines = [f"truth pairs {result['truth_pairs']}, linked pairs {result['linked_pairs']}, "
             f"clusters {result['clusters']} (truth {result['programmes']}), review pairs {result['review_pairs']}"]
    for kind, word in (("false_merges", "FALSE MERGE"), ("missed_links", "MISSED")):
        lines.append(f"{kind.replace('_', ' ')}: {len(result[kind])}")
        for row in result[kind]:
            score = "" if row["score"] is None else f"score {row['score']}, "
            lines.append(f"{word} {row['left_label']} / {row['right_label']}: {row['left_record']} + "
                         f"{row['right_record']} ({score}{row['reason']})")
    lines.append(f"linking: precision {result['precision']:.4f} recall {result['recall']:.4f} F1 {result['f1']:.4f} "
                 f"({result['records']} records, {result['programmes']} programmes)")
    return "\n".join(lines)
