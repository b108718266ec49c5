"""Conformance over the registry: every portal family, every sibling site and every layout era in the mirror.
Every listing yields detail URLs, every detail page a record with a title and a university and every field its
era shows; the family's sites give the level when the page does not."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from conftest import crawl_mirror, MIRROR

from scrapers.crawl import crawl_source
from scrapers.fetch import Fetcher
from scrapers.registry import FAMILIES, PORTALS, family_for
from scrapers.replay import MirrorTransport, url_from_relpath
from programme_scout.settings import FetchSettings, default_start_urls

OFFLINE = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=8)
# What each era shows on its pages (markup.md, era by era); a page of that era must give at least these.
ERA_FIELDS = {
    "studyportals/E2": {"title", "university", "location", "degree", "pace", "mode", "duration", "languages",
                        "start_dates", "tuition", "description"},
    "studyportals/E3": {"title", "university", "location", "degree", "pace", "mode", "duration", "deadline",
                        "start_dates", "tuition_international", "languages", "subject_area", "description"},
    "studyportals/E4": {"title", "university", "location", "degree", "pace", "mode", "duration", "deadline",
                        "start_dates", "tuition_international", "languages", "subject_area", "description"},
    "studyportals/E5": {"title", "university", "location", "degree", "pace", "mode", "duration",
                        "tuition_international", "languages", "subject_area", "description", "living_costs"},
    "topuniversities/T2": {"title", "university", "location", "duration", "degree", "level", "mode", "subject_area",
                           "start_dates", "description"},
    "topuniversities/T3": {"title", "university", "location", "duration", "degree", "level", "mode", "subject_area",
                           "start_dates", "description"},
    "masterstudies/K2": {"title", "university", "location", "duration", "mode", "pace", "languages", "description"},
    "masterstudies/K3": {"title", "university", "location", "duration", "mode", "pace", "languages", "tuition",
                         "deadline", "start_dates", "description"},
}


def mirror_pages() -> list[tuple[str, str]]:
    out = []
    for path in sorted(MIRROR.rglob("*")):
        if path.is_file() and not path.name.startswith("_") and path.suffix != ".txt":
            url = url_from_relpath(str(path.relative_to(MIRROR)))
            out.append((url, path.read_text(encoding="utf-8")))
    return out


PAGES = mirror_pages()


def crawl(source: str):
    return crawl_mirror(PORTALS[source], PORTALS[source].start_urls)


def test_registry_is_the_one_list_of_portals():
    assert set(PORTALS) == set(default_start_urls())
    for family in FAMILIES:
        assert family.start_urls == default_start_urls()[family.name]  # settings and registry agree
        assert all(family.serves(u) for u in family.start_urls)
        assert all(family_for(f"https://www.{site}/x") is not None for site in family.sites)


@pytest.mark.parametrize("source", sorted(PORTALS))
def test_every_listing_yields_detail_urls(source):
    family = PORTALS[source]
    listings = [(u, t) for u, t in PAGES if family.serves(u) and ("?" in u or u.endswith(".xml") or
                                                                   u.endswith("/Information-Science/"))]
    assert len(listings) >= 2
    for url, text in listings:
        listing = family.parse_listing(text, url)
        assert listing.detail_urls or listing.next_urls, url
        for detail in listing.detail_urls:
            family.source_key(detail)  # every detail link is one of the family's programme addresses


@pytest.mark.parametrize("source", sorted(PORTALS))
def test_every_detail_page_gives_every_field_its_era_shows(source):
    result = crawl(source)
    layouts = Counter(r.layout for r in result.records)
    assert all(layouts[layout] >= 3 for layout in ERA_FIELDS if layout.startswith(source)), layouts
    for record in result.records:
        assert record.fields["title"] and record.fields["university"], record.url
        missing = ERA_FIELDS[record.layout] - set(record.fields)
        assert not missing, (record.url, record.layout, missing)


@pytest.mark.parametrize(("family", "site"), [(f.name, s) for f in FAMILIES for s in f.sites], ids=lambda x: str(x))
def test_sibling_sites_share_the_parsers_and_give_the_level(family, site):
    """The same page on a sibling site parses the same; the site names the level when the page does not."""
    fam = PORTALS[family]
    by_layout: dict[str, tuple[str, str]] = {}
    for url, text in PAGES:
        if fam.serves(url):
            try:
                by_layout.setdefault(fam.parse_detail(text, url).layout, (url, text))
            except Exception:
                continue
    assert by_layout
    for layout, (url, text) in by_layout.items():
        moved = url.replace(url.split("/")[2], f"www.{site}", 1)
        fields = fam.parse_detail(text, moved)
        assert fields.layout == layout and fields["title"] and fields["university"]
        page_level = fam.parsers.read(text).get("level")
        expected = page_level or ([fam.level_of(moved)] if fam.level_of(moved) else None)
        assert fields.get("level") == expected


def test_topuniversities_level_from_the_path():
    fam = PORTALS["topuniversities"]
    assert fam.level_of("https://www.topuniversities.com/universities/x/undergrad/y") == "Undergraduate"
    assert fam.level_of("https://www.topuniversities.com/universities/x/phd/y") == "PhD"
