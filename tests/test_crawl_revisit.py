"""The crawl over runs, against a real loopback server that serves the recorded mirror (with ETags, as real servers
do) for all three portals: a killed crawl resumes without fetching a page twice, a later run fetches only what is
due (conditionally), a failed page keeps its record, a gone page leaves only on its second run, budgets leave the
rest due. Requests are counted on the server; the clock of each run is injected (days pass without sleeping)."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import MIRROR, ROOT, frontier_records
from mockserver import Fault, MockServer

from programme_scout.pipeline import crawl, running_clock
from programme_scout.settings import FetchSettings, Settings
from scrapers.frontier import Frontier
from scrapers.replay import mirror_relpath
from scrapers.resolve import ResolveTransport

pytestmark = pytest.mark.slow
HOSTS = ("www.mastersportal.com", "www.topuniversities.com", "www.masterstudies.com")
MS = "https://www.masterstudies.com"
MS_DATA = f"{MS}/Master-of-Science-in-Data-Science/Netherlands/University-of-Amsterdam/"
DAY0 = datetime(2027, 3, 1, 4, 0, tzinfo=timezone.utc)
FETCH = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0, max_attempts=1)


def settings(data: Path, **kw) -> Settings:
    return Settings(fetch=FETCH, data_dir=data, **kw)


def crawl_at(s: Settings, server: MockServer, when: datetime):
    transport = ResolveTransport({h: server.base for h in HOSTS})
    return asyncio.run(crawl(s, transport=transport, clock=running_clock(when)))


def page_requests(server: MockServer, since: int = 0) -> Counter[tuple[str, str]]:
    """(host, path) → requests, robots.txt left out (each run reads it once, as RFC 9309 allows)."""
    return Counter(((s.headers.get("Host") or "").split(":")[0], s.path) for s in server.log.requests[since:]
                   if s.path != "/robots.txt")


def content(records) -> dict[str, tuple]:
    return {r.source_key: (r.url, r.fields, r.layout, r.content_hash, r.stale) for r in records}


def all_records(data: Path) -> dict[str, dict[str, tuple]]:
    return {s: content(frontier_records(data, s)) for s in ("studyportals", "topuniversities", "masterstudies")}


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    copy = tmp_path / "mirror"
    shutil.copytree(MIRROR, copy)
    return copy


def test_a_later_run_fetches_only_what_is_due_and_conditionally(tmp_path, mirror):
    data = tmp_path / "data"
    with MockServer(mirror=mirror) as server:
        first = crawl_at(settings(data), server, DAY0)
        everything = page_requests(server)
        before = all_records(data)
        assert max(everything.values()) == 1 and sum(r.changed for r in first.values()) > 20

        mark = len(server.log.requests)
        hour = crawl_at(settings(data), server, DAY0 + timedelta(hours=1))
        assert page_requests(server, mark) == Counter()  # nothing is due an hour later
        assert all(r.attempted == 0 and source_ok(r) for r in hour.values())

        mark = len(server.log.requests)
        # a day later: listings are due (conditionally) and the pages that failed are tried again; nothing else
        crawl_at(settings(data), server, DAY0 + timedelta(days=1))
        failed = {r.url for res in first.values() for r in res.reports if r.outcome != "out_of_scope"}
        day = page_requests(server, mark)
        listings = {(h, p) for h, p in day if f"https://{h}{p}" not in failed}
        assert failed and {f"https://{h}{p}" for h, p in day} - {f"https://{h}{p}" for h, p in listings} == failed
        with Frontier(data / "frontier.sqlite") as frontier:
            kinds = {frontier.page(f"https://{h}{p}")["kind"] for h, p in listings}  # type: ignore[index]
        assert listings and kinds == {"listing"}, listings
        assert all(s.headers.get("If-None-Match") for s in server.log.requests[mark:]
                   if ((s.headers.get("Host") or "").split(":")[0], s.path) in listings)

        mark = len(server.log.requests)
        (mirror / mirror_relpath(MS_DATA)).write_text(
            (mirror / mirror_relpath(MS_DATA)).read_text(encoding="utf-8").replace("18,000", "19,000"),
            encoding="utf-8")
        week = crawl_at(settings(data), server, DAY0 + timedelta(days=8))  # every page due: conditional GETs
        again = page_requests(server, mark)
        gone = ("www.masterstudies.com", "/MSc-in-Removed-Programme/Belgium/KU-Leuven/")  # 404 on two runs: removed
        assert set(again) == set(everything) - {gone} and max(again.values()) == 1
        ms = week["masterstudies"]
        assert ms.changed == 1 and ms.unchanged == len(before["masterstudies"]) - 1
        after = all_records(data)
        assert {k for k in after["masterstudies"] if after["masterstudies"][k] != before["masterstudies"][k]} == {
            key_of(MS_DATA)}
        assert after["studyportals"] == before["studyportals"] and after["topuniversities"] == before["topuniversities"]
        unchanged = [r for r in frontier_records(data, "studyportals") if not r.stale]
        assert unchanged and all(r.fetched_at.startswith("2027-03-09") for r in unchanged)  # read again: 304


def source_ok(result) -> bool:
    return not result.reports or all(r.outcome == "out_of_scope" for r in result.reports)


def key_of(url: str) -> str:
    from scrapers.registry import PORTALS

    return PORTALS["masterstudies"].source_key(url)


def test_a_page_that_fails_keeps_its_last_good_record_and_a_gone_page_leaves_on_its_second_run(tmp_path, mirror):
    data = tmp_path / "data"
    with MockServer(mirror=mirror) as server:
        crawl_at(settings(data), server, DAY0)
        before = all_records(data)["masterstudies"]
    key = key_of(MS_DATA)
    failing = {mirror_relpath(MS_DATA): Fault("status", status=500, always=True)}
    with MockServer(mirror=mirror, faults=failing) as server:
        result = crawl_at(settings(data), server, DAY0 + timedelta(days=8))["masterstudies"]
    kept = all_records(data)["masterstudies"]
    assert set(kept) == set(before)
    assert kept[key][:4] == before[key][:4] and "HTTP 500" in kept[key][4]  # same values, stale with the reason
    assert [r.outcome for r in result.reports if r.url == MS_DATA] == ["failed"]

    (mirror / mirror_relpath(MS_DATA)).unlink()
    with MockServer(mirror=mirror) as server:
        crawl_at(settings(data), server, DAY0 + timedelta(days=9))
        assert key in all_records(data)["masterstudies"]  # gone once: kept
        crawl_at(settings(data), server, DAY0 + timedelta(days=10))
    assert key not in all_records(data)["masterstudies"]  # gone on two runs: removed
    assert set(all_records(data)["masterstudies"]) == set(before) - {key}


def test_a_budget_leaves_the_rest_due_for_the_next_run(tmp_path, mirror):
    data = tmp_path / "data"
    budget = settings(data, sources=("masterstudies",), first_run_max_pages=4)
    with MockServer(mirror=mirror) as server:
        first = crawl_at(budget, server, DAY0)["masterstudies"]
        assert first.first_run and first.attempted == 4 and first.deferred > 0
        assert "budget reached" in first.notes[0]
        second = crawl_at(budget, server, DAY0 + timedelta(minutes=30))["masterstudies"]
        assert not second.first_run and second.deferred == 0
        requests = page_requests(server)
    assert max(requests.values()) == 1  # the second run took up where the first stopped
    with MockServer(mirror=mirror) as server:
        whole = crawl_at(settings(tmp_path / "whole", sources=("masterstudies",)), server, DAY0)["masterstudies"]
    assert all_records(data)["masterstudies"] == all_records(tmp_path / "whole")["masterstudies"]
    assert first.attempted + second.attempted == whole.attempted


CHILD = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
import asyncio
from programme_scout.pipeline import crawl
from programme_scout.settings import FetchSettings, Settings
from scrapers.resolve import ResolveTransport

kill_after = int(sys.argv[2])
pages = 0
def on_page(source, outcome):  # called once the page is committed
    global pages
    pages += 1
    if pages == kill_after:
        os.kill(os.getpid(), signal.SIGKILL)
settings = Settings(fetch=FetchSettings(per_host_delay_s=0.0, per_host_concurrency=1, http_timeout_s=5.0),
                    data_dir=Path(sys.argv[1]), sources=({source!r},), crawl_tasks=1)
asyncio.run(crawl(settings, on_page=on_page, transport=ResolveTransport({{h: {base!r} for h in {hosts!r}}})))
print("done", pages, flush=True)
"""


