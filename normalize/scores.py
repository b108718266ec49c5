"""English and admission tests by label: IELTS 0–9 (half bands), TOEFL iBT 0–120, and the others kept by name.
A score without a label is never given to a test."""

from __future__ import annotations

import re
from decimal import Decimal

from normalize.parsed import Parsed, bad, memo, placeholder, squash

# label words → (canonical test, min, max, step)
TESTS = (
    ("ielts", "IELTS", 0, 9, Decimal("0.5")),
    ("toefl", "TOEFL_IBT", 0, 120, Decimal(1)),
    ("pte", "PTE", 10, 90, Decimal(1)),
    ("duolingo", "DUOLINGO", 10, 160, Decimal(1)),
    ("cambridge", "CAMBRIDGE", 80, 230, Decimal(1)),
    ("gmat", "GMAT", 200, 805, Decimal(1)),
    ("gre", "GRE", 260, 340, Decimal(1)),
    ("gpa", "GPA", 0, 100, None),  # scales differ (4.0, 10, 100): kept as printed, range only
)


@memo
def test_name(label: str) -> str | None:
    text = squash(label)
    if "toefl" in text and ("pbt" in text or "paper" in text):
        return "TOEFL_PBT"
    for word, name, *_ in TESTS:
        if re.search(rf"\b{word}", text):
            return name
    return None


@memo
def parse_score(label: str, raw: str) -> Parsed[Decimal]:
    if (empty := placeholder(raw)) is not None:
        return empty
    name = test_name(label)
    if name is None:
        return bad(f"unknown test {label!r}")
    match = re.fullmatch(r"(?:min(?:imum)?\.?\s*)?(\d+(?:[.,]\d+)?)\s*\+?", squash(raw))
    if not match:
        return bad("not a single score")
    value = Decimal(match.group(1).replace(",", "."))
    for _, test, low, high, step in TESTS:
        if test == name:
            if not low <= value <= high:
                return bad(f"{name} score outside {low}..{high}")
            if step is not None and value % step:
                return bad(f"{name} scores come in steps of {step}")
    return Parsed(value.quantize(Decimal(1)) if value == value.to_integral() else value)
