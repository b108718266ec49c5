"""Studyportals family (mastersportal, bachelorsportal, phdportal, shortcoursesportal, distancelearningportal):
detail pages of every era found in shared/evidence/markup.md, read structure-first.

Eras, told apart by what the page contains (never by a class name, so a renamed page keeps its era):
  E2 (2018-19)  no quick facts; key facts as label + value ("Delivery mode")
  E3 (2020-23)  quick facts print the VALUE BEFORE its label (div.Title + div.Label)
  E4 (2023-25)  quick facts print the label first (div.Label + value container)
  E5 (2025-)    as E4, with an icon inside each quick-fact label
Order of authority inside a page: attributes (data-original_html, time[datetime], data-duration + data-period,
data-target audiences), the <title> pattern, then visible text beside a label.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.listing import Listing, html_listing
from scrapers.html import add, clean, datetimes, durations, head_title, hrefs, parse_html, require, \
    shown, visible_text
from scrapers.labels import LabelReader, Labelled
from scrapers.records import RawFields
from scrapers.sitemaps import looks_like_sitemap, sitemap_listing

name = "studyportals"
_STUDY_LINK = re.compile(r"/studies/(\d+)/[\w%.-]+?\.html")
_STUDY_ID = re.compile(r"/studies/(\d+)(?:/|$)")
# Results one search lists at most. The search API served at most 10,000 per query (start + size <= 10,000, size
# <= 100: public scrapers, DISCOVERY.md); that the HTML search stops at the same number is a guess.
SEARCH_CAP = 10_000
_COUNT = re.compile(r"\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+|\d+")
_JSON_TOTAL = re.compile(r'"total(?:Results|Count|_results|_count)?"\s*:\s*(\d{1,9})\b')
_PAGE_SEGMENT = re.compile(r"page-\d+")

# label as printed (any case) -> raw field. Written from the evidence: quick facts, key facts of 2018-25.
LABELS = LabelReader({
    "Duration": "duration", "Apply date": "deadline", "Application deadline": "deadline",
    "Start date": "start_dates", "Campus location": "location", "Taught in": "languages",
    "Language": "languages", "Languages": "languages", "Credits": "credits", "Delivered": "mode",
    "Delivery mode": "mode", "Disciplines": "subject_area", "Study level": "level", "Pace": "pace",
    "Start dates & application deadlines": "start_dates", "Living costs": "living_costs", "Living Costs": "living_costs",
    "About": "description", "Minimum required score": "test_score_unlabelled",
})
# Fee audiences: `data-target` values and the fee headings ("International", "National", "EU/EEA").
AUDIENCES = {"international": "tuition_international", "eea": "tuition_eu_eea", "eu": "tuition_eu_eea",
             "eu/eea": "tuition_eu_eea", "eu / eea": "tuition_eu_eea", "national": "tuition_domestic",
             "local": "tuition_domestic", "domestic": "tuition_domestic", "home": "tuition_domestic",
             "in-state": "tuition_domestic", "general": "tuition"}
TESTS = ("IELTS", "TOEFL", "PTE", "Cambridge", "Duolingo", "GMAT", "GRE", "GPA")
PACE_WORDS = ("full-time", "part-time", "full time", "part time")
MODE_WORDS = ("campus", "online", "blended", "distance")
# What may follow the last comma of the <title>'s first part as a degree: an abbreviation ("M.Sc.", "MBA", "MSc",
# "LL.M.") or a degree word; anything else ("Business, Law") stays part of the title.
_DEGREE = re.compile(r"(?:[A-Z][A-Za-z]*\.)+[A-Za-z]*\.?|[A-Z]{2,}[A-Za-z]*|M[A-Z][a-z]+|[A-Z][a-z]?[A-Z][A-Za-z]*|"
                     r"(?:Pre-)?(?:Master|Bachelor|Doctor|PhD|Postgraduate|Graduate|Certificate|Diploma|Foundation)\b.*")
TAG_WORDS = frozenset({"full-time", "part-time", "on campus", "online", "blended", "distance learning"})


def source_key(url: str) -> str:
    match = _STUDY_ID.search(urlsplit(url).path)
    if not match:
        raise ValueError(f"not a Studyportals study URL: {url}")
    return match.group(1)


# ---------------------------------------------------------------- listings
def _related(tree: LexborHTMLParser) -> set[str]:
    """Links inside an aside (related programmes, "students also viewed") are other studies, not results."""
    return {href for node in tree.css("aside a[href]") if (href := node.attributes.get("href"))}


def parse_listing(text: str, url: str) -> Listing:
    """Links sit in embedded JSON (2023-25), in a.SearchStudyCard / a.Result cards (2020-22) or plain hrefs; one
    pattern over the raw text finds all. A detail page given as a listing yields nothing: its related-programme
    links are not results.

    A search that reports more results than a search can list (SEARCH_CAP) is not paged through: its narrower
    searches (sub-disciplines, discipline x country: the search links the page offers) are the next listings,
    so no listing the crawler pages through is cut at the cap (scrapers/DISCOVERY.md)."""
    if looks_like_sitemap(text):
        return sitemap_listing(text, url, lambda u: bool(_STUDY_ID.search(urlsplit(u).path)))
    tree = parse_html(text)
    related = {urljoin(url, h) for h in _related(tree)}
    if tree.css_first("[data-study-id], [data-module^='Study:']") is not None and not tree.css(
            "[data-position], ul > li > a[href*='/studies/']"):
        return Listing()
    detail = [u for m in _STUDY_LINK.finditer(html_lib.unescape(text).replace("\\/", "/"))
              if (u := urljoin(url, m.group(0))) not in related]
    detail += [u for card in tree.css("[data-id][data-position]") if (u := _card_url(card, url))]
    nexts = hrefs(tree, "link[rel=next], a[rel=next], a.Pagination-link--next", url)
    for link in tree.css("a[href*='page=']"):  # a pager link that says "Next", "›" or "»" (2025 crawler's rule)
        href = (link.attributes.get("href") or "").strip()
        if visible_text(link).casefold() in ("next", "›", "»", "next page") and not href.startswith("#"):
            nexts.append(urljoin(url, href))
    total = reported_total(tree, text)
    if total is not None and total > SEARCH_CAP and _search_segments(url) is not None:
        # no narrower search offered: paging reaches at least the first SEARCH_CAP results
        return html_listing(tree, url, detail, narrower_searches(tree, url) or nexts)
    return html_listing(tree, url, detail, nexts)


def reported_total(tree: LexborHTMLParser, text: str) -> int | None:
    """How many results the search says it has: `div.ResultsNum` "… 5,890" and `data-proxy-url` "total=5890"
    (2020-21 cards), or a "total" count in the page's embedded search state (2023-25: the results are embedded
    JSON). The largest figure wins: facet counts are parts of the whole."""
    found: list[int] = []
    for node in tree.css(".ResultsNum"):
        found += [int(re.sub(r"\D", "", m)) for m in _COUNT.findall(visible_text(node))]
    for card in tree.css("[data-proxy-url]"):
        found += [int(v) for k, v in parse_qsl(urlsplit(card.attributes.get("data-proxy-url") or "").query)
                  if k == "total" and v.isdigit()]
    found += [int(m) for m in _JSON_TOTAL.findall(text)]
    return max(found) if found else None


def narrower_searches(tree: LexborHTMLParser, url: str) -> list[str]:
    """The page's links to other searches of the same level at least as specific as this one (same number of
    path segments or more: `/search/master/computer-science-it` -> `/search/master/information-science`,
    `/search/master/computer-science-it/germany`), first pages only. The crawler fetches each search once, so a
    link back to a broader search ends there."""
    current = _search_segments(url)
    level = urlsplit(url).path.split("/")[2] if current is not None else ""
    out = []
    for link in tree.css("a[href]"):
        target = urljoin(url, (link.attributes.get("href") or "").strip())
        parts = urlsplit(target)
        segments = _search_segments(target)
        if (current is None or segments is None or parts.path.split("/")[2] != level or len(segments) < len(current)
                or segments == current or not segments):
            continue
        query = dict(parse_qsl(parts.query))
        if set(query) - {"page"} or query.get("page", "1") != "1":
            continue  # a filtered or later page: not a partition
        out.append(target)
    return out


def _search_segments(url: str) -> tuple[str, ...] | None:
    """`/search/master/a/b` -> ("a", "b"); None when the URL is not a search. Old path pagination (`page-2`)
    is not a segment of the partition."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) < 2 or parts[0] != "search":
        return None
    return tuple(p for p in parts[2:] if not _PAGE_SEGMENT.fullmatch(p))


