"""normalise → link → merge: raw records of every portal in, canonical programmes out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from normalize.ids import assign_ids
from normalize.link import LinkResult, LinkSettings, link_records
from normalize.merge import merge_cluster
from normalize.models import CanonicalRecord, SourceRecord
from normalize.record import normalize_record
from scrapers.records import RawRecord


@dataclass
class Reconciled:
    source_records: list[SourceRecord]
    programmes: list[CanonicalRecord]
    link: LinkResult


def reconcile(raw_records: Sequence[RawRecord], *, as_of: date, known_ids: Mapping[str, str] | None = None,
              link_settings: LinkSettings = LinkSettings()) -> Reconciled:
    records = [normalize_record(r, as_of=as_of) for r in raw_records]
    return reconcile_records(records, known_ids=known_ids, link_settings=link_settings)


def merge_linked(by_ref: dict[str, SourceRecord], link: LinkResult, *, known_ids: Mapping[str, str] | None = None,
                 release: bool = False) -> list[CanonicalRecord]:
    """One canonical record per linked cluster, sorted by id. `release`: each source record leaves `by_ref` as
    its programme is merged, so the two are not all held at once."""
    take = by_ref.pop if release else by_ref.__getitem__
    ids = assign_ids(link.clusters, known_ids or {})
    programmes = [merge_cluster(pid, [take(ref) for ref in refs]) for pid, refs in zip(ids, link.clusters)]
    programmes.sort(key=lambda p: p.programme_id)
    return programmes


def reconcile_records(records: Sequence[SourceRecord], *, known_ids: Mapping[str, str] | None = None,
                      link_settings: LinkSettings = LinkSettings()) -> Reconciled:
    link = link_records(records, link_settings)
    programmes = merge_linked({r.ref: r for r in records}, link, known_ids=known_ids)
    return Reconciled(source_records=list(records), programmes=programmes, link=link)


def reconcile_consuming(records: list[SourceRecord], *, known_ids: Mapping[str, str] | None = None,
                        link_settings: LinkSettings = LinkSettings()) -> Reconciled:
    """reconcile_records() for a caller that does not need the source records afterwards: the list is emptied
    and each record is let go as soon as its programme is merged, so source records and programmes are not all
    held at once (at 10^6 records, the difference between the peak and the end state)."""
    link = link_records(records, link_settings)
    by_ref = {r.ref: r for r in records}
    records.clear()
    programmes = merge_linked(by_ref, link, known_ids=known_ids, release=True)
    return Reconciled(source_records=[], programmes=programmes, link=link)
