"""Scrapers over the recorded mirror: listings, seed facts, traps, and a whole offline crawl (a conformance
suite parametrised over every portal)."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from conftest import crawl_mirror, MIRROR

from scrapers import masterstudies, studyportals, topuniversities
from scrapers.crawl import canonical_url, crawl_source
from scrapers.fetch import Fetcher
from scrapers.registry import PORTALS
from scrapers.replay import MirrorTransport, mirror_relpath
from programme_scout.settings import FetchSettings, default_start_urls

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
    return crawl_mirror(PORTALS[source], default_start_urls()[source], mirror)


# ------------------------------------------------------------------ listings
def test_studyportals_listing_finds_links_in_embedded_json_and_next_page():
    url = f"{SP}/search/master/information-science?page=1"
    listing = studyportals.parse_listing(page(url), url)
    keys = {studyportals.source_key(u) for u in listing.detail_urls}
    assert {"8997", "12841", "99001"} <= keys
    assert listing.next_urls == [f"{SP}/search/master/information-science?page=2"]
    assert all("ref=search_card" not in canonical_url(u) for u in listing.detail_urls)


@pytest.mark.parametrize("page_no", [2, 3])
def test_studyportals_listing_cards_of_2022_and_2021(page_no):
    url = f"{SP}/search/master/information-science?page={page_no}"
    listing = studyportals.parse_listing(page(url), url)
    assert len(listing.detail_urls) >= 4


def test_studyportals_detail_page_is_not_a_listing():
    """Related-programme links on a detail page are other studies, not search results."""
    url = f"{SP}/studies/8997/information-management.html"
    assert studyportals.parse_listing(page(url), url).detail_urls == []


def test_topuniversities_listing_cards_and_numbered_pager():
    url = f"{TU}/programs/europe?page=[0]&pagerlimit=[25]"
    listing = topuniversities.parse_listing(page(url), url)
    assert len(listing.detail_urls) == 5
    assert listing.next_urls == [f"{TU}/programs/europe?page=[1]&pagerlimit=[25]"]
    assert canonical_url(listing.detail_urls[0]) == f"{TU}{PIONEER_TU}"
    last = f"{TU}/programs/europe?page=[1]&pagerlimit=[25]"
    assert topuniversities.parse_listing(page(last), last).next_urls == []


def test_topuniversities_listing_of_2024():
    url = f"{TU}/programs/?page=0"
    listing = topuniversities.parse_listing(page(url), url)
    assert len(listing.detail_urls) == 5 and listing.next_urls == [f"{TU}/programs/?page=1"]


def test_masterstudies_sitemap_index_then_urlset_lists_every_programme():
    index = f"{MS}/sitemap.xml"
    listing = masterstudies.parse_listing(page(index), index)
    assert listing.detail_urls == [] and listing.next_urls == [f"{MS}/sitemap-programmes.xml"]
    url = listing.next_urls[0]
    listing = masterstudies.parse_listing(page(url), url)
    assert {masterstudies.source_key(u) for u in listing.detail_urls} == truth_keys("masterstudies") | {
        "/MSc-in-Removed-Programme/Belgium/KU-Leuven/"}


def test_masterstudies_listing_link_rel_next_and_pagination_button():
    first = f"{MS}/Masters-Degree/Information-Science/"
    listing = masterstudies.parse_listing(page(first), first)
    assert len(listing.detail_urls) == 5 and listing.next_urls == [f"{first}?page=2"]
    second = f"{first}?page=2"
    assert masterstudies.parse_listing(page(second), second).next_urls == []  # "Previous" is not followed


def test_canonical_url_drops_tracking_but_keeps_pagination():
    assert canonical_url(f"{TU}/a?utm_source=x&page=[1]#top", keep_query=True) == f"{TU}/a?page=[1]"
    assert canonical_url(f"{SP}/studies/1/x.html?ref=search_card") == f"{SP}/studies/1/x.html"


# --------------------------------------------------------------------- seeds
def test_studyportals_seed_page_facts():
    fields = PORTALS["studyportals"].parse_detail(page(f"{SP}/studies/8997/information-management.html"), "")
    assert fields.layout == "studyportals/E5"
    assert fields["title"] == ["Information Management"]
    assert fields["university"] == ["KU Leuven"]
    # no deadline date: the page's open-admission sentence is handed on as printed (the normaliser notes it)
    assert fields["deadline"] == ["You can apply for and start this programme anytime."]
    assert fields["duration"][0] == "12 months"
    assert fields["tuition_international"] == ["1750 EUR / year"]
    assert fields["tuition_eu_eea"] == ["938 EUR / year"]  # behind the audience switch, still read
    assert fields["living_costs"] == ["810 - 1280 EUR/month"]
    assert not any(k.startswith("test_score") for k in fields)  # "Minimum required score:" with no score
    assert fields["description"][0].startswith("The Master of Information Management (Leuven) programme explores")


def test_studyportals_original_amount_never_the_converted_one():
    fields = studyportals.parse_detail(page(f"{SP}/studies/12841/data-science.html"), "")
    assert fields["tuition_international"][0] == "18000 EUR / year"  # visible: 19,370 USD
    assert not any("USD" in v for k, vs in fields.items() if k.startswith("tuition") for v in vs)
    assert fields["deadline"] == ["2026-04-01"] and fields["start_dates"] == ["2026-09-01"]
    assert fields["duration"][0] == "12 months"  # data-duration + data-period, not "12 monthss"


def test_studyportals_national_fee_is_domestic_not_eu_eea():
    fields = studyportals.parse_detail(page(f"{SP}/studies/81050/computer-science-asu.html"), "")
    assert fields.layout == "studyportals/E3"
    assert fields["tuition_domestic"][0] == "12000 USD /year" and "tuition_eu_eea" not in fields


def test_studyportals_several_intakes_and_paces():
    fields = studyportals.parse_detail(page(f"{SP}/studies/5521/computer-science.html"), "")
    assert fields["start_dates"] == ["2027-02-15", "2026-09-15"]
    fields = studyportals.parse_detail(page(f"{SP}/studies/31007/digital-humanities.html"), "")
    assert fields["pace"] == ["Full-time", "Part-time"]
    assert "24 months Part-time" in fields["duration"]


def test_topuniversities_seed_page_facts():
    fields = topuniversities.parse_detail(page(f"{TU}{PIONEER_TU}"), "")
    assert fields["title"] == ["Erasmus Mundus Master of Science in Public Sector Innovation and eGovernance"]
    assert fields["university"] == ["KU Leuven"] and fields["location"] == ["Leuven, Belgium"]
    assert fields["duration"] == ["24 months", "2 Years"]
    assert fields["deadline"] == ["01 Jul, 2026", "01 Jul 2026"]
    assert fields["degree"] == ["MSc"] and fields["mode"] == ["On Campus"]  # the repeated overview collapses
    assert fields["test_score:IELTS"] == ["7+"] and fields["test_score:TOEFL"] == ["100+"]
    assert fields["start_dates"] == ["Sep"]
    assert not any("cookie" in " ".join(v).lower() for v in fields.values())
    assert not any("UCAS" in " ".join(v) or "Programme code" in " ".join(v) for v in fields.values())


def test_topuniversities_fee_audiences_t2_and_t3():
    t2 = topuniversities.parse_detail(page(f"{TU}/universities/ku-leuven/postgrad/information-management-brussels"), "")
    assert t2.layout == "topuniversities/T2"
    assert t2["tuition_domestic"] == ["EUR 938 / year"] and t2["tuition_international"] == ["EUR 1,750 / year"]
    assert "tuition_eu_eea" not in t2  # a domestic fee is the normaliser's to map, never ours
    t3 = topuniversities.parse_detail(page(f"{TU}/universities/university-amsterdam/postgrad/msc-data-science"), "")
    assert t3.layout == "topuniversities/T3"
    assert t3["tuition_domestic"] == ["Starts from EUR 2,530"] and t3["tuition_international"] == ["Starts from EUR 18,000"]


def test_topuniversities_score_without_label_is_kept_apart():
    html = page(f"{TU}{PIONEER_TU}").replace("alt='IELTS'", "alt=''")
    fields = topuniversities.parse_detail(html, "")
    assert "test_score:IELTS" not in fields and fields["test_score_unlabelled"] == ["7+"]


def test_masterstudies_seed_page_facts_and_placeholders_as_printed():
    fields = masterstudies.parse_detail(page(f"{MS}{PIONEER_MS}"), "")
    assert fields.layout == "masterstudies/K3"
    assert fields["title"][0].startswith("MSc in Erasmus Mundus Joint Master")
    assert fields["university"] == ["KU Leuven"]
    assert fields["duration"] == ["2 years"] and fields["pace"] == ["Full time"]
    assert fields["location"] == ["Leuven, Belgium"] and fields["mode"] == ["On-Campus"]
    for name in ("tuition", "deadline", "start_dates"):
        assert fields[name] == ["Request info"]  # raw as printed: the normaliser names placeholders
    assert "Scholarships available" not in " ".join(v for vs in fields.values() for v in vs)
    description = fields["description"][0]
    assert ("the University of Münster (second semester): In Münster, the student gains deeper insights"
            in description)  # the seed's own sentence, not a rewording
    assert "An international initial Master’s programme of 120 ECTS, jointly organized by three universities:" in description


def test_masterstudies_k2_props():
    fields = PORTALS["masterstudies"].parse_detail(
        page(f"{MS}/MSc-in-International-Management/France/ESCP-Business-School/"),
        f"{MS}/MSc-in-International-Management/France/ESCP-Business-School/")
    assert fields.layout == "masterstudies/K2"
    assert fields["title"] == ["MSc in International Management"] and fields["university"] == ["ESCP Business School"]
    assert fields["tuition"] == ["23900 EUR per year."]  # price_orig, never a converted price
    assert fields["location"] == ["Paris, France", "Berlin, Germany"]
    assert fields["start_dates"] == ["2026-09-01"] and fields["deadline"] == ["2026-05-15"]
    assert fields["level"] == ["Master"]  # from the site: the page does not say it


def test_labels_not_positions_decide_fields():
    """Reordering the Key Information block changes nothing."""
    html = page(f"{MS}{PIONEER_MS}")
    start, end = html.index("<ul><li><span>Campus location"), html.index("</ul>", html.index("<ul><li><span>Campus location"))
    items = html[start + 4:end].split("</li>")[:-1]
    reordered = html[:start + 4] + "</li>".join(reversed(items)) + "</li>" + html[end:]
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


def test_programme_pages_with_log_in_and_soft_wall_text_are_not_walls():
    """Every Studyportals page carries the soft-wall sentence and every portal's navigation a "Log in"."""
    from scrapers.classify import blocked_reason

    for source, family in PORTALS.items():
        for key in truth_keys(source):
            url = f"{SP}/studies/{key}/x.html" if source == "studyportals" else (TU if source == "topuniversities" else MS) + key
            path = next((MIRROR / mirror_relpath(url)).parent.glob("*.html"), None) if source == "studyportals" else \
                MIRROR / mirror_relpath(url)
            assert path is not None
            text = path.read_text(encoding="utf-8")
            assert "Log in" in text and blocked_reason(200, text) is None, url


@pytest.mark.parametrize("url", [f"{SP}/studies/8997/information-management.html", f"{TU}{PIONEER_TU}", f"{MS}{PIONEER_MS}",
                                 f"{MS}/MSc-in-International-Management/France/ESCP-Business-School/"])
def test_a_programme_page_is_not_a_listing(url):
    family = next(f for f in PORTALS.values() if f.serves(url))
    assert family.parse_listing(page(url), url).detail_urls == []
