"""What the pipeline makes of one printed string of one field: output columns, flags and notes.

The one entry point behind `programme-scout normalize` and `make eval`, so outside checkers never depend on the
parsers' internal names; `normalize/record.py` fills the same output columns from whole pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from normalize.categories import parse_mode, parse_pace
from normalize.credits import parse_credits
from normalize.dates import parse_date, parse_start
from normalize.durations import parse_duration
from normalize.languages import parse_languages
from normalize.money import Money, parse_tuition
from normalize.parsed import Parsed
from normalize.places import parse_locations
from normalize.scores import parse_score, test_name


@dataclass(frozen=True, slots=True)
class FieldResult:
    values: dict[str, Any] = field(default_factory=dict)  # output column → value; an empty dict: no value
    flags: list[str] = field(default_factory=list)  # why the string gave no value
    notes: list[str] = field(default_factory=list)  # a stand-in that carries no value ("See website")


def _fees(fees: dict[str, Money]) -> dict[str, Any]:
    prefix = {"all": "tuition"} if set(fees) == {"all"} else {a: f"tuition_{a}" for a in fees if a != "all"}
    out: dict[str, Any] = {}
    for audience, name in prefix.items():
        money = fees[audience]
        out.update({f"{name}_amount": money.amount, f"{name}_currency": money.currency or None,
                    f"{name}_period": money.period})
    return out


def _score(label: str, text: str) -> tuple[Parsed, Callable[[Any], dict[str, Any]]]:
    name = test_name(label) or label.upper()

    def columns(score: Any) -> dict[str, Any]:
        if name == "IELTS":
            return {"ielts_min": score}
        if name == "TOEFL_IBT":
            return {"toefl_ibt_min": int(score)}
        return {"other_scores": {name: score}}
    return parse_score(label, text), columns


# field → (parser called on (text, label, country), the parsed value as output columns)
FIELDS: dict[str, Callable[[str, str, str | None], tuple[Parsed, Callable[[Any], dict[str, Any]]]]] = {
    "duration": lambda t, lb, c: (parse_duration(t), lambda v: {
        "duration_months": v.full_time_months, "duration_months_part_time": v.part_time_months}),
    "tuition": lambda t, lb, c: (parse_tuition(t, c), _fees),
    "deadline": lambda t, lb, c: (parse_date(t), lambda v: {"application_deadline": v}),
    "start": lambda t, lb, c: (parse_start(t), lambda v: {
        "start_months": sorted({m for m, _ in v}), "start_dates": sorted({f"{y:04d}-{m:02d}" for m, y in v if y})}),
    "english_test": lambda t, lb, c: _score(lb, t),
    "credits": lambda t, lb, c: (parse_credits(t), lambda v: {"ects": v[0], "credits_other": v[1]}),
    "study_mode": lambda t, lb, c: (parse_mode(t), lambda v: {"study_mode": v}),
    "pace": lambda t, lb, c: (parse_pace(t), lambda v: {"pace": v}),
    "location": lambda t, lb, c: (parse_locations(t), lambda v: {
        "city": v[0].city, "country": v[0].country,
        "campuses": [f"{p.city}, {p.country}" if p.city else p.country for p in v]}),
    "languages": lambda t, lb, c: (parse_languages(t), lambda v: {"languages": list(v)}),
}


def normalize_field(field_name: str, text: str, *, label: str = "", country: str | None = None) -> FieldResult:
    """Raises KeyError for a field the pipeline does not know (the CLI turns it into a usage error)."""
    parsed, columns = FIELDS[field_name](text, label, country)
    if parsed.value is None:
        return FieldResult(flags=[parsed.problem] if parsed.problem else [], notes=[parsed.note] if parsed.note else [])
    values = {k: v for k, v in columns(parsed.value).items() if v not in (None, [], {})}
    return FieldResult(values=values, notes=[parsed.note] if parsed.note else [])
