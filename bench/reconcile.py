"""Reconcile benchmark: normalise + link + merge at 10^4, 10^5, 10^6 generated records, time and peak memory,
growth per decade, pairwise precision/recall/F1 against the generator's truth; splink 5 (DuckDB) beside it at
10^4 and 10^5 on the same records. Each size runs in its own process so peak RSS belongs to that size.
Beside them, precision/recall/F1 on bench/realgen.py at 10^4 and 10^5: real linking-dev clusters recombined with
real subjects and universities, so the truth does not come from the linker's own vocabulary."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure_ours(n: int) -> dict:
    from bench.generate import stream
    from normalize.evaluate import pair_scores, truth_pairs
    from normalize.link import link_records
    from normalize.reconcile import merge_linked
    from programme_scout.gcpause import collector_paused
    from normalize.record import normalize_record

    start = time.perf_counter()
    generated = sum(1 for _ in stream(n, {}))
    generate_s = time.perf_counter() - start
    as_of = date(2026, 11, 24)
    with collector_paused():
        t0 = time.perf_counter()
        records = [normalize_record(r, as_of=as_of) for r in stream(n, {})]
        t1 = time.perf_counter()
        link = link_records(records)
        t2 = time.perf_counter()
        by_ref = {r.ref: r for r in records}
        del records  # source records are let go as their programme is merged (as reconcile_consuming does)
        programmes = merge_linked(by_ref, link, release=True)
        t3 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the benchmark's own truth table
    count = len(programmes)
    del programmes
    truth: dict[str, str] = {}
    for _ in stream(n, truth):  # the same records again (deterministic), now only for their labels
        pass
    scores = pair_scores(link.clusters, truth_pairs(truth))
    return {"records": generated, "programmes": count, "generate_s": generate_s,
            "normalise_s": t1 - t0 - generate_s, "link_s": t2 - t1, "merge_s": t3 - t2,
            "total_s": t3 - t0 - generate_s, "peak_rss_mb": peak_mb,
            "precision": scores["precision"], "recall": scores["recall"], "f1": scores["f1"]}


def measure_parallel(n: int, workers: int) -> dict:
    """The same records reconciled on `workers` processes (normalize.parallel): each process reads the raw
    stream itself and keeps its partition, so the time includes that reading. Peak memory is the sum of the
    processes' peaks."""
    from bench.generate import stream
    from normalize.evaluate import pair_scores, truth_pairs
    from normalize.parallel import reconcile_parallel
    from programme_scout.gcpause import collector_paused

    start = time.perf_counter()
    with collector_paused():
        result = reconcile_parallel(lambda: stream(n, {}), as_of=date(2026, 11, 24), workers=workers,
                                    expected_records=n, keep_source_records=False)
    elapsed = time.perf_counter() - start
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_mb = parent_mb + worker_mb
    count = len(result.programmes)
    result.programmes.clear()
    truth: dict[str, str] = {}
    for _ in stream(n, truth):
        pass
    scores = pair_scores(result.link.clusters, truth_pairs(truth))
    return {"records": n, "programmes": count, "total_s": elapsed, "peak_rss_mb": peak_mb, "workers": workers,
            "parent_peak_mb": parent_mb, "worker_peak_mb": worker_mb,
            "precision": scores["precision"], "recall": scores["recall"], "f1": scores["f1"]}


