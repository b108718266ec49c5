"""What a scraper hands on: raw field strings per source page, or a report of why a page gave none."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from scrapers.rawfields import check_name


@dataclass(frozen=True, kw_only=True, slots=True)
class RawRecord:
    """One programme page as the portal printed it. `fields` maps a field name to every string the page shows for
    it, in the page's order of authority (a repeat that disagrees is the normaliser's business, not ours)."""

    source: str
    source_key: str
    url: str
    fetched_at: str
    content_hash: str
    fields: dict[str, list[str]]
    layout: str = ""  # which page layout (era) produced the fields, e.g. "studyportals/E3"; "" in old raw files
    stale: str = ""  # why the page could not be read this run: these are its last good values ("" when fresh)

    def __post_init__(self) -> None:
        for name in self.fields:
            check_name(name)
        if isinstance(self.fields, RawFields):  # a parser's result: keep a plain dict, take its layout
            if not self.layout:
                object.__setattr__(self, "layout", self.fields.layout)
            object.__setattr__(self, "fields", dict(self.fields))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RawRecord":
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class PageReport:
    """A page that yielded no record, and why: fetch outcome (blocked, not_found, ...) or `not_programme`."""

    source: str
    url: str
    outcome: str
    reason: str
    kind: str = "detail"  # detail | listing

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CrawlResult:
    """One run over one source, in counts: its records are in the frontier, not here (memory stays flat)."""

    source: str
    reports: list[PageReport] = field(default_factory=list)  # pages that gave no record this run, and why
    listing_pages: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # fetch outcome -> pages
    attempted: int = 0  # pages fetched (or tried) this run
    listings_attempted: int = 0  # of which listings and sitemaps
    read: int = 0  # of which read: a body or a 304
    changed: int = 0  # detail pages whose record was written (new or changed)
    unchanged: int = 0  # detail pages as they were: the record stays
    deferred: int = 0  # due pages the budget left for the next run
    removed: int = 0  # programme pages that left the catalogue (gone twice, or no longer listed)
    first_run: bool = False
    notes: list[str] = field(default_factory=list)  # budget reached, why nothing could be removed...


class RawFields(dict[str, list[str]]):
    """What a detail parser returns: field name -> strings in page order, plus the layout that produced them.
    A dict, so callers that only want the fields need not know about layouts; every name is checked on entry."""

    layout: str

    def __init__(self, layout: str = "") -> None:
        super().__init__()
        self.layout = layout

    def __setitem__(self, name: str, values: list[str]) -> None:
        super().__setitem__(check_name(name), values)

    def setdefault(self, name: str, default: list[str] | None = None) -> list[str]:  # type: ignore[override]
        if name not in self:
            self[name] = [] if default is None else default
        return self[name]


class NotAProgrammePage(Exception):
    """The page parsed, but it is not a programme page (wall, challenge, changed layout)."""


def content_hash(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()
