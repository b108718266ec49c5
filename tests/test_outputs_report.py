"""report.html and data/index.html: one colour per outcome (0 programmes never green), stale rows and failed
sources marked, URLs as links, the published CSV's fill rates, trends as inline SVG; no script, no external
file. Rendered in headless Chromium when it is installed."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MIRROR

from output.report import STYLE, render_html, render_index, status_class
from programme_scout.pipeline import run
from programme_scout.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("report") / "data"
    for _ in range(2):
        assert run(Settings(offline=True, mirror_dir=MIRROR, data_dir=data, workers=1))[0] == 0
    return data


class Tags(HTMLParser):
    """Every start tag with its attributes; fails on nothing, so we check what matters ourselves."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def self_contained(html: str) -> None:
    found = tags(html)
    assert not [t for t, _ in found if t in ("script", "link", "img", "iframe")]
    assert not [a for t, a in found if t != "a" and any(v and v.startswith(("http:", "https:", "//")) for k, v in a.items()
                                                         if k in ("src", "href"))]


def test_each_outcome_has_its_own_colour():
    outcomes = {"published": status_class(0, 10), "stale": status_class(4, 10), "drift": status_class(3, 10),
                "empty": status_class(0, 0)}
    assert len(set(outcomes.values())) == 4
    colours = {name: re.search(rf"\.{cls}{{background:(#[0-9a-f]+)", STYLE).group(1)  # type: ignore[union-attr]
               for name, cls in outcomes.items()}
    assert len(set(colours.values())) == 4 and colours["published"] == "#d9f2df"


def test_run_report_marks_stale_rows_failed_sources_links_and_csv_fill(data: Path):
    report = json.loads((data / "latest" / "report.json").read_text(encoding="utf-8"))
    html = (data / "latest" / "report.html").read_text(encoding="utf-8")
    self_contained(html)
    assert "Fill rate of the published CSV" in html and "s-published" in html
    assert set(report["csv_fill_rates"]) >= {"programme_id", "title"} and report["csv_fill_rates"]["programme_id"] == 100.0
    stale = copy.deepcopy(report)
    stale.update(exit_code=4, status="published with stale sources", reason="topuniversities: no records: blocked",
                 stale_sources={"topuniversities": "no records: blocked"}, failed_sources={"topuniversities": "blocked"},
                 stale_programmes=1, stale_rows=[{"programme_id": "p1", "title": "Data Science", "sources": "topuniversities",
                                                  "last_seen": "2026-11-24"}],
                 errors=[{"source": "topuniversities", "outcome": "blocked", "url": "https://www.topuniversities.com/x?a=1&b=2",
                          "reason": "challenge"}])
    page = render_html(stale)
    self_contained(page)
    assert "class=\"status s-stale\"" in page and "<tr class='stale'><td><code>p1</code></td><td>Data Science</td>" in page
    assert "<th class=failed>topuniversities (failed)</th>" in page
    assert "<a href='https://www.topuniversities.com/x?a=1&amp;b=2'>" in page
    empty = render_html({**report, "programmes": 0})
    assert "s-empty" in empty and "s-published" not in empty.split("<style>")[1].split("</style>")[1]


def test_runs_index_has_svg_trends(data: Path):
    html = (data / "index.html").read_text(encoding="utf-8")
    self_contained(html)
    assert html.count("<svg") >= 3 and "<polyline" in html  # records per source over two runs: lines
    runs = sorted(p.name for p in (data / "runs").iterdir())
    for run_id in runs:
        assert f"<a href='runs/{run_id}/report.html'>" in html
    assert "Fill rate per CSV column" in html and "Changes per run" in html
    assert render_index([], set()).count("<svg") >= 2  # no run yet: empty charts, no error


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell")


@pytest.mark.skipif(not any(shutil.which(b) for b in BROWSERS),
                    reason="no headless Chromium installed (system packages are not installed in CI)")
def test_reports_render_in_headless_chromium(data: Path, tmp_path: Path):
    browser = next(shutil.which(b) for b in BROWSERS if shutil.which(b))
    for page in (data / "index.html", data / "latest" / "report.html"):
        done = subprocess.run([str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                               page.resolve().as_uri()], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "<svg" in done.stdout or "Fill rate" in done.stdout
