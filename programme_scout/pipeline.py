"""One pipeline run as the list of its stages: crawl (`scrapers`, through the frontier in the data dir) → gather
(the whole known catalogue from the frontier) → reconcile (`normalize`) → publish (`output`). Each stage takes and
returns typed values; nothing here parses, links or writes a file itself.

Exit codes are the contract with cron (README): 0 published, 1 error, 2 usage, 3 drift (not published),
4 published with stale sources, 75 another run holds the lock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from normalize.parallel import reconcile_parallel
from normalize.reconcile import Reconciled
from output.build import RunBuild, recover
from output.files import read_raw, write_raw
from output.lock import RunLock
from output.publish import publish
from programme_scout.settings import Settings
from scrapers.crawl import CrawlPlan, crawl_source
from scrapers.fetch import Fetcher
from scrapers.frontier import Frontier
from scrapers.parsing import parsing_for
from scrapers.records import CrawlResult, RawRecord
from scrapers.registry import PORTALS
from scrapers.replay import MirrorTransport

EXIT_ERROR, EXIT_USAGE, EXIT_LOCKED = 1, 2, 75  # and from output.publish: 0 published, 3 drift, 4 stale sources
log = logging.getLogger("programme_scout")
OnPage = Callable[[str, str], None]
OnStage = Callable[[str], None]  # "crawl", "reconcile", "publish": progress display


@dataclass(frozen=True, slots=True)
class Gathered:
    """The crawl's handoff to reconciling: the whole known catalogue (the frontier's records), by source."""

    crawled: dict[str, CrawlResult]
    raw_records: list[RawRecord]
    stale_sources: dict[str, str]  # source → why its last good records were used
    carried_sources: dict[str, int]  # source not crawled this run (--sources) → its records, unchanged


class CrawlFailed(Exception):
    """Every source failed and no earlier run could stand in: publishing would replace the data with nothing."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def run(settings: Settings, *, on_page: OnPage | None = None, transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now, on_stage: OnStage | None = None) -> tuple[int, dict[str, Any]]:
    """`clock` gives the run's start (its id and its date: first_seen, last_seen, deadlines in the past)."""
    with RunLock(settings.data_dir):
        recover(settings.data_dir)
        with RunBuild(settings.data_dir, started=clock()) as build:
            log.info("run %s started: sources %s, offline=%s", build.run_id, ",".join(settings.sources), settings.offline)
            stage = on_stage or (lambda name: None)
            stage("crawl")
            with Frontier(frontier_path(settings)) as frontier:
                adopt_published(frontier, build, build.started.timestamp())
                crawled = asyncio.run(crawl(settings, on_page, transport, frontier=frontier,
                                            clock=running_clock(build.started)))
                gathered = gather(crawled, frontier, build)
            check_not_all_failed(gathered)
            stage("reconcile")
            reconciled = reconcile(gathered, settings, build)
            stage("publish")
            outcome = publish(build, settings, gathered.crawled, gathered.stale_sources, reconciled,
                              carried_sources=gathered.carried_sources,
                              raw_by_source=lambda source: [r for r in gathered.raw_records if r.source == source])
            return outcome.report["exit_code"], outcome.report


def frontier_path(settings: Settings) -> Path:
    return settings.data_dir / "frontier.sqlite"


def running_clock(start: datetime) -> Callable[[], float]:
    """POSIX seconds from the run's start (an injected clock in tests), advancing with the monotonic clock."""
    origin, started = start.timestamp(), time.monotonic()
    return lambda: origin + (time.monotonic() - started)


