"""Small selectolax (lexbor) helpers shared by the portal modules: visible text, hidden nodes, structured values,
and the raw-field builder."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.records import NotAProgrammePage, RawFields

_SPACE = re.compile(r"[\s\u00a0]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00]")
# State classes a browser's stylesheet hides. They say "not shown", not "what it is", so they survive a redesign.
HIDDEN_CLASSES = frozenset({"Hidden", "hidden", "visually-hidden", "d-none", "is-hidden"})
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "svg", "head"})


def parse_html(text: str) -> LexborHTMLParser:
    """The page's tree, its nesting capped (`cap_depth`): lexbor takes time quadratic in the depth of nested
    blocks ("<div>" * 40,000: 5 s; * 100,000: 21 s, in C where no CPU timer can stop it)."""
    return LexborHTMLParser(cap_depth(text))


# ---------------------------------------------------------------- nesting depth
MAX_DEPTH = 512  # Blink's HTML parser caps the tree at 512 levels (kMaximumHTMLParserDOMTreeDepth) in the same way
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
                   "param", "keygen", "basefont", "bgsound", "frame"})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
                       "plaintext"})
_FOREIGN = frozenset({"svg", "math"})  # inside them "<x/>" closes itself
# an open element that a sibling of its kind closes without an end tag ("<li>a<li>b", "<p>a<p>b")
_CLOSED_BY = {"p": frozenset({"p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                              "article", "aside", "header", "footer", "nav", "main", "form", "blockquote", "pre",
                              "figure", "address", "fieldset", "details", "hr", "li", "dd", "dt"}),
              "li": frozenset({"li"}), "dd": frozenset({"dd", "dt"}), "dt": frozenset({"dd", "dt"}),
              "option": frozenset({"option", "optgroup"}), "tr": frozenset({"tr"}), "td": frozenset({"td", "th", "tr"}),
              "th": frozenset({"td", "th", "tr"})}
_MARKUP = re.compile(r"<!--|<(/?)([A-Za-z][^\s/>]*)")
_RAW_END: dict[str, re.Pattern[str]] = {}


def cap_depth(text: str, max_depth: int = MAX_DEPTH) -> str:
    """The page with every element that would open deeper than `max_depth` left out (its start and end tags become
    a space; its content stays, one level up), as Blink does beyond 512 levels. Real pages nest a few dozen levels
    (fixtures and evidence: at most 40), so they come back unchanged: the depth is estimated by one linear scan
    of the tags (void elements, raw text, comments, self-closed foreign elements and the usual implied end tags
    taken into account): an estimate, within a few levels of lexbor's own depth on every fixture and evidence page.
    It is a guard against cost, not a parser: a page crafted to fool it is still stopped by the CPU limit of
    scrapers.parsing.
    Hand-written rather than html5lib/html5-parser's tree builders: they are 20-100x slower than lexbor, and the
    cost would be paid on every page to protect against pages that never come."""
    if text.count("<") <= max_depth:
        return text
    stack: list[str] = []
    open_count: dict[str, int] = {}
    dropped: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []  # spans of tags left out
    foreign = 0
    position = 0
    while (match := _MARKUP.search(text, position)) is not None:
        start = match.start()
        if match.group(0) == "<!--":
            end = text.find("-->", start + 4)
            if end < 0:
                break
            position = end + 3
            continue
        end = text.find(">", match.end())
        if end < 0:
            break
        position = end + 1
        name = match.group(2).lower()
        if match.group(1):  # an end tag
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append((start, position))
            elif open_count.get(name):
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    foreign -= top in _FOREIGN
                    if top == name:
                        break
            continue
        if name in _VOID or (foreign and text[end - 1] == "/"):
            continue
        while stack and name in _CLOSED_BY.get(stack[-1], ()):  # "<tr>" ends the open td, then the open tr
            top = stack.pop()
            open_count[top] -= 1
        if name in _RAW_TEXT:  # its content is text, not tags, up to its end tag
            pattern = _RAW_END.setdefault(name, re.compile(f"</{name}", re.IGNORECASE))
            closing = pattern.search(text, position)
            position = closing.start() if closing else len(text)
            continue
        if len(stack) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append((start, position))
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        foreign += name in _FOREIGN
    if not cuts:
        return text
    parts, last = [], 0
    for cut_start, cut_end in cuts:
        parts += [text[last:cut_start], " "]
        last = cut_end
    parts.append(text[last:])
    return "".join(parts)


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text or "")).strip()


def is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    classes = set((attrs.get("class") or "").split())
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return (bool(classes & HIDDEN_CLASSES) or "hidden" in attrs or attrs.get("aria-hidden") == "true"
            or "display:none" in style)


def shown(node: LexborNode | None) -> bool:
    """The node and none of its ancestors hidden."""
    while node is not None and node.tag not in ("html", "-undef"):
        if is_hidden(node):
            return False
        node = node.parent
    return True


def _collect_text(node: LexborNode, out: list[str]) -> None:
    """Iterative (a page may nest thousands of elements): text of visible descendants in document order."""
    stack: list[LexborNode | str] = list(reversed(list(node.iter(include_text=True))))
    while stack:
        child = stack.pop()
        if isinstance(child, str):
            out.append(child)
        elif child.tag == "-text":
            out.append(child.text_content or "")
        elif child.tag not in SKIPPED_TAGS and child.tag != "-comment" and not is_hidden(child):
            stack.append(" ")
            stack.extend(reversed(list(child.iter(include_text=True))))
            out.append(" ")


def visible_text(node: LexborNode | None) -> str:
    """Text of a node without its hidden descendants, scripts and styles (one walk of the subtree)."""
    if node is None:
        return ""
    if node.tag == "-text":
        return clean(node.text_content)
    if is_hidden(node):
        return ""
    out: list[str] = []
    _collect_text(node, out)
    return clean("".join(out))


def hrefs(root: LexborHTMLParser | LexborNode, selector: str, base_url: str) -> list[str]:
    """Absolute URLs of the links a selector finds (links without href skipped)."""
    return [urljoin(base_url, href.strip()) for node in root.css(selector)
            if (href := (node.attributes.get("href") or "").strip()) and not href.startswith("#")]  # "#main": same page


def texts(nodes: Iterable[LexborNode]) -> list[str]:
    return [t for t in (visible_text(n) for n in nodes) if t]


def first_text(root: LexborHTMLParser | LexborNode, selector: str) -> str:
    for node in root.css(selector):
        text = visible_text(node)
        if text and shown(node):
            return text
    return ""


def label_key(label: str) -> str:
    """Labels compared case- and space-insensitively, without trailing colons: "Apply date:" == "apply date"."""
    return clean(label).rstrip(":").strip().casefold()


# ---------------------------------------------------------------- structured values
def durations(node: LexborNode) -> list[str]:
    """`data-duration` + `data-period` as the page states them ("18" + "months" -> "18 months"); the period word is
    the page's own (plural or not), never re-inflected."""
    out = []
    for span in node.css("[data-duration][data-period]"):
        if "data-currency" in span.attributes or not shown(span):
            continue
        amount, period = (span.attributes.get("data-duration") or "").strip(), (span.attributes.get("data-period") or "").strip()
        if amount and period:
            out.append(f"{amount} {period}")
    return out


