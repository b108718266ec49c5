"""Merge: one canonical record per cluster, every field with its provenance, every disagreement a conflict.

Rules, per field:
- values that agree once normalised (compared accent- and case-folded) merge silently;
- a value beats a missing one;
- real disagreements go to the first source in `SOURCE_PRIORITY` (or the field's own order in
  `FIELD_PRIORITY`) and are recorded as a conflict naming every source's value, the chosen one and the rule;
- list fields (languages, start months, campuses, partners) are unions: two portals listing different start
  months both tell the truth;
- a fee a portal states without an audience ("Tuition fees: EUR 2,530") fills the EU/EEA and international
  columns only when no source gives a fee per audience.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from normalize.models import CanonicalRecord, Conflict, ConflictValue, SourceRecord
from normalize.parsed import squash

SOURCE_PRIORITY: tuple[str, ...] = ("studyportals", "topuniversities", "masterstudies")
# Studyportals keeps fees in their original currency per audience and dates as machine-readable attributes;
# TopUniversities' titles and subject areas are cleaner than Masterstudies' (which carry school suffixes).
FIELD_PRIORITY: dict[str, tuple[str, ...]] = {}
UNION_FIELDS = frozenset({"languages", "start_months", "start_dates", "campuses", "partner_universities"})
SCALAR_FIELDS: tuple[str, ...] = (
    "title", "degree", "level", "university", "city", "country", "duration_months", "duration_months_part_time",
    "ects", "credits_other", "study_mode", "pace", "application_deadline",
    "tuition_eu_eea_amount", "tuition_eu_eea_currency", "tuition_eu_eea_period",
    "tuition_international_amount", "tuition_international_currency", "tuition_international_period",
    "tuition_all_amount", "tuition_all_currency", "tuition_all_period",
    "living_cost_min_month", "living_cost_max_month", "living_cost_currency",
    "ielts_min", "toefl_ibt_min", "subject_area",
)


def _same(value: Any) -> Any:
    return squash(value) if isinstance(value, str) else value


def _priority(field: str) -> tuple[str, ...]:
    return FIELD_PRIORITY.get(field, SOURCE_PRIORITY)


def _rank(source: str, field: str) -> int:
    order = _priority(field)
    return order.index(source) if source in order else len(order)


def _rule(field: str) -> str:
    return "source priority: " + " > ".join(_priority(field))


def merge_field(field: str, records: Sequence[SourceRecord]) -> tuple[Any, list[str], Conflict | None]:
    """(chosen value, sources that gave it, conflict or None)."""
    given = sorted(((r.source, getattr(r, field)) for r in records if getattr(r, field) is not None),
                   key=lambda sv: _rank(sv[0], field))
    if not given:
        return None, [], None
    chosen = given[0][1]
    provenance = [s for s, v in given if _same(v) == _same(chosen)]
    if len({_same(v) for _, v in given}) == 1:
        return chosen, provenance, None
    conflict = Conflict(field=field, chosen=chosen, rule=_rule(field),
                        values=tuple(ConflictValue(source=s, value=v) for s, v in given))
    return chosen, provenance, conflict


def _union(field: str, records: Sequence[SourceRecord]) -> tuple[list[Any], list[str]]:
    ordered = sorted(records, key=lambda r: _rank(r.source, field))
    seen: dict[Any, Any] = {}
    for record in ordered:
        for value in getattr(record, field):
            seen.setdefault(_same(value), value)
    values = list(seen.values())
    if field in ("start_months", "start_dates"):
        values.sort()
    return values, [r.source for r in ordered if getattr(r, field)]


def merge_cluster(programme_id: str, records: Sequence[SourceRecord]) -> CanonicalRecord:
    records = sorted(records, key=lambda r: (_rank(r.source, "title"), r.source_key))
    values: dict[str, Any] = {}
    provenance: dict[str, list[str]] = {}
    conflicts: list[Conflict] = [c for r in records for c in r.conflicts]  # within-page ones carry over
    for field in SCALAR_FIELDS:
        chosen, sources, conflict = merge_field(field, records)
        if chosen is not None:
            values[field], provenance[field] = chosen, sources
        if conflict is not None:
            conflicts.append(conflict)
    for field in UNION_FIELDS:
        union, sources = _union(field, records)
        if union:
            values[field], provenance[field] = union, sources
    scores: dict[str, Any] = {}
    for record in sorted(records, key=lambda r: _rank(r.source, "other_scores"), reverse=True):
        scores.update(record.other_scores)  # highest priority written last
    if scores:
        values["other_scores"] = dict(sorted(scores.items()))
    if values.get("tuition_all_amount") is not None and values.get("tuition_international_amount") is None \
            and values.get("tuition_eu_eea_amount") is None:
        for audience in ("international", "eu_eea"):
            for part in ("amount", "currency", "period"):
                if values.get(f"tuition_all_{part}") is not None:
                    values[f"tuition_{audience}_{part}"] = values[f"tuition_all_{part}"]
                    provenance[f"tuition_{audience}_{part}"] = provenance[f"tuition_all_{part}"]
    return CanonicalRecord.model_construct(  # merged from validated-shape records; a test checks it validates
        programme_id=programme_id,
        sources=sorted({r.source for r in records}),
        source_keys=sorted(r.ref for r in records),
        source_urls=sorted(r.url for r in records),
        provenance=dict(sorted(provenance.items())),
        conflicts=conflicts,
        flags=[f for r in records for f in r.flags],
        **values,
    )
