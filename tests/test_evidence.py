"""The scrapers over the real markup in shared/evidence/: each saved page or fragment gives what a person reads on
it. Expectations were written by reading the saved files; the saved 2021 Studyportals page is a Laravel template
whose values are `{{ ... }}` placeholders: those are unknown, never asserted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scrapers import masterstudies, studyportals, topuniversities
from scrapers.classify import blocked_reason
from scrapers.registry import PORTALS

EVIDENCE = Path(__file__).resolve().parents[2] / "shared" / "evidence"
pytestmark = pytest.mark.skipif(not EVIDENCE.is_dir(), reason=f"no shared evidence at {EVIDENCE} (../shared is absent)")
SP, KS, TU = EVIDENCE / "studyportals", EVIDENCE / "masterstudies", EVIDENCE / "topuniversities"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def known(values: list[str]) -> list[str]:
    """Values that are not the template's `{{ ... }}` placeholders."""
    return [v for v in values if "{{" not in v]


def one(folder: Path, pattern: str) -> Path:
    [path] = sorted(folder.glob(pattern))
    return path


# ------------------------------------------------------------------ Studyportals
def test_quick_facts_2023_value_before_label():
    fields = studyportals.read(read(one(SP, "2023_quickfacts_fragment_*.html")))
    assert fields.layout == "studyportals/E3"
    assert fields["duration"] == ["18 months"]  # data-duration + data-period; the visible "1½ years" is not re-read
    assert fields["tuition_international"] == ["12200 EUR /year"]  # data-original_html on the inner span
    assert fields["tuition_eu_eea"] == ["12200 EUR /year"]  # behind the audience switch (Hidden), still the EEA fee
    assert fields["deadline"] == ["Anytime"]  # as printed
    assert fields["start_dates"] == ["2023-08-22"]
    assert "Unknown" not in str(fields)  # the hidden js-notAvailable placeholders


def test_key_facts_2020_22():
    fields = studyportals.read(read(one(SP, "2020-22_keyfacts_fragment_*.html")))
    assert fields["duration"] == ["18 months Full-time"] and fields["pace"] == ["Full-time"]
    assert fields["languages"] == ["English"]  # not the "Check English test score requirements" button
    assert fields["credits"] == ["60 ECTS"] and fields["mode"] == ["On Campus"]
    assert fields["subject_area"] == ["Business Administration", "Business Intelligence & Analytics",
                                      "Data Science & Big Data"]  # "View 17 other Masters ..." is a landing link


def test_saved_study_page_2021():
    text = read(one(SP, "2021_detail_*.html"))
    assert blocked_reason(200, text) is None  # its soft-wall text is in every programme page
    fields = PORTALS["studyportals"].parse_detail(
        text, "https://www.mastersportal.com/studies/298860/electrical-and-computer-engineering.html")
    assert fields.layout == "studyportals/E3"
    assert known(fields["title"]) == ["Electrical and Computer Engineering"]
    assert known(fields["degree"])[0] == "M.Sc."
    assert known(fields["university"]) == ["The University of Arizona Global"]
    assert fields["location"] == ["Buenos Aires, Argentina"]
    assert "Blended" in fields["mode"]
    # The US page's second audience is "national": a domestic fee, printed in the institution's own currency
    assert fields["tuition_domestic"] == ["15000 USD /year"]
    assert "tuition_eu_eea" not in fields
    assert fields["level"] == ["Master"]  # from the site
    assert studyportals.source_key("https://www.mastersportal.com/studies/298860/") == "298860"


def test_search_cards_2021_are_divs_with_a_proxy_redirect():
    listing = studyportals.parse_listing(read(one(SP, "2021_search_cards_*Filter*.html")),
                                         "https://www.mastersportal.com/search/")
    assert listing.detail_urls == ["https://www.mastersportal.com/studies/298860/"]


# ------------------------------------------------------------------ Keystone
def test_keystone_locations_props_2022():
    url = "https://www.bachelorstudies.com/Bachelor-of-Computer-Science/Spain/Harbour.Space-University/"
    fields = PORTALS["masterstudies"].parse_detail(read(one(KS, "2022_keystone_detail_*.html")), url)
    assert fields.layout == "masterstudies/K2"
    assert fields["title"] == ["Bachelor of Computer Science"]
    assert fields["university"] == ["Harbour.Space University"]
    assert fields["duration"] == ["3 years"] and fields["pace"] == ["Full-time"] and fields["mode"] == ["Campus based"]
    assert fields["languages"] == ["English"]
    assert fields["tuition"] == ["19900 EUR per year."]  # price_orig; the USD/GBP conversions are not the fee
    assert fields["location"] == ["Barcelona, Spain"]
    assert "start_dates" not in fields and "deadline" not in fields  # open enrollment: no dates on the page
    assert fields["description"][0].startswith("The Harbour.Space Bachelor’s in Computer Science programme is rooted")
    assert fields["level"] == ["Bachelor"]  # bachelorstudies.com


def test_keystone_listing_2022():
    url = "https://www.bachelorstudies.com/Computer-Science/"
    listing = masterstudies.parse_listing(read(one(KS, "2022_keystone_listing_*page_1.html")), url)
    assert len(listing.detail_urls) == 15
    assert any(u.startswith("https://www.onlinestudies.com/") for u in listing.detail_urls)  # a sibling site
    assert not any("//" in u.split("://", 1)[1] for u in listing.detail_urls)  # the double slash collapsed
    assert listing.next_urls == ["https://www.bachelorstudies.com/Computer-Science/?page=2"]  # not "#main"


# ------------------------------------------------------------------ TopUniversities
def _requirement_blocks() -> list[list[tuple[str, str]]]:
    text = read(one(TU, "*strings_sample.txt"))
    section = text.split("== requirement blocks", 1)[1].split("\n", 1)[1].split("\n==", 1)[0]
    blocks = []
    for line in section.splitlines():
        if not line.startswith("'"):
            continue
        parts = [p.strip() for p in line.strip("'").split("\\n") if p.strip()]
        blocks.append(list(zip(parts[::2], parts[1::2])))
    return blocks


def test_exam_scores_2023_as_scraped():
    """The 2023 scraped score blocks, put back into the label + div markup the DevTools screenshot shows."""
    blocks = _requirement_blocks()
    assert len(blocks) >= 20
    for pairs in blocks:
        html = ("<html><body><div id='p2-university-information'>" + "".join(
            f"<div class='univ-subsection-full-width-value bottom-div'><label>{label}</label><div>{value}</div></div>"
            for label, value in pairs) + "</div></body></html>")
        fields = topuniversities.read(html)
        for label, value in pairs:
            assert fields[f"test_score:{label}"] == [value]  # "+" (no value) kept as printed


def test_tuition_strings_2023():
    text = read(one(TU, "*strings_sample.txt"))
    amounts = re.findall(r"'\\nTuition Fee/year\\n([^\\']+?)\\n'", text)
    assert amounts
    for amount in amounts:
        html = (f"<html><body><div class='univ-subsection'><h4>International Students</h4><div class='univ-subsection-value'>"
                f"<label>Tuition Fee/year</label><div>{amount}</div></div></div></body></html>")
        fields = topuniversities.read(html)
        expected = amount.strip() if amount.strip() == "-" else f"{amount.strip()} / year"
        assert fields["tuition_international"] == [expected]
