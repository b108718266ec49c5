"""Small selectolax (lexbor) helpers shared by the portal modules: visible text, hidden nodes, label/value reading."""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SPACE = re.compile(r"\s+")
HIDDEN_CLASSES = frozenset({"Hidden", "hidden", "Unknown", "js-notAvailable", "visually-hidden", "d-none"})


def parse_html(text: str) -> LexborHTMLParser:
    return LexborHTMLParser(text)


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def is_hidden(node: LexborNode) -> bool:
    classes = set((node.attributes.get("class") or "").split())
    return bool(classes & HIDDEN_CLASSES) or "hidden" in node.attributes or node.attributes.get("aria-hidden") == "true"


def visible_text(node: LexborNode | None) -> str:
    """Text of a node without its hidden descendants (placeholders such as Studyportals' "Unknown")."""
    if node is None or is_hidden(node):
        return ""
    hidden = [n for n in node.css("*") if is_hidden(n)]
    if not hidden:
        return clean(node.text(separator=" "))
    clone = LexborHTMLParser(node.html or "")
    for n in clone.css("*"):
        if is_hidden(n):
            n.decompose()
    return clean(clone.body.text(separator=" ") if clone.body else "")


def texts(nodes: Iterable[LexborNode]) -> list[str]:
    return [t for t in (visible_text(n) for n in nodes) if t]


def first_text(root: LexborHTMLParser | LexborNode, selector: str) -> str:
    for node in root.css(selector):
        text = visible_text(node)
        if text:
            return text
    return ""


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
