"""Linking on real listings: records.csv + truth.csv (the layout of /work/shared/real/linking-dev) through the
project's own reconciler, scored pair by pair against the truth: precision, recall, F1, and every false merge and
missed link with the linker's reason. `python -m bench.linking [RECORDS.csv TRUTH.csv]` prints it;
`evaluate_linking()` returns plain data (for `programme-scout link-eval`) and `render()` turns it into text."""

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
DEV = Path("/work/shared/real/linking-dev")
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


def main(argv: list[str]) -> int:
    """`python -m bench.linking [--splink] [RECORDS.csv TRUTH.csv]` (the splink extra: `pip install 'splink>=5'`)."""
    with_splink = "--splink" in argv
    paths = [a for a in argv if a != "--splink"]
    records, truth = (Path(paths[0]), Path(paths[1])) if len(paths) == 2 else (DEV / "records.csv", DEV / "truth.csv")
    result = evaluate_linking(records, truth)
    print(render(result))
    if with_splink:
        for threshold in (0.5, 0.9):
            theirs = evaluate_splink(records, truth, threshold)
            print(f"splink 5 at match probability {threshold}: precision {theirs['precision']:.4f} recall "
                  f"{theirs['recall']:.4f} F1 {theirs['f1']:.4f} ({theirs['false_merges']} false merges, "
                  f"{theirs['missed_links']} missed links)")
    return 0 if result["precision"] == 1.0 and result["recall"] >= 0.95 else 1



def evaluate_splink(records_csv: Path | str, truth_csv: Path | str, threshold: float = 0.5) -> dict[str, Any]:
    """splink 5 (DuckDB) on the same records, for comparison: our normaliser's fields and title normalisation
    (so only the linking differs), blocking on the resolved university plus title words as ours, comparisons on
    the title (Jaro-Winkler levels), award, level, city, country and study mode, trained the usual way (prior
    from a deterministic rule, u by random sampling, m by EM on two blockings), deduplicated in one table (a
    portal's duplicate listings are linked in the truth), clustered at `threshold`."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from normalize.record import normalize_record

    raw, labels = load(Path(records_csv), Path(truth_csv))
    rows = []
    for record in (normalize_record(r, as_of=AS_OF) for r in raw):
        f = features(record)
        rows.append({"unique_id": record.ref, "title": f.title or None, "university": f.university or None,
                     "first_word": f.words[0] if f.words else None, "last_word": f.words[-1] if f.words else None,
                     "degree": f.degree, "level": f.level, "city": f.city, "country": f.country or None,
                     "study_mode": f.study_mode, "edition": ",".join(sorted(f.edition)) or None})
    api = DuckDBAPI()
    table = api.register(pa.Table.from_pylist(rows), table_name="records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("university", "title"), block_on("university", "first_word"),
                                                block_on("university", "last_word")],
        comparisons=[cl.JaroWinklerAtThresholds("title", [0.98, 0.9, 0.8]), cl.ExactMatch("degree"),
                     cl.ExactMatch("level"), cl.ExactMatch("city"), cl.ExactMatch("country"),
                     cl.ExactMatch("study_mode"), cl.ExactMatch("edition")],
    )
    linker = Linker(table, settings)
    linker.training.estimate_probability_two_random_records_match([block_on("university", "title")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("university", "first_word"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("university", "last_word"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    relation = clusters.as_duckdbpyrelation()
    columns = list(relation.columns)
    groups: dict[str, list[str]] = {}
    for row in relation.fetchall():
        groups.setdefault(row[columns.index("cluster_id")], []).append(row[columns.index("unique_id")])
    scores = pair_scores(list(groups.values()), truth_pairs(labels))
    return {"precision": scores["precision"], "recall": scores["recall"], "f1": scores["f1"],
            "false_merges": len(scores["false_positives"]), "missed_links": len(scores["false_negatives"])}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