def _card_url(card: LexborNode, base: str) -> str:
    """2020-21 result cards are not links: the study id is `data-id`, the address is the `redirectURL` inside
    `data-proxy-url` (percent-encoded, once with an empty port: "www.mastersportal.com:/studies/298860/")."""
    proxy = card.attributes.get("data-proxy-url") or ""
    for key, value in parse_qsl(urlsplit(proxy).query):
        if key == "redirectURL" and _STUDY_ID.search(urlsplit(value).path):
            parts = urlsplit(value)
            return urlunsplit((parts.scheme, parts.netloc.rstrip(":"), parts.path, "", ""))
    study = (card.attributes.get("data-id") or "").strip()
    return urljoin(base, f"/studies/{study}/") if study.isdigit() else ""


# ---------------------------------------------------------------- fees
def _original_fee(container: LexborNode) -> str:
    """The programme's own amount and currency: `data-original_html` wherever it sits in the container, else the
    visible amount only when its currency is the institution's (so not converted). Never the converted amount."""
    holder = container if "data-original_html" in container.attributes else container.css_first("[data-original_html]")
    original = clean(html_lib.unescape((holder.attributes.get("data-original_html") or "") if holder else ""))
    unit = _unit(container)
    if original:
        return f"{original} {unit}".strip()
    currency = container.css_first("[data-institution-currency]")
    shown_currency = clean(visible_text(currency)) if currency is not None else ""
    if currency is not None and shown_currency == (currency.attributes.get("data-institution-currency") or "").strip():
        return visible_text(container)  # printed in the institution's own currency
    return ""