def measure_splink(n: int) -> dict:
    """splink 5 on DuckDB, linking the same normalised records: blocking and comparisons chosen to be fair to it
    (the same three university + title-word blocking rules as ours; comparisons on the title as our linker normalises
it, university, degree, duration and city), trained the usual way (prior from a deterministic rule, u by
sampling, m by two EM passes that between them train every comparison), clustered at match probability 0.5."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from bench.generate import stream
    from normalize.evaluate import pair_scores, truth_pairs
    from normalize.link import features
    from normalize.record import normalize_record

    truth: dict[str, str] = {}
    records = [normalize_record(r, as_of=date(2026, 11, 24)) for r in stream(n, truth)]
    rows = []
    for r in records:
        f = features(r)
        rows.append({"unique_id": r.ref, "source_dataset": r.source, "title": f.title,
                     "first_word": f.words[0] if f.words else None, "last_word": f.words[-1] if f.words else None,
                     "university": f.university, "country": f.country, "degree": r.degree,
                     "duration": r.duration_months, "city": (r.city or "").lower() or None})
    start = time.perf_counter()
    api = DuckDBAPI()
    tables = [api.register(pa.Table.from_pylist([row for row in rows if row["source_dataset"] == s]), table_name=s)
              for s in ("studyportals", "topuniversities", "masterstudies")]
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("university", "country", "title"), block_on("university", "country", "first_word"),
            block_on("university", "country", "last_word")],
        comparisons=[cl.ExactMatch("title"), cl.ExactMatch("university"), cl.ExactMatch("degree"),
                     cl.ExactMatch("duration"), cl.ExactMatch("city")],
    )
    linker = Linker(tables, settings)
    linker.training.estimate_probability_two_random_records_match([block_on("university", "country", "title")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("university", "first_word"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("title", "duration"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5)
    table = clusters.as_duckdbpyrelation().fetchall()
    columns = [c for c in clusters.as_duckdbpyrelation().columns]
    elapsed = time.perf_counter() - start
    groups: dict[str, list[str]] = {}
    cid, uid = columns.index("cluster_id"), columns.index("unique_id")
    for row in table:
        groups.setdefault(row[cid], []).append(row[uid])
    scores = pair_scores(list(groups.values()), truth_pairs(truth))
    return {"records": len(records), "total_s": elapsed, "precision": scores["precision"], "recall": scores["recall"],
            "f1": scores["f1"], "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_real(n: int) -> dict:
    """Our reconciler on the real-data generator (bench/realgen.py); skipped, with the reason, without /work/shared."""
    from bench import realgen

    reason = realgen.available()
    if reason:
        return {"skipped": reason}
    start = time.perf_counter()
    result = realgen.measure(n)
    result["total_s"] = time.perf_counter() - start
    return result


def real_table(sizes: tuple[int, ...] = (10_000, 100_000)) -> str:
    lines = ["Real-data generator (bench/realgen.py: linking-dev clusters' printed variants, real subjects and "
             "universities; generate + normalise + link + merge):", "",
             "| records | programmes | clusters | P | R | F1 | false merges | missed links | s |", "|" + "---|" * 9]
    for n in sizes:
        r = in_subprocess("real", n)
        if "skipped" in r or "error" in r:
            lines.append(f"| {n:,} | {r.get('skipped') or 'error: ' + r['error']} |" + " |" * 7)
            continue
        lines.append(f"| {r['records']:,} | {r['programmes']:,} | {r['clusters']:,} | {r['precision']:.4f} | "
                     f"{r['recall']:.4f} | {r['f1']:.4f} | {r['false_merges']:,} | {r['missed_links']:,} | "
                     f"{r['total_s']:.1f} |")
    return "\n".join(lines)


def in_subprocess(kind: str, n: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.reconcile", kind, str(n)], capture_output=True, text=True,
                          cwd=ROOT, timeout=3600)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000), splink_sizes: tuple[int, ...] = (10_000, 100_000)) -> str:
    ours = {n: in_subprocess("ours", n) for n in sizes}
    both = {n: in_subprocess("parallel", n) for n in sizes}
    theirs = {n: in_subprocess("splink", n) for n in splink_sizes}
    lines = ["One core, by stage, then two cores (normalize.parallel, partitioned by university; below 20,000 records "
             "per worker it stays on one core). Peak RSS on two cores is the sum of both processes.", "",
             "| records | programmes | normalise s | link s | merge s | 1 core s | growth ×/decade | 1 core peak MB "
             "| 2 cores s | 2 cores peak MB (parent + worker) | P | R | F1 | splink s | splink F1 |", "|" + "---|" * 15]
    previous = None
    for n in sizes:
        r, p, s = ours[n], both[n], theirs.get(n, {})
        if "error" in r or "error" in p:
            lines.append(f"| {n:,} | error: {r.get('error') or p.get('error')} |" + " |" * 13)
            continue
        growth = f"{r['total_s'] / previous:.1f}" if previous else "–"
        previous = r["total_s"]
        splink_cols = (f"{s['total_s']:.1f} | {s['f1']:.4f}" if s and "error" not in s
                       else (f"error: {s['error'][:60]} | –" if s else "– | –"))
        assert (p["precision"], p["recall"]) == (r["precision"], r["recall"]), (p, r)  # same linkage either way
        lines.append(f"| {r['records']:,} | {r['programmes']:,} | {r['normalise_s']:.1f} | {r['link_s']:.1f} | "
                     f"{r['merge_s']:.1f} | {r['total_s']:.1f} | {growth} | {r['peak_rss_mb']:,.0f} | {p['total_s']:.1f} | "
                     f"{p['peak_rss_mb']:,.0f} ({p['parent_peak_mb']:,.0f} + {p['worker_peak_mb']:,.0f}) | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {splink_cols} |")
    return "\n".join(lines) + "\n\n" + real_table(splink_sizes)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        kind, n = sys.argv[1], int(sys.argv[2])
        result = {"ours": lambda: measure_ours(n), "parallel": lambda: measure_parallel(n, 2),
                  "splink": lambda: measure_splink(n), "real": lambda: measure_real(n)}[kind]()
        print(json.dumps(result))
    else:
        print(run())
