"""Linking on real listings (../shared/real/linking-dev): ours through `programme_scout.linkeval`, and splink 5
beside it. `python -m bench.linking [--splink] [RECORDS.csv TRUTH.csv]` prints both; `section()` is make eval's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from normalize.evaluate import pair_scores, truth_pairs
from normalize.link import features
from programme_scout.linkeval import AS_OF, evaluate_linking, load, render

DEV = Path(__file__).resolve().parents[2] / "shared" / "real" / "linking-dev"


def section(root: Path = DEV) -> str:
    """make eval's linking section: the figures, then every false merge and missed link."""
    result = evaluate_linking(root / "records.csv", root / "truth.csv")
    table = ("| set | records | programmes | linked pairs | precision | recall | F1 | false merges | missed links |\n"
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
             f"| linking-dev | {result['records']} | {result['programmes']} | {result['linked_pairs']} | "
             f"{result['precision']:.4f} | {result['recall']:.4f} | {result['f1']:.4f} | {len(result['false_merges'])} | "
             f"{len(result['missed_links'])} |")
    return f"### Linking ({root.name})\n\n{table}\n{_splink_rows(root)}\n\n```\n{render(result)}\n```"


def _splink_rows(root: Path) -> str:
    """splink 5 beside ours, when the bench extra is installed (`make bench` installs it)."""
    try:
        import splink  # noqa: F401
    except ImportError:
        return "\nsplink 5 not installed here (`make bench` installs the bench extra): its rows are left out."
    import logging
    import warnings

    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            for name, evaluate in (("splink 5, raw fields", evaluate_splink_raw),
                                   ("splink 5, our normalised fields and blocking", evaluate_splink)):
                for threshold in (0.5, 0.9):
                    r = evaluate(root / "records.csv", root / "truth.csv", threshold)
                    rows.append(f"| {name}, match probability {threshold} | | | | {r['precision']:.4f} | "
                                f"{r['recall']:.4f} | {r['f1']:.4f} | {r['false_merges']} | {r['missed_links']} |")
        finally:
            logging.disable(logging.NOTSET)
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    """`python -m bench.linking [--splink] [RECORDS.csv TRUTH.csv]` (the splink extra: `pip install 'splink>=5'`)."""
    with_splink = "--splink" in argv
    paths = [a for a in argv if a != "--splink"]
    records, truth = (Path(paths[0]), Path(paths[1])) if len(paths) == 2 else (DEV / "records.csv", DEV / "truth.csv")
    result = evaluate_linking(records, truth)
    print(render(result))
    if with_splink:
        for threshold in (0.5, 0.9):
            theirs = evaluate_splink_raw(records, truth, threshold)
            print(f"splink 5 on raw fields at match probability {threshold}: precision {theirs['precision']:.4f} "
                  f"recall {theirs['recall']:.4f} F1 {theirs['f1']:.4f}")
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
    return _scored_clusters(linker, threshold, labels)


def evaluate_splink_raw(records_csv: Path | str, truth_csv: Path | str, threshold: float = 0.5) -> dict[str, Any]:
    """splink 5 (DuckDB) as its documentation recommends, on the listings' raw fields (titles and university names
    as printed, lower-cased; nothing of our normaliser or linker): blocking on the printed title, the printed
    university and a title prefix within a country; Jaro-Winkler levels for title and university with
    term-frequency adjustments; exact levels for degree, level, country, city and study mode; prior from a
    deterministic rule, u by random sampling, m by EM on two blockings; clustered at `threshold`."""
    import csv

    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    with open(records_csv, encoding="utf-8", newline="") as handle:
        listings = list(csv.DictReader(handle))
    with open(truth_csv, encoding="utf-8", newline="") as handle:
        labels = {f"{t['source']}:{t['source_key']}": t["programme"] for t in csv.DictReader(handle)}

    def text(value: str | None) -> str | None:
        return " ".join((value or "").lower().split()) or None

    rows = [{"unique_id": f"{r['source']}:{r['source_key']}", "title": text(r["title"]),
             "title_prefix": (text(r["title"]) or "")[:6] or None, "university": text(r["university"]),
             "degree": text(r["degree"]), "level": text(r["level"]), "city": text(r["city"]),
             "country": text(r["country"]), "study_mode": text(r["study_mode"])} for r in listings]
    api = DuckDBAPI()
    table = api.register(pa.Table.from_pylist(rows), table_name="listings")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("title"), block_on("university"),
                                                block_on("title_prefix", "country")],
        comparisons=[cl.JaroWinklerAtThresholds("title", [0.95, 0.88, 0.7]).configure(term_frequency_adjustments=True),
                     cl.JaroWinklerAtThresholds("university", [0.95, 0.85]).configure(term_frequency_adjustments=True),
                     cl.ExactMatch("degree"), cl.ExactMatch("level"), cl.ExactMatch("country"), cl.ExactMatch("city"),
                     cl.ExactMatch("study_mode")],
    )
    linker = Linker(table, settings)
    linker.training.estimate_probability_two_random_records_match([block_on("title", "university")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("university"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("title"))
    return _scored_clusters(linker, threshold, labels)


def _scored_clusters(linker: Any, threshold: float, labels: dict[str, str]) -> dict[str, Any]:
    """A trained splink linker's clusters at `threshold`, scored pair by pair against the truth."""
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
