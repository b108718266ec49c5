"""Typed records: one per source page (SourceRecord) and one per real programme (CanonicalRecord).

Field names are the CSV column names of the outputs wherever such a column exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field


class Flag(BaseModel, frozen=True):
    """A value that did not fit its field: it became missing, and this says why."""

    field: str
    raw: str
    reason: str
    source: str = ""
    url: str = ""

    def short(self) -> str:
        return f"{self.field}: {self.reason} ({self.raw!r})"


class ConflictValue(BaseModel, frozen=True):
    source: str
    value: Any


class Conflict(BaseModel, frozen=True):
    """Sources (or one page's repeated blocks) disagree; `chosen` won by `rule`."""

    field: str
    values: tuple[ConflictValue, ...]
    chosen: Any
    rule: str


# Fields that hold a value per programme, in CSV order; the reconciler merges exactly these.
VALUE_FIELDS: tuple[str, ...] = (
    "title", "degree", "level", "university", "partner_universities", "city", "country", "campuses",
    "duration_months", "duration_months_part_time", "ects", "credits_other", "study_mode", "pace", "languages",
    "start_months", "start_dates", "application_deadline",
    "tuition_eu_eea_amount", "tuition_eu_eea_currency", "tuition_eu_eea_period",
    "tuition_international_amount", "tuition_international_currency", "tuition_international_period",
    "tuition_all_amount", "tuition_all_currency", "tuition_all_period",
    "living_cost_min_month", "living_cost_max_month", "living_cost_currency",
    "ielts_min", "toefl_ibt_min", "other_scores", "subject_area",
)


class ProgrammeValues(BaseModel):
    title: str | None = None
    degree: str | None = None
    level: str | None = None
    university: str | None = None
    partner_universities: list[str] = Field(default_factory=list)
    city: str | None = None
    country: str | None = None
    campuses: list[str] = Field(default_factory=list)
    duration_months: int | None = None
    duration_months_part_time: int | None = None
    ects: int | None = None
    credits_other: str | None = None
    study_mode: str | None = None
    pace: str | None = None
    languages: list[str] = Field(default_factory=list)
    start_months: list[int] = Field(default_factory=list)
    start_dates: list[str] = Field(default_factory=list)
    application_deadline: str | None = None
    tuition_eu_eea_amount: Decimal | None = None
    tuition_eu_eea_currency: str | None = None
    tuition_eu_eea_period: str | None = None
    tuition_international_amount: Decimal | None = None
    tuition_international_currency: str | None = None
    tuition_international_period: str | None = None
    tuition_all_amount: Decimal | None = None
    tuition_all_currency: str | None = None
    tuition_all_period: str | None = None
    living_cost_min_month: Decimal | None = None
    living_cost_max_month: Decimal | None = None
    living_cost_currency: str | None = None
    ielts_min: Decimal | None = None
    toefl_ibt_min: int | None = None
    other_scores: dict[str, Decimal] = Field(default_factory=dict)
    subject_area: str | None = None


class SourceRecord(ProgrammeValues):
    source: str
    source_key: str
    url: str
    fetched_at: str = ""
    content_hash: str = ""
    description: str | None = None
    flags: list[Flag] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def ref(self) -> str:
        """'source:key', unique across portals."""
        return f"{self.source}:{self.source_key}"


class CanonicalRecord(ProgrammeValues):
    programme_id: str
    sources: list[str] = Field(default_factory=list)  # source names
    source_keys: list[str] = Field(default_factory=list)  # 'source:key'
    source_urls: list[str] = Field(default_factory=list)
    provenance: dict[str, list[str]] = Field(default_factory=dict)  # field → sources that gave the chosen value
    conflicts: list[Conflict] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    stale: bool = False
    last_seen_run: str | None = None