def datetimes(node: LexborNode) -> list[str]:
    return [(t.attributes.get("datetime") or "").strip() for t in node.css("time[datetime]")
            if (t.attributes.get("datetime") or "").strip() and shown(t)]


def json_ld(tree: LexborHTMLParser) -> list[dict[str, object]]:
    """Every JSON-LD object on the page (lists and @graph flattened); a broken block is skipped, not fatal."""
    out: list[dict[str, object]] = []
    for script in tree.css("script[type='application/ld+json']"):
        try:
            data = json.loads(script.text() or "")
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep ("[" * 100000)
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                out.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    out.extend(g for g in graph if isinstance(g, dict))
    return out


def head_title(tree: LexborHTMLParser) -> str:
    node = tree.css_first("title")
    return clean(node.text()) if node is not None else ""


def canonical(tree: LexborHTMLParser) -> str:
    node = tree.css_first("link[rel=canonical]")
    return (node.attributes.get("href") or "").strip() if node is not None else ""


# ---------------------------------------------------------------- the builder
def add(fields: dict[str, list[str]], name: str, *values: str) -> None:
    """Append values as printed (placeholders such as "Request info" or "-" included: the normaliser names them);
    empties and exact repeats skipped. `fields` checks the name when it is a RawFields."""
    for value in values:
        value = clean(value)
        if value and value not in fields.setdefault(name, []):
            fields[name].append(value)
    if name in fields and not fields[name]:
        del fields[name]


def require(fields: RawFields, where: str) -> RawFields:
    """A page without a title or university is a challenge, a wall or a layout we do not know."""
    missing = [name for name in ("title", "university") if not fields.get(name)]
    if missing:
        raise NotAProgrammePage(f"no {' or '.join(missing)} in {where} (challenge, wall or changed layout?)")
    return fields
