"""scrapers.sitemaps: the sitemaps.org protocol (index and urlset, namespaces, lastmod), read without ever
expanding an entity and without losing what a broken file states before it breaks."""

from __future__ import annotations

import gzip
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.sitemaps import MAX_ENTRIES, SitemapEntry, gunzip_capped, looks_like_sitemap, parse_sitemap

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
HEAD = "<?xml version='1.0' encoding='UTF-8'?>\n"


def urlset(*urls: str) -> str:
    return f"{HEAD}<urlset xmlns='{NS}'>{''.join(urls)}</urlset>\n"


def test_index_with_a_namespace_prefix_cdata_and_a_comment():
    body = (f"{HEAD}<?xml-stylesheet type='text/xsl' href='/sitemap.xsl'?><sm:sitemapindex xmlns:sm='{NS}'>"
            "<!-- <sm:sitemap><sm:loc>https://www.masterstudies.com/old.xml</sm:loc></sm:sitemap> -->"
            "<sm:sitemap><sm:loc><![CDATA[https://www.masterstudies.com/sitemap-1.xml]]></sm:loc>"
            "<sm:lastmod>2025-11-20T08:00:00+01:00</sm:lastmod></sm:sitemap>"
            "<sm:sitemap>\n  <sm:loc> https://www.masterstudies.com/sitemap-2.xml </sm:loc>\n</sm:sitemap>"
            "</sm:sitemapindex>")
    assert looks_like_sitemap(body)
    sitemap = parse_sitemap(body)
    assert sitemap.kind == "index" and not sitemap.problems
    assert sitemap.entries == [SitemapEntry("https://www.masterstudies.com/sitemap-1.xml", "2025-11-20T08:00:00+01:00"),
                               SitemapEntry("https://www.masterstudies.com/sitemap-2.xml", None)]


def test_urlset_lastmod_in_any_order_and_escapes():
    body = urlset("<url><lastmod>2024-05-01</lastmod><loc>https://a.example/p/1/</loc></url>",
                  "<url><loc>https://a.example/list?page=2&amp;size=25</loc><lastmod>2024-05</lastmod>"
                  "<changefreq>weekly</changefreq></url>",
                  "<url><loc>https://a.example/caf&#233;/</loc><lastmod>yesterday</lastmod></url>")
    assert parse_sitemap(body).entries == [
        SitemapEntry("https://a.example/p/1/", "2024-05-01"),
        SitemapEntry("https://a.example/list?page=2&size=25", "2024-05"),
        SitemapEntry("https://a.example/café/", None),  # a lastmod that is not a W3C Datetime is no lastmod
    ]


def test_an_unescaped_ampersand_does_not_lose_the_rest():
    """A common defect: defusedxml stops here and loses every later URL; lxml's recover mode rewrites the URL."""
    body = urlset("<url><loc>https://a.example/1</loc></url>", "<url><loc>https://a.example/?x=1&y=2</loc></url>",
                  "<url><loc>https://a.example/3</loc></url>")
    assert [e.loc for e in parse_sitemap(body).entries] == ["https://a.example/1", "https://a.example/?x=1&y=2",
                                                           "https://a.example/3"]


def test_an_entity_bomb_is_never_expanded():
    """Billion laughs in the DTD, and an entity that would inject a <url>: neither is expanded; the entry that
    uses an entity is dropped (never requested), the others are kept."""
    entities = "".join(f"<!ENTITY lol{i} '{f'&lol{i - 1};' * 10}'>" for i in range(1, 12))
    body = (f"{HEAD}<!DOCTYPE urlset [<!ENTITY lol0 'lol'>{entities}"
            f"<!ENTITY inject '<url><loc>https://evil.example/</loc></url>'>]>"
            f"<urlset xmlns='{NS}'><url><loc>https://a.example/&lol11;</loc></url>&inject;"
            f"<url><loc>https://a.example/2</loc></url></urlset>")
    sitemap = parse_sitemap(body)
    assert [e.loc for e in sitemap.entries] == ["https://a.example/2"]
    assert any("dropped" in p for p in sitemap.problems)


def test_a_truncated_file_keeps_the_entries_closed_before_the_break():
    whole = urlset(*(f"<url><loc>https://a.example/p/{i}/</loc><lastmod>2025-01-0{i}</lastmod></url>" for i in (1, 2, 3)))
    cut = whole[: whole.index("/p/3/") - 5]  # inside the third <loc>: a cut URL must never be requested
    sitemap = parse_sitemap(cut)
    assert [e.loc for e in sitemap.entries] == ["https://a.example/p/1/", "https://a.example/p/2/"]
    assert sitemap.entries[1].lastmod == "2025-01-02"
    assert any(p.startswith("truncated") for p in sitemap.problems)
    after_loc = whole[: whole.index("<lastmod>2025-01-03")]  # cut after the third </loc>: that URL is whole
    assert [e.loc for e in parse_sitemap(after_loc).entries][-1] == "https://a.example/p/3/"