def crawl_child(server: MockServer, data: Path, source: str, kill_after: int) -> subprocess.CompletedProcess:
    code = CHILD.format(root=str(ROOT), base=server.base, hosts=HOSTS, source=source)
    return subprocess.run([sys.executable, "-c", code, str(data), str(kill_after)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def kill_points() -> list[tuple[str, int]]:
    """Random kill points, from a fixed seed (CI runs the same ones): two per portal."""
    rng = random.Random(15)
    return [(source, rng.randint(1, 12)) for source in ("studyportals", "topuniversities", "masterstudies")
            for _ in range(2)]


@pytest.mark.parametrize(("source", "kill_after"), kill_points())
def test_a_killed_crawl_resumes_and_fetches_no_page_twice(tmp_path, source, kill_after):
    """One request in flight at a time, killed with SIGKILL right after its N-th page is committed: the resumed
    crawl fetches nothing the killed one had, and ends with the records of a crawl never killed."""
    with MockServer(mirror=MIRROR) as server:
        whole = crawl_child(server, tmp_path / "whole", source, 0)
        assert whole.returncode == 0 and whole.stdout.startswith("done"), whole.stderr
        expected = content(frontier_records(tmp_path / "whole", source))
        total = sum(page_requests(server).values())
    assert kill_after < total
    with MockServer(mirror=MIRROR) as server:
        killed = crawl_child(server, tmp_path / "data", source, kill_after)
        assert killed.returncode == -9 and "done" not in killed.stdout
        assert sum(page_requests(server).values()) == kill_after
        resumed = crawl_child(server, tmp_path / "data", source, 0)
        assert resumed.returncode == 0, resumed.stderr
        requests = page_requests(server)
    assert max(requests.values()) == 1, [p for p, n in requests.items() if n > 1]
    assert sum(requests.values()) == total
    assert content(frontier_records(tmp_path / "data", source)) == expected


def test_a_whole_portal_in_maintenance_publishes_its_last_good_records_stale(tmp_path, mirror):
    """Every programme page of one portal turns into a maintenance page: the run publishes (exit 4, stale source)
    with that portal's programmes kept at their last good values, none removed or changed."""
    from output.tables import read_csv
    from programme_scout.pipeline import run

    data = tmp_path / "data"
    offline = Settings(data_dir=data, mirror_dir=mirror, offline=True)
    code, _ = run(offline, clock=lambda: DAY0)
    assert code == 0
    before = {r["programme_id"]: r for r in read_csv(data / "latest" / "programmes.csv")}
    for path in (mirror / "www.masterstudies.com").rglob("*"):
        if path.is_file() and "Masters-Degree" not in path.parts and path.name != "robots.txt":
            path.write_text("<html><body><p>Maintenance</p></body></html>", encoding="utf-8")
    code, report = run(offline, clock=lambda: DAY0 + timedelta(days=1))
    assert code == 4 and "masterstudies" in report["stale_sources"], report["reason"]
    after = {r["programme_id"]: r for r in read_csv(data / "latest" / "programmes.csv")}
    assert set(after) == set(before)
    assert report["changes"]["removed"] == 0 and report["changes"]["changed"] == 0, (data / "latest" / "changes.json").read_text()[:3000]
    ms_only = [p for p, r in after.items() if r["sources"] == "masterstudies"]
    assert ms_only and all(after[p]["stale"] == "true" for p in ms_only)


def test_a_damaged_frontier_fails_the_run_with_its_path(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "frontier.sqlite").write_bytes(b"not a database" * 200)
    done = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "run", "--offline", "--data", str(data),
                           "--quiet"], capture_output=True, text=True, cwd=ROOT, env={**os.environ})
    assert done.returncode == 1
    assert str(data / "frontier.sqlite") in done.stderr and "Move it aside" in done.stderr


def test_the_progress_totals_are_the_pages_due(tmp_path):
    """The terminal's progress bars count against the pages due now in the frontier (offline: all of them)."""
    from run_pipeline import _expected_pages

    data = tmp_path / "data"
    assert _expected_pages(data, ("masterstudies",)) == {}
    offline = Settings(data_dir=data, offline=True, sources=("masterstudies", "topuniversities"))
    crawled = asyncio.run(crawl(offline))
    totals = _expected_pages(data, ("masterstudies", "topuniversities", "studyportals"))
    assert totals == {s: r.attempted for s, r in crawled.items()}
