"""Publishing a run: its files, the change report, the drift guard, the history commit, then an atomic swap of
data/latest.

`data/latest` is a symlink to `runs/<run_id>`; it is replaced with rename(2), so a reader (or a run killed at
any moment) sees either the old run or the new one, never a half-written directory. The history transaction is
the commit point (see output.build.recover)."""

from __future__ import annotations

import logging
import os
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from normalize.exchange import rate_date
from normalize.fields import VALUE_FIELDS
from normalize.link import review_summary
from normalize.models import SourceRecord
from normalize.reconcile import Reconciled
from output.columns import COLUMN_NAMES
from output.database import write_database
from output.diff import compare, counts, render_summary, write_changes
from output.files import conflict_rows, review_rows, write_run_files
from output.history import History
from output.report import write_index, write_report
from output.parquet import write_parquet
from output.tables import programme_row, read_csv
from output.xlsx import write_xlsx
from programme_scout.settings import PublishSettings, Settings
from scrapers.records import CrawlResult, RawRecord

if TYPE_CHECKING:
    from output.build import RunBuild

log = logging.getLogger("programme_scout")

EXIT_OK, EXIT_DRIFT, EXIT_STALE = 0, 3, 4
REVIEW_IN_REPORT = 50  # the best uncertain pairs shown in the report and history; review.csv holds them all
PAGE_OUTCOMES = ("ok", "not_modified", "blocked", "failed", "not_found", "robots_disallowed")


