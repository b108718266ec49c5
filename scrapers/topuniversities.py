"""TopUniversities (Drupal): URL rules and selectors only. See shared/portals.md."""

from __future__ import annotations

from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from scrapers.crawl import Listing
from scrapers.html import add, first_text, hrefs, label_key, parse_html, require_title, texts, visible_text

name = "topuniversities"

BADGES = {"programme duration": "duration", "application deadline": "deadline", "main subject area": "subject_area",
          "start date": "start_dates", "tuition fee/year": "tuition", "tuition fee": "tuition"}
OVERVIEW = {"main subject": "subject_area", "degree": "degree", "study level": "level", "study mode": "mode"}
APPLY = {"deadline": "deadline", "duration": "duration", "starting month(s)": "start_dates",
         "starting months": "start_dates", "starting month": "start_dates"}
FEES = {"domestic": "tuition_domestic", "international": "tuition_international"}


def source_key(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def parse_listing(text: str, url: str) -> Listing:
    tree = parse_html(text)
    return Listing(hrefs(tree, "div.card .programeTitle a", url),
                   hrefs(tree, ".pager__item--next a, a[rel=next]", url)).unique()


def _label(node: LexborNode | None) -> str:
    """Labels are text or, for scores and application facts, an image whose alt names them."""
    if node is None:
        return ""
    image = node.css_first("img[alt]")
    return label_key(visible_text(node) or (image.attributes.get("alt") or "" if image is not None else ""))


def parse_detail(text: str, url: str) -> dict[str, list[str]]:
    tree = parse_html(text)
    fields: dict[str, list[str]] = {}
    add(fields, "title", require_title(tree, ".univ-logo-n-name h1", ".univ-logo-n-name"))
    add(fields, "university", first_text(tree, ".uni-name a"))
    add(fields, "location", first_text(tree, ".univ-logo-n-name .location"))

    for badge in tree.css(".badge-description"):
        label_text = first_text(badge, ".single-badge-title")
        label = label_key(label_text)
        if label in BADGES:  # the value is the badge's text before its title
            value = visible_text(badge).removesuffix(label_text).strip()
            add(fields, BADGES[label], value + (" / year" if label.endswith("/year") and value else ""))

    for item in tree.css(".prog-view-highli .highli-item"):  # the overview is printed twice: repeats collapse
        label = label_key(first_text(item, "h3"))
        if label in OVERVIEW:
            add(fields, OVERVIEW[label], first_text(item, "p"))

    for pair in tree.css("#p2-university-information .univ-subsection-full-width-value"):
        label = _label(pair.css_first(".score-label"))
        score = first_text(pair, ".score")
        # a score whose label we cannot read is kept apart, never given to a test by its position
        add(fields, f"test_score:{label.upper()}" if label else "test_score_unlabelled", score)

    for item in tree.css("dl.apply-details .apply-item"):
        label = _label(item.css_first("dt"))
        if label in APPLY:
            add(fields, APPLY[label], first_text(item, "dd"))

    for item in tree.css("#p2-tuition-fee-and-scholarships .tuition-fee-item"):
        label = label_key(first_text(item, "h4"))
        if label in FEES:
            add(fields, FEES[label], first_text(item, ".tuition-fee-value"))

    overview = tree.css_first(".prog-view-highli")
    if overview is not None:
        add(fields, "description", " ".join(texts(n for n in overview.iter() if n.tag == "p")))
    return fields
