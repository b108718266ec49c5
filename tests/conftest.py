from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Deterministic by default (CI runs exactly what a developer runs): the same examples every run.
# HYPOTHESIS_PROFILE=explore searches afresh while developing.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MIRROR = ROOT / "fixtures" / "mirror"


@pytest.fixture
def server():
    from mockserver import MockServer

    with MockServer() as srv:
        yield srv


class Crawled:
    """A crawl's counts and reports (`result`) with the records it left in its frontier."""

    def __init__(self, result, records) -> None:
        self.result, self.records, self.reports = result, records, result.reports

    def __getattr__(self, name: str):
        return getattr(self.result, name)  # listing_pages, outcomes, ...


def crawl_mirror(portal, start_urls, mirror: Path = MIRROR) -> Crawled:
    """One offline crawl of `portal` over a recorded mirror, through a frontier of its own."""
    import asyncio
    import tempfile

    from scrapers.crawl import crawl_source
    from scrapers.fetch import Fetcher
    from scrapers.frontier import Frontier
    from scrapers.replay import MirrorTransport
    from programme_scout.settings import FetchSettings

    async def go() -> Crawled:
        with tempfile.TemporaryDirectory() as folder, Frontier(Path(folder) / "frontier.sqlite") as frontier:
            async with Fetcher(FetchSettings(per_host_delay_s=0.0, per_host_concurrency=8),
                               transport=MirrorTransport(mirror)) as fetcher:
                result = await crawl_source(portal, fetcher, start_urls, frontier)
            return Crawled(result, list(frontier.records(portal.name)))

    return asyncio.run(go())


def frontier_records(data_dir: Path, source: str) -> list:
    """What a crawl into `data_dir` left as `source`'s catalogue."""
    from scrapers.frontier import Frontier

    with Frontier(data_dir / "frontier.sqlite") as frontier:
        return list(frontier.records(source))


def blank_masterstudies_facts(mirror: Path) -> None:
    """Masterstudies' programme pages keep their titles but lose every labelled fact: a markup change that empties
    fields, the drift the publish guard is there to stop."""
    import re

    labels = re.compile(r">(Duration|Pace|Tuition fees|Application deadline|Languages|Study format|Campus location"
                        r"|Degree|Start date|Credits)<")
    for path in (mirror / "www.masterstudies.com").rglob("*.html"):
        if "Masters-Degree" not in path.parts:
            path.write_text(labels.sub(">Xq<", path.read_text(encoding="utf-8")), encoding="utf-8")
