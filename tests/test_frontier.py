"""The frontier on its own: what is due and in which order, what a failure keeps, when a page leaves the catalogue.
Times are POSIX seconds chosen by the test (the frontier never reads a clock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.frontier import DETAIL, LISTING, Ages, Frontier, FrontierDamaged, Link
from scrapers.records import RawRecord

T0 = 1_800_000_000.0
DAY = 86400.0
AGES = Ages(detail_s=7 * DAY, listing_s=20 * 3600, failed_s=6 * 3600)
SRC = "masterstudies"


def record(key: str, url: str, title: str = "MSc X") -> RawRecord:
    return RawRecord(source=SRC, source_key=key, url=url, fetched_at="2027-01-15T08:00:00+00:00",
                     content_hash=f"sha256:{key}{title}", fields={"title": [title]})


@pytest.fixture
def frontier(tmp_path: Path):
    with Frontier(tmp_path / "frontier.sqlite") as f:
        yield f


def read_listing(f: Frontier, url: str, now: float, details: list[str], markers: dict[str, str] | None = None) -> None:
    links = [Link(u, DETAIL, u.rsplit("/", 1)[-1], (markers or {}).get(u)) for u in details]
    f.fetched_listing(url, now, AGES, etag=None, last_modified=None, content_hash="h", outcome="ok", links=links,
                      source=SRC)


def read_detail(f: Frontier, url: str, now: float, title: str = "MSc X") -> None:
    f.fetched_detail(url, now, AGES, etag='"e"', last_modified=None, content_hash="sha256:" + title, outcome="ok",
                     record=record(url.rsplit("/", 1)[-1], url, title))


def test_due_order_is_listings_then_new_pages_then_the_most_overdue(frontier):
    frontier.add(SRC, [Link("https://l/1", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0, ["https://d/a", "https://d/b"])
    read_detail(frontier, "https://d/a", T0)
    read_detail(frontier, "https://d/b", T0 + 60)
    later = T0 + 30 * DAY
    read_listing(frontier, "https://l/1", later - 21 * 3600, ["https://d/a", "https://d/b", "https://d/c"])
    run = later
    frontier.add(SRC, [Link("https://l/2", LISTING)], run)
    order = [p.url for p in frontier.due(SRC, run, run, 10)]
    assert order == ["https://l/1", "https://l/2", "https://d/c", "https://d/a", "https://d/b"]
    assert [p.url for p in frontier.due(SRC, run, run, 2, exclude={"https://l/1"})] == ["https://l/2", "https://d/c"]


def test_a_page_read_in_this_run_is_not_due_again_in_it(frontier):
    frontier.add(SRC, [Link("https://l/1", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0 + 1, ["https://d/a"])
    read_detail(frontier, "https://d/a", T0 + 2)
    assert frontier.due(SRC, T0, T0 + 3, 10) == []
    # with no age at all (offline replay), the next run takes everything again
    zero = Ages(0.0, 0.0, 0.0)
    frontier.fetched_detail("https://d/a", T0 + 2, zero, etag=None, last_modified=None, content_hash="x",
                            outcome="ok", record=None)
    assert [p.url for p in frontier.due(SRC, T0 + 10, T0 + 10, 10)] == ["https://d/a"]


def test_one_programme_under_two_addresses_is_kept_once(frontier):
    new = frontier.add(SRC, [Link("https://d/studies/1/", DETAIL, "1"), Link("https://d/studies/1/x.html", DETAIL, "1")],
                       T0)
    assert new == 1 and frontier.page("https://d/studies/1/x.html") is None


def test_a_changed_lastmod_makes_a_page_due_before_its_age(frontier):
    frontier.add(SRC, [Link("https://l/1", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0, ["https://d/a"], {"https://d/a": "2027-01-01"})
    read_detail(frontier, "https://d/a", T0)
    run = T0 + DAY
    read_listing(frontier, "https://l/1", run, ["https://d/a"], {"https://d/a": "2027-01-01"})
    assert frontier.due(SRC, run, run + 1, 10) == []
    read_listing(frontier, "https://l/1", run + 2, ["https://d/a"], {"https://d/a": "2027-01-20"})
    assert [p.url for p in frontier.due(SRC, run, run + 3, 10)] == ["https://d/a"]


def test_a_failed_page_keeps_its_record_marked_stale_with_the_reason(frontier):
    frontier.add(SRC, [Link("https://d/a", DETAIL, "a")], T0)
    read_detail(frontier, "https://d/a", T0, "MSc Good")
    removed = frontier.failed("https://d/a", T0 + 8 * DAY, AGES, outcome="failed", error="connection refused")
    [kept] = frontier.records(SRC)
    assert not removed and kept.fields == {"title": ["MSc Good"]} and kept.stale == "connection refused"
    read_detail(frontier, "https://d/a", T0 + 9 * DAY, "MSc Good")
    [fresh] = frontier.records(SRC)
    assert fresh.stale == ""


def test_a_page_gone_on_two_runs_leaves_the_catalogue_and_not_on_one(frontier):
    frontier.add(SRC, [Link("https://d/a", DETAIL, "a")], T0)
    read_detail(frontier, "https://d/a", T0)
    assert not frontier.failed("https://d/a", T0 + 8 * DAY, AGES, outcome="not_found", error="HTTP 404", gone=True)
    [kept] = frontier.records(SRC)
    assert "HTTP 404" in kept.stale and "removed if still gone" in kept.stale
    assert frontier.failed("https://d/a", T0 + 9 * DAY, AGES, outcome="not_found", error="HTTP 404", gone=True)
    assert list(frontier.records(SRC)) == []
    assert frontier.page("https://d/a")["removed_why"] == "gone (HTTP 404) on 2 runs in a row"
    # a 404 then a page again resets the count
    frontier.add(SRC, [Link("https://d/b", DETAIL, "b")], T0)
    read_detail(frontier, "https://d/b", T0)
    frontier.failed("https://d/b", T0 + DAY, AGES, outcome="not_found", error="HTTP 404", gone=True)
    read_detail(frontier, "https://d/b", T0 + 2 * DAY)
    assert not frontier.failed("https://d/b", T0 + 3 * DAY, AGES, outcome="not_found", error="HTTP 404", gone=True)


def test_a_complete_listing_pass_removes_the_unlisted_page(frontier):
    details = [f"https://d/{i}" for i in range(10)]
    frontier.add(SRC, [Link("https://l/1", LISTING), Link("https://l/2", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0, details[:5])
    read_listing(frontier, "https://l/2", T0, details[5:])
    for url in details:
        read_detail(frontier, url, T0)
    run = T0 + DAY
    read_listing(frontier, "https://l/1", run, details[:5])
    # one listing not read yet this pass: nothing can be known to be unlisted
    removed, why = frontier.close_pass(SRC, run - 3600, run + 1, 0.3)
    assert removed == 0 and "not all read" in why
    read_listing(frontier, "https://l/2", run + 5, details[5:9])  # d/9 no longer listed
    removed, why = frontier.close_pass(SRC, run - 3600, run + 10, 0.3)
    assert (removed, why) == (1, "")
    assert {r.source_key for r in frontier.records(SRC)} == {str(i) for i in range(9)}


def test_a_pass_that_unlists_most_of_the_catalogue_removes_nothing(frontier):
    details = [f"https://d/{i}" for i in range(10)]
    frontier.add(SRC, [Link("https://l/1", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0, details)
    for url in details:
        read_detail(frontier, url, T0)
    read_listing(frontier, "https://l/1", T0 + DAY, details[:2])  # a listing whose markup changed
    removed, why = frontier.close_pass(SRC, T0 + DAY - 1, T0 + DAY + 1, 0.3)
    assert removed == 0 and "8 of 10" in why and len(list(frontier.records(SRC))) == 10


def test_a_listing_failure_blocks_removal(frontier):
    frontier.add(SRC, [Link("https://l/1", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0, ["https://d/a", "https://d/b"])
    frontier.failed("https://l/1", T0 + DAY, AGES, outcome="failed", error="HTTP 500")
    assert frontier.close_pass(SRC, T0 + DAY - 1, T0 + DAY + 1, 1.0)[0] == 0


def test_a_304_on_a_listing_still_names_what_it_named(frontier):
    frontier.add(SRC, [Link("https://l/1", LISTING)], T0)
    read_listing(frontier, "https://l/1", T0, ["https://d/a"])
    read_detail(frontier, "https://d/a", T0)
    frontier.fetched_listing("https://l/1", T0 + DAY, AGES, etag=None, last_modified=None, content_hash="h",
                             outcome="not_modified", links=None, source=SRC)
    assert frontier.page("https://d/a")["listed_at"] == T0 + DAY
    assert frontier.close_pass(SRC, T0 + DAY - 1, T0 + DAY + 1, 0.3) == (0, "")


def test_a_removed_page_listed_again_comes_back(frontier):
    frontier.add(SRC, [Link("https://d/a", DETAIL, "a")], T0)
    read_detail(frontier, "https://d/a", T0)
    for day in (1, 2):
        frontier.failed("https://d/a", T0 + day * DAY, AGES, outcome="not_found", error="HTTP 410", gone=True)
    assert frontier.page("https://d/a")["removed_at"] is not None
    frontier.add(SRC, [Link("https://d/a", DETAIL, "a")], T0 + 3 * DAY)
    assert [p.url for p in frontier.due(SRC, T0 + 3 * DAY, T0 + 3 * DAY, 5)] == ["https://d/a"]


def test_the_first_crawl_of_a_source_is_known_until_one_finishes(frontier):
    assert frontier.start_crawl(SRC, T0)  # killed: never finished
    assert frontier.start_crawl(SRC, T0 + 60)
    frontier.finish_crawl(SRC, T0 + 60, T0 + 120, 5)
    assert not frontier.start_crawl(SRC, T0 + DAY)
    assert frontier.start_crawl("studyportals", T0 + DAY)


def test_records_published_before_the_frontier_are_adopted_and_due(frontier):
    assert frontier.is_empty()
    frontier.import_records([record("a", "https://d/a"), record("b", "https://d/b")], T0)
    assert [r.source_key for r in frontier.records(SRC)] == ["a", "b"]
    assert [p.url for p in frontier.due(SRC, T0, T0, 5)] == ["https://d/a", "https://d/b"]


def test_a_damaged_frontier_names_its_path_and_the_way_out(tmp_path: Path):
    path = tmp_path / "frontier.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FrontierDamaged) as caught:
        Frontier(path)
    assert str(path) in str(caught.value) and "Move it aside" in str(caught.value)


class PartitionPortal:
    """A made-up portal: listing /l/0 names 99 partition listings /l/N, each naming one programme page /d/N."""

    name = SRC

    def parse_listing(self, text: str, url: str):
        from scrapers.listing import Listing

        n = int(url.rsplit("/", 1)[-1])
        if n == 0:
            return Listing([], [f"https://chain.test/l/{i}" for i in range(1, 100)])
        return Listing([f"https://chain.test/d/{n}"], [])

    def parse_detail(self, text: str, url: str):
        return {"title": [text]}

    def source_key(self, url: str) -> str:
        return url.rsplit("/", 1)[-1]

    def serves(self, url: str) -> bool:
        return url.startswith("https://chain.test/")


def test_listings_never_take_more_than_half_a_budget_while_programme_pages_wait(tmp_path: Path):
    """100 partition listings and a first-run budget of 20 pages: the run still ends with programmes."""
    import asyncio

    import httpx

    from programme_scout.settings import FetchSettings
    from dataclasses import replace

    from programme_scout.settings import Settings
    from scrapers.crawl import Budget, CrawlPlan, crawl_source
    from scrapers.fetch import Fetcher

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text=f"page {request.url.path}", headers={"content-type": "text/html"})

    async def go():
        with Frontier(tmp_path / "f.sqlite") as frontier:
            async with Fetcher(FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4),
                               transport=httpx.MockTransport(answer)) as fetcher:
                result = await crawl_source(PartitionPortal(), fetcher, ["https://chain.test/l/0"], frontier,
                                            plan=replace(CrawlPlan.of(Settings()), first_budget=Budget(20, 3600.0)),
                                            tasks=4)
            return result, list(frontier.records(SRC))

    result, records = asyncio.run(go())
    assert result.attempted == 20 and len(records) >= 9  # without the half: 20 listings, no programme
    assert result.deferred > 0
