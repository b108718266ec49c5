"""The crawl benchmark's harness (bench/crawl.py, bench/crawl_site.py) on a tiny mirror: what the server saw is
what the tables report, so the structural facts are asserted here (no timings)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench import crawl
from bench.crawl_site import HOSTS, SHAPES, Site, split_pages

N = 60
SCRAPY_MISSING = crawl.scrapy_available()


def all_detail_pages(n: int) -> set[tuple[str, str]]:
    return {(shape.host, shape.detail_path(j)) for shape, count in zip(SHAPES, split_pages(n)) for j in range(count)}


def test_the_mirror_answers_each_portal_in_its_shape():
    """Listings lead to every detail page through the portals' own parsers; a changed page gets a new ETag."""
    from scrapers.registry import family_for

    site = Site(N)
    found: set[tuple[str, str]] = set()
    for shape in SHAPES:
        url = shape.start_url
        while url:
            host = url.split("/")[2]
            status, body, _ = site.answer(host, url.split(host, 1)[1])
            assert status == 200
            listing = family_for(url).parse_listing(body.decode(), url)
            for detail in listing.detail_urls:
                path = "/" + detail.split("/", 3)[3].split("?")[0]
                status, page, _ = site.answer(host, path)
                assert status == 200 and family_for(detail).parse_detail(page.decode(), detail)
                found.add((host, path))
            url = listing.next_urls[0] if listing.next_urls else ""
    assert found == all_detail_pages(N)
    before = {page: site.answer(*page)[2] for page in found}
    site.generations.append(0.5)
    changed = {page for page in found if site.answer(*page)[2] != before[page]}
    assert 0 < len(changed) < len(found)
    assert site.answer("www.example.org", "/")[0] == 404


def check_first_crawl(run: crawl.Run, *, polite_gaps: bool) -> None:
    assert run.output["records"] == N
    assert Counter(run.details()) == Counter(all_detail_pages(N))  # every detail page exactly once
    assert {h.host for h in run.hits} == set(HOSTS)
    assert sum(1 for h in run.hits if h.path == "/robots.txt") == len(HOSTS)
    assert run.requests == crawl.expected_requests(N)
    gap, short, flight = crawl.politeness(run.hits)
    assert flight <= crawl.PER_HOST
    if polite_gaps:
        assert short == 0 and gap >= crawl.DELAY_S  # on the server's (kernel's) clock
    assert run.peak_kb > 0 and run.cpu_s > 0


@pytest.mark.slow
def test_our_first_crawl_is_polite_per_host_and_fetches_each_page_once(tmp_path: Path):
    with crawl.Mirror(N) as mirror:
        run = crawl.run_child("ours", crawl.ours_command(mirror, tmp_path / "data"), mirror)
    check_first_crawl(run, polite_gaps=True)


@pytest.mark.slow
def test_a_killed_crawl_resumes_and_a_revisit_fetches_only_due_pages(tmp_path: Path):
    """Counted at the server: the resumed run asks again only for what was in flight at the kill; a revisit asks
    for exactly the due programme pages, reads the changed ones in full and gets 304 for the rest."""
    n = 300
    with crawl.Mirror(n) as mirror:
        killed = crawl.run_child("killed", crawl.ours_command(mirror, tmp_path / "b"), mirror,
                                 kill_after=crawl.expected_requests(n) // 2)
        resumed = crawl.run_child("resumed", crawl.ours_command(mirror, tmp_path / "b"), mirror)
        assert killed.killed, "the crawl ended before the kill: nothing resumed"
        again = set(killed.details(200)) & set(resumed.details())
        assert len(again) <= crawl.PER_HOST * len(HOSTS)  # at most the requests in flight at the kill
        assert set(killed.details()) | set(resumed.details()) == all_detail_pages(n)
        assert max(Counter(resumed.details()).values()) == 1
        mirror.change(0.2)
        due = crawl.make_due(tmp_path / "b", 0.3, days_later=8.0)
        revisit = crawl.run_child("revisit", crawl.ours_command(mirror, tmp_path / "b", days_later=8.0), mirror)
    assert 0 < len(due) < n
    assert Counter(revisit.details()) == Counter(due)
    changed_due = mirror.changed_paths(latest=True) & due
    assert set(revisit.details(200)) == changed_due and len(revisit.details(304)) == len(due) - len(changed_due)


@pytest.mark.slow
@pytest.mark.skipif(SCRAPY_MISSING is not None, reason=f"Scrapy side skipped: {SCRAPY_MISSING}")
def test_scrapy_reaches_the_mirror_per_host_and_fetches_each_page_once(tmp_path: Path):
    """Scrapy's in-flight cap per host holds at the server; its delay is not asserted: Scrapy spaces the moments it
    dequeues requests, and the server sees some starts closer than DOWNLOAD_DELAY (the table reports how many)."""
    with crawl.Mirror(N) as mirror:
        run = crawl.run_scrapy("scrapy", mirror, "plain", tmp_path / "scrapy")
    check_first_crawl(run, polite_gaps=False)


@pytest.mark.slow
def test_the_whole_benchmark_prints_its_tables():
    text = crawl.run(pages=N, memory_pages=(N // 2,), revisit_pages=N, changed=0.2,
                     with_scrapy=SCRAPY_MISSING is None)
    for heading in ("### First (full) crawl", "### Peak memory", "### Resume after SIGKILL", "### Revisit"):
        assert heading in text
    rows = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")}
    assert {"ours", "ours, unkilled", "ours, killed", "ours, resumed", "ours (frontier)"} <= rows
    if SCRAPY_MISSING is None:
        assert "scrapy" in rows and "scrapy + HTTPCACHE (RFC2616Policy)" in rows
    assert f"| {N // 2} |" in text and f"| {N} |" in text
