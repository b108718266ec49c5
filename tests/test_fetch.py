"""The fetch layer against a real HTTP server on 127.0.0.1: each test checks what the server saw and what the
fetcher returned. Backoff waits are recorded by an injected sleep (the server is real, the waiting is not)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from scrapers.fetch import Fetcher, Validators
from scrapers.outcomes import Outcome
from programme_scout.settings import FetchSettings

FAST = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=2.0, max_attempts=3)


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def fetch_all(urls, settings=FAST, **kwargs):
    async def go():
        async with Fetcher(settings, **kwargs) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls))

    return asyncio.run(go())


def fetch_one(url, settings=FAST, validators=None, **kwargs):
    async def go():
        async with Fetcher(settings, **kwargs) as fetcher:
            return await fetcher.fetch(url, validators=validators)

    return asyncio.run(go())


def test_429_with_retry_after_then_200(server):
    sleep = RecordingSleep()
    result = fetch_one(f"{server.base}/flaky?n=429&fail=1&retry_after=7&key=a", sleep=sleep)
    assert result.outcome is Outcome.OK and "recovered" in result.text
    assert result.attempts == 2
    assert sleep.waits == [7.0]  # the server's Retry-After, not our backoff
    assert server.log.paths().count("/flaky?n=429&fail=1&retry_after=7&key=a") == 2


def test_retry_after_is_capped(server):
    sleep = RecordingSleep()
    settings = dataclasses.replace(FAST, retry_after_cap_s=5.0)
    result = fetch_one(f"{server.base}/flaky?n=429&fail=1&retry_after=3600&key=cap", settings, sleep=sleep)
    assert result.outcome is Outcome.OK
    assert sleep.waits == [5.0]


def test_503_twice_then_200_with_growing_backoff(server):
    sleep = RecordingSleep()
    result = fetch_one(f"{server.base}/flaky?n=503&fail=2&key=b", sleep=sleep, rng=lambda: 0.5)
    assert result.outcome is Outcome.OK and result.attempts == 3
    assert sleep.waits == [1.0, 2.0]  # base 1 s doubling, jitter factor 1.0 at rng 0.5
    assert len([p for p in server.log.paths() if p.startswith("/flaky")]) == 3


def test_503_forever_fails_after_max_attempts(server):
    result = fetch_one(f"{server.base}/status?n=503", sleep=RecordingSleep())
    assert result.outcome is Outcome.FAILED and result.status == 503
    assert "503" in result.error and result.attempts == 3
    assert server.log.paths().count("/status?n=503") == 3


def test_404_is_not_found_and_not_retried(server):
    result = fetch_one(f"{server.base}/status?n=404", sleep=RecordingSleep())
    assert result.outcome is Outcome.NOT_FOUND
    assert server.log.paths().count("/status?n=404") == 1


def test_reset_connection_is_retried(server):
    result = fetch_one(f"{server.base}/drop?key=r", sleep=RecordingSleep())
    assert result.outcome is Outcome.OK and "after reset" in result.text
    assert server.log.paths().count("/drop?key=r") == 2


def test_reset_every_time_fails_with_the_error(server):
    result = fetch_one(f"{server.base}/drop?always=1&key=r2", sleep=RecordingSleep())
    assert result.outcome is Outcome.FAILED
    assert result.error and result.attempts == 3
    assert server.log.paths().count("/drop?always=1&key=r2") == 3


def test_truncated_body_is_retried_then_failed(server):
    result = fetch_one(f"{server.base}/truncated", sleep=RecordingSleep())
    assert result.outcome is Outcome.FAILED
    assert server.log.paths().count("/truncated") == 3


def test_read_timeout(server):
    settings = dataclasses.replace(FAST, http_timeout_s=0.3, max_attempts=2)
    result = fetch_one(f"{server.base}/delay?s=1.5", settings, sleep=RecordingSleep())
    assert result.outcome is Outcome.FAILED and "Timeout" in result.error
    assert server.log.paths().count("/delay?s=1.5") == 2


def test_body_over_cap_declared_length(server):
    settings = dataclasses.replace(FAST, max_body_bytes=10_000)
    result = fetch_one(f"{server.base}/big?bytes=50000", settings)
    assert result.outcome is Outcome.FAILED and "cap" in result.error
    assert server.log.paths().count("/big?bytes=50000") == 1  # not retried


def test_body_over_cap_chunked(server):
    settings = dataclasses.replace(FAST, max_body_bytes=100_000)
    result = fetch_one(f"{server.base}/big-chunked?chunks=20", settings)
    assert result.outcome is Outcome.FAILED and "cap" in result.error


def test_body_under_cap_is_ok(server):
    result = fetch_one(f"{server.base}/big?bytes=5000")
    assert result.outcome is Outcome.OK and len(result.content) == 5000


def test_redirect_loop(server):
    result = fetch_one(f"{server.base}/loop-a")
    assert result.outcome is Outcome.FAILED and "loop" in result.error
    assert server.log.paths().count("/loop-a") == 1 and server.log.paths().count("/loop-b") == 1


def test_redirect_chain_within_limit_and_over_it(server):
    ok = fetch_one(f"{server.base}/chain?n=5")
    assert ok.outcome is Outcome.OK and ok.final_url.endswith("/page?id=end") and len(ok.history) == 5
    too_long = fetch_one(f"{server.base}/chain?n=6")
    assert too_long.outcome is Outcome.FAILED and "more than 5 redirects" in too_long.error


def test_redirect_to_another_site_is_refused(server):
    result = fetch_one(f"{server.base}/offsite")
    assert result.outcome is Outcome.FAILED and "another site" in result.error
    assert not any("elsewhere" in p for p in server.log.paths())


def test_robots_disallow_is_obeyed_and_fetched_once(server):
    results = fetch_all([f"{server.base}/private/x", f"{server.base}/private/y", f"{server.base}/page?id=1"])
    assert [r.outcome for r in results] == [Outcome.ROBOTS_DISALLOWED, Outcome.ROBOTS_DISALLOWED, Outcome.OK]
    assert not any(p.startswith("/private/") for p in server.log.paths())
    assert server.log.paths().count("/robots.txt") == 1


def test_robots_ignored_when_switched_off(server):
    result = fetch_one(f"{server.base}/private/x", dataclasses.replace(FAST, obey_robots=False))
    assert result.outcome is Outcome.OK


@pytest.mark.parametrize("status", [403, 503])
def test_cloudflare_challenge_is_blocked_not_retried(server, status):
    result = fetch_one(f"{server.base}/challenge?n={status}", sleep=RecordingSleep())
    assert result.outcome is Outcome.BLOCKED and "challenge" in result.error
    assert server.log.paths().count(f"/challenge?n={status}") == 1


def test_iso_8859_1_from_header(server):
    result = fetch_one(f"{server.base}/latin1")
    assert result.outcome is Outcome.OK and "Universität Münster" in result.text and "café" in result.text


def test_iso_8859_1_from_meta(server):
    result = fetch_one(f"{server.base}/latin1-meta")
    assert "Université de Liège" in result.text


def test_conditional_request_gives_not_modified(server):
    first = fetch_one(f"{server.base}/etag")
    second = fetch_one(f"{server.base}/etag", validators=Validators(first.etag, first.last_modified))
    assert first.outcome is Outcome.OK and first.etag == '"v1"'
    assert second.outcome is Outcome.NOT_MODIFIED and second.text == "" and second.read
    etag_requests = [s for s in server.log.requests if s.path == "/etag"]
    assert "If-None-Match" not in etag_requests[0].headers
    assert etag_requests[1].headers.get("If-None-Match") == '"v1"'


def test_user_agent_names_a_contact(server):
    fetch_one(f"{server.base}/page?id=ua")
    agent = server.log.requests[-1].headers["User-Agent"]
    assert agent.startswith("programme-scout/") and "+http" in agent


def test_per_host_rate_and_concurrency_never_exceeded(server):
    settings = FetchSettings(per_host_delay_s=0.15, per_host_concurrency=2, http_timeout_s=5.0)
    urls = [f"{server.base}/page?id={i}&delay=0.4" for i in range(8)]
    results = fetch_all(urls, settings)
    assert all(r.outcome is Outcome.OK for r in results)
    starts = sorted(server.log.starts())  # robots.txt included: it is a request to the host too
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 9
    assert min(gaps) >= 0.15 - 0.02, gaps  # a little slack for loopback scheduling
    assert server.log.max_in_flight <= 2


def test_unexpected_error_becomes_failed_outcome():
    result = fetch_one("notascheme://nowhere/page")
    assert result.outcome is Outcome.FAILED and result.error


def test_host_gate_serves_waiters_by_priority_then_arrival():
    from scrapers.politeness import HostGate

    async def go():
        gate = HostGate(concurrency=1, delay_s=0.0)
        order = []

        async def request(name, priority):
            async with gate.slot(priority):
                order.append(name)
                await asyncio.sleep(0.01)

        holder = asyncio.create_task(request("first", 1))
        await asyncio.sleep(0)  # "first" holds the only slot
        waiting = [asyncio.create_task(request(n, p)) for n, p in (("detail-a", 1), ("detail-b", 1), ("listing", 0))]
        cancelled = asyncio.create_task(request("cancelled", 0))
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.gather(holder, *waiting)
        return order

    assert asyncio.run(go()) == ["first", "listing", "detail-a", "detail-b"]
