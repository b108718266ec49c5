"""Keystone Education Group family (masterstudies, bachelorstudies, phdstudies, mbastudies, onlinestudies...):
programme pages of two eras, told apart by what the page contains.

  K2 (2021-22)  all facts in the Vue props of one `<locations>` element (JSON in attributes): read those only.
  K3 (2023-)    a rendered "Key Information" block; no markup is in the evidence, only labels and their order
                (shared/seeds/masterstudies_pioneer.txt), so it is read by label text, whatever tags carry it.
Listings: cards (`div.program-listitem … h4 a`), `<link rel="next">`, `div.pagination a > button "Next"`, and
sitemaps (a sitemap index lists further sitemaps, a urlset lists programme pages).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.listing import Listing, html_listing
from scrapers.html import add, clean, head_title, hrefs, parse_html, require, shown, visible_text
from scrapers.labels import LabelReader
from scrapers.records import RawFields
from scrapers.sitemaps import looks_like_sitemap, sitemap_listing

name = "masterstudies"

LABELS = LabelReader({
    "Campus location": "location", "Location": "location", "Languages": "languages", "Language": "languages",
    "Study format": "mode", "Duration": "duration", "Pace": "pace", "Tuition fees": "tuition", "Tuition fee": "tuition",
    "Price": "tuition", "Application deadline": "deadline", "Earliest start date": "start_dates",
    "Start date": "start_dates", "Introduction": "description",
})
_TAGS = re.compile(r"<[^>]+>")


def source_key(url: str) -> str:
    return urlsplit(url).path


# ---------------------------------------------------------------- listings
# First path segments of pages that are not programmes. Seen in the 2022 saved listing (shared/evidence/
# masterstudies): degree-category roots "Bachelor", "Bachelors", "Masters-Degree" (firattamur's 2022 URLs),
# "universities", "scholarships", "resources", "Schools_and_Universities". The rest is a guess from the sibling
# sites' names (PhD, MBA, LLM, online, ...) and usual site sections (articles, news, login, search).
SECTIONS = frozenset(s.casefold() for s in (
    "Bachelor", "Bachelors", "Masters-Degree", "Masters", "universities", "scholarships", "resources",
    "Schools_and_Universities", "PhD", "PhD-Degree", "MBA", "LLM", "Online-Degrees", "Courses", "articles", "article",
    "news", "login", "account", "search", "amp"))


def is_programme_url(url: str) -> bool:
    """A Keystone programme page is `/{Programme-Slug}/{Country}/{School-Slug}/` (three segments, no query).
    Three-segment pages that are not programmes start with a section of the site (`/Bachelor/Computer-Science/
    Africa/`, `/universities/...`) or end in an AMP copy (`.../amp/`): the 2022 saved listing's links."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return (len(segments) == 3 and not parts.query and segments[0].casefold() not in SECTIONS
            and segments[-1].casefold() != "amp" and not segments[-1].casefold().endswith((".xml", ".html", ".gz")))


def parse_listing(text: str, url: str) -> Listing:
    if looks_like_sitemap(text):  # sitemap index -> child sitemaps; urlset -> programme pages with lastmod
        return sitemap_listing(text, url, is_programme_url)
    tree = parse_html(text)
    # cards: `div.program-listitem > div.program_title > h4 > a` (2022), `div.title h4 a` (2020-21); without
    # class names a card is a link inside a heading, or a heading inside a link
    if tree.css_first("locations") is not None or any(visible_text(h) == "Key Information" for h in tree.css("h2")):
        return Listing()  # a programme page: links to other programmes on it are not results
    detail = hrefs(tree, ".program-listitem h4 a, .program_title a, .title h4 a", url) or [
        urljoin(url, href) for node in tree.css("h2 a[href], h3 a[href], h4 a[href], a[href]:has(h2, h3, h4)")
        if (href := (node.attributes.get("href") or "").strip()) and not href.startswith("#")]
    nexts = hrefs(tree, "link[rel=next], a[rel=next]", url)
    for link in tree.css(".pagination a[href]"):  # the "Next" button inside the link; "Previous" is not followed
        href = (link.attributes.get("href") or "").strip()
        if "next" in visible_text(link).casefold() and not href.startswith("#"):  # "#main": the Vue template's
            nexts.append(urljoin(url, href))
    return html_listing(tree, url, [_single_slash(u) for u in detail], nexts)


