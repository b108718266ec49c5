"""Per-host politeness: at most N requests in flight and at least D seconds between request starts.

One gate per host, shared by every scraper through the fetcher, so no portal module can sleep on its own.
The clock and sleep are injected so tests can check the schedule without waiting for it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import AsyncIterator


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
        self._clock = clock
        self._sleep = sleep

    def slow_down(self, delay_s: float) -> None:
        """Raise the gap between starts (robots.txt Crawl-delay); never lowers it."""
        self._delay_s = max(self._delay_s, delay_s)

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

    @asynccontextmanager
    async def slot(self, priority: int = 0) -> AsyncIterator[None]:
        await self._acquire(priority)
        try:
            async with self._schedule:  # starts are handed out one at a time, in order
                wait = self._next_start - self._clock()
                if wait > 0:
                    await self._sleep(wait)
                self._next_start = self._clock() + self._delay_s
            yield
        finally:
            self._release()


class HostGates:
    """One gate per host, created on first use."""

    def __init__(self, *, concurrency: int, delay_s: float) -> None:
        self._concurrency = concurrency
        self._delay_s = delay_s
        self._gates: dict[str, HostGate] = {}

    def for_host(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(concurrency=self._concurrency, delay_s=self._delay_s)
        return gate
