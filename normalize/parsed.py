"""The result of every field parser: a value, or missing with the reason it did not fit (a flag) or a note."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")

# A real crawl repeats the same strings thousands of times: every parser is pure and memoised on its input.
memo = lru_cache(maxsize=65_536)

PLACEHOLDERS = frozenset({"request info", "unknown", "view fees", "n/a", "na", "-", "tbc", "tba", "none", ""})


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    value: T | None = None
    problem: str | None = None  # the raw text did not fit the field: becomes a flag
    note: str | None = None  # missing on purpose ("rolling admission", "request info"): not a flag


def missing(note: str) -> Parsed:
    return Parsed(note=note)


def bad(problem: str) -> Parsed:
    return Parsed(problem=problem)


@memo
def squash(text: str) -> str:
    """Lower-case, accents folded, whitespace collapsed: how we compare words, not how we show them."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", folded).strip().casefold()


def placeholder(raw: str) -> Parsed | None:
    """Portals' stand-ins for "no value": a note, never a value and never a flag."""
    key = squash(raw).strip(".*: ")
    if not key and any(ch.isalnum() for ch in raw):  # Greek, Cyrillic, CJK text folds to nothing in ASCII: not empty
        return None
    if key in PLACEHOLDERS:
        return missing(f"portal shows {raw.strip()!r}" if raw.strip() else "empty")
    return None
