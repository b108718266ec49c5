"""Merge: one canonical record per cluster, every field with its provenance, every disagreement a conflict.

Rules, per field:
- values that agree once normalised (compared accent- and case-folded; titles and universities as linking
  normalises them) merge silently;
- a value beats a missing one;
- real disagreements go to the first source in the field's priority (`normalize.fields`) and are recorded as
  a conflict naming every source's value, the chosen one and the rule;
- list fields (languages, start months, campuses, partners) are unions: two portals listing different start
  months both tell the truth;
- a fee a portal states without an audience ("Tuition fees: EUR 2,530") fills the EU/EEA and international
  columns only when no source gives a fee per audience.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from normalize.exchange import eur_per_year
from normalize.fields import AUDIENCES, BY_NAME, SCALAR_FIELDS, UNION_FIELDS
from normalize.money import Money
from normalize.models import CanonicalRecord, Conflict, ConflictValue, SourceRecord
from normalize.link import normalize_title
from normalize.parsed import squash
from normalize.universities import university_key

def _same(value: Any) -> Any:
    return squash(value) if isinstance(value, str) else value


# How values of a field are compared: titles and universities as linking normalises them, so "MSc Data Science"
# and "Data Science", or "ETH Zurich - Swiss Federal Institute of Technology" and "ETH Zurich", agree.
COMPARE: dict[str, Callable[[Any], Any]] = {"title": normalize_title, "university": university_key}


def _priority(field: str) -> tuple[str, ...]:
    return BY_NAME[field].priority


def _rule(field: str) -> str:
    return "source priority: " + " > ".join(_priority(field))


class _Cluster:
    """A cluster's records sorted once per distinct priority order (not once per field)."""

    def __init__(self, records: Sequence[SourceRecord]) -> None:
        self.records = records
        self._sorted: dict[tuple[str, ...], list[SourceRecord]] = {}

    def by_order(self, order: tuple[str, ...]) -> list[SourceRecord]:
        if order not in self._sorted:
            rank = {source: i for i, source in enumerate(order)}
            self._sorted[order] = sorted(self.records, key=lambda r: (rank.get(r.source, len(order)), r.source_key))
        return self._sorted[order]

    def ordered(self, field: str) -> list[SourceRecord]:
        return self.by_order(_priority(field))


def _merge_values(field: str, given: list[tuple[str, Any]]) -> tuple[Any, list[str], Conflict | None]:
    """(chosen value, sources that gave it, conflict or None) from (source, value) pairs in priority order,
    missing values left out."""
    if not given:
        return None, [], None
    chosen = given[0][1]
    if len(given) == 1:
        return chosen, _sources((given[0][0],)), None
    if all(v == chosen for _, v in given):  # the common case: every source printed the same value
        return chosen, _sources(tuple(s for s, _ in given)), None
    same = COMPARE.get(field, _same)
    key = same(chosen)
    provenance = [s for s, v in given if same(v) == key]
    if len(provenance) == len(given):
        return chosen, _sources(tuple(provenance)), None
    conflict = Conflict(field=field, chosen=chosen, rule=_rule(field),
                        values=tuple(ConflictValue(source=s, value=v) for s, v in given))
    return chosen, _sources(tuple(provenance)), conflict


_SHARED_SOURCES: dict[tuple[str, ...], list[str]] = {}


def _sources(names: tuple[str, ...]) -> list[str]:
    """One list object per combination of sources, shared by every field and record that has it: a million
    programmes would otherwise hold tens of millions of identical small lists. Never mutated after merging."""
    shared = _SHARED_SOURCES.get(names)
    if shared is None:
        shared = _SHARED_SOURCES[names] = list(names)
    return shared


def _union(field: str, cluster: _Cluster) -> tuple[list[Any], list[str]]:
    seen: dict[Any, Any] = {}
    sources = []
    for record in cluster.ordered(field):
        values = getattr(record, field)
        if values:
            sources.append(record.source)
            for value in values:
                seen.setdefault(_same(value), value)
    union = list(seen.values())
    if BY_NAME[field].sorted_list:
        union.sort()
    return union, _sources(tuple(sources))