class RunFailed(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Outcome:
    published: bool
    stale_sources: dict[str, str]
    report: dict[str, Any]


def fill_rates(records: Sequence[SourceRecord]) -> dict[str, float]:
    if not records:
        return {}
    return {field: round(100.0 * sum(1 for r in records if getattr(r, field) not in (None, [], {})) / len(records), 1)
            for field in VALUE_FIELDS}


def _review(reconciled: Reconciled, titles: Mapping[str, str]) -> dict[str, Any]:
    """Bounded whatever the run's size (normalize.link.review_summary), with the titles a person reads."""
    summary = review_summary(reconciled.link, REVIEW_IN_REPORT)
    for pair in summary["top"]:
        pair["left_title"], pair["right_title"] = titles.get(pair["left"], ""), titles.get(pair["right"], "")
        pair["reasons"] = "; ".join(pair["reasons"])
    return summary


def describe_drift(drift: Sequence[Mapping[str, Any]], most: int = 3) -> str:
    """"studyportals records 10 → 5; masterstudies duration_months fill 100 → 0 %": why a run was held back."""
    lost = {d["source"] for d in drift if d["field"] == "(records)"}  # its fill rates fell with its records
    parts = [f"{d['source']} records {d['before']} → {d['after']}" if d["field"] == "(records)"
             else f"{d['source']} {d['field']} fill {d['before']:g} → {d['after']:g} %"
             for d in drift if d["field"] == "(records)" or d["source"] not in lost]
    return "; ".join(parts[:most]) + (f"; and {len(parts) - most} more" if len(parts) > most else "")


def csv_fill_rates(rows: Sequence[Mapping[str, str]], columns: Sequence[str]) -> dict[str, float]:
    """Share of non-empty cells per column of the published CSV (percent)."""
    if not rows:
        return {c: 0.0 for c in columns}
    return {c: round(100.0 * sum(1 for r in rows if r.get(c, "") != "") / len(rows), 1) for c in columns}


def history_summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report as the history keeps it: bounded whatever the crawl's size (report.json keeps every error)."""
    errors = report.get("errors", [])
    return {**report, "errors": errors[:REVIEW_IN_REPORT], "errors_total": len(errors)}


def optional_output(name: str, write: Any, *args: Any) -> None:
    """Parquet and xlsx need pyarrow and openpyxl; without them (or past a worksheet's row limit) the run still
    publishes, and says so."""
    try:
        write(*args)
    except ImportError as exc:
        log.warning("%s not written: %s (pip install pyarrow openpyxl)", name, exc)
    except OverflowError as exc:
        args[0].unlink(missing_ok=True)
        log.warning("%s not written: %s", name, exc)


def crawl_summary(result: CrawlResult) -> dict[str, Any]:
    """What the frontier did for a source this run: fetched, kept, left due, removed, and why."""
    return {"first_run": result.first_run, "fetched": result.attempted, "listings": result.listings_attempted,
            "read": result.read, "new_or_changed": result.changed, "unchanged": result.unchanged,
            "left_due": result.deferred, "removed": result.removed, "notes": result.notes[:REVIEW_IN_REPORT]}


def publish(build: RunBuild, settings: Settings, crawled: Mapping[str, CrawlResult], stale_sources: dict[str, str],
            reconciled: Reconciled, *, carried_sources: Mapping[str, int] | None = None,
            raw_by_source: Callable[[str], Sequence[RawRecord]]) -> Outcome:
    """Write the run's files into the build, judge drift, commit the run to history and, unless drifted, swap
    data/latest to it."""
    history = build.history
    source_records = reconciled.source_records
    by_source: dict[str, list[SourceRecord]] = {source: [] for source in crawled}
    for record in source_records:
        by_source.setdefault(record.source, []).append(record)
    raw = {source: raw_by_source(source) for source in by_source}  # each source's raw records, asked once
    stats = {source: {"records": len(records), "stale": source in stale_sources,
                      "outcomes": dict(crawled[source].outcomes) if source in crawled else {},
                      "fill_rates": fill_rates(records),
                      "layouts": layout_counts(raw[source])}
             for source, records in by_source.items()}
    # stale: a source that failed entirely, or a page that could not be read this run (its last good record)
    stale_refs = {r.ref for r in source_records if r.source in stale_sources}
    stale_refs |= {f"{r.source}:{r.source_key}" for records in raw.values() for r in records if r.stale}
    dates = history.dates()
    today = build.as_of.isoformat()
    rows = []
    for programme in reconciled.programmes:
        programme.stale = bool(programme.source_keys) and set(programme.source_keys) <= stale_refs
        first, last = dates.get(programme.programme_id, (today, today))
        rows.append(programme_row(programme, first_seen=first, last_seen=last if programme.stale else today))
    titles = {r.ref: r.title or "" for r in source_records}
    columns = [c for c in COLUMN_NAMES if settings.publish.csv_last_seen or c != "last_seen"]
    conflicts, review = conflict_rows(reconciled.programmes), review_rows(reconciled.link.review, titles)
    write_run_files(build.path, reconciled.programmes, rows, conflicts, review, columns)
    ids = [row["programme_id"] for row in rows]
    if len(ids) != len(set(ids)):
        raise RunFailed("duplicate programme ids in the run")
    latest_csv = build.latest / "programmes.csv"
    diff = compare(read_csv(latest_csv) if latest_csv.exists() else [], rows)
    write_changes(diff, build.path)
    healthy = history.healthy_runs()  # drift is judged against the last run published with every source fresh
    drift = find_drift(previous_stats(history, healthy[-1]) if healthy else {}, stats, settings.publish)
    published = not drift or settings.publish.accept_drift
    if not published:
        exit_code, status, reason = EXIT_DRIFT, "drift: not published", describe_drift(drift)
    elif stale_sources:
        exit_code, status = EXIT_STALE, "published with stale sources"
        reason = "; ".join(f"{s}: {why}" for s, why in sorted(stale_sources.items()))
    else:
        exit_code, status, reason = EXIT_OK, "published", ("drift accepted: " + describe_drift(drift)) if drift else ""
    if not rows:
        reason = "; ".join(filter(None, ["0 programmes", reason]))
    stale_rows = [{"programme_id": r["programme_id"], "title": r["title"], "sources": r["sources"],
                   "last_seen": r["last_seen"]} for r in rows if r["stale"] == "true"]
    report = {
        "run_id": build.run_id, "started_at": build.started.isoformat(timespec="seconds"), "status": status,
        "exit_code": exit_code,
        "duration_s": round((datetime.now(timezone.utc) - build.started).total_seconds(), 3),
        "pages": {s: {o: r.outcomes.get(o, 0) for o in PAGE_OUTCOMES} for s, r in crawled.items()},
        "crawl": {s: crawl_summary(r) for s, r in crawled.items()},
        "records": {s: st["records"] for s, st in stats.items()},
        "records_by_layout": {s: st["layouts"] for s, st in stats.items()},
        "fill_rates": {s: st["fill_rates"] for s, st in stats.items()},
        "programmes": len(rows), "conflicts": sum(len(p.conflicts) for p in reconciled.programmes),
        "review_pairs": len(reconciled.link.review), "changes_summary": render_summary(diff),
        "conflicts_by_field": dict(Counter(c.field for p in reconciled.programmes for c in p.conflicts).most_common()),
        "review": _review(reconciled, titles), "skipped_blocks": reconciled.link.skipped_blocks,
        "errors": [r.to_dict() for res in crawled.values() for r in res.reports],
        "drift": drift, "stale_sources": stale_sources, "carried_sources": dict(carried_sources or {}), "reason": reason, "eur_rate_date": rate_date().isoformat(), "changes": counts(diff),
        "csv_fill_rates": csv_fill_rates(rows, columns), "stale_programmes": len(stale_rows),
        "stale_rows": stale_rows[:REVIEW_IN_REPORT],
        "failed_sources": {**{s: "no records" for s, st in stats.items() if not st["records"]}, **stale_sources},
    }
    write_report(build.path, report)
    write_database(build.path / "programmes.sqlite", columns, rows, conflicts, review, diff,
                   [*history.run_summaries(), report])
    optional_output("programmes.parquet", write_parquet, build.path / "programmes.parquet", columns, rows)
    optional_output("programmes.xlsx", write_xlsx, build.path / "programmes.xlsx", columns, rows)
    log.info("run %s: %s; %s", build.run_id, status, report["changes_summary"])
    final = build.finish()
    id_map = {ref: p.programme_id for p in reconciled.programmes for ref in p.source_keys}
    history.record_run(run_id=build.run_id, started_at=build.started.isoformat(timespec="seconds"),
                       ended_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       status="partial" if exit_code == EXIT_STALE else ("published" if published else "drift"),
                       exit_code=exit_code, settings=settings.to_dict(), summary=history_summary(report), sources=stats,
                       rows=rows, id_map=id_map if published else None, run_date=today, published=published,
                       keep_runs=settings.publish.keep_runs)
    if published:
        swap_latest(build.data_dir, final)
        prune_runs(build.runs_dir, settings.publish.keep_runs, {final, build.latest})
    write_index(build.data_dir, history.run_summaries())
    report["run_dir"] = str(final)
    return Outcome(published=published, stale_sources=stale_sources, report=report)


def layout_counts(records: Sequence[RawRecord]) -> dict[str, int]:
    """Records per page layout (era) the scrapers recognised: a redesign shows as a layout falling to 0. Counted
    on the run's raw records, carried-over sources included (their layouts are unchanged, not gone)."""
    return dict(sorted(Counter(r.layout or "(unknown)" for r in records).items()))


def previous_stats(history: History, run_id: str) -> dict[str, dict[str, Any]]:
    """The last published run's per-source counts, fill rates and records per layout (kept in its summary)."""
    stats = history.source_stats(run_id)
    summary = next((s for s in history.run_summaries() if s["run_id"] == run_id), {})
    for source, layouts in summary.get("records_by_layout", {}).items():
        if source in stats:
            stats[source]["layouts"] = layouts
    return stats


def find_drift(previous: Mapping[str, Mapping[str, Any]], current: Mapping[str, Mapping[str, Any]],
               settings: PublishSettings) -> list[dict[str, Any]]:
    """Per source: a record count falling by more than the allowed share, or a field's fill rate (percent)
    falling by more than the allowed points, compared with the last published run."""
    drift = [{"source": source, "field": "(source absent)", "before": before["records"], "after": 0}
             for source, before in sorted(previous.items()) if source not in current and before.get("records")]
    for source, now in sorted(current.items()):
        before = previous.get(source)
        if before is None or now.get("stale"):
            continue
        if before["records"] and (before["records"] - now["records"]) / before["records"] > settings.drift_max_count_drop:
            drift.append({"source": source, "field": "(records)", "before": before["records"], "after": now["records"]})
        for field, rate in sorted(before["fill_rates"].items()):
            after = now["fill_rates"].get(field, 0.0)
            if rate - after > settings.drift_max_fill_drop_points:
                drift.append({"source": source, "field": field, "before": rate, "after": after})
        for layout, count in sorted(before.get("layouts", {}).items()):
            if count and not now.get("layouts", {}).get(layout):
                drift.append({"source": source, "field": f"(layout {layout})", "before": count, "after": 0})
    return drift


def swap_latest(data_dir: Path, run_dir: Path) -> None:
    latest = data_dir / "latest"
    if latest.exists() and not latest.is_symlink():  # an old real directory: move it aside first
        shutil.move(str(latest), str(data_dir / "latest.old"))
    tmp = data_dir / ".latest.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(run_dir, data_dir), tmp)
    os.replace(tmp, latest)
    directory = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def prune_runs(runs_dir: Path, keep: int, protect: set[Path]) -> None:
    runs = sorted(p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in runs[:-keep] if keep > 0 else []:
        if old.resolve() not in {p.resolve() for p in protect}:
            shutil.rmtree(old, ignore_errors=True)
