"""One pipeline run: crawl → reconcile → write → validate → drift guard → publish. Exit codes are the contract
with cron (README): 0 published, 1 error, 2 usage, 3 drift (not published), 4 published with stale sources,
75 another run holds the lock."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from normalize.models import VALUE_FIELDS, SourceRecord
from normalize.parallel import reconcile_parallel
from output.diff import compare, render_summary, write_changes
from output.files import read_raw, write_raw, write_run_files
from output.history import History
from output.lock import RunLock
from output.publish import find_drift, prune_runs, swap_latest
from output.report import write_report
from output.tables import programme_row, read_csv
from scrapers.cache import ConditionalCache
from scrapers.crawl import crawl_source
from scrapers.fetch import Fetcher
from scrapers.records import CrawlResult, RawRecord
from scrapers.registry import PORTALS
from scrapers.replay import MirrorTransport
from scrapers.settings import Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_DRIFT, EXIT_STALE, EXIT_LOCKED = 0, 1, 2, 3, 4, 75
log = logging.getLogger("programme_scout")


class RunFailed(Exception):
    pass


def new_run_id(now: datetime, runs_dir: Path) -> str:
    base = now.strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while (runs_dir / run_id).exists() or (runs_dir / f".{run_id}.tmp").exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


async def crawl_all(settings: Settings, on_page: Callable[[str, str], None] | None = None,
                    transport: httpx.AsyncBaseTransport | None = None) -> dict[str, CrawlResult]:
    """`transport` is injected by tests and staging crawls (ResolveTransport); by default the network, or the
    mirror when offline."""
    fetch_settings = settings.fetch
    cache: ConditionalCache | None = None
    if settings.offline:  # replay has no delay: the mirror is our disk, not someone's server
        fetch_settings = dataclasses.replace(fetch_settings, per_host_delay_s=0.0, per_host_concurrency=16)
        transport = transport or MirrorTransport(settings.mirror_dir)
    else:
        cache = ConditionalCache(settings.data_dir / "http_cache.sqlite")
    async with Fetcher(fetch_settings, transport=transport, cache=cache) as fetcher:
        results = await asyncio.gather(*(
            crawl_source(PORTALS[s], fetcher, settings.start_urls[s], max_pages=settings.max_pages_per_source,
                         tasks=settings.crawl_tasks, on_page=on_page) for s in settings.sources))
    return dict(zip(settings.sources, results))


def fill_rates(records: list[SourceRecord]) -> dict[str, float]:
    if not records:
        return {}
    rates = {}
    for field in VALUE_FIELDS:
        filled = sum(1 for r in records if getattr(r, field) not in (None, [], {}))
        rates[field] = round(100.0 * filled / len(records), 1)
    return rates


def source_failed(result: CrawlResult) -> str | None:
    """A source 'fails entirely' when it yields no record and its pages were blocked or failed."""
    if result.records:
        return None
    bad = [r for r in result.reports if r.outcome in ("blocked", "failed", "not_found", "robots_disallowed")]
    if bad or not result.listing_pages:
        reasons = sorted({r.reason for r in bad}) or ["no listing page could be read"]
        return f"no records: {'; '.join(reasons[:3])}"
    return None


def run(settings: Settings, *, on_page: Callable[[str, str], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None) -> tuple[int, dict[str, Any]]:
    with RunLock(settings.data_dir):
        recover(settings.data_dir)
        return _run_locked(settings, on_page, transport)


def recover(data_dir: Path) -> None:
    """Finish what a killed run left. The history transaction is a run's commit point: a run killed after it
    but before the `latest` swap is rolled forward here; a run killed before it left only a build directory,
    which is removed. Runs under the lock, so no live run is touched."""
    runs_dir = data_dir / "runs"
    if runs_dir.is_dir():
        for leftover in runs_dir.glob(".*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)
    if not (data_dir / "history.sqlite").exists():
        return
    history = History(data_dir / "history.sqlite")
    try:
        published = history.published_runs()
    finally:
        history.close()
    if published and (runs_dir / published[-1]).is_dir():
        latest = data_dir / "latest"
        if not latest.is_symlink() or latest.resolve() != (runs_dir / published[-1]).resolve():
            log.warning("rolling data/latest forward to %s, committed by a run that was stopped before publishing",
                        published[-1])
            swap_latest(data_dir, runs_dir / published[-1])


def _run_locked(settings: Settings, on_page: Callable[[str, str], None] | None,
                transport: httpx.AsyncBaseTransport | None) -> tuple[int, dict[str, Any]]:
    data_dir, runs_dir = settings.data_dir, settings.data_dir / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    clock = time.monotonic()
    run_id = new_run_id(started, runs_dir)
    build = runs_dir / f".{run_id}.tmp"  # built here; renamed into place only when complete
    build.mkdir()
    file_log = logging.FileHandler(build / "run.log", encoding="utf-8")
    file_log.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(file_log)
    history = History(data_dir / "history.sqlite")
    try:
        log.info("run %s started: sources %s, offline=%s", run_id, ",".join(settings.sources), settings.offline)
        crawled = asyncio.run(crawl_all(settings, on_page, transport))
        as_of = started.date()
        latest = data_dir / "latest"
        previous_runs = history.published_runs()
        previous_stats = history.source_stats(previous_runs[-1]) if previous_runs else {}
        stale_sources: dict[str, str] = {}
        raw_records: list[RawRecord] = []
        for source, result in crawled.items():
            failure = source_failed(result)
            raw = result.records
            if failure and (latest / "raw" / f"{source}.jsonl").exists():
                raw = read_raw(latest / "raw" / f"{source}.jsonl")  # last good records, carried over as stale
                stale_sources[source] = failure
                log.warning("source %s failed (%s): keeping %d records from the last published run", source, failure, len(raw))
            write_raw(build, source, raw)
            raw_records.extend(raw)
            log.info("source %s: %d records, %d pages without a record", source, len(raw), len(result.reports))
        reconciled = reconcile_parallel(lambda: raw_records, as_of=as_of, workers=settings.workers,
                                        expected_records=len(raw_records), known_ids=history.known_ids())
        source_records = reconciled.source_records
        by_source: dict[str, list[SourceRecord]] = {source: [] for source in crawled}
        for record in source_records:
            by_source[record.source].append(record)
        stats = {source: {"records": len(records), "stale": source in stale_sources,
                          "outcomes": dict(crawled[source].outcomes), "fill_rates": fill_rates(records)}
                 for source, records in by_source.items()}
        stale_refs = {r.ref for r in source_records if r.source in stale_sources}
        dates = history.dates()
        today = as_of.isoformat()
        rows = []
        for programme in reconciled.programmes:
            programme.stale = bool(programme.source_keys) and set(programme.source_keys) <= stale_refs
            first, last = dates.get(programme.programme_id, (today, today))
            rows.append(programme_row(programme, first_seen=first, last_seen=last if programme.stale else today))
        titles = {r.ref: r.title or "" for r in source_records}
        write_run_files(build, reconciled.programmes, rows, reconciled.link.review, titles)
        ids = [row["programme_id"] for row in rows]
        if len(ids) != len(set(ids)):
            raise RunFailed("duplicate programme ids in the run")
        previous_rows = read_csv(latest / "programmes.csv") if (latest / "programmes.csv").exists() else []
        diff = compare(previous_rows, rows)
        write_changes(diff, build)
        drift = find_drift(previous_stats, stats, settings.publish)
        if drift and not settings.publish.accept_drift:
            exit_code, status = EXIT_DRIFT, "drift: not published"
        elif stale_sources:
            exit_code, status = EXIT_STALE, "published with stale sources"
        else:
            exit_code, status = EXIT_OK, "published"
        pages = {s: {o: r.outcomes.get(o, 0) for o in ("ok", "not_modified", "blocked", "failed", "not_found",
                                                        "robots_disallowed")} for s, r in crawled.items()}
        report = {
            "run_id": run_id, "started_at": started.isoformat(timespec="seconds"), "status": status,
            "exit_code": exit_code, "duration_s": round(time.monotonic() - clock, 3), "pages": pages,
            "records": {s: st["records"] for s, st in stats.items()}, "fill_rates": {s: st["fill_rates"] for s, st in stats.items()},
            "programmes": len(rows), "conflicts": sum(len(p.conflicts) for p in reconciled.programmes),
            "review_pairs": len(reconciled.link.review), "changes_summary": render_summary(diff),
            "conflicts_by_field": dict(Counter(c.field for p in reconciled.programmes for c in p.conflicts).most_common()),
            "review": [{"left": p.left, "right": p.right, "score": p.score, "reasons": "; ".join(p.reasons),
                        "left_title": titles.get(p.left, ""), "right_title": titles.get(p.right, "")}
                       for p in reconciled.link.review],
            "errors": [r.to_dict() for res in crawled.values() for r in res.reports],
            "drift": drift, "stale_sources": stale_sources,
        }
        write_report(build, report)
        log.info("run %s: %s; %s", run_id, status, report["changes_summary"])
        log.removeHandler(file_log)
        file_log.close()
        final = runs_dir / run_id
        build.rename(final)
        id_map = {ref: p.programme_id for p in reconciled.programmes for ref in p.source_keys}
        published = exit_code != EXIT_DRIFT
        history.record_run(run_id=run_id, started_at=started.isoformat(timespec="seconds"),
                           ended_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           status="partial" if exit_code == EXIT_STALE else ("published" if published else "drift"),
                           exit_code=exit_code, settings=settings.to_dict(), summary=report, sources=stats,
                           rows=rows if published else (), id_map=id_map if published else None, run_date=today)
        if published:
            swap_latest(data_dir, final)
            prune_runs(runs_dir, settings.publish.keep_runs, {final, latest})
        report["run_dir"] = str(final)
        return exit_code, report
    except BaseException:
        log.removeHandler(file_log)
        file_log.close()
        shutil.rmtree(build, ignore_errors=True)
        raise
    finally:
        history.close()