# Scalar fields grouped by their priority order, once: a cluster is sorted once per group, not once per field.
def _values_of(fields: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A record's values of `fields` read in one call (operator.attrgetter), not one getattr per field."""
    if len(fields) == 1:
        return lambda record: (getattr(record, fields[0]),)
    getter: Callable[[Any], tuple[Any, ...]] = attrgetter(*fields)
    return getter


_FIELDS_BY_ORDER: tuple[tuple[tuple[str, ...], tuple[str, ...], Callable[[Any], tuple[Any, ...]]], ...] = tuple(
    (order, fields, _values_of(fields))
    for order in dict.fromkeys(_priority(f) for f in SCALAR_FIELDS)
    for fields in [tuple(f for f in SCALAR_FIELDS if _priority(f) == order)])



def merge_cluster(programme_id: str, records: Sequence[SourceRecord]) -> CanonicalRecord:
    if len(records) == 1:
        return _single(programme_id, records[0])
    cluster = _Cluster(records)
    values: dict[str, Any] = {}
    provenance: dict[str, list[str]] = {}
    conflicts: list[Conflict] = [c for r in cluster.ordered("title") for c in r.conflicts]  # within-page ones carry over
    for order, fields, values_of in _FIELDS_BY_ORDER:
        rows = [(r.source, values_of(r)) for r in cluster.by_order(order)]
        for index, field in enumerate(fields):
            given = [(source, v) for source, row in rows if (v := row[index]) is not None]
            if not given:
                continue
            chosen, sources, conflict = _merge_values(field, given)
            if chosen is not None:
                values[field], provenance[field] = chosen, sources
            if conflict is not None:
                conflicts.append(conflict)
    for field in UNION_FIELDS:
        values[field], sources = _union(field, cluster)
        if values[field]:
            provenance[field] = sources
    scores: dict[str, Any] = {}
    for record in reversed(cluster.ordered("other_scores")):
        scores.update(record.other_scores)  # highest priority written last
    values["other_scores"] = dict(sorted(scores.items()))
    _fill_audiences_from_unlabelled_fee(values, provenance)
    _eur_per_year(values, provenance)
    titled = cluster.ordered("title")
    values.update(programme_id=programme_id, sources=sorted({r.source for r in records}),
                  source_keys=sorted(r.ref for r in records), source_urls=sorted(r.url for r in records),
                  provenance=dict(sorted(provenance.items())), conflicts=conflicts, flags=[f for r in titled for f in r.flags],
                  fetched_at=min((r.fetched_at for r in records if r.fetched_at), default=""))
    return CanonicalRecord(**values)


def _eur_per_year(values: dict[str, Any], provenance: dict[str, list[str]]) -> None:
    """Each audience's fee as euros per year (ECB rates, normalize.exchange), where its period and the programme's
    duration make that exact; derived from the merged fee, so it never disagrees with it."""
    for audience in AUDIENCES:
        amount, currency = values.get(f"tuition_{audience}_amount"), values.get(f"tuition_{audience}_currency")
        if amount is None:
            continue
        money = Money(amount=amount, currency=currency or "", period=values.get(f"tuition_{audience}_period"))
        yearly = eur_per_year(money, values.get("duration_months"))
        if yearly.value is not None:
            values[f"tuition_{audience}_eur_per_year"] = yearly.value
            provenance[f"tuition_{audience}_eur_per_year"] = provenance[f"tuition_{audience}_amount"]


def _fill_audiences_from_unlabelled_fee(values: dict[str, Any], provenance: dict[str, list[str]]) -> None:
    """A fee stated without an audience fills both audience columns, but only when no source gave one per audience."""
    if values.get("tuition_all_amount") is None or values.get("tuition_international_amount") is not None \
            or values.get("tuition_eu_eea_amount") is not None:
        return
    for audience in ("international", "eu_eea"):
        for part in ("amount", "currency", "period"):
            if values.get(f"tuition_all_{part}") is not None:
                values[f"tuition_{audience}_{part}"] = values[f"tuition_all_{part}"]
                provenance[f"tuition_{audience}_{part}"] = provenance[f"tuition_all_{part}"]


def _single(programme_id: str, record: SourceRecord) -> CanonicalRecord:
    """A programme seen on one portal: its values as they are, each with that portal as provenance. Same result
    as the general path (a test compares them), without the per-field comparisons."""
    source = _sources((record.source,))
    values: dict[str, Any] = {name: value for _, fields, values_of in _FIELDS_BY_ORDER
                              for name, value in zip(fields, values_of(record)) if value is not None}
    provenance = dict.fromkeys(values, source)
    for name in UNION_FIELDS:
        values[name] = list(getattr(record, name))
        if values[name]:
            provenance[name] = source
    values["other_scores"] = dict(sorted(record.other_scores.items()))
    _fill_audiences_from_unlabelled_fee(values, provenance)
    _eur_per_year(values, provenance)
    values.update(programme_id=programme_id, sources=[record.source], source_keys=[record.ref], source_urls=[record.url],
                  provenance=dict(sorted(provenance.items())), conflicts=list(record.conflicts), flags=list(record.flags),
                  fetched_at=record.fetched_at)
    return CanonicalRecord(**values)
