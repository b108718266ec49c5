"""robots.txt, fetched once per host and obeyed (protego parses it; RFC 9309 decides what a failure means)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from protego import Protego

# (status or None on a network failure, body text, why it could not be read: "" when it could)
RobotsFetch = Callable[[str], Awaitable[tuple[int | None, str, str]]]


class RobotsRules:
    """The rules of one host. RFC 9309: a 4xx robots.txt means no rules; 5xx or unreachable means disallow all.
    An unreachable robots.txt is said as such (`unreachable`, `error`), not as a rule that disallows the page."""

    def __init__(self, status: int | None, text: str, user_agent: str, error: str = "") -> None:
        self._user_agent = user_agent
        self.status = status
        self._parser: Protego | None = None
        self.unreachable = status is None or status >= 500
        self._disallow_all = self.unreachable
        self.error = (error or (f"HTTP {status}" if status is not None else "no response")) if self.unreachable else ""
        if status is not None and 200 <= status < 300:
            self._parser = Protego.parse(text)

    def allowed(self, url: str) -> bool:
        if self._disallow_all:
            return False
        return self._parser is None or self._parser.can_fetch(url, self._user_agent)

    def crawl_delay_s(self) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(self._user_agent)
        return float(delay) if delay is not None else None


class RobotsCache:
    def __init__(self, fetch_robots: RobotsFetch, user_agent: str) -> None:
        self._fetch = fetch_robots
        self._user_agent = user_agent
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # concurrent first requests to a host wait for one robots.txt fetch
            if origin not in self._rules:
                status, text, error = await self._fetch(origin + "/robots.txt")
                self._rules[origin] = RobotsRules(status, text, self._user_agent, error)
        return self._rules[origin]