def _unit(container: LexborNode) -> str:
    """The period as printed after the currency ("/year", "/ full programme")."""
    text = clean(container.text(deep=True, separator=" "))  # a hidden audience's unit is still its unit
    match = re.search(r"/\s*[^\d/]+$", text)
    return match.group(0).strip() if match else ""


def _inside(node: LexborNode, attributes: tuple[str, ...]) -> bool:
    current = node.parent
    while current is not None and current.tag not in ("body", "html"):
        if any(a in current.attributes for a in attributes):
            return True
        current = current.parent
    return False


def _fees(tree: LexborHTMLParser, fields: RawFields) -> None:
    # Quick facts: containers per audience; the audience switch hides all but one, so hidden audiences are read
    # too (they are values, not placeholders). A container without data-target is the "Unknown" placeholder.
    for container in tree.css("[data-target]"):
        if container.css_first("[data-original_html], [data-currency]") is None and "data-original_html" not in container.attributes:
            continue
        audience = AUDIENCES.get((container.attributes.get("data-target") or "").strip().casefold(), "tuition")
        add(fields, audience, _original_fee(container))
    # 2018-19 key facts: an amount with data-original_html outside any audience container; the unit follows it.
    for node in tree.css("[data-original_html]"):
        if _inside(node, ("data-target", "data-original-unit")) or node.parent is None:
            continue
        original = clean(html_lib.unescape(node.attributes.get("data-original_html") or ""))
        add(fields, "tuition", f"{original} {_unit(node.parent)}".strip())
    # Tuition section: one item per audience with a heading and "Based on the original amount of 1750 EUR per
    # year" (data-original-unit); that sentence's amount is the programme's own.
    for based in tree.css("[data-original-unit]"):
        item = based.parent
        heading = item.css_first("h3, h4, h5") if item is not None else None
        audience = AUDIENCES.get(clean(visible_text(heading)).casefold(), "tuition") if heading is not None else "tuition"
        amount = based.css_first("span")
        unit = (based.attributes.get("data-original-unit") or "").strip()
        original = clean(amount.text(deep=False)) if amount is not None else ""
        if original and re.search(r"\d", original) and re.search(r"[A-Z]{3}", original):
            add(fields, audience, f"{original} / {unit}" if unit else original)


