"""One raw source record → one typed SourceRecord, with flags for what did not fit and within-page conflicts.

Generic over the input table (`normalize.inputs`): every raw string goes through its field's parser; a page's
distinct values of a field reduce to the first (a disagreeing repeat becomes a within-page conflict), lists to
their union. What needs more than one field is derived afterwards, each rule a small function below.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from normalize.dates import deadline_problem
from normalize.degrees import degree_in_title, parse_level
from normalize.fields import BY_NAME, LIST_FIELDS, SORTED_LISTS
from normalize.inputs import READ_WHOLE, input_for, read_input
from normalize.models import Conflict, ConflictValue, Flag, SourceRecord
from normalize.places import EU_EEA
from normalize.universities import clean_university, partner_universities
from scrapers.records import RawRecord

WITHIN_PAGE_RULE = "first value on the page (the portal's primary block)"
# Scalar fields the derivations below read: present in `values` even when the page gave none.
_OPTIONAL_READ = ("title", "degree", "level", "university", "ects", "application_deadline", "country",
                  "tuition_domestic_amount", "tuition_eu_eea_amount")
_PROGRAMME_ECTS = re.compile(r"(?:programme|program|master['’]?s?|degree)\s+of\s+(\d{2,3})\s*ECTS|(\d{2,3})\s*ECTS\s+(?:programme|program|master)",
                             re.IGNORECASE)


class _Page:
    """One page's values, flags, notes and conflicts while it is being read."""

    def __init__(self, raw: RawRecord) -> None:
        self.raw = raw
        self.flags: list[Flag] = []
        self.conflicts: list[Conflict] = []
        self.notes: list[str] = []
        self.seen: dict[str, list[Any]] = {}  # field → its distinct values in page order
        self.quiet: set[str] = set()  # fields whose later values never contest the first

    def flag(self, field: str, raw: str, reason: str) -> None:
        self.flags.append(Flag(field=field, raw=raw, reason=reason, source=self.raw.source, url=self.raw.url))

    def add(self, field: str, value: Any) -> None:
        values = self.seen.get(field)
        if values is None:
            if field not in BY_NAME:
                raise KeyError(f"an input fills {field!r}, which normalize/fields.py does not declare")
            self.seen[field] = list(value) if field in LIST_FIELDS else [value]
        elif field in LIST_FIELDS:
            values.extend(v for v in value if v not in values)
        elif field == "other_scores" or value not in values:
            values.append(value)

    def read(self, raw_name: str, texts: list[str], country: str | None) -> None:
        found = input_for(raw_name)
        if found is None:
            if raw_name not in READ_WHOLE:
                self.notes.append(f"{raw_name}: not a field we read")
            return
        spec, label = found
        for text in texts:
            reading = read_input(spec, text, label, country)
            if reading.problem:
                self.flag(spec.flag_field(label), text, reading.problem)
            elif not reading.fills:
                self.notes.append(f"{spec.flag_field(label)}: {reading.note}")
            else:
                for field, value in reading.fills:
                    self.add(field, value)
                    if not spec.conflicts:
                        self.quiet.add(field)

    def value(self, field: str, values: list[Any]) -> Any:
        """The page's value of a field from its distinct values: the first, lists sorted or in page order."""
        if field in LIST_FIELDS:
            return sorted(values) if field in SORTED_LISTS else values
        if field == "other_scores":
            scores: dict[str, Any] = {}
            for value in values:
                for name, score in value.items():
                    scores.setdefault(name, score)
            return scores
        if len(values) > 1 and field not in self.quiet:
            self.conflicts.append(Conflict(
                field=field, chosen=str(values[0]), rule=WITHIN_PAGE_RULE,
                values=tuple(ConflictValue(source=self.raw.source, value=str(v)) for v in values)))
        return values[0]


def normalize_record(raw: RawRecord, *, as_of: date) -> SourceRecord:
    """`as_of` (the run's date) is passed in, never read from a clock, so a record normalises the same way forever."""
    page = _Page(raw)
    fields = raw.fields
    if "location" in fields:  # first: the country settles which "$" or "kr" a fee means
        page.read("location", fields["location"], None)
    countries = page.seen.get("country")
    country = countries[0] if countries else None
    for name, texts in fields.items():
        if name != "location":
            page.read(name, texts, country)
    values: dict[str, Any] = {}
    for field, seen in page.seen.items():
        values[field] = _combine_pace(seen) if field == "pace" else page.value(field, seen)
    for field in _OPTIONAL_READ:
        values.setdefault(field, None)
    if values["university"]:
        values["university"] = clean_university(values["university"])
    for text in fields.get("test_score_unlabelled", []):
        page.flag("test_scores", text, "a score without a label is not assigned to any test")
    description = " ".join(fields.get("description", []))
    _derive_degree_and_level(values)
    _derive_ects_from_description(values, description, page)
    _check_deadline(values, as_of, page)
    _eu_eea_fee_from_domestic(values, page)
    if description and values["university"]:
        values["partner_universities"] = list(partner_universities(description, values["university"]))
    return SourceRecord(**values, source=raw.source, source_key=raw.source_key, url=raw.url,
                        fetched_at=raw.fetched_at, content_hash=raw.content_hash,
                        flags=page.flags, conflicts=page.conflicts, notes=page.notes)


def _combine_pace(paces: list[str]) -> str:
    """'Full-time' and 'Part-time' tags on one page together mean both."""
    return "both" if "both" in paces or len(set(paces)) > 1 else paces[0]


def _derive_degree_and_level(values: dict[str, Any]) -> None:
    if not values["degree"] and values["title"]:
        values["degree"] = degree_in_title(values["title"])
    if not values["level"] and values["degree"]:
        values["level"] = parse_level(values["degree"]).value


def _derive_ects_from_description(values: dict[str, Any], description: str, page: _Page) -> None:
    """The programme's own size stated in its text; module credits never match."""
    if values["ects"] is not None or "ECTS" not in description.upper():
        return
    stated = {int(a or b) for a, b in _PROGRAMME_ECTS.findall(description)}
    if len(stated) == 1:
        values["ects"] = stated.pop()
        page.notes.append("ects: from the description")


def _check_deadline(values: dict[str, Any], as_of: date, page: _Page) -> None:
    deadline = values["application_deadline"]
    if deadline and (problem := deadline_problem(deadline, as_of)):
        page.flag("application_deadline", deadline, problem)
        values["application_deadline"] = None


def _eu_eea_fee_from_domestic(values: dict[str, Any], page: _Page) -> None:
    """EU law: a member state charges EU/EEA students its domestic fee, so there the domestic fee is the EU/EEA fee
    (when the page gives none of its own). Elsewhere a domestic fee stays domestic only."""
    if values["tuition_domestic_amount"] is None or values["tuition_eu_eea_amount"] is not None:
        return
    if values["country"] in EU_EEA:
        for part in ("amount", "currency", "period"):
            values[f"tuition_eu_eea_{part}"] = values.get(f"tuition_domestic_{part}")
        page.notes.append("tuition: the EU/EEA fee is the domestic fee (an EU/EEA country)")
