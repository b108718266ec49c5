"""Studyportals (Mastersportal): URL rules and selectors only. See shared/portals.md."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from scrapers.crawl import Listing
from scrapers.html import add, first_text, hrefs, is_hidden, label_key, parse_html, require_title, texts, visible_text

name = "studyportals"
_STUDY_LINK = re.compile(r"/studies/(\d+)/[\w-]+\.html")

# label (casefolded) -> raw field name
QUICK_FACTS = {"duration": "duration", "apply date": "deadline", "application deadline": "deadline",
               "start date": "start_dates", "campus location": "location", "taught in": "languages"}
KEY_FACTS = {"duration": "duration", "credits": "credits", "delivered": "mode", "language": "languages",
             "disciplines": "subject_area", "pace": "pace", "study level": "level"}
AUDIENCES = {"international": "tuition_international", "eea": "tuition_eu_eea", "eu": "tuition_eu_eea",
             "national": "tuition_eu_eea"}


def source_key(url: str) -> str:
    match = _STUDY_LINK.search(urlsplit(url).path)
    if not match:
        raise ValueError(f"not a Studyportals study URL: {url}")
    return match.group(1)


def parse_listing(text: str, url: str) -> Listing:
    """Links sit in embedded JSON in current listings, in <a href> in older ones: one pattern finds both."""
    detail_urls = [urljoin(url, m.group(0)) for m in _STUDY_LINK.finditer(text)]
    next_urls = hrefs(parse_html(text), "link[rel=next], a[rel=next], a.Pagination-link--next", url)
    return Listing(detail_urls, next_urls).unique()


def _fee(node: LexborNode, unit: str) -> str:
    original = (node.attributes.get("data-original_html") or "").strip()
    if not original:  # older pages: amount and currency attributes, else what the reader sees
        amount, currency = node.attributes.get("data-original-amount"), node.attributes.get("data-currency")
        original = f"{amount} {currency}" if amount and currency else visible_text(node)
    return f"{original} {unit}".strip()


def _values(container: LexborNode) -> list[str]:
    """Visible values of a quick fact, preferring machine-readable attributes over the printed text."""
    values = []
    for node in container.css(".Value"):
        if is_hidden(node):
            continue
        time = node.css_first("time[datetime]")
        duration = node.css_first(".js-duration[data-duration]")
        if time is not None:
            values.append(time.attributes["datetime"] or "")
        elif duration is not None:
            values.append(f"{duration.attributes['data-duration']} {duration.attributes.get('data-period') or ''}s")
        else:
            values.append(visible_text(node))
    return values


def parse_detail(text: str, url: str) -> dict[str, list[str]]:
    tree = parse_html(text)
    fields: dict[str, list[str]] = {}
    add(fields, "title", require_title(tree, "h1.StudyTitle, #StudyPage h1", "#StudyPage"))
    add(fields, "degree", *texts(tree.css(".DegreeBadge .Degree")))
    add(fields, "pace", *texts(tree.css(".DegreeBadge .Pace")))
    add(fields, "university", first_text(tree, ".OrganisationLink .Name") or first_text(tree, "strong.OrganisationName"))

    for fact in tree.css(".js-quickFactComponent"):
        label_node, container = fact.css_first(".Label"), fact.css_first(".ValueContainer")
        if label_node is None or container is None:
            continue
        label = label_key(label_node.text())  # a label may be visually hidden; its text still names the field
        if label == "tuition fee":
            unit = first_text(container, ".Unit")
            for fee in container.css(".TuitionFeeContainer"):
                field_name = AUDIENCES.get(fee.attributes.get("data-target") or "", "tuition")
                add(fields, field_name, _fee(fee, unit))
        elif label in QUICK_FACTS:
            add(fields, QUICK_FACTS[label], *_values(container))

    for item in tree.css("#StudyKeyFacts article.FactItem"):
        label = label_key(first_text(item, "h3.FactItemTitle"))
        if label in KEY_FACTS:
            add(fields, KEY_FACTS[label], first_text(item, ".FactItemInformation"))

    for fee in tree.css("#TuitionFeeSection .TuitionFeeContainer, .TuitionFeeContainer[data-target]"):
        if fee.parent is not None and "ValueContainer" in (fee.parent.attributes.get("class") or ""):
            continue  # the quick-fact badge, read above
        field_name = AUDIENCES.get(fee.attributes.get("data-target") or "", "tuition")
        add(fields, field_name, _fee(fee, first_text(fee, ".Unit")))

    for card, test in ((".IELTSCard", "IELTS"), (".TOEFLCard", "TOEFL iBT"), (".GMATCard", "GMAT"), (".GRECard", "GRE")):
        add(fields, f"test_score:{test}", *texts(tree.css(f"{card} .Score")))

    living = tree.css_first("#CostOfLivingContainer")
    if living is not None:
        add(fields, "living_costs", f"{first_text(living, '.Amount')} {first_text(living, '.Currency')}")
    add(fields, "description", " ".join(texts(tree.css("#StudySummary p"))))
    return fields
