"""Typed records: one per source page (SourceRecord) and one per real programme (CanonicalRecord).

Plain slotted dataclasses: a record costs one pointer per field (a field more is 8 bytes, not a bigger dict), and
building one runs no validation on the hot path. Values come typed from the parsers; `check_record` validates a
record against the field specification where data leaves the pipeline (tests, `parse`). The value fields are
those of `normalize.fields`, in its order: checked at import, so a field declared there and not here (or the
reverse, or with another type) fails at once, naming it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from normalize.fields import BY_NAME, VALUE_FIELDS


@dataclass(frozen=True, slots=True)
class Flag:
    """A value that did not fit its field: it became missing, and this says why."""

    field: str
    raw: str
    reason: str
    source: str = ""
    url: str = ""

    def short(self) -> str:
        return f"{self.field}: {self.reason} ({self.raw!r})"


@dataclass(frozen=True, slots=True)
class ConflictValue:
    source: str
    value: Any


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources (or one page's repeated blocks) disagree; `chosen` won by `rule`."""

    field: str
    values: tuple[ConflictValue, ...]
    chosen: Any
    rule: str


@dataclass(slots=True, kw_only=True)
class ProgrammeValues:
    """The value fields of `normalize.fields.FIELDS`, in its order."""

    title: str | None = None
    degree: str | None = None
    level: str | None = None
    university: str | None = None
    partner_universities: list[str] = field(default_factory=list)
    city: str | None = None
    country: str | None = None
    campuses: list[str] = field(default_factory=list)
    duration_months: int | None = None
    duration_months_part_time: int | None = None
    ects: int | None = None
    credits_other: str | None = None
    study_mode: str | None = None
    pace: str | None = None
    languages: list[str] = field(default_factory=list)
    start_months: list[int] = field(default_factory=list)
    start_dates: list[str] = field(default_factory=list)
    application_deadline: str | None = None
    tuition_international_amount: Decimal | None = None
    tuition_international_currency: str | None = None
    tuition_international_period: str | None = None
    tuition_international_eur_per_year: Decimal | None = None
    tuition_eu_eea_amount: Decimal | None = None
    tuition_eu_eea_currency: str | None = None
    tuition_eu_eea_period: str | None = None
    tuition_eu_eea_eur_per_year: Decimal | None = None
    tuition_domestic_amount: Decimal | None = None
    tuition_domestic_currency: str | None = None
    tuition_domestic_period: str | None = None
    tuition_domestic_eur_per_year: Decimal | None = None
    living_cost_min_month: Decimal | None = None
    living_cost_max_month: Decimal | None = None
    living_cost_currency: str | None = None
    ielts_min: Decimal | None = None
    toefl_ibt_min: int | None = None
    other_scores: dict[str, Decimal] = field(default_factory=dict)
    subject_area: str | None = None
    tuition_all_amount: Decimal | None = None
    tuition_all_currency: str | None = None
    tuition_all_period: str | None = None


@dataclass(slots=True, kw_only=True)
class SourceRecord(ProgrammeValues):
    """One page's typed values. The page's description is read while normalising (ECTS, partners) and kept only in
    raw/<source>.jsonl: it is the largest string of a page."""

    source: str
    source_key: str
    url: str
    fetched_at: str = ""
    content_hash: str = ""
    flags: list[Flag] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """'source:key', unique across portals."""
        return f"{self.source}:{self.source_key}"


@dataclass(slots=True, kw_only=True)
class CanonicalRecord(ProgrammeValues):
    programme_id: str
    sources: list[str] = field(default_factory=list)  # source names
    source_keys: list[str] = field(default_factory=list)  # 'source:key'
    source_urls: list[str] = field(default_factory=list)
    provenance: dict[str, list[str]] = field(default_factory=dict)  # field → sources that gave the chosen value
    conflicts: list[Conflict] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    fetched_at: str = ""  # the oldest read of its pages (ISO 8601)
    stale: bool = False


def to_dict(record: Any) -> dict[str, Any]:
    """A record (or a Flag, Conflict, ConflictValue) as plain data for JSON; Decimals stay Decimals (the writer
    renders them). Not dataclasses.asdict: its deep copy of every value took most of writing programmes.json."""
    names = _NAMES.get(type(record))
    if names is None:
        names = _NAMES[type(record)] = tuple(f.name for f in dataclasses.fields(record))
    return {name: _plain(getattr(record, name)) for name in names}


_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value] if value and not isinstance(value[0], (str, int, Decimal)) else list(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    return value


_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "Decimal": (Decimal,)}


def check_record(record: ProgrammeValues) -> list[str]:
    """Where each value field breaks its declared type: empty for a valid record. Validation at the edges."""
    problems = []
    for name in VALUE_FIELDS:
        value, declared = getattr(record, name), BY_NAME[name].python
        if declared.startswith("list["):
            inner = _TYPES[declared[5:-1]]
            ok = isinstance(value, list) and all(isinstance(v, inner) and not isinstance(v, bool) for v in value)
        elif declared.startswith("dict["):
            ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, Decimal) for k, v in value.items())
        else:
            inner = _TYPES[declared.removesuffix(" | None")]
            ok = value is None or (isinstance(value, inner) and not isinstance(value, bool))
        if not ok:
            problems.append(f"{name}: {value!r} is not {declared}")
    return problems


def _check_against_spec() -> None:
    declared = [(f.name, str(f.type)) for f in dataclasses.fields(ProgrammeValues)]
    wanted = [(name, BY_NAME[name].python) for name in VALUE_FIELDS]
    if declared != wanted:
        diff: list[Any] = sorted(set(declared) ^ set(wanted)) or ["(order differs)"]
        raise TypeError(f"normalize/models.py ProgrammeValues and normalize/fields.py FIELDS disagree: {diff}")


_check_against_spec()
