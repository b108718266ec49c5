"""Walks one portal through its frontier: the due pages, listings first, each fetched (conditionally when the
page was read before), parsed and committed at once: records to the frontier, what a listing names to its pages.

The portal module supplies markup knowledge only (`Portal` below); fetching, scheduling, budgets, concurrency and
the per-page error boundary live here once for every portal; what is due and what is kept lives in the frontier.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from programme_scout.settings import Settings
from scrapers.fetch import Fetcher, Validators
from scrapers.frontier import DETAIL, LISTING, Ages, DuePage, Frontier, Link
from scrapers.listing import Listing
from scrapers.outcomes import Outcome
from scrapers.parsing import InlineParsing, Parsing
from scrapers.records import CrawlResult, NotAProgrammePage, PageReport, RawRecord, content_hash
from scrapers.sitemaps import gunzip_capped

LISTING_PRIORITY, DETAIL_PRIORITY = 0, 1
OUT_OF_SCOPE = "out_of_scope"  # a PageReport outcome: a link off the portal's hosts, recorded and not requested
GZIP_MAGIC = b"\x1f\x8b"
TRACKING_PARAMS = frozenset({"ref", "gclid", "fbclid", "mc_cid", "mc_eid", "_ga", "trk"})


class Portal(Protocol):
    @property
    def name(self) -> str: ...

    def parse_listing(self, text: str, url: str) -> Listing: ...

    def parse_detail(self, text: str, url: str) -> dict[str, list[str]]: ...

    def source_key(self, url: str) -> str: ...


def error_text(exc: BaseException) -> str:
    """'Type: message' of a parser's exception; one that could not cross from a worker names its own type."""
    return f"{getattr(exc, 'type_name', type(exc).__name__)}: {exc}"


def start_hosts_scope(start_urls: tuple[str, ...] | list[str]) -> Callable[[str], bool]:
    """The scope of a portal that does not name its sites: the hosts of its start URLs (`www.` or not)."""
    hosts = {(urlsplit(u).hostname or "").removeprefix("www.") for u in start_urls}
    return lambda url: (urlsplit(url).hostname or "").removeprefix("www.") in hosts


def scope_of(portal: object, start_urls: tuple[str, ...] | list[str]) -> Callable[[str], bool]:
    """Which URLs a crawl of `portal` may request: http(s) on the hosts of its portal family
    (`PortalFamily.serves`), else on its start URLs' hosts. Anything else a listing links to is reported
    `out_of_scope` and never requested: a listing is the portal's markup, not an order to fetch any address."""
    serves: Callable[[str], bool] = getattr(portal, "serves", None) or start_hosts_scope(start_urls)
    return lambda url: urlsplit(url).scheme in ("http", "https") and serves(url)


def canonical_url(url: str, *, keep_query: bool = False) -> str:
    """Drop the fragment and tracking parameters (utm_*, ref, ...); detail pages drop the whole query."""
    parts = urlsplit(url)
    query = ""
    if keep_query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not k.startswith("utm_") and k not in TRACKING_PARAMS]
        query = urlencode(kept, safe="[]")
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))


@dataclass(frozen=True, slots=True)
class Budget:
    """How much one run may fetch of one source: pages and wall-clock seconds. What is left stays due."""

    max_pages: int
    max_seconds: float


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """A source's budget on its first run (a new user sees results within minutes) and on later runs, how old a
    page may grow before it is due again, and the share of the catalogue a complete listing pass may remove."""

    budget: Budget
    first_budget: Budget
    ages: Ages
    max_unlisted_share: float

    @classmethod
    def of(cls, settings: Settings) -> "CrawlPlan":
        """The settings' plan (their defaults are the one place the defaults live). Offline, every page is due on
        every run (replaying the mirror costs nothing) and there is no first-run budget."""
        budget = Budget(settings.max_pages_per_source, settings.max_minutes_per_source * 60)
        if settings.offline:
            return cls(budget, budget, Ages(0.0, 0.0, 0.0), settings.max_unlisted_share)
        return cls(budget, Budget(settings.first_run_max_pages, settings.first_run_max_minutes * 60),
                   Ages(settings.revisit_after_days * 86400, settings.listing_revisit_hours * 3600,
                        settings.retry_failed_after_hours * 3600),
                   settings.max_unlisted_share)