# ---------------------------------------------------------------- the page
def _layout(found: list[Labelled]) -> str:
    quick = [f for f in found if f.label.casefold() in ("apply date", "start date", "duration", "campus location")]
    if any(f.before for f in quick):
        return "E3"
    if any(f.node.css_first("i") is not None for f in quick):
        return "E5"
    if any(f.label.casefold() in ("campus location", "taught in", "apply date") for f in quick):
        return "E4"
    if any(f.node.tag in ("h3", "h4") for f in found):  # 2020-22 key facts head each fact ("Duration") with a
        return "E3"  # heading; 2018-19's are spans inside the list item (markup.md)
    return "E2"


def _from_title(tree: LexborHTMLParser, fields: RawFields) -> None:
    """` Title, M.Sc. | Part time online | University | City, Country `: title, degree, university, place."""
    parts = [clean(p) for p in head_title(tree).split("|")]
    if len(parts) < 3:
        return
    title, _, degree = parts[0].rpartition(", ")
    if title and _DEGREE.fullmatch(degree):
        add(fields, "title", title)
        add(fields, "degree", degree)
    else:
        add(fields, "title", parts[0])
    add(fields, "university", parts[-2])
    add(fields, "location", parts[-1])
    if len(parts) == 4 and (pace := re.search(r"\b(?:part|full)[ -]?time\b", parts[1], re.IGNORECASE)):
        add(fields, "pace", pace.group())  # the tag a title carries when not full-time on campus: "Part time online"


def _tag_row(tree: LexborHTMLParser, degree: str) -> list[LexborNode]:
    """The hero's tags found without class names: a row of short sibling spans one of which is the degree the
    `<title>` names or a pace/mode tag ("M.Sc." beside "Full-time" and "On Campus")."""
    for node in tree.css("span"):
        text = visible_text(node)
        if node.parent is None or not text or (text != degree and text.casefold() not in TAG_WORDS):
            continue
        row = [c for c in node.parent.iter() if c.tag != "-comment" and shown(c)]
        if len(row) >= 2 and all(0 < len(visible_text(c)) <= 30 for c in row):
            return row
    return []


def _tags(tree: LexborHTMLParser, fields: RawFields) -> None:
    tags = tree.css(".DegreeTags .Tag") or _tag_row(tree, (fields.get("degree") or [""])[0])
    for tag in tags:
        text = visible_text(tag)
        lowered = text.casefold()
        if any(w in lowered for w in PACE_WORDS):
            add(fields, "pace", text)
        elif any(w in lowered for w in MODE_WORDS):
            add(fields, "mode", text)
        elif text:
            add(fields, "degree", text)


def _value(fact: Labelled) -> list[str]:
    nodes = fact.siblings or ([fact.value] if fact.value is not None else [])
    if fact.field == "duration":
        return [d for node in nodes for d in durations(node)] or ([fact.text] if fact.text else [])
    if fact.field in ("deadline", "start_dates"):
        return [d for node in nodes for d in datetimes(node)] or ([fact.text] if fact.text else [])
    if fact.field == "subject_area":
        links = [n for node in nodes for n in ([node] if node.tag == "a" else node.css("a"))]
        return [visible_text(a) for a in links if "/disciplines/" in (a.attributes.get("href") or "")] or [fact.text]
    if fact.value is not None and fact.field in ("location", "languages"):
        items = _items(fact.value)
        if len(items) > 1:  # several campuses or languages, one element each
            return items
    return [fact.text]


