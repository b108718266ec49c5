"""One label-to-value reader for every portal: a label is found by its TEXT (a table of synonyms per portal and
field), its value by STRUCTURE around it, never by class names. That is what survives a redesign: portals rename
classes every year or two, but keep printing "Duration" next to "2 years".

Structures handled (all seen on the portals, see shared/evidence/markup.md):
  dt + dd, th + td                        definition lists and tables
  label + value element                   `<label>Tuition Fee/year</label><div>9,250 GBP</div>`, `.Label + .ValueContainer`
  heading + next block                    `<h3>Degree</h3><p>MSc</p>`, key-facts articles
  value printed BEFORE its label          Studyportals 2020-23 `div.Title (value) + div.Label`, TopUniversities badges
                                          `<h3>24 months<span>Programme duration</span></h3>`
  label: value text                       `<strong>Duration:</strong> 2 years`
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.html import SKIPPED_TAGS, clean, is_hidden, label_key, shown, visible_text

MAX_LABEL_CHARS = 60
MAX_WRAPPERS = 8  # elements wrapped around a label text before its value's level (deeper is not a label)
_CELL_PAIRS = {"dt": "dd", "th": "td"}
_DECORATION = frozenset({"i", "img", "br", "hr", "svg", "button"})


@dataclass
class Labelled:
    """One label found on the page and what stands beside it."""

    field: str
    label: str  # as printed
    node: LexborNode  # the outermost element whose text is just the label
    value: LexborNode | None  # the value's element, when the value is one element
    text: str  # the value as a reader sees it
    siblings: list[LexborNode] = dataclass_field(default_factory=list)  # every value element up to the next label
    before: bool = False  # the value is printed before its label


def _same_text_ancestor(node: LexborNode, text: str) -> LexborNode:
    """Climb from the label's element while the parent shows nothing but the label (wrappers, icons)."""
    for _ in range(MAX_WRAPPERS):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html", "-undef"):
            break
        children = [c for c in parent.iter() if c.tag not in _DECORATION and c.tag != "-comment"]
        # one wrapper around the label only (no text of its own): a parent whose other children are merely hidden
        # holds a value too, so hidden children count
        if len(children) == 1 and not clean(parent.text(deep=False)):
            node = parent
        else:
            break
    return node


def _element_siblings(node: LexborNode, forward: bool) -> list[LexborNode]:
    out = []
    current = node.next if forward else node.prev
    while current is not None:
        if current.tag == "-text" or (current.tag != "-comment" and not is_hidden(current)):
            out.append(current)
        current = current.next if forward else current.prev
    return out


class LabelReader:
    """A table of label synonyms -> raw field name, applied to a page or a part of it."""

    def __init__(self, synonyms: Mapping[str, str]) -> None:
        self.synonyms = {label_key(k): v for k, v in synonyms.items()}
        self._first = frozenset(k[:3] for k in self.synonyms)  # cheap tests before any string work
        self._shortest = max(1, min((len(k) for k in self.synonyms), default=1))

    def is_label(self, text: str) -> bool:
        return label_key(text) in self.synonyms

    def read(self, root: LexborHTMLParser | LexborNode) -> list[Labelled]:
        start = root.body if isinstance(root, LexborHTMLParser) else root
        if start is None:
            return []
        found: list[Labelled] = []
        done: set[int] = set()
        # lexbor's own traversal (C) and a cheap length test first: a page of 300 KB has tens of thousands of
        # text nodes and only a few dozen labels; visibility is checked only for those.
        for node in start.traverse(include_text=True):
            if node.tag != "-text":
                continue
            content = node.text_content
            if not content or len(content) > 4 * MAX_LABEL_CHARS:
                continue
            stripped = content.strip()
            if len(stripped) < self._shortest or stripped[:3].casefold() not in self._first:
                continue
            # str.split is C: the regex clean() only where invisible characters could hide in non-ASCII text
            raw = " ".join(content.split()) if content.isascii() else clean(content)
            if not raw or len(raw) > MAX_LABEL_CHARS or (key := raw.rstrip(":").strip().casefold()) not in self.synonyms:
                continue
            element = node.parent
            if element is None or element.tag in SKIPPED_TAGS or not shown(element):
                continue
            own = visible_text(element)
            if label_key(own) != key:  # the text node is part of a longer sentence, or a label: value line
                after = own[len(raw):].strip() if own.startswith(raw) else ""
                if after and element.mem_id not in done:
                    done.add(element.mem_id)
                    found.append(Labelled(self.synonyms[key], raw, node, None, after.lstrip(":").strip()))
                continue
            element = _same_text_ancestor(element, own)
            if element.mem_id in done:
                continue
            done.add(element.mem_id)
            found.append(self._value(self.synonyms[key], own, element))
        return found

    def _value(self, field_name: str, label: str, element: LexborNode) -> Labelled:
        pair = _CELL_PAIRS.get(element.tag or "")
        after = _element_siblings(element, forward=True)
        if pair:
            cell = next((n for n in after if n.tag == pair), None)
            if cell is not None:
                return Labelled(field_name, label, element, cell, visible_text(cell), [cell])
        values = self._until_label(after)
        if values:
            first = values[0]
            elements = [n for n in values if n.tag != "-text"]
            if first.tag == "-text":  # "Duration: 2 years" with the label in its own element
                return Labelled(field_name, label, element, None, visible_text(first), elements)
            return Labelled(field_name, label, element, first, visible_text(first), elements)
        before = self._until_label(_element_siblings(element, forward=False))
        if before:
            before.reverse()
            text = clean(" ".join(visible_text(n) for n in before))
            elements = [n for n in before if n.tag != "-text"]
            value = elements[-1] if len(elements) == 1 and not any(n.tag == "-text" for n in before) else None
            return Labelled(field_name, label, element, value or (elements[-1] if elements else None), text,
                            elements, before=True)
        return Labelled(field_name, label, element, None, "")

    def _until_label(self, nodes: list[LexborNode]) -> list[LexborNode]:
        """Sibling nodes with text, up to the next one that is itself a label. Blank text and empty icons are
        skipped; an empty container ends the search: the value is there and empty (no score printed), and the
        next block (an explanation) is not it."""
        out: list[LexborNode] = []
        for node in nodes:
            text = visible_text(node)
            if not text:
                if node.tag == "-text" or node.tag in _DECORATION:
                    continue
                if node.css_first("[datetime], [data-original_html], [data-duration]") is not None:
                    out.append(node)
                    continue
                if not out:
                    return [node]
                break
            if self.is_label(text):
                break
            out.append(node)
        return out
