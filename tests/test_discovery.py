"""Discovering the whole portal: each family's default start URLs are its whole catalogue (Studyportals' search
partitions, Keystone's sitemap index, TopUniversities' full listing). Crawls run against a real loopback server
(tests/mockserver.py) serving a mirror built here, through programme_scout.pipeline.crawl and ResolveTransport,
so the portals' host names, robots.txt and scope rules stay the crawler's own; the server's log says what was
requested."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import MIRROR, frontier_records
from mockserver import MockServer

from programme_scout.pipeline import crawl as crawl_all
from programme_scout.settings import FetchSettings, Settings, default_start_urls
from scrapers import masterstudies, studyportals, topuniversities
from scrapers.records import CrawlResult
from scrapers.registry import PORTALS
from scrapers.replay import mirror_relpath
from scrapers.resolve import ResolveTransport
from scrapers.studyportals import SEARCH_CAP

SP, MS, TU = "www.mastersportal.com", "www.masterstudies.com", "www.topuniversities.com"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FETCH = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0, max_attempts=1)


def page_of(url: str) -> str:
    return (MIRROR / mirror_relpath(url)).read_text(encoding="utf-8")


def put(mirror: Path, url: str, text: str) -> None:
    target = mirror / mirror_relpath(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def crawl(mirror: Path, source: str, start: str) -> tuple[CrawlResult, MockServer]:
    settings = Settings(fetch=FETCH, data_dir=mirror.parent / "data", sources=(source,),
                        start_urls={**default_start_urls(), source: (start,)})
    with MockServer(mirror=mirror) as server:
        transport = ResolveTransport({h: server.base for h in (SP, MS, TU)})
        crawled = asyncio.run(crawl_all(settings, transport=transport))
    return crawled[source], server


def requested(server: MockServer) -> list[str]:
    return [f"{(s.headers.get('Host') or '').split(':')[0]}{s.path}" for s in server.log.requests]


# ------------------------------------------------------------------ the defaults
def test_default_start_urls_are_the_whole_portals_and_are_in_the_mirror():
    assert default_start_urls() == {"studyportals": ("https://www.mastersportal.com/search/master/",),
                                    "topuniversities": ("https://www.topuniversities.com/programs/",),
                                    "masterstudies": ("https://www.masterstudies.com/sitemap.xml",)}
    for source, urls in default_start_urls().items():
        for url in urls:
            listing = PORTALS[source].parse_listing(page_of(url), url)
            assert listing.next_urls, url  # an entry page leads on: partitions, pages or child sitemaps


def test_the_studyportals_root_is_over_the_cap_and_gives_partitions_not_pages():
    root = f"https://{SP}/search/master/"
    listing = studyportals.parse_listing(page_of(root), root)
    assert listing.next_urls == [f"https://{SP}/search/master/computer-science-it/",
                                 f"https://{SP}/search/master/business-management/"]
    discipline = listing.next_urls[0]
    narrower = studyportals.parse_listing(page_of(discipline), discipline).next_urls
    assert narrower == [f"https://{SP}/search/master/information-science?page=1",
                        f"https://{SP}/search/master/computer-science-it/switzerland/"]


def test_keystone_sitemap_gives_programme_pages_with_lastmod_and_nothing_else():
    index = f"https://{MS}/sitemap.xml"
    listing = masterstudies.parse_listing(page_of(index), index)
    assert listing.lastmod == {f"https://{MS}/sitemap-programmes.xml": "2025-11-20"}
    child = listing.next_urls[0]
    listing = masterstudies.parse_listing(page_of(child), child)
    assert f"https://{MS}/Masters-Degree/Information-Science/" not in listing.detail_urls  # a category listing
    assert f"https://{MS}/universities/Belgium/KU-Leuven/" not in listing.detail_urls  # a school page
    assert listing.next_urls == [] and set(listing.lastmod) == set(listing.detail_urls)
    assert all(len(v) >= 10 for v in listing.lastmod.values())


@pytest.mark.parametrize(("url", "programme"), [
    ("https://www.masterstudies.com/MSc-in-Data-Science/Netherlands/University-of-Amsterdam/", True),
    ("https://www.bachelorstudies.com/Bachelor-of-Computer-Science/Spain/Harbour.Space-University/", True),
    ("https://www.bachelorstudies.com/Bachelor/Computer-Science/Africa/", False),  # 2022 saved listing's links
    ("https://www.bachelorstudies.com/Bachelor/Computer-Science/amp/", False),
    ("https://www.masterstudies.com/Masters-Degree/Computer-Science/", False),
    ("https://www.masterstudies.com/universities/Belgium/KU-Leuven/", False),
    ("https://www.masterstudies.com/MSc-in-X/Belgium/KU-Leuven/?page=2", False),
    ("https://www.masterstudies.com/sitemap-programmes.xml", False),
])
def test_keystone_programme_addresses(url, programme):
    assert masterstudies.is_programme_url(url) is programme


def test_topuniversities_whole_listing_and_sitemap():
    whole = f"https://{TU}/programs/"
    listing = topuniversities.parse_listing(page_of(whole), whole)
    assert len(listing.detail_urls) == 5 and listing.next_urls == [f"https://{TU}/programs/?page=1"]
    sitemap = (f"<?xml version='1.0'?><urlset xmlns='{NS}'>"
               f"<url><loc>https://{TU}/universities/ku-leuven</loc></url>"
               f"<url><loc>https://{TU}/universities/ku-leuven/postgrad/msc-x</loc><lastmod>2025-03-01</lastmod></url>"
               f"<url><loc>https://{TU}/university-rankings/world-university-rankings/2025</loc></url></urlset>")
    listing = topuniversities.parse_listing(sitemap, f"https://{TU}/sitemap.xml?page=1")
    assert listing.detail_urls == [f"https://{TU}/universities/ku-leuven/postgrad/msc-x"]
    assert listing.lastmod == {f"https://{TU}/universities/ku-leuven/postgrad/msc-x": "2025-03-01"}


# ------------------------------------------------------------------ Keystone: sitemaps over a real server
def mirror_programmes() -> list[str]:
    url = f"https://{MS}/sitemap-programmes.xml"
    return sorted(urlsplit(u).path for u in masterstudies.parse_listing(page_of(url), url).detail_urls
                  if "Removed" not in u)


def keystone_sitemaps(mirror: Path, base: str) -> None:
    """A sitemap index -> three child sitemaps: a clean urlset (programmes, a school page, an article, a page on
    another host, one on the server's own address), a truncated one, and one with an entity bomb. The programme
    pages are the recorded mirror's."""
    programmes = mirror_programmes()

    def url(path: str, mod: str = "") -> str:
        return f"<url><loc>https://{MS}{path}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>"
    first = "".join(url(p, f"2025-09-0{i + 1}") for i, p in enumerate(programmes[:4]))
    first += url("/universities/Belgium/KU-Leuven/") + url("/articles/why-study-abroad/")
    first += (f"<url><loc>https://www.example.org/MSc-Elsewhere/Spain/Other-School/</loc></url>"
              f"<url><loc>{base}/MSc-Planted/Nowhere/X/</loc></url>")
    put(mirror, f"https://{MS}/sitemaps/programmes-1.xml", f"<?xml version='1.0'?><urlset xmlns='{NS}'>{first}</urlset>")
    second = "".join(url(p, "2025-09-10") for p in programmes[4:7])
    cut = f"<?xml version='1.0'?><urlset xmlns='{NS}'>{second}<url><loc>https://{MS}{programmes[7]}"[:-8]
    put(mirror, f"https://{MS}/sitemaps/programmes-2.xml", cut)
    bomb = "".join(f"<!ENTITY b{i} '{f'&b{i - 1};' * 10}'>" for i in range(1, 10))
    third = (f"<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY b0 'x'>{bomb}]><urlset xmlns='{NS}'>"
             f"<url><loc>https://{MS}/MSc-in-&b9;/Belgium/KU-Leuven/</loc></url>"
             + "".join(url(p) for p in programmes[8:]) + "</urlset>")
    put(mirror, f"https://{MS}/sitemaps/programmes-3.xml", third)
    index = "".join(f"<sitemap><loc>https://{MS}/sitemaps/programmes-{i}.xml</loc><lastmod>2025-11-0{i}</lastmod></sitemap>"
                    for i in (1, 2, 3))
    put(mirror, f"https://{MS}/sitemap.xml", f"<?xml version='1.0'?><sitemapindex xmlns='{NS}'>{index}</sitemapindex>")


def test_keystone_sitemap_index_to_children_to_programmes_over_a_real_server(tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR / MS, mirror / MS)
    (mirror / "_responses.json").write_text("{}")
    programmes = mirror_programmes()
    settings = Settings(fetch=FETCH, data_dir=tmp_path / "data", sources=("masterstudies",),
                        start_urls={**default_start_urls(), "masterstudies": (f"https://{MS}/sitemap.xml",)})
    with MockServer(mirror=mirror) as server:
        keystone_sitemaps(mirror, server.base)  # the planted link names this server's own address
        transport = ResolveTransport({h: server.base for h in (SP, MS, TU)})
        result = asyncio.run(crawl_all(settings, transport=transport))["masterstudies"]

    expected = set(programmes) - {programmes[7]}  # the truncated file was cut inside that <loc>: never requested
    assert {r.source_key for r in frontier_records(tmp_path / "data", "masterstudies")} == expected
    seen = requested(server)
    assert {f"{MS}/sitemaps/programmes-{i}.xml" for i in (1, 2, 3)} <= set(seen)
    assert not [p for p in seen if "universities/" in p or "articles/" in p or "&" in p or "MSc-in-/" in p]
    assert not [p for p in seen if "Planted" in p or "Elsewhere" in p]  # out of scope: never requested
    assert {(s.headers.get("Host") or "").split(":")[0] for s in server.log.requests} == {MS}
    scoped = {r.url for r in result.reports if r.outcome == "out_of_scope"}
    assert scoped == {"https://www.example.org/MSc-Elsewhere/Spain/Other-School/", f"{server.base}/MSc-Planted/Nowhere/X/"}
    assert len(seen) == len(set(seen))  # nothing fetched twice
    # what the crawler was told about each page: the portal's lastmod
    child = (mirror / MS / "sitemaps" / "programmes-1.xml").read_text(encoding="utf-8")
    listing = masterstudies.parse_listing(child, f"https://{MS}/sitemaps/programmes-1.xml")
    assert listing.lastmod == {f"https://{MS}{p}": f"2025-09-0{i + 1}" for i, p in enumerate(programmes[:4])}
    for name, problem in (("programmes-2.xml", "truncated"), ("programmes-3.xml", "1 <loc> dropped")):
        text = (mirror / MS / "sitemaps" / name).read_text(encoding="utf-8")
        listing = masterstudies.parse_listing(text, f"https://{MS}/sitemaps/{name}")
        assert any(p.startswith(problem) for p in listing.problems), listing.problems  # said, for the report


# ------------------------------------------------------------------ Studyportals: partitions over a real server
def search_page(total: int, studies: list[tuple[int, str]], links: list[str], next_href: str | None) -> str:
    """A search page as 2020-22 printed its count (`div.ResultsNum`), with study links, narrower searches and a
    pager."""
    items = "".join(f"<li><a href='/studies/{i}/{slug}.html'>Study {i}</a></li>" for i, slug in studies)
    refine = "".join(f"<li><a href='{href}'>{href}</a></li>" for href in links)
    pager = f"<a class='Pagination-link--next' href='{next_href}'>Next</a>" if next_href else ""
    return (f"<html><head><title>Search</title></head><body><section><ul>{refine}</ul></section>"
            f"<div class='ResultsNum'>Masters found: {total:,}</div><ul>{items}</ul>{pager}</body></html>")


def test_studyportals_partitions_so_that_no_listing_exceeds_the_cap(tmp_path):
    """root (over) -> disciplines A (over) and B (under, two pages); A -> A/x (under, two pages), A/y (under),
    and sub-discipline C (over, no narrower search: paged as far as it goes). A search over the cap is never paged
    when it offers narrower searches; every study of the under-cap searches is reached."""
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR / SP / "studies", mirror / SP / "studies")
    (mirror / SP / "robots.txt").write_text("User-agent: *\nDisallow: /account/\n")
    (mirror / "_responses.json").write_text("{}")
    studies = sorted((int(p.parent.name), p.name.removesuffix(".html")) for p in (mirror / SP / "studies").glob("*/*.html")
                     if not p.parent.name.startswith("99"))
    over, root = SEARCH_CAP + 1, "/search/master/"
    pages = {
        root: search_page(5 * over, studies[:1], ["/search/master/a/", "/search/master/b/", "/search/master/?page=2&tc=EUR"],
                          "/search/master/?page=2"),
        "/search/master/a/": search_page(over + 5, [], ["/search/master/a/x/", "/search/master/a/y/", "/search/master/c/",
                                                        root], "/search/master/a/?page=2"),
        "/search/master/b/": search_page(3, studies[1:3], [], "/search/master/b/?page=2"),
        "/search/master/b/?page=2": search_page(3, studies[3:4], [], None),
        "/search/master/a/x/": search_page(SEARCH_CAP, studies[4:6], ["/search/master/a/x/deeper/"], "/search/master/a/x/?page=2"),
        "/search/master/a/x/?page=2": search_page(SEARCH_CAP, studies[6:8], [], None),
        "/search/master/a/y/": search_page(2, studies[8:10], [], None),
        "/search/master/c/": search_page(over, studies[10:11], [], "/search/master/c/?page=2"),
        "/search/master/c/?page=2": search_page(over, studies[11:12], [], None),
    }
    for path, html in pages.items():
        put(mirror, f"https://{SP}{path}", html)
    result, server = crawl(mirror, "studyportals", f"https://{SP}{root}")

    assert {r.source_key for r in frontier_records(mirror.parent / "data", "studyportals")} == {
        str(i) for i, _ in studies[:12]}
    listings = [p.removeprefix(SP) for p in requested(server) if "/search/" in p]
    assert sorted(listings) == sorted(pages)  # every partition once; nothing else
    for path in listings:  # a paged-through search never reports more than the cap, unless it cannot be narrowed
        query = dict(parse_qsl(urlsplit(path).query))
        if query.get("page", "1") != "1":
            parent = urlsplit(path).path
            assert studyportals.reported_total(*_tree(pages[parent])) <= SEARCH_CAP or parent == "/search/master/c/"
    assert not result.reports


def _tree(html: str):
    from scrapers.html import parse_html

    return parse_html(html), html


def test_a_search_total_is_read_from_each_era():
    from scrapers.html import parse_html

    cards = page_of(f"https://{SP}/search/master/information-science?page=3")  # 2021: ResultsNum + data-proxy-url
    assert studyportals.reported_total(parse_html(cards), cards) == 4
    state = page_of(f"https://{SP}/search/master/")  # 2025 (guessed): a "total" in the embedded search state
    assert studyportals.reported_total(parse_html(state), state) == 118_432
    plain = page_of(f"https://{SP}/search/master/information-science?page=2")  # 2022 cards: no count shown
    assert studyportals.reported_total(parse_html(plain), plain) is None
    counted = "<div class='ResultsNum'>Masters found: 12\u202f345</div><script>x = {\"totalResults\": 99};</script>"
    assert studyportals.reported_total(parse_html(counted), counted) == 12_345
    assert json.loads(state.split("window.__SEARCH_STATE__ = ")[1].split(";</script>")[0])["total"] == 118_432
