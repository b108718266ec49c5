"""The parsing layer (scrapers/parsing.py): the process pool gives what in-process parsing gives, page for page, and
a page that runs away, raises, or kills its worker is that page's report while the pool goes on parsing.

Made-up portals are module-level classes, so a worker unpickles them by reference (it imports this module). No
durations are asserted: a CPU limit of 0.5 s and a hang guard (`finish`) far above anything that should happen."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from conftest import MIRROR

from scrapers.listing import Listing
from scrapers.parsing import (InlineParsing, ParseCrashed, ParseFailed, ParseTimeout, Parsing, PoolParsing,
                              parsing_for)
from scrapers.records import NotAProgrammePage, RawFields
from scrapers.registry import PORTALS, family_for
from scrapers.replay import url_from_relpath

CPU_LIMIT_S = 0.5
HANG_GUARD_S = 300  # "it finished": far above any run, only there so a regression fails instead of hanging
T = TypeVar("T")


def finish(make: Callable[[], Awaitable[T]]) -> T:
    async def guarded() -> T:
        return await asyncio.wait_for(make(), HANG_GUARD_S)

    return asyncio.run(guarded())


def mirror_pages() -> list[tuple[str, str]]:
    return [(url_from_relpath(str(p.relative_to(MIRROR))), p.read_text(encoding="utf-8"))
            for p in sorted(MIRROR.rglob("*")) if p.is_file() and not p.name.startswith("_") and p.suffix != ".txt"]


# ---------------------------------------------------------------- made-up portals
class Unpicklable(Exception):
    """An exception whose constructor takes two arguments but passes one on: it does not unpickle."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"code {code}: {detail}")


class Misbehaving:
    """parse_detail does what the URL says; any other URL gives its text as the title."""

    def parse_listing(self, text: str, url: str) -> Listing:
        return Listing([f"{url}/{n}" for n in range(3)])

    def parse_detail(self, text: str, url: str) -> dict[str, list[str]]:
        if url.endswith("/busy"):  # CPU in Python: the worker's timer stops it
            while True:
                pass
        if url.endswith("/busy-swallowed"):  # a parser's own `except Exception` cannot keep the page running
            try:
                while True:
                    pass
            except Exception:
                return {"title": ["swallowed the limit"]}
        if url.endswith("/stuck"):  # no CPU spent (as a worker blocked in C code): only the wall clock sees it
            time.sleep(3600)
        if url.endswith("/sleep"):
            time.sleep(2)
        if url.endswith("/die"):  # as the OOM killer would
            os.kill(os.getpid(), signal.SIGKILL)
        if url.endswith("/value"):
            raise ValueError("could not convert string to float: 'x'")
        if url.endswith("/not-programme"):
            raise NotAProgrammePage("no title or university in a made-up page")
        if url.endswith("/unpicklable"):
            raise Unpicklable(7, "two arguments")
        return {"title": [text]}


BAD = Misbehaving()


def outcome(make: Callable[[], Any]) -> tuple[str, Any]:
    try:
        result = make()
    except Exception as exc:
        return ("raised", (type(exc).__name__, str(exc)))
    if isinstance(result, RawFields):
        return ("fields", (dict(result), result.layout))
    return ("listing", result)


async def outcomes(parsing: Parsing, pages: list[tuple[Any, str, str]]) -> list[tuple[str, Any]]:
    """Every page through both parsers of its portal, concurrently, each as its result or its exception."""
    async def one(kind: str, portal: Any, text: str, url: str) -> tuple[str, Any]:
        try:
            result = await (parsing.listing if kind == "listing" else parsing.detail)(portal, text, url)
        except Exception as exc:
            return ("raised", (type(exc).__name__, str(exc)))
        if isinstance(result, RawFields):
            return ("fields", (dict(result), result.layout))
        return ("listing", result)

    return list(await asyncio.gather(*(one(kind, portal, text, url) for portal, text, url in pages
                                       for kind in ("listing", "detail"))))


async def inline_and_pool(pages: list[tuple[Any, str, str]]) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    async with InlineParsing() as inline:
        expected = await outcomes(inline, pages)
    async with PoolParsing(2, CPU_LIMIT_S * 20) as pool:  # a loaded test machine must not time a real page out
        got = await outcomes(pool, pages)
    return expected, got


