"""One raw source record → one typed SourceRecord, with flags for what did not fit and within-page conflicts."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from normalize.categories import parse_mode, parse_pace
from normalize.credits import parse_credits
from normalize.degrees import degree_in_title, parse_degree, parse_level
from normalize.dates import deadline_problem, parse_date, parse_start
from normalize.durations import parse_duration
from normalize.models import SOURCE_FIELDS_SET, VALUE_FIELDS, construct, Conflict, ConflictValue, Flag, SourceRecord
from normalize.money import parse_living_costs, parse_money
from normalize.parsed import Parsed
from normalize.languages import parse_languages
from normalize.places import EU_EEA, parse_locations
from normalize.universities import clean_university, partner_universities
from normalize.scores import parse_score, test_name
from scrapers.records import RawRecord

WITHIN_PAGE_RULE = "first value on the page (the portal's primary block)"
_PROGRAMME_ECTS = re.compile(r"(?:programme|program|master['’]?s?|degree)\s+of\s+(\d{2,3})\s*ECTS|(\d{2,3})\s*ECTS\s+(?:programme|program|master)",
                             re.IGNORECASE)


class _Builder:
    def __init__(self, raw: RawRecord) -> None:
        self.raw = raw
        self.flags: list[Flag] = []
        self.conflicts: list[Conflict] = []
        self.notes: list[str] = []

    def flag(self, field: str, raw: str, reason: str) -> None:
        self.flags.append(Flag(field=field, raw=raw, reason=reason, source=self.raw.source, url=self.raw.url))

    def values(self, field: str, raw_name: str, parser: Callable[[str], Parsed]) -> list[Any]:
        """Every raw string of a field parsed; misfits flagged, placeholders noted; distinct values in page order."""
        texts = self.raw.fields.get(raw_name)
        if not texts:
            return []
        out: list[Any] = []
        for text in texts:
            parsed = parser(text)
            if parsed.problem:
                self.flag(field, text, parsed.problem)
            elif parsed.note:
                self.notes.append(f"{field}: {parsed.note}")
            elif parsed.value not in out:
                out.append(parsed.value)
        return out

    def one(self, field: str, values: list[Any], show: Callable[[Any], Any] = lambda v: v) -> Any:
        """The page's value; a repeat that disagrees becomes a within-source conflict, the first value winning."""
        if len(values) < 2:
            return values[0] if values else None
        values = list(dict.fromkeys(values))  # repeats that agree collapse, whatever produced them
        if len(values) > 1:
            self.conflicts.append(Conflict(
                field=field, chosen=show(values[0]), rule=WITHIN_PAGE_RULE,
                values=tuple(ConflictValue(source=self.raw.source, value=show(v)) for v in values)))
        return values[0]


def _title(raw: str) -> Parsed[str]:
    return Parsed(raw.strip()) if raw.strip() else Parsed(note="empty")


