"""Scrapers over the recorded mirror: listings, seed facts, traps, and a whole offline crawl (a conformance
suite parametrised over every portal)."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from conftest import MIRROR

from scrapers import masterstudies, studyportals, topuniversities
from scrapers.crawl import canonical_url, crawl_source
from scrapers.fetch import Fetcher
from scrapers.registry import PORTALS
from scrapers.replay import MirrorTransport, mirror_relpath
from programme_scout.settings import DEFAULT_START_URLS, FetchSettings

OFFLINE = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=8)
SP, TU, MS = "https://www.mastersportal.com", "https://www.topuniversities.com", "https://www.masterstudies.com"
PIONEER_TU = "/universities/ku-leuven/postgrad/erasmus-mundus-master-science-public-sector-innovation-egovernance"
PIONEER_MS = ("/MSc-in-Erasmus-Mundus-Joint-Master-in-Public-Sector-Innovation-and-eGovernance-Leuven-et-al/"
              "Belgium/KU-Leuven/")


def page(url: str) -> str:
    return (MIRROR / mirror_relpath(url)).read_text(encoding="utf-8")


def truth_keys(source: str) -> set[str]:
    with open(MIRROR.parent / "truth.csv", encoding="utf-8") as fh:
        return {row["source_key"] for row in csv.DictReader(fh) if row["source"] == source}


def crawl(source: str, mirror: Path = MIRROR):
    async def go():
        async with Fetcher(OFFLINE, transport=MirrorTransport(mirror)) as fetcher:
            return await crawl_source(PORTALS[source], fetcher, DEFAULT_START_URLS[source])

    return asyncio.run(go())


# ------------------------------------------------------------------ listings
def test_studyportals_listing_finds_links_in_embedded_json_and_next_page():
    url = f"{SP}/search/master/information-science?page=1"
    listing = studyportals.parse_listing(page(url), url)
    keys = {studyportals.source_key(u) for u in listing.detail_urls}
    assert {"8997", "12841", "99001"} <= keys
    assert listing.next_urls == [f"{SP}/search/master/information-science?page=2"]
    assert all("ref=search_card" not in canonical_url(u) for u in listing.detail_urls)


def test_topuniversities_listing_cards_and_pager():
    url = f"{TU}/programs/europe?page=[0]&pagerlimit=[25]"
    listing = topuniversities.parse_listing(page(url), url)
    assert len(listing.detail_urls) == 5
    assert listing.next_urls == [f"{TU}/programs/europe?page=[1]&pagerlimit=[25]"]
    assert canonical_url(listing.detail_urls[0]) == f"{TU}{PIONEER_TU}"


def test_masterstudies_sitemap_lists_every_programme():
    url = f"{MS}/sitemap.xml"
    listing = masterstudies.parse_listing(page(url), url)
    assert {masterstudies.source_key(u) for u in listing.detail_urls} == truth_keys("masterstudies") | {
        "/MSc-in-Removed-Programme/Belgium/KU-Leuven/"}


def test_canonical_url_drops_tracking_but_keeps_pagination():
    assert canonical_url(f"{TU}/a?utm_source=x&page=[1]#top", keep_query=True) == f"{TU}/a?page=[1]"
    assert canonical_url(f"{SP}/studies/1/x.html?ref=search_card") == f"{SP}/studies/1/x.html"


# --------------------------------------------------------------------- seeds
def test_studyportals_seed_page_facts():
    fields = studyportals.parse_detail(page(f"{SP}/studies/8997/information-management.html"), "")
    assert fields["title"] == ["Information Management"]
    assert fields["university"] == ["KU Leuven"]
    assert "deadline" not in fields  # the seed's unknown deadline: the hidden "Unknown" is not a value
    assert fields["duration"] == ["12 months"]  # what a reader saw under "Application Deadline"
    assert {v.replace(" ", "") for v in fields["tuition_international"]} == {"1750EUR/year"}
    assert fields["tuition_eu_eea"] == ["938 EUR /year"]
    assert fields["living_costs"] == ["810 - 1280 EUR/month"]
    assert "test_score:IELTS" not in fields  # "Minimum required score:" with no score on the seed


def test_studyportals_prefers_original_currency_and_time_attributes():
    fields = studyportals.parse_detail(page(f"{SP}/studies/12841/data-science.html"), "")
    assert all("EUR" in v for v in fields["tuition_international"])  # visible text is converted USD
    assert not any("USD" in v for k, v in fields.items() if k.startswith("tuition"))
    assert fields["deadline"] == ["2026-04-01"]
    assert fields["start_dates"] == ["2026-09-01"]


def test_topuniversities_seed_page_facts():
    fields = topuniversities.parse_detail(page(f"{TU}{PIONEER_TU}"), "")
    assert fields["title"] == ["Erasmus Mundus Master of Science in Public Sector Innovation and eGovernance"]
    assert fields["duration"] == ["24 months", "2 Years"]
    assert fields["deadline"] == ["01 Jul, 2026", "01 Jul 2026"]
    assert fields["degree"] == ["MSc"] and fields["mode"] == ["On Campus"]  # the repeated overview collapses
    assert fields["test_score:IELTS"] == ["7+"] and fields["test_score:TOEFL"] == ["100+"]
    assert fields["start_dates"] == ["Sep"]
    assert not any("cookie" in " ".join(v).lower() for v in fields.values())


def test_topuniversities_score_without_label_is_kept_apart():
    html = page(f"{TU}{PIONEER_TU}").replace("alt='IELTS'", "alt=''")
    fields = topuniversities.parse_detail(html, "")
    assert "test_score:IELTS" not in fields and fields["test_score_unlabelled"] == ["7+"]


def test_masterstudies_seed_page_facts_and_request_info():
    fields = masterstudies.parse_detail(page(f"{MS}{PIONEER_MS}"), "")
    assert fields["title"][0].startswith("MSc in Erasmus Mundus Joint Master")
    assert fields["duration"] == ["2 years"] and fields["pace"] == ["Full time"]
    assert fields["location"] == ["Leuven, Belgium"]
    for name in ("tuition", "deadline", "start_dates"):
        assert name not in fields  # "Request info" is not a value
    assert not any("request info" in v.lower() for values in fields.values() for v in values)


def test_labels_not_positions_decide_fields():
    """Reordering the Key Information block changes nothing."""
    html = page(f"{MS}/MSc-in-Environmental-Sciences/Netherlands/Wageningen-University/")
    start, end = html.index("<dl>") + 4, html.index("</dl>")
    items = html[start:end].split("</div>")[:-1]
    reordered = html[:start] + "</div>".join(reversed(items)) + "</div>" + html[end:]
    assert masterstudies.parse_detail(reordered, "") == masterstudies.parse_detail(html, "")


# ------------------------------------------------------------- whole crawls
EXPECTED_TRAPS = {
    "studyportals": {f"{SP}/studies/99001/quantum-computing.html": "blocked",
                     f"{SP}/studies/99002/robotics.html": "blocked"},
    "topuniversities": {f"{TU}/universities/ku-leuven/postgrad/master-economics": "not_programme"},
    "masterstudies": {f"{MS}/MSc-in-Removed-Programme/Belgium/KU-Leuven/": "not_found"},
}


@pytest.mark.parametrize("source", sorted(PORTALS))
def test_offline_crawl_returns_every_programme_and_reports_every_trap(source):
    result = crawl(source)
    keys = [r.source_key for r in result.records]
    assert len(keys) == len(set(keys))  # no programme twice
    assert set(keys) == truth_keys(source)
    assert {r.url: r.outcome for r in result.reports} == EXPECTED_TRAPS[source]
    assert all(r.reason for r in result.reports)
    assert result.listing_pages >= 2
    for record in result.records:
        assert record.fields["title"] and record.content_hash.startswith("sha256:") and record.fetched_at


def test_challenge_and_wall_reasons():
    reports = {r.url: r.reason for r in crawl("studyportals").reports}
    assert "challenge" in reports[f"{SP}/studies/99001/quantum-computing.html"]
    assert "login wall" in reports[f"{SP}/studies/99002/robotics.html"]


def test_a_broken_page_is_reported_and_the_crawl_goes_on(tmp_path):
    import shutil

    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    target = mirror / mirror_relpath(f"{MS}/MSc-in-Global-Health/Netherlands/Maastricht-University/")
    target.write_text("<html><body><h1>Service maintenance</h1></body></html>")
    result = crawl("masterstudies", mirror)
    assert len(result.records) == len(truth_keys("masterstudies")) - 1
    broken = [r for r in result.reports if "Global-Health" in r.url]
    assert broken and broken[0].outcome == "not_programme"


def test_replay_refuses_paths_that_escape_the_mirror():
    from scrapers.replay import UnsafeMirrorPath, url_from_relpath

    with pytest.raises(UnsafeMirrorPath):
        mirror_relpath("https://www.masterstudies.com/../../etc/passwd")
    with pytest.raises(UnsafeMirrorPath):
        mirror_relpath("https://www.masterstudies.com/a/%2e%2e/%2e%2e/secret")
    for url in (f"{TU}/programs/europe?page=[1]&pagerlimit=[25]", f"{MS}/Masters-Degree/X/?page=2", f"{SP}/studies/1/a.html"):
        assert url_from_relpath(mirror_relpath(url)) == url
