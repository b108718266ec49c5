"""The one HTTP client every scraper uses: politeness, robots.txt, retries, redirects, caps, cache, outcomes.

Contract: `await fetcher.fetch(url)` returns a `FetchResult` and never raises. Transport and clock are
injected, so offline replay and tests use the very same code path as a live crawl.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, replace
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

from scrapers.classify import blocked_reason
from scrapers.decode import decode_body
from scrapers.outcomes import FetchResult, Outcome
from scrapers.politeness import HostGates, Slot
from scrapers.retry import RETRY_ERRORS, RETRY_STATUSES, backoff_delay_s, describe_error, parse_retry_after
from scrapers.robots import RobotsCache
from programme_scout.settings import FetchSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five


class BodyTooLarge(Exception):
    pass


class TotalTimeout(httpx.TimeoutException):
    """No complete response within `http_total_timeout_s`: httpx's timeouts are per read, so a server trickling
    a byte every few seconds would otherwise hold a slot for ever."""


PAUSE_HOST_STATUSES = frozenset({429, 503})  # the server says it is overloaded: every URL of the host waits


def same_site(a: str, b: str) -> bool:
    """Redirects may move between `www.` and the bare host, or http and https, never to another site."""
    host_a, host_b = (urlsplit(u).hostname or "" for u in (a, b))
    return host_a.removeprefix("www.") == host_b.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back: the page's last ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None


def conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


class _Response:
    __slots__ = ("status", "headers", "content")

    def __init__(self, status: int, headers: httpx.Headers, content: bytes) -> None:
        self.status, self.headers, self.content = status, headers, content


class Fetcher:
    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,  # redirects are followed here, through robots and politeness
            timeout=httpx.Timeout(settings.http_timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        )
        self._gates = HostGates(concurrency=settings.per_host_concurrency, delay_s=settings.per_host_delay_s)
        self._robots = RobotsCache(self._fetch_robots, settings.user_agent)
        self._sleep, self._now, self._rng = sleep, now, rng

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, *, priority: int = 0, validators: Validators | None = None) -> FetchResult:
        """`priority`: lower is sooner when requests wait for the same host (listings before detail pages).
        `validators`: the page's last ETag and Last-Modified (the frontier keeps them): a conditional GET, and a
        304 is the `not_modified` outcome, with no body (the caller keeps what it made of the last one)."""
        try:
            result = await self._fetch(url, priority, validators)
        except Exception as exc:  # the per-fetch boundary: whatever happened becomes an outcome
            result = FetchResult(url=url, outcome=Outcome.FAILED, error=f"unexpected {type(exc).__name__}: {exc}")
        return result

    async def _fetch(self, url: str, priority: int, validators: Validators | None) -> FetchResult:
        fetched_at = self._now().isoformat(timespec="seconds")
        current, hops, attempts = url, [url], 0
        for _ in range(self.settings.max_redirects + 1):
            if self.settings.obey_robots:
                rules = await self._robots.rules_for(current)
                delay = rules.crawl_delay_s()
                if delay:
                    self._gates.for_url(current).slow_down(delay)
                if rules.unreachable:
                    return FetchResult(url=url, final_url=current, outcome=Outcome.FAILED, fetched_at=fetched_at,
                                       error=f"robots.txt unreachable ({rules.error}): not requested, as RFC 9309 "
                                             "asks while robots.txt cannot be read")
                if not rules.allowed(current):
                    return FetchResult(url=url, final_url=current, outcome=Outcome.ROBOTS_DISALLOWED,
                                       error="disallowed by robots.txt", fetched_at=fetched_at)
            extra = conditional_headers(validators) if current == url else {}
            response, tries, error = await self._request_with_retries(current, extra, priority)
            attempts += tries
            if response is None:
                return FetchResult(url=url, final_url=current, outcome=Outcome.FAILED, attempts=attempts,
                                   error=error, fetched_at=fetched_at)
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                target = urljoin(current, location)
                if not same_site(url, target):
                    return FetchResult(url=url, final_url=target, outcome=Outcome.FAILED, status=response.status,
                                       attempts=attempts, error=f"redirect to another site: {target}",
                                       fetched_at=fetched_at)
                if target in hops:
                    return FetchResult(url=url, final_url=target, outcome=Outcome.FAILED, status=response.status,
                                       attempts=attempts, error=f"redirect loop via {target}", fetched_at=fetched_at)
                hops.append(target)
                current = target
                continue
            return self._result(url, current, response, attempts, error, validators, fetched_at, tuple(hops[1:]))
        return FetchResult(url=url, final_url=current, outcome=Outcome.FAILED, attempts=attempts,
                           error=f"more than {self.settings.max_redirects} redirects", fetched_at=fetched_at)

    def _result(self, url: str, final_url: str, response: _Response, attempts: int, error: str,
                validators: Validators | None, fetched_at: str, history: tuple[str, ...]) -> FetchResult:
        status = response.status
        base = FetchResult(url=url, final_url=final_url, status=status, attempts=attempts, fetched_at=fetched_at,
                           history=history, outcome=Outcome.FAILED, etag=response.headers.get("etag"),
                           last_modified=response.headers.get("last-modified"))
        if status == 304 and validators is not None:
            return replace(base, outcome=Outcome.NOT_MODIFIED)
        content_type = response.headers.get("content-type", "")
        text = decode_body(response.content, content_type)
        reason = blocked_reason(status, text)
        if reason is not None:
            return replace(base, outcome=Outcome.BLOCKED, text=text, error=reason)
        if status in (404, 410):
            return replace(base, outcome=Outcome.NOT_FOUND, error=f"HTTP {status}")
        if not 200 <= status < 300:
            return replace(base, error=error or f"HTTP {status}")
        return replace(base, outcome=Outcome.OK, text=text, content=response.content, content_type=content_type)

    async def _request_with_retries(
        self, url: str, extra_headers: dict[str, str], priority: int = 0
    ) -> tuple[_Response | None, int, str]:
        """(response, attempts, last error). A retriable status still returns its last response after the final
        attempt, so the caller can classify it; a network error returns None."""
        gate = self._gates.for_url(url)
        me = object()  # this request: it waits its own backoff, not the host pause it caused a second time
        last_error = ""
        for attempt in range(1, self.settings.max_attempts + 1):
            retry_after: float | None = None
            pause_host = False
            got: _Response | None = None
            try:
                async with gate.slot(priority, owner=me) as slot:
                    response = await self._send(url, extra_headers, slot)
            except BodyTooLarge as exc:
                return None, attempt, str(exc)
            except RETRY_ERRORS as exc:
                last_error = f"{describe_error(exc)} (attempt {attempt})"
            else:
                text_head = response.content[:20_000].decode("utf-8", "replace")
                if response.status not in RETRY_STATUSES or blocked_reason(response.status, text_head):
                    return response, attempt, ""
                last_error = f"HTTP {response.status} after {attempt} attempt(s)"
                got = response
                retry_after = parse_retry_after(response.headers.get("retry-after"), now=self._now())
                pause_host = retry_after is not None or response.status in PAUSE_HOST_STATUSES
            wait = backoff_delay_s(
                attempt, base_s=self.settings.backoff_base_s, max_s=self.settings.backoff_max_s,
                retry_after_s=retry_after, retry_after_cap_s=self.settings.retry_after_cap_s, rng=self._rng)
            if pause_host:  # the other URLs of the host wait too, even when this one has no try left
                gate.pause(wait, owner=me)
            if attempt == self.settings.max_attempts:
                return got, attempt, last_error  # a retriable status's last response, for the caller to classify
            await self._sleep(wait)
        return None, self.settings.max_attempts, last_error

    async def _send(self, url: str, extra_headers: dict[str, str], slot: Slot | None = None) -> _Response:
        total = self.settings.http_total_timeout_s
        try:
            async with asyncio.timeout(total):
                return await self._send_once(url, extra_headers, slot)
        except TimeoutError:
            raise TotalTimeout(f"no complete response within the total timeout of {total:g} s") from None

    async def _send_once(self, url: str, extra_headers: dict[str, str], slot: Slot | None) -> _Response:
        cap = self.settings.max_body_bytes

        async def trace(event: str, info: object) -> None:  # httpcore: the request has left
            if slot is not None and event.endswith("send_request_headers.complete"):
                slot.sent()

        async with self._client.stream("GET", url, headers=extra_headers, extensions={"trace": trace}) as response:
            if slot is not None:
                slot.sent()  # transports without httpcore (replay) never trace
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise BodyTooLarge(f"body of {declared} bytes is over the {cap}-byte cap")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():  # decoded, so the cap also stops compression bombs
                size += len(chunk)
                if size > cap:
                    raise BodyTooLarge(f"body over the {cap}-byte cap")
                chunks.append(chunk)
            return _Response(response.status_code, response.headers, b"".join(chunks))

    async def _fetch_robots(self, robots_url: str) -> tuple[int | None, str, str]:
        """(status, text, why unreachable). Redirects are followed up to five hops (RFC 9309 2.3.1.2) within the
        site (`www.`/bare, http/https: the crawl's scope); more hops, or a hop elsewhere, count as no robots.txt
        (a 4xx: the RFC's "unavailable")."""
        current = robots_url
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            response, _, error = await self._request_with_retries(current, {}, priority=-1)
            if response is None:
                return None, "", error
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                target = urljoin(current, location)
                if not same_site(robots_url, target):
                    return 404, "", ""
                current = target
                continue
            error = error or (f"HTTP {response.status}" if response.status >= 500 else "")
            return response.status, decode_body(response.content, response.headers.get("content-type", ""),
                                                html=False), error
        return 404, "", ""
