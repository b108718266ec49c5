"""The raw field names: a protocol with the normaliser (normalize/record.py reads exactly these). Declared once;
`check_name` makes a typo in a scraper fail loudly instead of silently losing a field."""

from __future__ import annotations

RAW_FIELDS: frozenset[str] = frozenset({
    "title", "university", "location", "degree", "level", "duration", "credits", "mode", "pace", "languages",
    "deadline", "start_dates", "tuition", "tuition_international", "tuition_eu_eea", "tuition_domestic",
    "living_costs", "test_score_unlabelled", "description", "subject_area",
})
TEST_SCORE_PREFIX = "test_score:"  # followed by the test's label as the page prints it ("IELTS", "TOEFL iBT®")


class UnknownRawField(KeyError):
    """A scraper wrote a field name the normaliser does not read."""


def check_name(name: str) -> str:
    if name in RAW_FIELDS or (name.startswith(TEST_SCORE_PREFIX) and name[len(TEST_SCORE_PREFIX):].strip()):
        return name
    raise UnknownRawField(f"undeclared raw field name {name!r} (see scrapers/rawfields.py)")