def test_an_html_page_is_not_a_sitemap():
    for body in ("<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404</h1></body></html>",
                 "<html><body><pre>&lt;urlset&gt;</pre><urlset><url><loc>https://a.example/</loc></url></urlset></body>",
                 "", "\x00\x01 binary", "<<<<>>>>"):
        sitemap = parse_sitemap(body)
        assert sitemap.kind == "" and sitemap.entries == [] and sitemap.problems
        assert not looks_like_sitemap(body)


def test_relative_and_non_http_locations():
    body = urlset("<url><loc>/p/1/</loc></url>", "<url><loc>ftp://a.example/x</loc></url>",
                  "<url><loc>javascript:alert(1)</loc></url>", "<url><loc>https://a.example/with space</loc></url>")
    assert [e.loc for e in parse_sitemap(body, "https://a.example/sitemap.xml").entries] == ["https://a.example/p/1/"]
    assert parse_sitemap(body).entries == []  # no base: a relative <loc> is not an address


def test_gzip_bodies_and_a_gzip_bomb():
    body = urlset("<url><loc>https://a.example/1</loc></url>")
    packed = gzip.compress(body.encode())
    assert looks_like_sitemap(packed) and parse_sitemap(packed).entries == [SitemapEntry("https://a.example/1")]
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000)
    inflated, cut = gunzip_capped(bomb, limit=1_000)
    assert len(inflated) == 1_000 and cut
    assert gunzip_capped(b"\x1f\x8bnot gzip") == (b"", False)


def test_the_protocol_limit_of_entries():
    body = urlset(*(f"<url><loc>https://a.example/{i}</loc></url>" for i in range(MAX_ENTRIES + 5)))
    sitemap = parse_sitemap(body)
    assert len(sitemap.entries) == MAX_ENTRIES and any("more than" in p for p in sitemap.problems)
    full = urlset(*(f"<url><loc>https://a.example/{i}</loc></url>" for i in range(MAX_ENTRIES)))
    assert (len(parse_sitemap(full).entries), parse_sitemap(full).problems) == (MAX_ENTRIES, [])
    unclosed = f"{HEAD}<urlset xmlns='{NS}'><url><loc>https://a.example/1</loc></urlset>"
    assert parse_sitemap(unclosed).entries == [SitemapEntry("https://a.example/1")]


def test_pathological_bodies_end():
    """Shapes that make a backtracking pattern quadratic; each must simply end (no time is asserted)."""
    for body in ("<" * 100_000, "<a" * 50_000, "<" + "a" * 100_000, f"<urlset xmlns='{NS}'>" + "<url><loc>" * 20_000,
                 "<urlset><url><loc>" + "&" * 100_000, "<urlset><!--" * 20_000, "<urlset><![CDATA[" * 20_000,
                 "<urlset><url><loc>https://a.example/</loc><lastmod>" + "1" * 100_000 + "</lastmod></url></urlset>",
                 "<!DOCTYPE x [" + "<!ENTITY a 'b'>" * 20_000):
        parse_sitemap(body)


URLS = st.lists(st.tuples(
    st.from_regex(r"https://www\.[a-z]{1,8}\.com/[A-Za-z0-9_\-]{1,20}/(\?a=[0-9]{1,3}&b=[a-z<>\"']{1,4})?", fullmatch=True),
    st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()))), max_size=20)


@settings(max_examples=60, deadline=None)
@given(URLS)
def test_written_sitemaps_read_back(entries):
    """What a correct writer writes (escaped text, optional lastmod) is read back exactly."""
    body = urlset(*(f"<url><loc>{escape(loc)}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>"
                    for loc, mod in entries))
    assert [(e.loc, e.lastmod) for e in parse_sitemap(body).entries] == entries


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;:![]?=-'\" \nabcdeflmnorstuxyz0123456789")), max_size=400))
def test_junk_never_raises_and_gives_only_http_addresses(body):
    for text in (body, urlset(body), f"{HEAD}<sitemapindex xmlns='{NS}'><sitemap><loc>{body}</loc></sitemap>"):
        sitemap = parse_sitemap(text, "https://a.example/")
        assert all(e.loc.startswith(("http://", "https://")) for e in sitemap.entries)