# ---------------------------------------------------------------- same results
def test_pool_and_inline_agree_on_every_mirror_page():
    pages = [(family_for(url), text, url) for url, text in mirror_pages()]
    assert len(pages) >= 40 and all(portal is not None for portal, _, _ in pages)
    expected, got = finish(lambda: inline_and_pool(pages))
    assert got == expected
    layouts = {result[1] for kind, result in got if kind == "fields"}
    assert {layout.split("/")[0] for layout in layouts} == set(PORTALS)  # layouts crossed the boundary, every portal


def test_pool_and_inline_agree_on_the_evidence_pages():
    from bench.extraction import EVIDENCE, pages

    if not EVIDENCE.is_dir():
        pytest.skip(f"no shared evidence at {EVIDENCE} (../shared is absent)")
    evidence = [(PORTALS[p.portal], p.text, p.url) for p in pages()]
    expected, got = finish(lambda: inline_and_pool(evidence))
    assert got == expected
    assert any(kind == "fields" for kind, _ in got)


def test_raw_fields_keep_their_layout_through_pickle():
    import pickle

    fields = RawFields("studyportals/E3")
    fields["title"] = ["Data Science"]
    back = pickle.loads(pickle.dumps(fields))
    assert type(back) is RawFields and back == fields and back.layout == "studyportals/E3"


def test_inline_wraps_a_plain_dict():
    fields = finish(lambda: InlineParsing().detail(BAD, "Data Science", "https://example.org/p/1"))
    assert isinstance(fields, RawFields) and fields == {"title": ["Data Science"]} and fields.layout == ""


# ---------------------------------------------------------------- exceptions
def test_exceptions_cross_the_boundary_as_themselves():
    pages = [(BAD, "", f"https://example.org/p/{what}") for what in ("value", "not-programme", "unpicklable", "ok")]

    async def go() -> tuple[list[tuple[str, Any]], list[BaseException | Any]]:
        async with PoolParsing(2, CPU_LIMIT_S) as pool:
            raised = await asyncio.gather(*(pool.detail(p, t, u) for p, t, u in pages), return_exceptions=True)
        async with InlineParsing() as inline:
            expected = await outcomes(inline, pages[:2])
        return expected, raised

    expected, raised = finish(go)
    value, not_programme, unpicklable, ok = raised
    assert type(value) is ValueError and str(value) == "could not convert string to float: 'x'"
    assert type(not_programme) is NotAProgrammePage and str(not_programme) == "no title or university in a made-up page"
    assert [("raised", (type(e).__name__, str(e))) for e in (value, not_programme)] == [expected[1], expected[3]]
    # an exception that does not pickle still says what it was
    assert isinstance(unpicklable, ParseFailed) and unpicklable.type_name == "Unpicklable"
    assert str(unpicklable) == "code 7: two arguments"
    assert ok == {"title": [""]}


# ---------------------------------------------------------------- limits
def test_a_runaway_page_times_out_and_the_pool_parses_the_next():
    async def go() -> tuple[list[BaseException | Any], PoolParsing]:
        async with PoolParsing(1, CPU_LIMIT_S) as pool:
            results: list[BaseException | Any] = []
            for url in ("https://example.org/p/busy", "https://example.org/p/next", "https://example.org/p/busy-swallowed",
                        "https://example.org/p/after"):
                try:
                    results.append(await pool.detail(BAD, url.rsplit("/", 1)[1], url))
                except ParseTimeout as exc:
                    results.append(exc)
        return results, pool

    (busy, after_busy, swallowed, after_swallowed), pool = finish(go)
    assert isinstance(busy, ParseTimeout)
    assert "0.5 s of CPU" in str(busy) and "https://example.org/p/busy" in str(busy)  # the limit and the URL
    assert isinstance(swallowed, ParseTimeout)
    assert after_busy == {"title": ["next"]} and after_swallowed == {"title": ["after"]}
    assert pool.rebuilds == 0  # the same worker lived on


