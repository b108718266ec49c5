"""TopUniversities (Drupal) programme pages, eras T2 (2023-24) and T3 (2025-26), read structure-first.

T2 and T3 differ in the fee block: T2 prints `<h4>International Students</h4>` + `<label>Tuition Fee/year</label>
<div>amount</div>`, T3 `<h5>International</h5>` + "Starts from" + amount. Everything else is shared: JSON-LD
(name, description, provider.name), the `<title>` "… By University |TopUniversities", badges whose value comes
before their label, overview `h3` + `p`, exam scores and dates as `label` + `div`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.listing import Listing, html_listing
from scrapers.html import add, clean, head_title, hrefs, json_ld, parse_html, require, shown, visible_text
from scrapers.labels import LabelReader, Labelled
from scrapers.records import RawFields
from scrapers.sitemaps import looks_like_sitemap, sitemap_listing

name = "topuniversities"

LABELS = LabelReader({
    # badges (value printed before the label) and their headings
    "Programme duration": "duration", "Application Deadline": "deadline", "Main Subject Area": "subject_area",
    "Start date": "start_dates", "Tuition Fee/year": "tuition",
    # overview
    "Main Subject": "subject_area", "Degree": "degree", "Study Level": "level", "Study Mode": "mode",
    # important dates
    "Deadline": "deadline", "Starting Month(s)": "start_dates", "Starting Month": "start_dates", "Duration": "duration",
    # fee audiences (T3 headings, T2 sub-headings)
    "International": "tuition_international", "International Students": "tuition_international",
    "Domestic": "tuition_domestic", "Domestic Students": "tuition_domestic",
})
AUDIENCE_HEADINGS = {"international": "tuition_international", "international students": "tuition_international",
                     "domestic": "tuition_domestic", "domestic students": "tuition_domestic",
                     "home": "tuition_domestic", "home students": "tuition_domestic"}
_TITLE = re.compile(r"^(?P<title>.+?)\s+(?:\d+\s+\w+\s+)?(?:Postgraduate|Undergraduate|MBA|PhD|Doctoral|Bachelor'?s?|"
                    r"Master'?s?)?\s*Programme\s+By\s+(?P<university>.+?)\s*\|\s*TopUniversities\s*$")
_SCORE = re.compile(r"^\s*\d*(?:[.,]\d+)?\s*\+?\s*$")
_PAGE = re.compile(r"\[?(\d+)\]?")
_PROGRAMME_PATH = re.compile(r"/universities/[^/]+/(?:postgrad|undergrad|mba|phd)/[^/]+/?$")


def source_key(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def _page_number(url: str) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "page" and (match := _PAGE.fullmatch(value.strip())):
            return int(match.group(1))
    return None


def parse_listing(text: str, url: str) -> Listing:
    """Cards `div.programWrap … div.programeTitle h2 a` (2023) / `.card-wrap .programeTitle a` (2024); the next page
    is the pager link one above the current page (`page=[N]` bracketed in 2023, `page=N` in 2024). The whole
    catalogue is the unfiltered `/programs/` listing (scrapers/DISCOVERY.md); a sitemap (Drupal's paged
    `/sitemap.xml?page=N`) is read too, its programme pages told by their address."""
    if looks_like_sitemap(text):
        return sitemap_listing(text, url, lambda u: bool(_PROGRAMME_PATH.match(urlsplit(u).path)))
    tree = parse_html(text)
    if _TITLE.match(head_title(tree)[:500]):  # a programme page: its "More programmes" links are not results
        return Listing()
    # cards by class, else (renamed) every link whose address has a programme page's shape
    detail = [u for u in hrefs(tree, ".programeTitle a", url) if "/universities/" in u] or [
        u for u in hrefs(tree, "a[href*='/universities/']", url) if _PROGRAMME_PATH.match(urlsplit(u).path)]
    current = _page_number(url) or 0
    nexts = hrefs(tree, "a[rel=next], .pager__item--next a", url)
    for link in tree.css("a[href*='page=']"):
        target = urljoin(url, (link.attributes.get("href") or "").strip())
        if _page_number(target) == current + 1:
            nexts.append(target)
    return html_listing(tree, url, detail, nexts)


# ---------------------------------------------------------------- the page
def _audience(node: LexborNode) -> str:
    """The fee's audience: the nearest heading before it in its enclosing blocks ("International Students")."""
    current: LexborNode | None = node
    for _ in range(5):
        if current is None:
            break
        sibling = current.prev
        while sibling is not None:
            if sibling.tag in ("h4", "h5") and (audience := AUDIENCE_HEADINGS.get(visible_text(sibling).casefold())):
                return audience
            sibling = sibling.prev
        current = current.parent
    return "tuition"


