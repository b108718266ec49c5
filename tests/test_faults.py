"""Fault injection through a real loopback server that serves the recorded mirror for all three portals
(the crawler reaches it through ResolveTransport, so URLs, robots.txt and per-host politeness stay the
portals'). Every page must end as a record or a reported failure, and no host may see its rate exceeded.
Then runs killed with SIGKILL at chosen moments must leave data/latest and the history intact."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import frontier_records, MIRROR, ROOT
from mockserver import Fault, MockServer

from programme_scout.pipeline import crawl as crawl_all
from scrapers.replay import mirror_relpath
from scrapers.resolve import ResolveTransport
from programme_scout.settings import FetchSettings, Settings

pytestmark = pytest.mark.slow
HOSTS = ("www.mastersportal.com", "www.topuniversities.com", "www.masterstudies.com")
SP, TU, MS = (f"https://{h}" for h in HOSTS)
DELAY_S = 0.05

FAULTS = {
    mirror_relpath(f"{SP}/search/master/information-science?page=2"): Fault("status", status=429, retry_after=1),
    mirror_relpath(f"{SP}/studies/12841/data-science.html"): Fault("status", status=503, times=2),
    mirror_relpath(f"{SP}/studies/5521/computer-science.html"): Fault("reset"),
    mirror_relpath(f"{TU}/universities/university-amsterdam/postgrad/msc-data-science"): Fault("slow", seconds=1.0),
    mirror_relpath(f"{TU}/universities/university-college-dublin/postgrad/msc-business-analytics"): Fault("truncated"),
    mirror_relpath(f"{TU}/robots.txt"): Fault("status", status=500),
    mirror_relpath(f"{MS}/MSc-in-Environmental-Sciences/Netherlands/Wageningen-University/"): Fault("challenge", always=True),
    mirror_relpath(f"{MS}/MSc-in-Global-Health/Netherlands/Maastricht-University/"): Fault("status", status=503, times=3),
}
LOST_FOR_GOOD = {f"{MS}/MSc-in-Environmental-Sciences/Netherlands/Wageningen-University/": "blocked",
                 f"{MS}/MSc-in-Global-Health/Netherlands/Maastricht-University/": "failed"}
TRAPS = {f"{SP}/studies/99001/quantum-computing.html": "blocked", f"{SP}/studies/99002/robotics.html": "blocked",
         f"{TU}/universities/ku-leuven/postgrad/master-economics": "not_programme",
         f"{MS}/MSc-in-Removed-Programme/Belgium/KU-Leuven/": "not_found"}


def truth_keys() -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    with open(MIRROR.parent / "truth.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            keys.setdefault(row["source"], set()).add(row["source_key"])
    return keys


def test_crawl_through_injected_faults_loses_nothing_and_keeps_the_rate(tmp_path):
    fetch = FetchSettings(per_host_concurrency=2, per_host_delay_s=DELAY_S, http_timeout_s=0.5, max_attempts=3,
                          backoff_base_s=0.05, retry_after_cap_s=1.0)
    settings = Settings(fetch=fetch, data_dir=tmp_path / "data")
    with MockServer(mirror=MIRROR, faults=FAULTS) as server:
        transport = ResolveTransport({h: server.base for h in HOSTS})
        crawled = asyncio.run(crawl_all(settings, transport=transport))

    expected = truth_keys()
    reports = {r.url: r.outcome for res in crawled.values() for r in res.reports}
    assert reports == {**TRAPS, **LOST_FOR_GOOD}
    records = 0
    for source in crawled:
        got = {r.source_key for r in frontier_records(settings.data_dir, source)}
        lost = {url for url in LOST_FOR_GOOD if url.startswith(f"https://www.{source}")}
        assert got == expected[source] - {u.removeprefix(MS) for u in lost}, source
        records += len(got)
    # nothing lost: every detail page the listings named is a record or a report
    assert records + len(reports) == sum(len(k) for k in expected.values()) + len(TRAPS)
    # every injected transient fault was really met, and recovered from
    for rel, fault in FAULTS.items():
        assert server.log.counters["fault:" + rel] >= min(fault.times, 1), rel
    # the server's clock: no host saw two request starts closer than the delay, nor more than 2 at once
    for host in HOSTS:
        starts = sorted(server.log.starts(host=host))
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert len(starts) >= 12 and min(gaps) >= DELAY_S - 0.02, (host, min(gaps))
        assert server.log.per_host_max_in_flight[host] <= 2


CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import output.history
import output.publish
import programme_scout.pipeline as pipeline
from scrapers.resolve import ResolveTransport
from programme_scout.settings import FetchSettings, Settings

pause_at = sys.argv[2]

def marker(name, real):
    def wrapped(*args, **kwargs):
        if name == pause_at:
            print(name, flush=True)
            time.sleep(30)
        return real(*args, **kwargs)
    return wrapped

output.history.History.record_run = marker("before-commit", output.history.History.record_run)
output.publish.swap_latest = marker("before-swap", output.publish.swap_latest)
pages = []
def on_page(source, outcome):
    pages.append(outcome)
    if pause_at == "mid-crawl" and len(pages) == 10:
        print("mid-crawl", flush=True)
        time.sleep(30)
settings = Settings(fetch=FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0),
                    data_dir=Path(sys.argv[1]), revisit_after_days=0.0, listing_revisit_hours=0.0,
                    retry_failed_after_hours=0.0)  # every page due on every run: the second run crawls again
code, report = pipeline.run(settings, on_page=on_page, transport=ResolveTransport({{h: {base!r} for h in {hosts!r}}}))
print("done", code, flush=True)
"""