def test_a_real_parser_path_that_runs_away_times_out():
    """Nested definition lists make the label reader read the rest of the page for every label: quadratic (2,000
    of them: seconds of CPU). Whatever makes a real page slow, the limit makes it a report."""
    heavy = "<dl><dt>Duration</dt><dd>" * 2000
    page = (PORTALS["studyportals"], heavy, "https://www.mastersportal.com/studies/1/heavy.html")
    fine = next((PORTALS["studyportals"], t, u) for u, t in mirror_pages() if "/studies/" in u)

    async def go() -> tuple[BaseException | RawFields, RawFields]:
        async with PoolParsing(1, CPU_LIMIT_S) as pool:
            try:
                first: BaseException | RawFields = await pool.detail(*page)
            except ParseTimeout as exc:
                first = exc
            return first, await pool.detail(*fine)

    first, second = finish(go)
    assert isinstance(first, ParseTimeout) and "heavy.html" in str(first)
    assert second["title"] and second.layout.startswith("studyportals/")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_stuck_past_the_backstop_is_killed_and_its_neighbours_retried(workers):
    """With one worker, a neighbour waits in the pool's queue behind the stuck page: it is retried, not timed out."""
    async def go() -> tuple[list[BaseException | Any], PoolParsing]:
        async with PoolParsing(workers, CPU_LIMIT_S, backstop_s=2.0) as pool:
            stuck = asyncio.ensure_future(pool.detail(BAD, "", "https://example.org/p/stuck"))
            await asyncio.sleep(0)  # the stuck page takes its worker first
            neighbours = [pool.detail(BAD, str(n), f"https://example.org/p/{n}") for n in range(6)]
            results = await asyncio.gather(stuck, *neighbours, return_exceptions=True)
            results.append(await pool.detail(BAD, "later", "https://example.org/p/later"))
        return results, pool

    results, pool = finish(go)
    assert isinstance(results[0], ParseTimeout) and "wall clock" in str(results[0])
    assert "https://example.org/p/stuck" in str(results[0])
    assert results[1:7] == [{"title": [str(n)]} for n in range(6)]
    assert results[7] == {"title": ["later"]}
    assert pool.rebuilds == 1


def test_a_killed_worker_is_reported_and_the_pool_recovers():
    async def go() -> tuple[list[BaseException | Any], PoolParsing]:
        async with PoolParsing(2, CPU_LIMIT_S) as pool:
            first = await asyncio.gather(pool.detail(BAD, "", "https://example.org/p/die"),
                                         *(pool.detail(BAD, str(n), f"https://example.org/p/{n}") for n in range(4)),
                                         return_exceptions=True)
            later = [await pool.detail(BAD, str(n), f"https://example.org/p/later{n}") for n in range(3)]
        return [*first, *later], pool

    results, pool = finish(go)
    assert isinstance(results[0], ParseCrashed) and "https://example.org/p/die" in str(results[0])
    assert results[1:5] == [{"title": [str(n)]} for n in range(4)]  # in flight beside it: retried, parsed
    assert results[5:] == [{"title": [str(n)]} for n in range(3)]
    assert pool.rebuilds >= 1


def test_a_worker_killed_from_outside_mid_page():
    """SIGKILL from outside (as the OOM killer would): the page that was in the dead worker is retried once on a new
    pool (a page that kills its worker again is reported: test above); later pages parse."""
    async def go() -> tuple[BaseException | Any, RawFields, PoolParsing]:
        async with PoolParsing(1, CPU_LIMIT_S) as pool:
            page = asyncio.ensure_future(pool.detail(BAD, "slow", "https://example.org/p/sleep"))
            executor = pool._executor
            assert executor is not None
            await asyncio.sleep(0.3)  # mid-page (the page sleeps 2 s); killed earlier or later it is retried all the same
            for pid in list(executor._processes or {}):
                os.kill(pid, signal.SIGKILL)
            try:
                first: BaseException | Any = await page
            except Exception as exc:
                first = exc
            return first, await pool.detail(BAD, "later", "https://example.org/p/later"), pool

    first, later, pool = finish(go)
    assert first == {"title": ["slow"]}
    assert later == {"title": ["later"]}
    assert pool.rebuilds == 1


def test_settings_are_checked():
    for workers, limit in ((0, 1.0), (1, 0.0), (1, float("nan")), (1, float("inf"))):
        with pytest.raises(ValueError):
            PoolParsing(workers, limit)


def test_parsing_for_a_number_of_workers():
    assert isinstance(parsing_for(0), InlineParsing)
    pool = parsing_for(3, 2.0)
    assert isinstance(pool, PoolParsing) and pool.workers == 3 and pool.backstop_s == 13.0

    async def go() -> RawFields:
        async with parsing_for(1, CPU_LIMIT_S) as parsing:
            return await parsing.detail(BAD, "x", "https://example.org/p/1")

    assert finish(go) == {"title": ["x"]}
