"""Credits: ECTS apart from other credit systems, which are kept as printed and never converted."""

from __future__ import annotations

import re

from normalize.parsed import Parsed, bad, memo, placeholder, squash


@memo
def parse_credits(raw: str) -> Parsed[tuple[int | None, str | None]]:
    """(ECTS, other credits as printed). '120 ECTS', '60 ECTS credits' → (120, None); '180 UK credits' → (None, ...)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    match = re.fullmatch(r"(\d+(?:\.5)?)\s*(ects|ec)\b(?:\s*(credits?|points?))?", text)
    if match:
        ects = float(match.group(1))
        if not 1 <= ects <= 400 or ects != int(ects):
            return bad("ECTS outside 1..400")
        return Parsed((int(ects), None))
    if re.fullmatch(r"\d+(?:\.\d+)?\s*[\w .-]*credits?( points?)?", text):
        return Parsed((None, raw.strip()))  # another credit system: kept apart, never converted
    return bad("not a credit count")