def _items(node: LexborNode) -> list[str]:
    """The texts of a value's list items, or of its element children when each holds one short value."""
    items = [n for n in node.css("li") if shown(n)]
    if not items:
        items = [c for c in node.iter() if c.tag not in ("-text", "-comment", "i", "img") and shown(c)]
        if any(g.tag in ("div", "li", "p") for c in items for g in c.iter()):  # children of children: not a list
            return []
    return [t for t in (visible_text(n) for n in items) if t]


def _start_and_deadlines(fact: Labelled, fields: RawFields) -> None:
    """Key facts: "Starting <time>" and "Apply before <time>" in one list; "Apply anytime." kept as printed."""
    for node in fact.siblings:
        for line in node.css("div"):
            text = visible_text(line)
            leaf = line.css_first("time") is None and not any(c.tag == "div" for c in line.iter())  # css() includes the node itself
            in_item = line.parent is not None and line.parent.tag == "li"  # an intake's line, not "More details"
            if leaf and in_item and text.casefold().startswith("apply") and shown(line):
                add(fields, "deadline", text)
            elif leaf and not in_item and shown(line) and text.casefold().startswith(("you can apply", "apply anytime")):
                add(fields, "deadline", text)  # 2020-22: "You can apply for and start this programme anytime."
        for time in node.css("time[datetime]"):
            if not shown(time):
                continue
            holder = time.parent
            words = visible_text(holder).casefold() if holder is not None else ""
            value = (time.attributes.get("datetime") or "").strip()
            add(fields, "deadline" if words.startswith("apply") or "deadline" in words else "start_dates", value)


def _duration_list(lst: LexborNode, fields: RawFields) -> None:
    """Key facts: one item per pace ("Full-time") with its durations: "18 months Full-time" keeps the pair."""
    for item in lst.iter():
        if item.tag != "li":
            continue
        head_node = next((c for c in item.iter() if c.tag not in ("ul", "-text")), None)
        head = visible_text(head_node) if head_node is not None else ""
        found = durations(item)
        add(fields, "duration", *(f"{d} {head}".strip() for d in found))
        if head and found:
            add(fields, "pace", head)


def _score_name(fact: Labelled) -> str:
    """The test a "Minimum required score" belongs to: the first short text in its card naming a test."""
    card = fact.node.parent
    for _ in range(3):
        if card is None:
            break
        for text in (clean(t.text_content) for t in card.traverse(include_text=True) if t.tag == "-text"):
            if 0 < len(text) <= 30 and any(text.casefold().startswith(test.casefold()) for test in TESTS):
                return text
        card = card.parent
    return ""


def read(text: str, url: str = "") -> RawFields:
    """Every field the page (or a fragment of one) shows; no judgement on whether it is a programme page."""
    tree = parse_html(text)
    found = LABELS.read(tree)
    fields = RawFields(f"{name}/{_layout(found)}")
    _from_title(tree, fields)
    h1 = tree.css_first("h1")
    if h1 is not None and shown(h1):
        add(fields, "title", visible_text(h1))
    for selector in (".OrganisationName h2", ".OrganisationName a", "#OrganisationInformation a.Name"):
        add(fields, "university", *(visible_text(n) for n in tree.css(selector) if shown(n)))
    _tags(tree, fields)
    for fact in found:
        if fact.field == "test_score_unlabelled":
            test = _score_name(fact)
            if fact.text:
                add(fields, f"test_score:{test}" if test else "test_score_unlabelled", fact.text)
        elif fact.label.casefold().startswith("start dates &"):
            _start_and_deadlines(fact, fields)
        elif fact.field == "description":
            if fact.value is not None and fact.value.tag == "p":
                add(fields, "description", " ".join(visible_text(p) for p in fact.siblings if p.tag == "p"))
        elif fact.field == "duration" and fact.siblings and fact.siblings[0].tag == "ul":
            _duration_list(fact.siblings[0], fields)
        else:
            add(fields, fact.field, *_value(fact))
    _fees(tree, fields)
    return fields



def parse_detail(text: str, url: str) -> RawFields:
    """A programme page's fields, or NotAProgrammePage when it lacks a title or university."""
    return require(read(text, url), "a Studyportals study page")
