"""Programme length in months: "2 years" = "24 months" = 24, "3 semesters" = 18, full- and part-time kept apart."""

from __future__ import annotations

import re

from pydantic import BaseModel

from normalize.numbers import parse_amount
from normalize.parsed import Parsed, bad, memo, placeholder, squash

MONTHS_PER = {"year": 12, "yr": 12, "month": 1, "mo": 1, "semester": 6, "term": 6, "quarter": 3, "week": None}
_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(years?|yrs?|months?|mos?|semesters?|terms?|quarters?|weeks?)\b\s*"
    r"(full[- ]?time|part[- ]?time)?"
)


class Duration(BaseModel, frozen=True):
    full_time_months: int | None = None
    part_time_months: int | None = None


def _months(number: str, unit: str) -> int | None:
    value = parse_amount(number.replace(",", ".")) if "," in number else parse_amount(number)
    per = MONTHS_PER[unit.rstrip("s")] if unit.rstrip("s") in MONTHS_PER else MONTHS_PER.get(unit)
    if value is None or per is None:
        return None
    months = value * per
    return int(months) if months == int(months) else None


@memo
def parse_duration(raw: str) -> Parsed[Duration]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    if re.search(r"\d\s*(-|to|–)\s*\d", text):
        return bad("a range of durations")
    parts = _PART.findall(text)
    if not parts:
        return bad("no length with a unit")
    full = part = None
    last_unit = None
    for number, unit, pace in parts:
        months = _months(number, unit)
        if months is None:
            return bad(f"'{number} {unit}' is not a whole number of months")
        last_unit = unit
        if pace.startswith("part"):
            part = months
        elif full is None:
            full = months
        else:
            return bad("several full-time durations")
    # "18 months full-time / 36 part-time": a bare number after a part-time slash takes the last unit
    bare = re.search(r"/\s*(\d+)\s*(part[- ]?time)", text)
    if bare and part is None and last_unit:
        part = _months(bare.group(1), last_unit)
    for months in (full, part):
        if months is not None and not 1 <= months <= 120:
            return bad("outside 1..120 months")
    return Parsed(Duration(full_time_months=full, part_time_months=part))