async def crawl_source(
    portal: Portal,
    fetcher: Fetcher,
    start_urls: tuple[str, ...] | list[str],
    frontier: Frontier,
    *,
    plan: CrawlPlan | None = None,
    tasks: int = 64,
    on_page: Callable[[str, str], None] | None = None,
    parsing: Parsing | None = None,
    clock: Callable[[], float] = time.time,
) -> CrawlResult:
    """One run over one source: every due page ends committed, as a record, an unchanged page or a reported
    failure; nothing is dropped silently and a kill loses at most the pages in flight."""
    source = portal.name
    plan = plan or CrawlPlan.of(Settings())
    parse = parsing or InlineParsing()
    result = CrawlResult(source=source)
    in_scope = scope_of(portal, start_urls)
    refused: set[str] = set()
    ages = plan.ages
    run_start = clock()
    result.first_run = frontier.start_crawl(source, run_start)
    budget = plan.first_budget if result.first_run else plan.budget

    def link(url: str, kind: str, marker: str | None = None) -> Link | None:
        url = canonical_url(url, keep_query=kind == LISTING)
        if not in_scope(url):
            if url not in refused:
                refused.add(url)
                result.reports.append(PageReport(source=source, url=url, outcome=OUT_OF_SCOPE, kind=kind,
                                                 reason="not a host of this portal: never requested"))
            return None
        key = None
        if kind == DETAIL:  # one programme under two addresses ("/studies/1/" and "/studies/1/x.html"): once
            try:
                key = portal.source_key(url)
            except ValueError:
                key = url
        return Link(url, kind, key, marker)

    def report(page: DuePage, outcome: str, reason: str) -> None:
        result.reports.append(PageReport(source=source, url=page.url, outcome=outcome, kind=page.kind, reason=reason))

    async def visit(page: DuePage) -> None:
        validators = Validators(page.etag, page.last_modified) if page.etag or page.last_modified else None
        fetched = await fetcher.fetch(page.url, priority=LISTING_PRIORITY if page.kind == LISTING else DETAIL_PRIORITY,
                                      validators=validators)
        result.outcomes[fetched.outcome] = result.outcomes.get(fetched.outcome, 0) + 1
        now = clock()
        if not fetched.read:
            reason = fetched.error or str(fetched.outcome)
            if frontier.failed(page.url, now, ages, outcome=str(fetched.outcome), error=reason,
                               gone=fetched.outcome is Outcome.NOT_FOUND):
                result.removed += 1
            report(page, str(fetched.outcome), reason)
        elif page.kind == LISTING:
            await read_listing(page, fetched.text, fetched.final_url or page.url, fetched.outcome, fetched.content,
                               fetched.etag, fetched.last_modified, now)
        else:
            await read_detail(page, fetched.text, fetched.outcome, fetched.content, fetched.fetched_at,
                              fetched.etag, fetched.last_modified, now)
        if on_page is not None:
            on_page(source, fetched.outcome)

    async def read_listing(page: DuePage, text: str, final_url: str, outcome: Outcome, content: bytes,
                           etag: str | None, last_modified: str | None, now: float) -> None:
        links: list[Link] | None = None
        if outcome is Outcome.OK:
            if content[:2] == GZIP_MAGIC:  # a `.xml.gz` sitemap (a Content-Encoding was already undone by httpx)
                text = gunzip_capped(content)[0].decode("utf-8", "replace")
            try:
                listing = await parse.listing(portal, text, final_url)
            except Exception as exc:  # per-page boundary: a broken listing is reported, the crawl goes on
                reason = error_text(exc)
                frontier.failed(page.url, now, ages, outcome="parse_error", error=reason)
                report(page, "parse_error", reason)
                return
            found = [link(u, LISTING, listing.lastmod.get(u)) for u in listing.next_urls]
            found += [link(u, DETAIL, listing.lastmod.get(u)) for u in listing.detail_urls]
            links = [f for f in found if f is not None]
            result.notes.extend(f"{page.url}: {problem}" for problem in listing.problems)
        frontier.fetched_listing(page.url, now, ages, etag=etag, last_modified=last_modified, source=source,
                                 content_hash=content_hash(content) if content else page.content_hash or "",
                                 outcome=str(outcome), links=links)
        result.listing_pages += 1
        result.read += 1

    async def read_detail(page: DuePage, text: str, outcome: Outcome, content: bytes, fetched_at: str,
                          etag: str | None, last_modified: str | None, now: float) -> None:
        digest = content_hash(content) if content else page.content_hash or ""
        if outcome is Outcome.NOT_MODIFIED or digest == page.content_hash:  # unchanged: the record stays
            frontier.fetched_detail(page.url, now, ages, etag=etag, last_modified=last_modified, content_hash=digest,
                                    outcome=str(outcome), record=None)
            result.unchanged += 1
            result.read += 1
            return
        try:
            fields = await parse.detail(portal, text, page.url)
        except NotAProgrammePage as exc:
            frontier.failed(page.url, now, ages, outcome="not_programme", error=str(exc))
            report(page, "not_programme", str(exc))
            return
        except Exception as exc:  # per-page boundary
            reason = error_text(exc)
            frontier.failed(page.url, now, ages, outcome="parse_error", error=reason)
            report(page, "parse_error", reason)
            return
        record = RawRecord(source=source, source_key=page.source_key or portal.source_key(page.url), url=page.url,
                           fetched_at=fetched_at, content_hash=digest, fields=dict(fields),
                           layout=getattr(fields, "layout", ""))
        frontier.fetched_detail(page.url, now, ages, etag=etag, last_modified=last_modified, content_hash=digest,
                                outcome=str(outcome), record=record)
        result.changed += 1
        result.read += 1

    starts = [found for u in start_urls if (found := link(u, LISTING)) is not None]
    frontier.add(source, starts, run_start)
    deadline = run_start + budget.max_seconds
    # listings come first, but never take more than half the budget while programme pages wait: a first run
    # over 10^4 partition listings still ends with programmes
    listing_share = max(1, budget.max_pages // 2)
    in_flight: dict[asyncio.Future[None], str] = {}
    while True:
        now = clock()
        out_of_budget = result.attempted >= budget.max_pages or now >= deadline
        room = min(tasks - len(in_flight), budget.max_pages - result.attempted)
        if not out_of_budget and room > 0:
            listing_room = min(room, max(0, listing_share - result.listings_attempted))
            due = frontier.due(source, run_start, now, listing_room, in_flight.values(), (LISTING,)) if listing_room else []
            due += frontier.due(source, run_start, now, room - len(due), in_flight.values(), (DETAIL,))
            if not due and not in_flight:  # only listings are left: past the half, they may hold the rest
                due = frontier.due(source, run_start, now, room, in_flight.values())
            for page in due:
                in_flight[asyncio.ensure_future(visit(page))] = page.url
                result.attempted += 1
                result.listings_attempted += page.kind == LISTING
        if not in_flight:
            break
        done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            del in_flight[task]
            task.result()  # a fault of our own (the frontier's disk) ends the run; a page's faults never get here
    now = clock()
    result.deferred = frontier.count_due(source, run_start, now)
    if result.deferred:
        result.notes.append(f"budget reached ({budget.max_pages} pages or {budget.max_seconds / 60:g} min): "
                            f"{result.deferred} due pages left for the next run")
    else:
        removed, why_not = frontier.close_pass(source, run_start, now, plan.max_unlisted_share)
        result.removed += removed
        if why_not:
            result.notes.append(why_not)
    frontier.finish_crawl(source, run_start, now, result.attempted)
    result.reports.sort(key=lambda r: (r.kind, r.url))
    return result
