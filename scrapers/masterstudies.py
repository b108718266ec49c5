"""Masterstudies (Keystone): URL rules and selectors only. See shared/portals.md."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapers.crawl import Listing
from scrapers.html import add, first_text, hrefs, label_key, parse_html, require_title, texts

name = "masterstudies"

KEY_INFORMATION = {"campus location": "location", "languages": "languages", "study format": "mode",
                   "duration": "duration", "pace": "pace", "tuition fees": "tuition",
                   "application deadline": "deadline", "earliest start date": "start_dates"}


def source_key(url: str) -> str:
    return urlsplit(url).path


def parse_listing(text: str, url: str) -> Listing:
    """HTML listings (cards + rel=next) and the XML sitemap (every <loc>) both feed the crawl."""
    tree = parse_html(text)
    if text.lstrip().startswith("<?xml") or "<urlset" in text[:500]:
        return Listing([urljoin(url, n.text().strip()) for n in tree.css("loc") if n.text().strip()]).unique()
    return Listing(hrefs(tree, "a.ProgramCard__link", url), hrefs(tree, "a.Pagination__next, a[rel=next]", url)).unique()


def parse_detail(text: str, url: str) -> dict[str, list[str]]:
    tree = parse_html(text)
    fields: dict[str, list[str]] = {}
    add(fields, "title", require_title(tree, "h1.ProgramHeader__title", ".ProgramHeader"))
    add(fields, "degree", first_text(tree, ".ProgramHeader__degree"))
    add(fields, "university", first_text(tree, ".ProgramHeader__school"))
    for item in tree.css(".KeyInfo__item"):
        label = label_key(first_text(item, "dt"))
        if label in KEY_INFORMATION:
            add(fields, KEY_INFORMATION[label], first_text(item, "dd"))  # "Request info" is dropped by add()
    add(fields, "description", " ".join(texts(tree.css("#introduction p"))))
    return fields
