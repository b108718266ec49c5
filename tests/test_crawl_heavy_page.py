"""A page that costs a parser many CPU seconds (nested definition lists: the label reader is quadratic on them) is
parsed off the event loop under a CPU limit: it ends as a parse_error, and the other portal's requests keep their
pace meanwhile, as the server sees them."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from conftest import MIRROR, frontier_records
from mockserver import MockServer

from programme_scout.pipeline import crawl
from programme_scout.settings import FetchSettings, Settings
from scrapers.replay import mirror_relpath
from scrapers.resolve import ResolveTransport

pytestmark = pytest.mark.slow
HOSTS = ("www.mastersportal.com", "www.topuniversities.com", "www.masterstudies.com")
HEAVY = "https://www.masterstudies.com/MSc-in-Global-Health/Netherlands/Maastricht-University/"
DELAY_S = 0.3
CPU_LIMIT_S = 2.0


def test_a_heavy_page_is_cut_at_its_cpu_limit_and_does_not_hold_up_other_hosts(tmp_path: Path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    heavy = mirror / mirror_relpath(HEAVY)
    heavy.write_text("<html><body><h1>MSc in Global Health</h1>" + "<dl><dt>Duration</dt><dd>" * 4000
                     + "</body></html>", encoding="utf-8")  # inline, this page alone takes ~18 s of CPU
    settings = Settings(fetch=FetchSettings(per_host_delay_s=DELAY_S, per_host_concurrency=1, http_timeout_s=5.0),
                        data_dir=tmp_path / "data", sources=("studyportals", "masterstudies"),
                        parse_workers=2, parse_cpu_limit_s=CPU_LIMIT_S)
    with MockServer(mirror=mirror) as server:
        crawled = asyncio.run(crawl(settings, transport=ResolveTransport({h: server.base for h in HOSTS})))
        portal_starts = sorted(server.log.starts(host="www.mastersportal.com"))
    gaps = [b - a for a, b in zip(portal_starts, portal_starts[1:])]
    assert len(portal_starts) >= 12 and max(gaps) < DELAY_S + CPU_LIMIT_S, max(gaps)  # inline: an 18 s gap
    [report] = [r for r in crawled["masterstudies"].reports if r.url == HEAVY]
    assert report.outcome == "parse_error" and "ParseTimeout" in report.reason, report
    assert len(frontier_records(tmp_path / "data", "studyportals")) == 12


def test_a_pipeline_run_from_stdin_parses_in_process_and_says_so(tmp_path: Path):
    """`python -` has no main file the parsing processes could load: the run goes on, parsing in-process, and the
    log says why (never a crawl that fails on every page)."""
    import subprocess
    import sys

    from conftest import ROOT

    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
              "import asyncio, logging\nlogging.basicConfig()\n"
              "from pathlib import Path\nfrom programme_scout.pipeline import crawl\n"
              "from programme_scout.settings import Settings\n"
              f"results = asyncio.run(crawl(Settings(data_dir=Path({str(tmp_path / 'data')!r}), offline=True, "
              f"mirror_dir=Path({str(MIRROR)!r}))))\n"
              "print(sum(r.changed for r in results.values()))\n")
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) == 32 and "parsed on the event loop" in done.stderr
