"""One pipeline run as the list of its stages: crawl (`scrapers`) → gather (carry over failed sources) →
reconcile (`normalize`) → publish (`output`). Each stage takes and returns typed values; nothing here parses,
links or writes a file itself.

Exit codes are the contract with cron (README): 0 published, 1 error, 2 usage, 3 drift (not published),
4 published with stale sources, 75 another run holds the lock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from normalize.parallel import reconcile_parallel
from normalize.reconcile import Reconciled
from output.build import RunBuild, recover
from output.files import read_raw, write_raw
from output.lock import RunLock
from output.publish import publish
from programme_scout.settings import Settings
from scrapers.cache import ConditionalCache
from scrapers.crawl import crawl_source
from scrapers.fetch import Fetcher
from scrapers.records import CrawlResult, RawRecord
from scrapers.registry import PORTALS
from scrapers.replay import MirrorTransport

EXIT_ERROR, EXIT_USAGE, EXIT_LOCKED = 1, 2, 75  # and from output.publish: 0 published, 3 drift, 4 stale sources
log = logging.getLogger("programme_scout")
OnPage = Callable[[str, str], None]
OnStage = Callable[[str], None]  # "crawl", "reconcile", "publish": progress display


@dataclass(frozen=True, slots=True)
class Gathered:
    """The crawl's handoff to reconciling: every source's raw records, the failed ones' carried over."""

    crawled: dict[str, CrawlResult]
    raw_records: list[RawRecord]
    stale_sources: dict[str, str]  # source → why its last good records were used
    carried_sources: dict[str, int]  # source not crawled this run (--sources) → its published records, unchanged


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
            crawled = asyncio.run(crawl(settings, on_page, transport))
            gathered = gather(crawled, build)
            check_not_all_failed(gathered)
            stage("reconcile")
            reconciled = reconcile(gathered, settings, build)
            stage("publish")
            outcome = publish(build, settings, gathered.crawled, gathered.stale_sources, reconciled,
                              carried_sources=gathered.carried_sources,
                              raw_by_source=lambda source: [r for r in gathered.raw_records if r.source == source])
            return outcome.report["exit_code"], outcome.report


async def crawl(settings: Settings, on_page: OnPage | None = None,
                transport: httpx.AsyncBaseTransport | None = None) -> dict[str, CrawlResult]:
    """Every configured source's listings and detail pages. `transport` is injected by tests and staging crawls
    (ResolveTransport); by default the network, or the mirror when offline."""
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


def source_failed(result: CrawlResult) -> str | None:
    """A source 'fails entirely' when it yields no record and its pages were blocked or failed."""
    if result.records:
        return None
    bad = [r for r in result.reports if r.outcome in ("blocked", "failed", "not_found", "robots_disallowed")]
    if bad or not result.listing_pages:
        reasons = sorted({r.reason for r in bad}) or ["no listing page could be read"]
        return f"no records: {'; '.join(reasons[:3])}"
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


def gather(crawled: dict[str, CrawlResult], build: RunBuild) -> Gathered:
    """Raw records of the run, written to raw/; a source that failed entirely keeps its last published records,
    marked stale."""
    stale: dict[str, str] = {}
    raw_records: list[RawRecord] = []
    for source, result in crawled.items():
        raw = result.records
        failure = source_failed(result)
        last_good = build.latest / "raw" / f"{source}.jsonl"
        if failure and last_good.exists():
            raw = read_raw(last_good)
            stale[source] = failure
            log.warning("source %s failed (%s): keeping %d records from the last published run", source, failure, len(raw))
        write_raw(build.path, source, raw)
        raw_records.extend(raw)
        log.info("source %s: %d records, %d pages without a record", source, len(raw), len(result.reports))
    carried: dict[str, int] = {}
    published_raw = build.latest / "raw"
    for path in sorted(published_raw.glob("*.jsonl")) if published_raw.is_dir() else []:
        if path.stem in crawled:
            continue
        raw = read_raw(path)  # a source this run did not crawl (--sources): its programmes stay, unchanged
        write_raw(build.path, path.stem, raw)
        raw_records.extend(raw)
        carried[path.stem] = len(raw)
        log.info("source %s not crawled this run: %d records carried over unchanged", path.stem, len(raw))
    return Gathered(crawled=crawled, raw_records=raw_records, stale_sources=stale, carried_sources=carried)


def reconcile(gathered: Gathered, settings: Settings, build: RunBuild) -> Reconciled:
    raw = gathered.raw_records
    return reconcile_parallel(lambda: raw, as_of=build.as_of, workers=settings.workers, expected_records=len(raw),
                              known_ids=build.history.known_ids(), link_settings=settings.link)
