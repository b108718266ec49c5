"""Typed records: one per source page (SourceRecord) and one per real programme (CanonicalRecord).

Field names are the CSV column names of the outputs wherever such a column exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel


ModelT = TypeVar("ModelT", bound=BaseModel)


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
    """List and dict defaults are plain literals: pydantic copies them per instance, and unlike default_factory
    they do not make pydantic inspect a factory's signature on every construction."""

    title: str | None = None
    degree: str | None = None
    level: str | None = None
    university: str | None = None
    partner_universities: list[str] = []
    city: str | None = None
    country: str | None = None
    campuses: list[str] = []
    duration_months: int | None = None
    duration_months_part_time: int | None = None
    ects: int | None = None
    credits_other: str | None = None
    study_mode: str | None = None
    pace: str | None = None
    languages: list[str] = []
    start_months: list[int] = []
    start_dates: list[str] = []
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
    other_scores: dict[str, Decimal] = {}
    subject_area: str | None = None


class SourceRecord(ProgrammeValues):
    """One page's typed values. The page's description is read while normalising (ECTS, partners) and kept only in
    raw/<source>.jsonl: it is the largest string of a page, and at 42 fields a record's dict fits CPython's
    64-slot table (43 needed twice the memory per record)."""

    source: str
    source_key: str
    url: str
    fetched_at: str = ""
    content_hash: str = ""
    flags: list[Flag] = []
    conflicts: list[Conflict] = []
    notes: list[str] = []

    @property
    def ref(self) -> str:
        """'source:key', unique across portals."""
        return f"{self.source}:{self.source_key}"


class CanonicalRecord(ProgrammeValues):
    programme_id: str
    sources: list[str] = []  # source names
    source_keys: list[str] = []  # 'source:key'
    source_urls: list[str] = []
    provenance: dict[str, list[str]] = {}  # field → sources that gave the chosen value
    conflicts: list[Conflict] = []
    flags: list[Flag] = []
    stale: bool = False
    last_seen_run: str | None = None


# pydantic keeps a per-instance set of the fields given (2 KB each at 43 fields). Our constructors give every
# field, so one shared set of all names is exactly right, and pydantic's __setattr__ only ever adds names already
# in it. Saves 2 KB per record at a million records.
SOURCE_FIELDS_SET: set[str] = set(SourceRecord.model_fields)
CANONICAL_FIELDS_SET: set[str] = set(CanonicalRecord.model_fields)


def construct(cls: type[ModelT], fields_set: set[str], values: dict[str, Any]) -> ModelT:
    """A model from values that are already typed and complete (every field given): what
    `BaseModel.model_construct` ends with, without its walk over every field (~8 µs of ~9 per record at 48
    fields, measured). Only for models without post-init hooks, private attributes or extras, checked below;
    a test checks the records it builds validate unchanged."""
    model = cls.__new__(cls)
    _set_attribute(model, "__dict__", values)
    _set_attribute(model, "__pydantic_fields_set__", fields_set)
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


_set_attribute = object.__setattr__
for _model in (SourceRecord, CanonicalRecord):
    assert not _model.__pydantic_post_init__ and not _model.__private_attributes__, _model
    assert _model.model_config.get("extra") in (None, "ignore"), _model