async def crawl(settings: Settings, on_page: OnPage | None = None,
                transport: httpx.AsyncBaseTransport | None = None, *, frontier: Frontier | None = None,
                clock: Callable[[], float] = time.time) -> dict[str, CrawlResult]:
    """Every configured source's due pages, committed to `frontier` (by default the data dir's) page by page.
    `transport` is injected by tests and staging crawls (ResolveTransport); by default the network, or the mirror
    when offline."""
    if frontier is None:
        with Frontier(frontier_path(settings)) as own:
            return await crawl(settings, on_page, transport, frontier=own, clock=clock)
    fetch_settings = settings.fetch
    if settings.offline:  # replay has no delay: the mirror is our disk, not someone's server
        fetch_settings = dataclasses.replace(fetch_settings, per_host_delay_s=0.0, per_host_concurrency=16)
        transport = transport or MirrorTransport(settings.mirror_dir)
    plan = CrawlPlan.of(settings)
    async with Fetcher(fetch_settings, transport=transport) as fetcher, \
            parsing_for(settings.parse_workers, settings.parse_cpu_limit_s) as parsing:
        results = await asyncio.gather(*(
            crawl_source(PORTALS[s], fetcher, settings.start_urls[s], frontier, plan=plan, parsing=parsing,
                         tasks=settings.crawl_tasks, on_page=on_page, clock=clock) for s in settings.sources))
    for result in results:
        log.info("source %s: %d pages fetched (%d read: %d new or changed, %d unchanged), %d left due, %d removed%s",
                 result.source, result.attempted, result.read, result.changed, result.unchanged, result.deferred,
                 result.removed, "".join(f"; {note}" for note in result.notes))
    return dict(zip(settings.sources, results))


def source_failed(result: CrawlResult) -> str | None:
    """Why a source 'failed entirely' this run, or None. It failed when it tried programme pages and read none as a
    programme (each fetch failed, or each page was a wall or a maintenance page), when it could read none of its
    listings, or when a first crawl's listings named no programme page at all. Nothing due is no failure."""
    programmes = result.changed + result.unchanged
    details_tried = result.attempted - result.listings_attempted
    if programmes:
        return None
    if details_tried or (result.listings_attempted and not result.listing_pages) or (
            result.first_run and result.listing_pages):
        reasons = sorted({r.reason for r in result.reports if r.outcome != "out_of_scope"})
        return f"no programme page could be read: {'; '.join(reasons[:3]) or 'the listings named none'}"
    return None


def check_not_all_failed(gathered: Gathered) -> None:
    """A run whose every source failed, with no published records to carry over, is an error (exit 1), not a
    published run of 0 programmes: the page reports say why (unreachable, DNS, robots.txt...)."""
    failures = {s: source_failed(r) for s, r in gathered.crawled.items()}
    crawled_any = any(r.source in gathered.crawled for r in gathered.raw_records)
    if crawled_any or gathered.stale_sources or not failures or not all(failures.values()):
        return
    raise CrawlFailed("every source failed and no published run to fall back on: "
                      + "; ".join(f"{s}: {why}" for s, why in failures.items()))


def adopt_published(frontier: Frontier, build: RunBuild, now: float) -> None:
    """A data dir from before the frontier: its published raw records become the frontier's catalogue."""
    published_raw = build.latest / "raw"
    if not frontier.is_empty() or not published_raw.is_dir():
        return
    for path in sorted(published_raw.glob("*.jsonl")):
        n = frontier.import_records(read_raw(path), now)
        log.info("source %s: %d published records adopted by the new crawl frontier", path.stem, n)


def gather(crawled: dict[str, CrawlResult], frontier: Frontier, build: RunBuild) -> Gathered:
    """The whole known catalogue, source by source, written to raw/: records fetched this run, records of pages
    not due, and last good records of pages that failed (marked stale). A source whose every page failed is a
    stale source; a source not crawled this run (--sources) is carried unchanged."""
    stale: dict[str, str] = {}
    carried: dict[str, int] = {}
    raw_records: list[RawRecord] = []
    for source in [*crawled, *(s for s in frontier.sources() if s not in crawled)]:
        raw = list(frontier.records(source))
        if source in crawled:
            failure = source_failed(crawled[source])
            if failure and raw:
                stale[source] = failure
                log.warning("source %s failed (%s): keeping its %d last good records", source, failure, len(raw))
        else:
            carried[source] = len(raw)
            log.info("source %s not crawled this run: %d records carried over unchanged", source, len(raw))
        write_raw(build.path, source, raw)
        raw_records.extend(raw)
    return Gathered(crawled=crawled, raw_records=raw_records, stale_sources=stale, carried_sources=carried)


def reconcile(gathered: Gathered, settings: Settings, build: RunBuild) -> Reconciled:
    raw = gathered.raw_records
    return reconcile_parallel(lambda: raw, as_of=build.as_of, workers=settings.workers, expected_records=len(raw),
                              known_ids=build.history.known_ids(), link_settings=settings.link)
