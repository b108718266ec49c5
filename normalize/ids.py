"""Stable programme ids: a programme keeps its id while any of its source keys is still seen.

The run history supplies `known` (source ref → programme_id). A cluster with no known ref gets an id derived
deterministically from its sorted refs (sqlite-utils' hash-of-sorted-JSON idea), so the same data always
yields the same ids even without history.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence


def derive_id(refs: Sequence[str]) -> str:
    digest = hashlib.sha1(json.dumps(sorted(refs)).encode()).hexdigest()
    return f"p{digest[:11]}"


def assign_ids(clusters: Sequence[Sequence[str]], known: Mapping[str, str]) -> list[str]:
    """One id per cluster. When clusters split, the larger part (then the sorted-first) keeps the old id."""
    ids: list[str | None] = [None] * len(clusters)
    claims: dict[str, list[tuple[int, int]]] = {}
    for index, refs in enumerate(clusters):
        old = sorted({known[r] for r in refs if r in known})
        if old:  # when clusters merge, the oldest-sorting id of its parts survives
            claims.setdefault(old[0], []).append((-sum(known.get(r) == old[0] for r in refs), index))
    for old_id, claimants in claims.items():
        ids[min(claimants)[1]] = old_id
    taken = set(i for i in ids if i)
    for index, refs in enumerate(clusters):
        if ids[index] is None:
            new = derive_id(refs)
            while new in taken:
                new = derive_id([*refs, new])
            ids[index] = new
            taken.add(new)
    return [i for i in ids if i is not None]
