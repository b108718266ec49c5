"""Failures said truthfully: DNS, refused connection, TLS and timeouts name themselves in the error a page report
carries; an unreachable robots.txt is "robots.txt unreachable", not "disallowed"; robots.txt redirects are
followed (up to five). Real loopback servers; the DNS failure comes from an httpx transport (no test may ask a
real resolver)."""

from __future__ import annotations

import asyncio
import dataclasses
import socket

import httpx

from scrapers.fetch import Fetcher
from scrapers.outcomes import Outcome
from programme_scout.settings import FetchSettings

FAST = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=2.0, max_attempts=1)
NO_ROBOTS = dataclasses.replace(FAST, obey_robots=False)


def fetch(url, settings=FAST, **kwargs):
    async def go():
        async with Fetcher(settings, **kwargs) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dns_failure_is_named():
    def resolve_fails(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from exc

    result = fetch("http://no-such-host.test/page", NO_ROBOTS, transport=httpx.MockTransport(resolve_fails))
    assert result.outcome is Outcome.FAILED and result.error.startswith("DNS lookup failed")


def test_refused_connection_is_named():
    result = fetch(f"http://127.0.0.1:{closed_port()}/page", NO_ROBOTS)
    assert result.outcome is Outcome.FAILED and result.error.startswith("connection refused"), result.error


def test_tls_error_is_named(server):
    result = fetch(f"https://127.0.0.1:{server.server_address[1]}/page?id=tls", NO_ROBOTS)  # plain HTTP behind it
    assert result.outcome is Outcome.FAILED and result.error.startswith("TLS error"), result.error


def test_read_timeout_is_named(server):
    result = fetch(f"{server.base}/delay?s=1.5", dataclasses.replace(NO_ROBOTS, http_timeout_s=0.3))
    assert result.outcome is Outcome.FAILED and result.error.startswith("read timeout"), result.error


def test_unreachable_robots_is_not_disallowed(server):
    server.robots_status = 503
    result = fetch(f"{server.base}/page?id=r", dataclasses.replace(FAST, max_attempts=2, backoff_base_s=0.01))
    assert result.outcome is Outcome.FAILED and result.outcome is not Outcome.ROBOTS_DISALLOWED
    assert result.error.startswith("robots.txt unreachable (HTTP 503") and "disallowed" not in result.error
    assert server.log.paths().count("/robots.txt") == 2  # retried as any 5xx
    assert not any(p.startswith("/page") for p in server.log.paths())  # RFC 9309: not crawled meanwhile


def test_robots_on_a_host_that_refuses_is_unreachable():
    result = fetch(f"http://127.0.0.1:{closed_port()}/page")
    assert result.outcome is Outcome.FAILED
    assert result.error.startswith("robots.txt unreachable (connection refused"), result.error


def test_robots_redirects_are_followed_up_to_five(server):
    server.robots_redirects = 5
    result = fetch(f"{server.base}/private/x")
    assert result.outcome is Outcome.ROBOTS_DISALLOWED  # the rules at the end of the chain were read
    assert server.log.paths().count("/robots-final.txt") == 1 and "/private/x" not in server.log.paths()


def test_robots_beyond_five_redirects_is_no_robots(server):
    server.robots_redirects = 6
    result = fetch(f"{server.base}/page?id=6")
    assert result.outcome is Outcome.OK  # RFC 9309: more than five hops, robots.txt is unavailable (no rules)
    assert "/robots-final.txt" not in server.log.paths()
