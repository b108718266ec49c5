"""Reconciling on several cores: records are partitioned by university, which every blocking rule includes, so
no pair ever crosses partitions and each partition reconciles on its own.

Each forked worker reads the raw stream itself, keeps its partition, and normalises, links and merges it; the
parent does partition 0 meanwhile. Results come back pickled (records are slotted dataclasses: pickled as their
slot values). Small inputs stay in one process: a fork costs more than it saves there. The cyclic collector is
the caller's business: at a million records it rescans the growing heap, so the CLI and the benchmark pause it
around a run (library code leaves it alone).
"""

from __future__ import annotations

import heapq
import multiprocessing
import pickle
import traceback
import zlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from normalize.ids import derive_id
from normalize.link import LinkResult, LinkSettings, preload_gazetteer
from normalize.universities import university_key
from normalize.reconcile import Reconciled, reconcile_consuming, reconcile_records
from normalize.record import normalize_record
from scrapers.records import RawRecord

RawSource = Callable[[], Iterable[RawRecord]]  # called once per process: each reads the raw records itself
MIN_RECORDS_PER_WORKER = 20_000


class ReconcileError(RuntimeError):
    """A worker failed; the message carries its traceback."""


def partition_of(raw: RawRecord, partitions: int) -> int:
    """Stable across processes and runs (crc32, not Python's salted hash); no university → partition 0, where the
    no-university blocking rule finds its pairs."""
    names = raw.fields.get("university")
    if partitions == 1 or not names:
        return 0
    return zlib.crc32(university_key(names[0]).encode()) % partitions


def _reconcile_partition(raw_source: RawSource, index: int, partitions: int, as_of: date,
                         known_ids: Mapping[str, str], link_settings: LinkSettings,
                         keep_source_records: bool) -> Reconciled:
    records = [normalize_record(r, as_of=as_of) for r in raw_source() if partition_of(r, partitions) == index]
    if keep_source_records:
        return reconcile_records(records, known_ids=known_ids, link_settings=link_settings)
    return reconcile_consuming(records, known_ids=known_ids, link_settings=link_settings)


def _to_wire(result: Reconciled, keep_source_records: bool) -> tuple[Any, ...]:
    link = result.link
    return (result.source_records if keep_source_records else [], result.programmes, link.clusters, link.review,
            link.matched_pairs, link.review_left_out, link.skipped_blocks)


def _from_wire(wire: tuple[Any, ...]) -> Reconciled:
    sources, programmes, clusters, review, matched, left_out, skipped = wire
    return Reconciled(source_records=sources, programmes=programmes,
                      link=LinkResult(clusters=clusters, matched_pairs=matched, review=review, review_left_out=left_out,
                                      skipped_blocks=skipped))


def _worker(sender: Any, raw_source: RawSource, index: int, partitions: int, as_of: date,
            known_ids: Mapping[str, str], link_settings: LinkSettings, keep_source_records: bool) -> None:
    try:
        result = _reconcile_partition(raw_source, index, partitions, as_of, known_ids, link_settings, keep_source_records)
        payload = pickle.dumps(("ok", _to_wire(result, keep_source_records)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the worker's boundary: the parent raises it with this traceback
        payload = pickle.dumps(("error", traceback.format_exc()))
    sender.send_bytes(payload)
    sender.close()


def reconcile_parallel(raw_source: RawSource, *, as_of: date, workers: int, expected_records: int,
                       known_ids: Mapping[str, str] | None = None, link_settings: LinkSettings = LinkSettings(),
                       keep_source_records: bool = True,
                       min_records_per_worker: int = MIN_RECORDS_PER_WORKER) -> Reconciled:
    """Same result as reconcile() on the same records (a test checks it), on up to `workers` processes."""
    known_ids = known_ids or {}
    partitions = max(1, min(workers, expected_records // max(1, min_records_per_worker)))
    if partitions == 1:
        return _reconcile_partition(raw_source, 0, 1, as_of, known_ids, link_settings, keep_source_records)
    preload_gazetteer()  # loaded once before forking: the workers share it (copy on write) instead of each loading it
    context = multiprocessing.get_context("fork")  # workers inherit the raw source: nothing is sent to them
    children = []
    for index in range(1, partitions):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_worker, daemon=True, args=(
            sender, raw_source, index, partitions, as_of, known_ids, link_settings, keep_source_records))
        process.start()
        sender.close()
        children.append((process, receiver))
    parts = [_reconcile_partition(raw_source, 0, partitions, as_of, known_ids, link_settings, keep_source_records)]
    for process, receiver in children:
        try:
            status, data = pickle.loads(receiver.recv_bytes())  # the bytes are let go as soon as they are read
        except EOFError:
            process.join()
            raise ReconcileError(f"reconcile worker {process.pid} died (exit code {process.exitcode})") from None
        process.join()
        if status == "error":
            raise ReconcileError(f"reconcile worker failed:\n{data}")
        parts.append(_from_wire(data))
    return _combine(parts)


def _combine(parts: list[Reconciled]) -> Reconciled:
    """One result from the partitions' results, each already sorted: merged, not sorted again. A programme id
    claimed twice (a university renamed between runs can split one old cluster across partitions) keeps it in
    the part merged first; the other gets a new id derived from its keys, as ids.assign_ids does inside one
    partition."""
    programmes = list(heapq.merge(*(part.programmes for part in parts), key=lambda p: p.programme_id))
    taken: set[str] = set()
    renamed = False
    for programme in programmes:
        if programme.programme_id in taken:
            new = derive_id([*programme.source_keys, programme.programme_id])
            while new in taken:
                new = derive_id([*programme.source_keys, new])
            programme.programme_id, renamed = new, True
        taken.add(programme.programme_id)
    if renamed:
        programmes.sort(key=lambda p: p.programme_id)
    review = sorted((pair for part in parts for pair in part.link.review), key=lambda p: (-p.score, p.left, p.right))
    link = LinkResult(clusters=list(heapq.merge(*(part.link.clusters for part in parts))),
                      matched_pairs=sum(part.link.matched_pairs for part in parts), review=review,
                      review_left_out=sum(part.link.review_left_out for part in parts),
                      skipped_blocks=sum(part.link.skipped_blocks for part in parts))
    return Reconciled(source_records=[r for part in parts for r in part.source_records], programmes=programmes, link=link)
