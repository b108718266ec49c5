"""Deadlines and start dates to ISO 8601 (a full date, or a year-month when the page gives no day)."""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as dateparser

from normalize.parsed import Parsed, bad, memo, missing, placeholder, squash

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
NO_DATE = {"rolling": "rolling admission", "rolling admission": "rolling admission", "anytime": "any time",
           "continuous": "rolling admission", "open": "open"}
_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@memo
def parse_date(raw: str) -> Parsed[str]:
    """'01 Jul, 2026', '01 Jul 2026', 'Apr 1, 2026', '2026-06-30' → '2026-07-01'; 'Jun 2026' → '2026-06'."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    if text in NO_DATE:
        return missing(NO_DATE[text])
    if _ISO.match(text):
        try:
            date.fromisoformat(text if len(text) == 10 else text + "-01")
        except ValueError:
            return bad("not a calendar date")
        return Parsed(text)
    if not re.search(r"\b\d{4}\b", text):
        return bad("no year" if any(m in text for m in MONTHS) else "not a date")
    if re.search(r"\b(months?|years?|weeks?|days?|ects|eur|gbp)\b", text):
        return bad("a length or amount, not a date")
    try:  # python-dateutil: two defaults tell a given day from a filled-in one
        a = dateparser.parse(raw, default=datetime(2000, 1, 1))
        b = dateparser.parse(raw, default=datetime(2000, 1, 2))
    except (ValueError, OverflowError):
        return bad("not a date")
    if a.year != b.year:
        return bad("no year")
    return Parsed(a.date().isoformat() if a.day == b.day else f"{a.year:04d}-{a.month:02d}")


@memo
def parse_start(raw: str) -> Parsed[tuple[tuple[int, int | None], ...]]:
    """'Sep' → ((9, None),); 'Feb, Sep' → ((2, None), (9, None)); 'Sep 2026' / '2026-09-15' → ((9, 2026),)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    if text in NO_DATE:
        return missing(NO_DATE[text])
    starts: list[tuple[int, int | None]] = []
    for piece in re.split(r"[,;/&]|\band\b", text):
        piece = piece.strip()
        if not piece:
            continue
        iso = re.match(r"^(\d{4})-(\d{2})", piece)
        year: int | None
        if iso:
            month, year = int(iso.group(2)), int(iso.group(1))
        else:
            name = re.match(r"^([a-z]{3})[a-z]*\.?(?:\s+(\d{1,2}))?(?:\s+(\d{4}))?$", piece) or \
                re.match(r"^(?:\d{1,2}\s+)?([a-z]{3})[a-z]*\.?(?:\s+(\d{4}))?$", piece)
            if not name or name.group(1) not in MONTHS:
                return bad(f"{piece!r} is not a month")
            month = MONTHS[name.group(1)]
            year_text = name.groups()[-1]
            year = int(year_text) if year_text and len(year_text) == 4 else None
        if not 1 <= month <= 12:
            return bad("month outside 1..12")
        starts.append((month, year))
    return Parsed(tuple(dict.fromkeys(starts))) if starts else bad("no month")


def deadline_problem(iso: str, as_of: date) -> str | None:
    """A deadline years before the run is stale data, not a deadline."""
    year = int(iso[:4])
    if year < as_of.year - 1:
        return f"deadline {iso} is years before {as_of.isoformat()}"
    if year > as_of.year + 5:
        return f"deadline {iso} is implausibly far ahead"
    return None
