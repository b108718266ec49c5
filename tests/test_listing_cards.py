"""Card fingerprints on HTML listings: a programme's card changing (fee, deadline, title) changes its marker, and
only its own; no class names are needed to find a card."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from scrapers.listing import card_fingerprints

BASE = "https://portal.test/search/"


def listing(cards: list[tuple[str, str]]) -> str:
    items = "".join(f"<li><div><h3><a href='/p/{slug}/'>{slug}</a></h3><p>{facts}</p></div></li>" for slug, facts in cards)
    return f"<html><body><header><a href='/about'>About</a></header><ul>{items}</ul><footer>2027</footer></body></html>"


def prints(html: str, slugs: list[str]) -> dict[str, str]:
    return card_fingerprints(LexborHTMLParser(html), BASE, [f"https://portal.test/p/{s}/" for s in slugs])


def test_a_changed_card_changes_its_own_fingerprint_only():
    before = prints(listing([("a", "EUR 1,000 per year"), ("b", "2 years"), ("c", "Deadline 1 May")]), ["a", "b", "c"])
    after = prints(listing([("a", "EUR 1,200 per year"), ("b", "2 years"), ("c", "Deadline 1 May")]), ["a", "b", "c"])
    assert set(before) == {f"https://portal.test/p/{s}/" for s in "abc"}
    assert [u for u in before if before[u] != after[u]] == ["https://portal.test/p/a/"]


def test_the_page_around_the_cards_is_not_part_of_them():
    one = prints(listing([("a", "x"), ("b", "y")]), ["a", "b"])
    other = prints(listing([("a", "x"), ("b", "y")]).replace("2027", "2028").replace("About", "Help"), ["a", "b"])
    assert one == other


def test_a_lone_programme_link_is_fingerprinted_within_a_bounded_card():
    html = "<html><body>" + "<div>" * 20 + "<a href='/p/a/'>a</a><span>EUR 5</span>" + "</div>" * 20 + "</body></html>"
    first = prints(html, ["a"])
    assert prints(html.replace("EUR 5", "EUR 6"), ["a"]) != first


def test_links_that_are_not_on_the_page_get_no_fingerprint():
    assert prints(listing([("a", "x")]), ["a", "zzz"]).keys() == {"https://portal.test/p/a/"}
