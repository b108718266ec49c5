"""The scrapers over the real markup in shared/evidence/: each saved page or fragment gives what a person reads on
it. The expectations, written by reading the saved files, are ONE table shared with `make eval`'s extraction
figures: bench/evidence_expectations.json (read through bench.extraction). The saved 2021 Studyportals page is a
Laravel template whose values are `{{ ... }}` placeholders: those are unknown, never asserted.

Here the scrapers' raw strings are held to the table: a string read is the string a reader sees (no wrong value,
no field the page does not show, no trap text). A field not read at all is a miss the extraction figures count
(and tests/test_extraction.py keeps from growing), not a failure here."""

from __future__ import annotations

import pytest

from bench.extraction import EVIDENCE, Page, entry, known, pages, parse
from scrapers import studyportals
from scrapers.classify import blocked_reason
from scrapers.registry import PORTALS

pytestmark = pytest.mark.skipif(not EVIDENCE.is_dir(), reason=f"no shared evidence at {EVIDENCE} (../shared is absent)")
PAGES = pages() if EVIDENCE.is_dir() else []


def test_the_table_covers_every_portal_and_strings_file():
    assert {p.portal for p in PAGES} == set(PORTALS)
    assert sum(1 for p in PAGES if "#score" in p.name) >= 20 and any("#fee" in p.name for p in PAGES)


@pytest.mark.parametrize("page", [p for p in PAGES if p.kind != "listing"], ids=lambda p: p.name.rsplit("/", 1)[-1])
def test_raw_strings_read_are_what_a_reader_sees(page: Page):
    fields = parse(page)
    for name, expect in page.fields.items():
        read = known(fields.get(name, []))
        if not read:
            continue  # a miss: counted by bench.extraction
        if "raw_prefix" in expect:
            assert read[0].startswith(expect["raw_prefix"]), name
        else:
            assert read == expect["raw"], name
    for name in page.absent:
        assert not known(fields.get(name, [])), f"{name}: the page shows none"
    shown = str({k: known(v) for k, v in fields.items()})
    for trap in page.never:
        assert trap not in shown


@pytest.mark.parametrize("page", [p for p in PAGES if p.kind == "listing"], ids=lambda p: p.name.rsplit("/", 1)[-1])
def test_listings(page: Page):
    listing = PORTALS[page.portal].parse_listing(page.text, page.url)
    assert listing.detail_urls == page.listing["detail_urls"]  # Keystone: sibling sites kept, double slashes collapsed
    assert listing.next_urls == page.listing["next_urls"]  # Keystone: the head's rel=next, not "#main"


def _page(name_start: str) -> Page:
    return next(p for p in PAGES if p.name.split("/", 1)[1].startswith(name_start))


def test_layouts():
    assert parse(_page("2023_quickfacts")).layout == "studyportals/E3"  # value before label
    assert parse(_page("2021_detail")).layout == "studyportals/E3"
    assert parse(_page("2022_keystone_detail")).layout == "masterstudies/K2"
    assert all(parse(p).layout == "topuniversities/T2" for p in PAGES if p.portal == "topuniversities")


def test_saved_study_page_2021_is_not_a_wall():
    page = _page("2021_detail")
    assert blocked_reason(200, page.text) is None  # its soft-wall text is in every programme page
    assert entry(page.name)["era"] == "E3"
    assert studyportals.source_key("https://www.mastersportal.com/studies/298860/") == "298860"