def _scores(tree: LexborHTMLParser, fields: RawFields) -> None:
    """Exam scores: `<label>IELTS</label><div>7+</div>`; the label may be an image whose alt names the test. A score
    whose label cannot be read is kept apart, never given to a test by its position."""
    for label in tree.css("label"):
        value = label.next
        while value is not None and value.tag == "-text" and not clean(value.text_content):
            value = value.next
        if value is None or value.tag != "div" or not shown(label):
            continue
        score = visible_text(value)
        if not score or not _SCORE.match(score) or "+" not in score:
            continue
        image = label.css_first("img[alt]")
        test = visible_text(label) or (clean(image.attributes.get("alt")) if image is not None else "")
        add(fields, f"test_score:{test}" if test else "test_score_unlabelled", score)


def _label_value(fact: Labelled) -> str:
    """A badge heading's neighbour repeats the label after the value ("24 monthsProgramme duration")."""
    text = fact.text
    if text.casefold().endswith(fact.label.casefold()) and len(text) > len(fact.label):
        text = text[: -len(fact.label)].strip()
    return text


def _overview_text(found: list[Labelled]) -> list[LexborNode]:
    """Without class names: the block after the overview's highlights (h3 + p pairs under one parent)."""
    for fact in found:
        if fact.field in ("degree", "level") and fact.node.tag == "h3" and fact.value is not None and fact.value.tag == "p":
            pair = fact.node.parent
            highlights = pair.parent if pair is not None else None
            block = highlights.next if highlights is not None else None
            while block is not None and block.tag == "-text":
                block = block.next
            return [block] if block is not None and block.tag != "-comment" else []
    return []


def _layout(tree: LexborHTMLParser, found: list[Labelled]) -> str:
    if any(f.field in ("tuition_international", "tuition_domestic") and f.node.tag == "h5" for f in found):
        return "T3"
    if any(f.label.casefold() == "tuition fee/year" and f.node.tag == "label" for f in found):
        return "T2"
    return "T3" if tree.css_first("script[type='application/ld+json']") is not None else "T2"


def read(text: str, url: str = "") -> RawFields:
    """Every field the page (or a fragment of one) shows; no judgement on whether it is a programme page."""
    tree = parse_html(text)
    found = LABELS.read(tree)
    fields = RawFields(f"{name}/{_layout(tree, found)}")
    for item in json_ld(tree):
        if isinstance(item.get("provider"), dict) or item.get("@type") in ("Course", "EducationalOccupationalProgram"):
            add(fields, "title", str(item.get("name") or ""))
            provider = item.get("provider")
            if isinstance(provider, dict):
                add(fields, "university", str(provider.get("name") or ""))
    h1 = tree.css_first("h1")
    if h1 is not None and shown(h1):
        add(fields, "title", visible_text(h1))
        place = h1.next
        while place is not None and place.tag == "-text":
            place = place.next
        if place is not None and place.tag == "h2":  # the hero's campus heading follows the title
            add(fields, "location", visible_text(place))
    if match := _TITLE.match(head_title(tree)[:500]):  # a title is short; the bound keeps the match linear
        add(fields, "title", match.group("title"))
        add(fields, "university", match.group("university"))
    for fact in found:
        value = _label_value(fact)
        if fact.field in ("tuition_international", "tuition_domestic"):
            joined = clean(" ".join(visible_text(n) for n in fact.siblings))
            if fact.node.tag == "h5" and joined and "tuition fee" not in joined.casefold():
                add(fields, fact.field, joined)  # T3: "Starts from" + "12,900 EUR"
        elif fact.field == "tuition":
            # the period is in the label ("Tuition Fee/year") unless the value states its own ("(Total)")
            own_period = re.search(r"total|/|\bper\b|year|month|semester", value, re.IGNORECASE)
            period = " / year" if fact.label.casefold().endswith("/year") and value != "-" and not own_period else ""
            add(fields, _audience(fact.node) if fact.node.tag == "label" else "tuition", value + period)
        elif fact.field == "start_dates" and fact.node.tag == "label":
            add(fields, "start_dates", value)
        else:
            add(fields, fact.field, value)
    _scores(tree, fields)
    for item in json_ld(tree):
        if isinstance(item.get("provider"), dict):
            add(fields, "description", str(item.get("description") or ""))
    for node in tree.css(".abt-overview-read") or _overview_text(found):
        if shown(node):
            add(fields, "description", visible_text(node))
    return fields


def parse_detail(text: str, url: str) -> RawFields:
    """A programme page's fields, or NotAProgrammePage when it lacks a title or university."""
    return require(read(text, url), "a TopUniversities programme page")
