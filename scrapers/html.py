"""Small selectolax (lexbor) helpers shared by the portal modules: visible text, hidden nodes, label/value reading."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.records import NotAProgrammePage

_SPACE = re.compile(r"\s+")
HIDDEN_CLASSES = frozenset({"Hidden", "hidden", "Unknown", "js-notAvailable", "visually-hidden", "d-none"})


def parse_html(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(text)


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def is_hidden(node: LexborNode) -> bool:
    classes = set((node.attributes.get("class") or "").split())
    return bool(classes & HIDDEN_CLASSES) or "hidden" in node.attributes or node.attributes.get("aria-hidden") == "true"


SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript"})


def _collect_text(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            out.append(child.text_content or "")
        elif child.tag not in SKIPPED_TAGS and not is_hidden(child):
            out.append(" ")
            _collect_text(child, out)
            out.append(" ")


def visible_text(node: LexborNode | None) -> str:
    """Text of a node without its hidden descendants (placeholders such as Studyportals' "Unknown"), scripts and
    styles. One walk of the subtree: no copy of the HTML is parsed again."""
    if node is None or is_hidden(node):
        return ""
    out: list[str] = []
    _collect_text(node, out)
    return clean("".join(out))


def hrefs(root: LexborHTMLParser | LexborNode, selector: str, base_url: str) -> list[str]:
    """Absolute URLs of the links a selector finds (links without href skipped)."""
    return [urljoin(base_url, href) for node in root.css(selector) if (href := node.attributes.get("href"))]


def texts(nodes: Iterable[LexborNode]) -> list[str]:
    return [t for t in (visible_text(n) for n in nodes) if t]


def first_text(root: LexborHTMLParser | LexborNode, selector: str) -> str:
    for node in root.css(selector):
        text = visible_text(node)
        if text:
            return text
    return ""


def require_title(root: LexborHTMLParser, selector: str, where: str) -> str:
    """The programme title, or NotAProgrammePage: a page without one is a challenge, a wall or a changed layout."""
    title = first_text(root, selector)
    if not title:
        raise NotAProgrammePage(f"no programme title in {where} (challenge, wall or changed layout?)")
    return title


def label_key(label: str) -> str:
    """Labels compared case- and space-insensitively, without trailing colons: "Apply date:" == "apply date"."""
    return clean(label).rstrip(":").casefold()


# What portals print where they have no value: never a value, so never a field string.
PLACEHOLDERS = frozenset({"request info", "unknown", "view fees", "n/a", "-", "tbc", "tba"})


def add(fields: dict[str, list[str]], name: str, *values: str) -> None:
    """Append values to a field, skipping empties, placeholders and exact repeats (repeats that agree collapse)."""
    for value in values:
        value = clean(value)
        if value and value.casefold() not in PLACEHOLDERS and value not in fields.setdefault(name, []):
            fields[name].append(value)
    if name in fields and not fields[name]:
        del fields[name]