def child_run(server: MockServer, data: Path, pause_at: str) -> subprocess.Popen:
    code = CHILD.format(root=str(ROOT), base=server.base, hosts=HOSTS)
    return subprocess.Popen([sys.executable, "-c", code, str(data), pause_at], stdout=subprocess.PIPE, text=True, cwd=ROOT)


def state(data: Path) -> dict:
    """What an analyst and the next run see: the latest target and its files, and the history's rows."""
    latest = data / "latest"
    files = {p.name: p.read_bytes() for p in latest.iterdir() if p.is_file()}
    with sqlite3.connect(data / "history.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                  for t in ("runs", "run_sources", "programmes", "id_map", "programme_dates")}
    return {"target": os.readlink(latest), "files": files, "history": tables}


@pytest.mark.parametrize("pause_at", ["mid-crawl", "before-commit", "before-swap"])
def test_sigkill_leaves_latest_and_history_intact(tmp_path, pause_at):
    data = tmp_path / "data"
    with MockServer(mirror=MIRROR) as server:
        first = child_run(server, data, "nowhere")
        assert first.communicate(timeout=60)[0].strip() == "done 0"
        before = state(data)

        victim = child_run(server, data, pause_at)
        assert victim.stdout.readline().strip() == pause_at
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        after = state(data)
        if pause_at == "before-swap":
            # the history transaction committed (the run's commit point); latest still serves the old run
            assert after["target"] == before["target"] and after["files"] == before["files"]
            assert len(after["history"]["runs"]) == len(before["history"]["runs"]) + 1
        else:
            assert after == before  # exactly as they were

        again = child_run(server, data, "nowhere")
        assert again.communicate(timeout=60)[0].strip() == "done 0"
    runs = sorted(p.name for p in (data / "runs").iterdir())
    assert not [r for r in runs if r.endswith(".tmp")]  # the killed build was cleaned up
    with sqlite3.connect(data / "history.sqlite") as db:
        last = db.execute("SELECT run_id FROM runs WHERE status = 'published' ORDER BY run_id DESC").fetchone()[0]
        recorded = [r for (r,) in db.execute("SELECT run_id FROM runs ORDER BY run_id")]
    assert runs == recorded  # a run renamed into place but killed before its commit is removed too
    assert os.readlink(data / "latest").endswith(last)
    report = json.loads((data / "latest" / "report.json").read_text())
    assert report["exit_code"] == 0 and report["programmes"] == 20


def test_a_run_committed_but_not_swapped_is_rolled_forward(tmp_path):
    from output.build import recover
    from output.publish import swap_latest

    with MockServer(mirror=MIRROR) as server:
        for _ in range(2):
            done = child_run(server, tmp_path, "nowhere")
            assert done.communicate(timeout=60)[0].strip() == "done 0"
    runs = sorted(p for p in (tmp_path / "runs").iterdir())
    swap_latest(tmp_path, runs[0])  # as if the second run died between commit and swap
    recover(tmp_path)
    assert os.readlink(tmp_path / "latest") == os.path.relpath(runs[1], tmp_path)
