"""Per-host politeness: at most N requests in flight and at least D seconds between request starts.

One gate per host (`www.` and the bare host are one host), shared by every scraper through the fetcher, so no
portal module can sleep on its own. The gap is measured from the moment a request has left (the fetcher calls
`Slot.sent()` when the request headers are written), not from the moment a slot was granted: connection set-up
and event-loop latency would otherwise eat into the gap the server sees. A 429/503 or Retry-After pauses the
whole host (`pause`), not only the URL that got it. The clock and sleep are injected so tests can check the
schedule without waiting for it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import AsyncIterator
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    """The politeness key of a URL: its host without `www.`, and its port if it names one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}:{parts.port}" if parts.port else host


class Slot:
    """A granted request start. `sent()` says the request has left: the next start is timed from then, and
    the next waiter may be scheduled. Idempotent; called at the latest when the slot ends."""

    __slots__ = ("_gate", "_done")

    def __init__(self, gate: "HostGate") -> None:
        self._gate, self._done = gate, False

    def sent(self) -> None:
        if not self._done:
            self._done = True
            self._gate._sent()


class HostGate:
    """Admits request starts for one host. Waiters are served by priority (lower first), then in arrival order:
    a crawler gives listing pages priority so pagination is never stuck behind the detail pages it revealed."""

    def __init__(
        self,
        *,
        concurrency: int,
        delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError("per-host concurrency must be at least 1")
        self._free = concurrency
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []  # heap of (priority, arrival, future)
        self._arrivals = itertools.count()
        self._schedule = asyncio.Lock()
        self._delay_s = max(0.0, delay_s)
        self._next_start = float("-inf")
        self._paused_until = float("-inf")
        self._pause_owner: object = None
        self._clock = clock
        self._sleep = sleep

    def slow_down(self, delay_s: float) -> None:
        """Raise the gap between starts (robots.txt Crawl-delay); never lowers it."""
        self._delay_s = max(self._delay_s, delay_s)

    def pause(self, seconds: float, owner: object = None) -> None:
        """No request to this host starts for `seconds` (a 429/503, a Retry-After): the server is struggling or
        asked us to wait, whichever URL it said it to. `owner` (the retrying request, which waits its own backoff)
        is not held a second time."""
        until = self._clock() + max(0.0, seconds)
        if until > self._paused_until:
            self._paused_until, self._pause_owner = until, owner

    async def _acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._arrivals), waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # a slot was handed to us as we were cancelled: pass it on
            raise

    def _release(self) -> None:
        while self._waiters:
            _, _, waiter = heapq.heappop(self._waiters)
            if not waiter.done():  # cancelled waiters are skipped
                waiter.set_result(None)
                return
        self._free += 1

    def _sent(self) -> None:
        self._next_start = self._clock() + self._delay_s
        self._schedule.release()

    @asynccontextmanager
    async def slot(self, priority: int = 0, owner: object = None) -> AsyncIterator[Slot]:
        await self._acquire(priority)
        try:
            await self._schedule.acquire()  # starts are handed out one at a time, in order; held until sent
            granted = Slot(self)
            try:
                while True:  # a pause may be raised while we sleep
                    not_before = self._next_start
                    if owner is None or owner is not self._pause_owner:
                        not_before = max(not_before, self._paused_until)
                    wait = not_before - self._clock()
                    if wait <= 0:
                        break
                    await self._sleep(wait)
                if self._delay_s <= 0:
                    granted.sent()  # no gap to keep: starts need not wait for one another to leave
                yield granted
            finally:
                granted.sent()
        finally:
            self._release()


class HostGates:
    """One gate per host, created on first use."""

    def __init__(self, *, concurrency: int, delay_s: float) -> None:
        self._concurrency = concurrency
        self._delay_s = delay_s
        self._gates: dict[str, HostGate] = {}

    def for_url(self, url: str) -> HostGate:
        key = host_key(url)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = HostGate(concurrency=self._concurrency, delay_s=self._delay_s)
        return gate
