"""How printed strings become values: for each raw name a scraper hands on, its parser and the record fields the
parsed value fills. The other half of the field specification (`normalize.fields`).

One table serves whole pages (`normalize.record`) and single strings (`normalize.fieldtext`, behind
`programme-scout normalize` and `make eval`), so what a user asks about one string is what a run does with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from normalize.categories import parse_mode, parse_pace
from normalize.credits import parse_credits
from normalize.dates import parse_date, parse_start
from normalize.degrees import parse_degree, parse_level
from normalize.durations import parse_duration
from normalize.languages import parse_languages
from normalize.money import Money, parse_living_costs, parse_tuition
from normalize.parsed import Parsed, memo
from normalize.places import parse_locations
from normalize.scores import parse_scores, test_name
from scrapers.rawfields import TEST_SCORE_PREFIX  # "test_score:IELTS": the label as printed follows the colon

Parser = Callable[[str, str, "str | None"], Parsed]  # (text, label, country) → parsed value
Columns = Callable[[Any], dict[str, Any]]  # parsed value → record fields


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)  # hashed by identity: a memo key, one per input
class Input:
    name: str  # the field's name for `programme-scout normalize` and the dev sets
    raw: str  # the raw name scrapers hand on (a prefix for test scores)
    parse: Parser
    columns: Columns
    conflicts: bool = True  # False: a page's later values add to lists but never contest its first scalar values
    flags_as: str = ""  # the record field a flag names (default: the input's name)

    def flag_field(self, label: str) -> str:
        if self.raw == TEST_SCORE_PREFIX:
            return test_name(label) or label.upper()
        return self.flags_as or self.name


def _fee_columns(audience: str) -> Columns:
    def columns(money: Money) -> dict[str, Any]:
        return {f"tuition_{audience}_amount": money.amount, f"tuition_{audience}_currency": money.currency or None,
                f"tuition_{audience}_period": money.period}
    return columns


def _fee_for(audience: str) -> Parser:
    """A fee the page prints under one audience's label: the string's own fee for that audience, or its
    audience-free fee ("€1,750 per year" under "EU/EEA students")."""
    def parse(text: str, label: str, country: str | None) -> Parsed[Money]:
        fees = parse_tuition(text, country)
        if fees.value is None:
            return Parsed(problem=fees.problem, note=fees.note)
        fee = fees.value.get(audience) or fees.value.get("all")
        return Parsed(fee) if fee is not None else Parsed(problem=f"names fees for other audiences only "
                                                                    f"({', '.join(sorted(fees.value))})")
    return parse


def _fees(fees: dict[str, Money]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for audience, money in fees.items():
        out.update(_fee_columns(audience)(money))
    return out


def _score_columns(scores: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """(test, score) pairs → ielts_min, toefl_ibt_min, other_scores {PTE, DUOLINGO, CAMBRIDGE, TOEFL_PBT, ...}."""
    out: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for name, score in scores:
        if name == "IELTS":
            out["ielts_min"] = score
        elif name == "TOEFL_IBT":
            out["toefl_ibt_min"] = int(score)
        else:
            other[name] = score
    return out | ({"other_scores": other} if other else {})


def _text(raw: str, label: str, country: str | None) -> Parsed[str]:
    return Parsed(raw.strip()) if raw.strip() else Parsed(note="empty")


def _places(places: Any) -> dict[str, Any]:
    first = places[0]
    return {"city": first.city, "country": first.country,
            "campuses": [f"{p.city}, {p.country}" if p.city else p.country for p in places]}


INPUTS: tuple[Input, ...] = (
    Input(name="title", raw="title", parse=_text, columns=lambda v: {"title": v}),
    Input(name="university", raw="university", parse=_text, columns=lambda v: {"university": v}),
    Input(name="location", raw="location", parse=lambda t, lb, c: parse_locations(t), columns=_places, conflicts=False,
          flags_as="campuses"),
    Input(name="degree", raw="degree", parse=lambda t, lb, c: parse_degree(t), columns=lambda v: {"degree": v}),
    Input(name="level", raw="level", parse=lambda t, lb, c: parse_level(t), columns=lambda v: {"level": v}),
    Input(name="duration", raw="duration", parse=lambda t, lb, c: parse_duration(t), flags_as="duration_months", columns=lambda v: {
        "duration_months": v.full_time_months, "duration_months_part_time": v.part_time_months}),
    Input(name="credits", raw="credits", parse=lambda t, lb, c: parse_credits(t), flags_as="ects",
          columns=lambda v: {"ects": v[0], "credits_other": v[1]}),
    Input(name="study_mode", raw="mode", parse=lambda t, lb, c: parse_mode(t), columns=lambda v: {"study_mode": v}),
    Input(name="pace", raw="pace", parse=lambda t, lb, c: parse_pace(t), columns=lambda v: {"pace": v}),
    Input(name="languages", raw="languages", parse=lambda t, lb, c: parse_languages(t),
          columns=lambda v: {"languages": list(v)}),
    Input(name="subject_area", raw="subject_area", parse=_text, columns=lambda v: {"subject_area": v},
          conflicts=False),  # a page listing several disciplines names its main one first
    Input(name="deadline", raw="deadline", parse=lambda t, lb, c: parse_date(t), flags_as="application_deadline",
          columns=lambda v: {"application_deadline": v}),
    Input(name="start", raw="start_dates", parse=lambda t, lb, c: parse_start(t), flags_as="start_months", columns=lambda v: {
        "start_months": sorted({m for m, _ in v}), "start_dates": sorted({f"{y:04d}-{m:02d}" for m, y in v if y})}),
    Input(name="tuition", raw="tuition", parse=lambda t, lb, c: parse_tuition(t, c), columns=_fees),
    *(Input(name=f"tuition_{a}", raw=f"tuition_{a}", parse=_fee_for(a), columns=_fee_columns(a))
      for a in ("international", "eu_eea", "domestic")),
    Input(name="living_costs", raw="living_costs", parse=lambda t, lb, c: parse_living_costs(t, c), columns=lambda v: {
        "living_cost_min_month": v.min_month, "living_cost_max_month": v.max_month, "living_cost_currency": v.currency}),
    Input(name="english_test", raw=TEST_SCORE_PREFIX, parse=lambda t, lb, c: parse_scores(lb, t),
          columns=_score_columns),
)
BY_INPUT_NAME: dict[str, Input] = {i.name: i for i in INPUTS}
BY_RAW: dict[str, Input] = {i.raw: i for i in INPUTS}
# Raw names read by the record builder itself, not through a parser of their own.
READ_WHOLE: frozenset[str] = frozenset({"description", "test_score_unlabelled"})


def input_for(raw_name: str) -> tuple[Input, str] | None:
    """The input a raw name feeds, and the label it carries (test scores); None for a name we do not read."""
    if raw_name.startswith(TEST_SCORE_PREFIX):
        return BY_RAW[TEST_SCORE_PREFIX], raw_name[len(TEST_SCORE_PREFIX):]
    found = BY_RAW.get(raw_name)
    return (found, "") if found else None


# Characters that change nothing a reader sees but break matching: NUL, zero-width marks, bidi controls, BOM.
_INVISIBLE = dict.fromkeys([0, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                            *range(0x2066, 0x206A), 0xFEFF])  # for str.translate: deleted


def parse_input(spec: Input, text: str, label: str, country: str | None) -> Parsed:
    """The one way a printed string is parsed, for whole pages and single strings alike."""
    if not text.isascii() or "\x00" in text:  # the common case needs no deletion (translate costs ~1 µs)
        text = text.translate(_INVISIBLE)
    return spec.parse(text, label, country)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one printed string gives: the record fields it fills (empty values left out), or why none."""

    fills: tuple[tuple[str, Any], ...] = ()
    problem: str | None = None
    note: str | None = None


@memo
def read_input(spec: Input, text: str, label: str, country: str | None) -> Reading:
    """parse_input and the input's columns, memoised as a whole: a crawl repeats the same strings thousands of
    times. Callers copy list values before changing them (the reading is shared)."""
    parsed = parse_input(spec, text, label, country)
    if parsed.value is None:
        return Reading(problem=parsed.problem, note=parsed.note)
    return Reading(fills=tuple((field, value) for field, value in spec.columns(parsed.value).items()
                               if value is not None and value != [] and value != {}), note=parsed.note)
