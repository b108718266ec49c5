"""Nesting depth never raises RecursionError, and never costs time quadratic in the depth inside lexbor: every
portal's parse_listing and parse_detail on pages nested 100,000 elements deep end in a result or
NotAProgrammePage. Pages nested that deep are cut to 512 levels before lexbor sees them (scrapers.html.cap_depth);
real pages (the mirror, the evidence) pass through unchanged."""

from __future__ import annotations

import pytest
from conftest import MIRROR
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.html import MAX_DEPTH, cap_depth, parse_html, visible_text
from scrapers.records import NotAProgrammePage
from scrapers.registry import PORTALS

DEEP = 100_000
TITLE = "<html><head><title>Data Science, M.Sc. | Part time | Some University | Berlin, Germany</title></head><body>"
DEEP_PAGES = {
    "divs": "<div>" * DEEP,
    "divs closed around labels": TITLE + "<div>" * DEEP + "<dt>Duration</dt><dd>2 years</dd>" + "</div>" * DEEP,
    "self-closed divs": "<div/>" * DEEP,
    "spans around a page": TITLE + "<span>" * DEEP + "<h1>Data Science</h1><a href='/universities/x'>Uni</a>",
    "lists": "<ul><li>" * DEEP,
    "tables": "<table><tr><td>" * DEEP,
    "links": "<a href='/studies/1/x.html'>" * DEEP,
    "headings in links": "<h2><a href='/x'>" * DEEP,
    "svg groups": "<svg>" + "<g>" * DEEP,
    "JSON-LD arrays": TITLE + "<script type='application/ld+json'>" + "[" * DEEP + "</script>",
    "Vue props arrays": TITLE + "<locations :program='" + "[" * DEEP + "'></locations>",
}
SLOW = {"divs closed around labels", "spans around a page", "lists", "tables", "links", "headings in links"}


def depth(tree: LexborHTMLParser) -> int:
    deepest = 0
    for node in tree.root.traverse() if tree.root is not None else []:
        current: LexborNode | None = node
        level = 0
        while current is not None:
            parent: LexborNode | None = current.parent
            level, current = level + 1, parent
        deepest = max(deepest, level)
    return deepest


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in DEEP_PAGES])
def test_deep_pages_parse_in_every_portal(name):
    text = DEEP_PAGES[name]
    for family in PORTALS.values():
        family.parse_listing(text, family.start_urls[0])
        try:
            family.parse_detail(text, "https://www.mastersportal.com/studies/1/x.html")
        except NotAProgrammePage:
            pass


def test_a_deep_page_is_cut_at_the_cap_and_keeps_its_text():
    text = "<div>" * DEEP + "<p>Duration</p>" + "</div>" * DEEP
    tree = parse_html(text)
    assert depth(tree) <= MAX_DEPTH + 4  # html, body and the text node above the cap's elements
    assert visible_text(tree.body) == "Duration"


def test_markup_is_cut_only_beyond_the_cap():
    shallow = "<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH
    assert cap_depth(shallow) == shallow
    assert cap_depth("<section>" + shallow + "</section>") == "<section>" + shallow.replace("<div>x</div>", " x ") + "</section>"
    assert cap_depth("<br>" * 5000 + "<img src=x>" * 5000) == "<br>" * 5000 + "<img src=x>" * 5000  # void: no depth
    unclosed = "<ul>" + "<li>item" * 5000 + "</ul>" + "<p>para" * 5000 + "<table>" + "<tr><td>a<td>b" * 3000
    assert cap_depth(unclosed) == unclosed  # implied end tags: siblings, not nesting
    icons = "<svg>" + "<path d='M0'/>" * 5000 + "</svg>"
    assert cap_depth(icons) == icons
    raw = "<script>" + "<div>" * 5000 + "</script><style>" + "<div>" * 5000 + "</style><!--" + "<div>" * 5000 + "-->"
    assert cap_depth(raw) == raw  # tags in scripts, styles and comments are text


def test_real_pages_pass_unchanged():
    pages = [p for p in sorted(MIRROR.rglob("*")) if p.is_file() and not p.name.startswith("_") and p.suffix != ".txt"]
    from bench.extraction import EVIDENCE, pages as evidence_pages

    texts = [p.read_text(encoding="utf-8") for p in pages]
    if EVIDENCE.is_dir():
        texts += [p.text for p in evidence_pages()]
    assert len(texts) >= 40
    for text in texts:
        assert cap_depth(text) == text


def test_unterminated_markup_is_scanned_in_one_pass():
    for text in ("<a" * 50_000, "<div x='" * 50_000, "<!--" * 50_000, "<script>" + "<" * 100_000, "</" * 100_000):
        assert cap_depth(text) == text


def test_deep_pages_through_the_pool_within_its_cpu_limit():
    """In a worker, as the crawl parses: a 100,000-deep page is a result or NotAProgrammePage, not a ParseTimeout."""
    import asyncio

    from scrapers.parsing import PoolParsing

    async def go() -> list[object]:
        async with PoolParsing(2, 10.0) as pool:
            calls = [call(family, DEEP_PAGES[name], url) for name in ("divs", "self-closed divs", "JSON-LD arrays")
                     for family in PORTALS.values()
                     for call, url in ((pool.listing, family.start_urls[0]),
                                       (pool.detail, "https://www.mastersportal.com/studies/1/x.html"))]
            return list(await asyncio.gather(*calls, return_exceptions=True))

    for result in asyncio.run(go()):
        assert not isinstance(result, BaseException) or type(result) is NotAProgrammePage, result