def _single_slash(url: str) -> str:
    """One saved card links `https://www.bachelorstudies.com//Bachelor/...`: the same page as with one slash."""
    parts = urlsplit(url)
    return url.replace(parts.path, re.sub(r"/{2,}", "/", parts.path), 1) if "//" in parts.path else url


# ---------------------------------------------------------------- K2 props
def _prop(node: LexborNode, key: str) -> Any:
    raw = node.attributes.get(f":{key}")
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return None


def _k2(node: LexborNode, fields: RawFields) -> None:
    program = _prop(node, "program") or {}
    language = _prop(node, "default-language") or _prop(node, "language") or {}
    add(fields, "title", str(program.get("name") or language.get("title") or ""))
    add(fields, "university", str(_prop(node, "school") or ""))
    add(fields, "duration", str(_prop(node, "duration") or ""))
    for mode in _prop(node, "mode") or []:
        add(fields, "mode", str(mode.get("key") if isinstance(mode, dict) else mode))
    add(fields, "pace", *(str(p) for p in _prop(node, "pace") or []))
    add(fields, "languages", ", ".join(str(x) for x in _prop(node, "teaching-languages") or []))
    price = _prop(node, "price") or {}
    original = price.get("price_orig") if isinstance(price, dict) else None
    if isinstance(original, dict) and original.get("amount") is not None and original.get("currency"):
        comment = clean(str(language.get("price_comment") or ""))  # "per year."
        add(fields, "tuition", f"{original['amount']} {original['currency']} {comment}".strip())
    for place in _prop(node, "program-locations") or []:
        if not isinstance(place, dict):
            continue
        city = clean(place.get("city") or "") or clean(place.get("region") or "")
        add(fields, "location", ", ".join(x for x in (city, clean(place.get("country") or "")) if x))
        for instance in place.get("instances") or []:
            add(fields, "start_dates", str(instance.get("start_date") or ""))
            add(fields, "deadline", str(instance.get("deadline") or ""))
    add(fields, "start_dates", str(_prop(node, "startdate") or ""))
    add(fields, "deadline", str(_prop(node, "deadline") or ""))
    description = language.get("description_html") or language.get("description") or ""
    add(fields, "description", clean(_TAGS.sub(" ", html_lib.unescape(str(description)))))


# ---------------------------------------------------------------- K3 Key Information
def _k3(tree: LexborHTMLParser, fields: RawFields) -> None:
    h1 = tree.css_first("h1")
    if h1 is not None and shown(h1):
        add(fields, "title", visible_text(h1))
        for link in tree.css("a[href*='/universities/'], a[href*='/Universities/']"):
            if shown(link) and visible_text(link):
                add(fields, "university", visible_text(link))
                break
        else:  # the seed's order: prefix, title, school; the school is what follows the title
            after = h1.next
            while after is not None and (after.tag in ("-text", "-comment") and not clean(after.text_content)):
                after = after.next
            school = visible_text(after) if after is not None else ""
            if 0 < len(school) <= 120 and not LABELS.is_label(school):
                add(fields, "university", school)
    for fact in LABELS.read(tree):
        if fact.field == "description":
            add(fields, "description", " ".join(visible_text(n) for n in fact.siblings if n.tag in ("p", "ul", "ol")))
        elif fact.field == "location" and fact.value is not None and len(fact.value.css("li")) > 1:
            add(fields, "location", *(visible_text(li) for li in fact.value.css("li")))
        else:
            add(fields, fact.field, fact.text)
    if "title" not in fields or "university" not in fields:  # "<prefix> <title> - <school> | Masterstudies"
        title, _, school = head_title(tree).rpartition(" | ")[0].rpartition(" - ")
        if "title" not in fields:
            add(fields, "title", title)
        add(fields, "university", school)


def read(text: str, url: str = "") -> RawFields:
    """Every field the page (or a fragment of one) shows; no judgement on whether it is a programme page."""
    tree = parse_html(text)
    props = tree.css_first("locations")
    if props is not None and props.attributes.get(":program") is not None:
        fields = RawFields(f"{name}/K2")
        _k2(props, fields)
    else:
        fields = RawFields(f"{name}/K3")
        _k3(tree, fields)
    return fields


def parse_detail(text: str, url: str) -> RawFields:
    """A programme page's fields, or NotAProgrammePage when it lacks a title or university."""
    return require(read(text, url), "a Keystone programme page")
