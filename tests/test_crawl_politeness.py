"""Politeness per host as the server sees it: `www.` and the bare host are one host, a 429/Retry-After holds
every URL of the host, and a total deadline cuts a server that trickles its body. Real loopback server; the
portal-like host names reach it through ResolveTransport."""

from __future__ import annotations

import asyncio
import time

from scrapers.fetch import Fetcher
from scrapers.outcomes import Outcome
from scrapers.politeness import HostGate, host_key
from scrapers.resolve import ResolveTransport
from programme_scout.settings import FetchSettings


def test_host_key_joins_www_and_bare_host():
    assert host_key("https://www.mastersportal.com/x") == host_key("http://mastersportal.com/y") == "mastersportal.com"
    assert host_key("http://WWW.Example.org:8080/") == "example.org:8080"
    assert host_key("http://example.org/") != host_key("http://example.org:8080/")


def test_www_and_bare_host_share_one_gate(server):
    settings = FetchSettings(per_host_delay_s=0.2, per_host_concurrency=1, http_timeout_s=5.0, obey_robots=False)
    transport = ResolveTransport({"www.portal.test": server.base, "portal.test": server.base})
    urls = [f"http://{host}/page?id={i}" for i in range(3) for host in ("www.portal.test", "portal.test")]

    async def go():
        async with Fetcher(settings, transport=transport) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls))

    assert all(r.outcome is Outcome.OK for r in asyncio.run(go()))
    starts = sorted(server.log.starts("/page"))
    assert len(starts) == 6 and server.log.max_in_flight == 1
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.2 - 0.02


def test_retry_after_holds_every_url_of_the_host(server):
    settings = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0, obey_robots=False,
                             retry_after_cap_s=1.0)

    async def go():
        async with Fetcher(settings) as fetcher:
            async def later():
                await asyncio.sleep(0.2)  # after the 429 has come back
                return await fetcher.fetch(f"{server.base}/page?id=other")
            return await asyncio.gather(fetcher.fetch(f"{server.base}/flaky?n=429&fail=1&retry_after=1&key=h"),
                                        later())

    first, other = asyncio.run(go())
    assert first.outcome is Outcome.OK and other.outcome is Outcome.OK
    (hit,) = server.log.starts("/flaky")[:1]
    (other_start,) = server.log.starts("/page")
    assert other_start - hit >= 1.0 - 0.05  # the other URL waited out the host's Retry-After
    assert server.log.starts("/flaky")[1] - hit >= 1.0 - 0.05


def test_503_without_retry_after_pauses_the_host_for_the_backoff(server):
    settings = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0, obey_robots=False,
                             backoff_base_s=0.6, max_attempts=2)

    async def go():
        async with Fetcher(settings, rng=lambda: 0.5) as fetcher:
            async def later():
                await asyncio.sleep(0.15)
                return await fetcher.fetch(f"{server.base}/page?id=b")
            return await asyncio.gather(fetcher.fetch(f"{server.base}/flaky?n=503&fail=1&key=p"), later())

    asyncio.run(go())
    (hit,) = server.log.starts("/flaky")[:1]
    (other_start,) = server.log.starts("/page")
    assert other_start - hit >= 0.6 - 0.05


def test_a_trickling_server_is_cut_at_the_total_deadline(server):
    settings = FetchSettings(per_host_delay_s=0.0, http_timeout_s=5.0, http_total_timeout_s=1.0, max_attempts=1,
                             obey_robots=False)

    async def go():
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(f"{server.base}/trickle?every=2&bytes=100")

    began = time.monotonic()
    result = asyncio.run(go())
    took = time.monotonic() - began
    assert result.outcome is Outcome.FAILED and "total timeout of 1 s" in result.error
    assert took < 4.0  # the read timeout (5 s) never fires: a byte comes every 2 s; the body would take 200 s


def test_the_gap_is_timed_from_when_the_request_left():
    """Granted at 0, sent at 0.3 (a slow connect): the next start is 0.3 + delay, not 0 + delay."""
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def go():
        gate = HostGate(concurrency=2, delay_s=1.0, clock=lambda: now[0], sleep=sleep)
        starts = []

        async def request(connect_s: float):
            async with gate.slot() as slot:
                now[0] += connect_s
                slot.sent()
                starts.append(now[0])

        await asyncio.gather(request(0.3), request(0.0))
        return starts

    assert asyncio.run(go()) == [0.3, 1.3]


def test_a_429_on_the_last_try_still_holds_the_host(server):
    settings = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0, obey_robots=False,
                             max_attempts=1, retry_after_cap_s=1.0)

    async def go():
        async with Fetcher(settings) as fetcher:
            async def later():
                await asyncio.sleep(0.2)
                return await fetcher.fetch(f"{server.base}/page?id=after")
            return await asyncio.gather(fetcher.fetch(f"{server.base}/flaky?n=429&fail=5&retry_after=1&key=last"), later())

    given_up, other = asyncio.run(go())
    assert given_up.outcome is Outcome.FAILED and given_up.status == 429 and other.outcome is Outcome.OK
    (hit,) = server.log.starts("/flaky")
    (other_start,) = server.log.starts("/page")
    assert other_start - hit >= 1.0 - 0.05
