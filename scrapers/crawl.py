"""Walks one portal: listing pages (with pagination) to detail pages, into raw records and page reports.

The portal module supplies markup knowledge only (`Portal` below); fetching, de-duplication, concurrency and
the per-page error boundary live here once for every portal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.fetch import Fetcher
from scrapers.listing import Listing
from scrapers.outcomes import FetchResult
from scrapers.records import CrawlResult, NotAProgrammePage, PageReport, RawRecord, content_hash

LISTING_PRIORITY, DETAIL_PRIORITY = 0, 1
OUT_OF_SCOPE = "out_of_scope"  # a PageReport outcome: a link off the portal's hosts, recorded and not requested
TRACKING_PARAMS = frozenset({"ref", "gclid", "fbclid", "mc_cid", "mc_eid", "_ga", "trk"})


class Portal(Protocol):
    @property
    def name(self) -> str: ...

    def parse_listing(self, text: str, url: str) -> Listing: ...

    def parse_detail(self, text: str, url: str) -> dict[str, list[str]]: ...

    def source_key(self, url: str) -> str: ...


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


async def crawl_source(
    portal: Portal,
    fetcher: Fetcher,
    start_urls: tuple[str, ...] | list[str],
    *,
    max_pages: int = 20_000,
    tasks: int = 64,
    on_page: Callable[[str, str], None] | None = None,
) -> CrawlResult:
    """Every listing and detail page ends as a record or a report: nothing is dropped silently."""
    result = CrawlResult(source=portal.name)
    seen: set[str] = set()
    limit = asyncio.Semaphore(tasks)
    pending: set[asyncio.Task[None]] = set()

    keys: set[str] = set()
    in_scope = scope_of(portal, start_urls)
    refused: set[str] = set()

    def schedule(url: str, kind: str) -> None:
        url = canonical_url(url, keep_query=kind == "listing")
        if url in seen or url in refused:
            return
        if not in_scope(url):
            refused.add(url)
            result.reports.append(PageReport(source=portal.name, url=url, outcome=OUT_OF_SCOPE, kind=kind,
                                             reason="not a host of this portal: never requested"))
            return
        if kind == "detail":  # one programme under two addresses ("/studies/1/" and "/studies/1/x.html"): once
            try:
                key = portal.source_key(url)
            except ValueError:
                key = url
            if key in keys:
                return
            keys.add(key)
        if len(seen) >= max_pages:
            result.reports.append(PageReport(source=portal.name, url=url, outcome="skipped", kind=kind,
                                             reason=f"page limit of {max_pages} reached"))
            return
        seen.add(url)
        task = asyncio.ensure_future(visit_listing(url) if kind == "listing" else visit_detail(url))
        pending.add(task)
        task.add_done_callback(pending.discard)

    async def fetch(url: str, kind: str) -> FetchResult | None:
        async with limit:  # listings first: each one reveals the next page and a batch of detail pages
            fetched = await fetcher.fetch(url, priority=LISTING_PRIORITY if kind == "listing" else DETAIL_PRIORITY)
        result.outcomes[fetched.outcome] = result.outcomes.get(fetched.outcome, 0) + 1
        if on_page is not None:
            on_page(portal.name, fetched.outcome)
        if not fetched.has_body:
            result.reports.append(PageReport(source=portal.name, url=url, outcome=str(fetched.outcome), kind=kind,
                                             reason=fetched.error or str(fetched.outcome)))
            return None
        return fetched

    async def visit_listing(url: str) -> None:
        fetched = await fetch(url, "listing")
        if fetched is None:
            return
        result.listing_pages += 1
        try:
            listing = portal.parse_listing(fetched.text, fetched.final_url or url)
        except Exception as exc:  # per-page boundary: a broken listing is reported, the crawl goes on
            result.reports.append(PageReport(source=portal.name, url=url, outcome="parse_error", kind="listing",
                                             reason=f"{type(exc).__name__}: {exc}"))
            return
        for next_url in listing.next_urls:
            schedule(next_url, "listing")
        for detail_url in listing.detail_urls:
            schedule(detail_url, "detail")

    async def visit_detail(url: str) -> None:
        fetched = await fetch(url, "detail")
        if fetched is None:
            return
        try:
            fields = portal.parse_detail(fetched.text, url)
        except NotAProgrammePage as exc:
            result.reports.append(PageReport(source=portal.name, url=url, outcome="not_programme", reason=str(exc)))
            return
        except Exception as exc:  # per-page boundary
            result.reports.append(PageReport(source=portal.name, url=url, outcome="parse_error",
                                             reason=f"{type(exc).__name__}: {exc}"))
            return
        result.records.append(RawRecord(source=portal.name, source_key=portal.source_key(url), url=url,
                                        fetched_at=fetched.fetched_at, content_hash=content_hash(fetched.content),
                                        fields=dict(fields), layout=getattr(fields, "layout", "")))

    for start in start_urls:
        schedule(start, "listing")
    while pending:
        await asyncio.gather(*list(pending))
    result.records.sort(key=lambda r: r.source_key)
    result.reports.sort(key=lambda r: (r.kind, r.url))
    return result