def normalize_record(raw: RawRecord, *, as_of: date) -> SourceRecord:
    """`as_of` (the run's date) is passed in, never read from a clock, so a record normalises the same way forever."""
    b = _Builder(raw)
    out: dict[str, Any] = {"campuses": [], "partner_universities": []}
    out["title"] = b.one("title", b.values("title", "title", _title))
    out["university"] = b.one("university", b.values("university", "university", lambda s: Parsed(clean_university(s))))

    # every campus the page names, in page order (a programme may have two)
    places = list(dict.fromkeys(p for group in b.values("campuses", "location", parse_locations) for p in group))
    if places:
        out["city"], out["country"] = places[0].city, places[0].country
        out["campuses"] = [f"{p.city}, {p.country}" if p.city else p.country for p in places]
    country = out.get("country")

    degree = b.one("degree", b.values("degree", "degree", parse_degree))
    out["degree"] = degree or (degree_in_title(out["title"]) if out["title"] else None)
    level = b.one("level", b.values("level", "level", parse_level))
    out["level"] = level or (parse_level(out["degree"]).value if out["degree"] else None)

    durations = b.values("duration_months", "duration", parse_duration)
    out["duration_months"] = b.one("duration_months", [d.full_time_months for d in durations if d.full_time_months])
    out["duration_months_part_time"] = b.one(
        "duration_months_part_time", [d.part_time_months for d in durations if d.part_time_months])

    credits = b.values("ects", "credits", parse_credits)
    out["ects"] = b.one("ects", [c[0] for c in credits if c[0]])
    out["credits_other"] = b.one("credits_other", [c[1] for c in credits if c[1]])
    description = " ".join(raw.fields.get("description", []))
    if out["ects"] is None and "ECTS" in description.upper():
        stated = {int(a or b_) for a, b_ in _PROGRAMME_ECTS.findall(description)}
        if len(stated) == 1:  # the programme's own size stated in its text; module credits never match
            out["ects"] = stated.pop()
            b.notes.append("ects: from the description")

    out["study_mode"] = b.one("study_mode", b.values("study_mode", "mode", parse_mode))
    paces = set(b.values("pace", "pace", parse_pace))  # "Full-time" and "Part-time" tags together mean both
    out["pace"] = "both" if "both" in paces or len(paces) > 1 else (paces.pop() if paces else None)
    languages = b.values("languages", "languages", parse_languages)
    out["languages"] = list(dict.fromkeys(code for codes in languages for code in codes))
    out["subject_area"] = b.one("subject_area", b.values("subject_area", "subject_area", _title))

    deadline = b.one("application_deadline", b.values("application_deadline", "deadline", parse_date))
    if deadline and (problem := deadline_problem(deadline, as_of)):
        b.flag("application_deadline", deadline, problem)
        deadline = None
    out["application_deadline"] = deadline
    starts = [s for group in b.values("start_months", "start_dates", parse_start) for s in group]
    out["start_months"] = sorted({month for month, _ in starts})
    out["start_dates"] = sorted({f"{year:04d}-{month:02d}" for month, year in starts if year})

    money = lambda text: parse_money(text, country)  # noqa: E731 (the country says which "$")
    for audience, raw_name in (("international", "tuition_international"), ("eu_eea", "tuition_eu_eea"),
                               ("all", "tuition")):
        fee = b.one(f"tuition_{audience}", b.values(f"tuition_{audience}_amount", raw_name, money),
                    show=lambda m: f"{m.amount} {m.currency} / {m.period}")
        if fee is not None:
            out[f"tuition_{audience}_amount"] = fee.amount
            out[f"tuition_{audience}_currency"] = fee.currency or None
            out[f"tuition_{audience}_period"] = fee.period
    domestic = b.values("tuition_eu_eea_amount", "tuition_domestic", money)
    if domestic and out.get("tuition_eu_eea_amount") is None:
        if country in EU_EEA:  # EU law: a member state's domestic fee is its EU/EEA fee
            fee = b.one("tuition_eu_eea", domestic, show=lambda m: f"{m.amount} {m.currency}")
            out["tuition_eu_eea_amount"], out["tuition_eu_eea_currency"] = fee.amount, fee.currency or None
            out["tuition_eu_eea_period"] = fee.period
        else:
            b.notes.append(f"tuition: a domestic fee outside the EU/EEA ({country}) is not an EU/EEA fee; not used")

    living = b.one("living_costs", b.values("living_costs", "living_costs", lambda t: parse_living_costs(t, country)))
    if living is not None:
        out["living_cost_min_month"], out["living_cost_max_month"] = living.min_month, living.max_month
        out["living_cost_currency"] = living.currency

    other: dict[str, Any] = {}
    for raw_name in sorted(raw.fields):
        if raw_name == "test_score_unlabelled":
            for text in raw.fields[raw_name]:
                b.flag("test_scores", text, "a score without a label is not assigned to any test")
            continue
        if not raw_name.startswith("test_score:"):
            continue
        label = raw_name.split(":", 1)[1]
        name = test_name(label) or label.upper()
        score = b.one(name, b.values(name, raw_name, functools.partial(parse_score, label)))
        if score is None:
            continue
        if name == "IELTS":
            out["ielts_min"] = score
        elif name == "TOEFL_IBT":
            out["toefl_ibt_min"] = int(score)
        else:
            other[name] = score
    out["other_scores"] = other
    if description and out["university"]:
        out["partner_universities"] = list(partner_universities(description, out["university"]))

    # Every value above comes typed from a parser, so pydantic's validation would only repeat the work on the
    # hottest path of a large run; a test checks that these records validate unchanged.
    values = dict(_EMPTY)  # every field given, so the record needs no defaults
    values.update((k, v) for k, v in out.items() if v is not None)
    values.update(source=raw.source, source_key=raw.source_key, url=raw.url, fetched_at=raw.fetched_at,
                  content_hash=raw.content_hash,
                  flags=b.flags, conflicts=b.conflicts, notes=b.notes)
    return construct(SourceRecord, SOURCE_FIELDS_SET, values)


_LIST_FIELDS = frozenset({"partner_universities", "campuses", "languages", "start_months", "start_dates"})
_EMPTY: dict[str, Any] = {name: None for name in VALUE_FIELDS if name not in _LIST_FIELDS | {"other_scores"}}
