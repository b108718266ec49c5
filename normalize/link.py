"""Linking: which source records are the same programme.

Declared, not coded (after splink): blocking rules and comparison levels live in `LinkSettings`, in one place.
Cost grows with the data: pairs are only scored inside blocks (normalised university + country), and a
record without a university falls back to a looser key (country + first title word).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from normalize.models import SourceRecord
from normalize.parsed import memo, squash
from normalize.places import university_key

# Words portals put around a title that do not tell programmes apart. Degree words are removed from the title
# but compared separately (degree agreement is its own comparison), so "MA" vs "MSc" still separates them.
_DECORATION = re.compile(
    r"\b(erasmus mundus|joint master(?:'?s)?(?: degree)?(?: in| of)?|master of science(?: in)?|master of arts(?: in)?|"
    r"master of(?= )|master in|masters? (?:degree )?(?:in|of)|msc(?: in)?|m\.sc\.?|ma in|mba|ma|online|"
    r"full[- ]time|part[- ]time|programme|program)\b")
_PARENS = re.compile(r"\([^)]*\)")


@memo
def normalize_title(title: str) -> str:
    """'MSc in Erasmus Mundus Joint Master in Public Sector Innovation and eGovernance (Leuven et al)' →
    'public sector innovation and egovernance'. Keeps every word that names the subject."""
    text = squash(_PARENS.sub(" ", title)).replace("&", " and ")
    text = _DECORATION.sub(" ", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, kw_only=True)
class LinkSettings:
    match_threshold: float = 0.88  # at or above: same programme
    review_threshold: float = 0.70  # between review and match: written to review.csv, not merged
    # comparison weights: added when both sides have a value and agree, subtracted when they disagree
    agree_bonus: float = 0.03
    duration_penalty: float = 0.10
    ects_penalty: float = 0.10
    mode_penalty: float = 0.15
    # disagreements that keep records apart whatever the titles say
    veto_fields: tuple[str, ...] = ("degree", "level", "campus")
    blocking_rules: tuple[str, ...] = ("university_key + country", "country + first title word (no university)")


@dataclass(frozen=True)
class ScoredPair:
    left: str  # record ref
    right: str
    score: float
    title_similarity: float
    reasons: tuple[str, ...]


def block_key(record: SourceRecord) -> str:
    if record.university:
        return f"u|{university_key(record.university)}|{record.country or ''}"
    words = normalize_title(record.title or "").split()
    return f"t|{record.country or ''}|{words[0] if words else ''}"


def _campuses(record: SourceRecord) -> set[str]:
    return {squash(c.split(",")[0]) for c in record.campuses} or ({squash(record.city)} if record.city else set())


def score_pair(a: SourceRecord, b: SourceRecord, settings: LinkSettings) -> ScoredPair:
    title_a, title_b = normalize_title(a.title or ""), normalize_title(b.title or "")
    similarity = fuzz.token_sort_ratio(title_a, title_b) / 100 if title_a and title_b else 0.0
    score, reasons = similarity, []
    vetoes = {
        "degree": a.degree and b.degree and a.degree != b.degree,
        "level": a.level and b.level and a.level != b.level,
        "campus": _campuses(a) and _campuses(b) and not (_campuses(a) & _campuses(b)),
    }
    for name in settings.veto_fields:
        if vetoes[name]:
            reasons.append(f"{name} differs")
            score = min(score, settings.review_threshold - 0.01) if similarity >= settings.match_threshold else score - 0.5
    for name, penalty in (("duration_months", settings.duration_penalty), ("ects", settings.ects_penalty),
                          ("study_mode", settings.mode_penalty)):
        left, right = getattr(a, name), getattr(b, name)
        if left is None or right is None:
            continue
        if left == right:
            score += settings.agree_bonus
        else:
            score -= penalty
            reasons.append(f"{name} differs")
    return ScoredPair(a.ref, b.ref, round(score, 4), round(similarity, 4), tuple(reasons))


@dataclass
class LinkResult:
    clusters: list[list[str]]  # refs, each cluster sorted
    matches: list[ScoredPair] = field(default_factory=list)
    review: list[ScoredPair] = field(default_factory=list)


def candidate_pairs(records: Sequence[SourceRecord]) -> Iterable[tuple[SourceRecord, SourceRecord]]:
    blocks: dict[str, list[SourceRecord]] = defaultdict(list)
    for record in records:
        blocks[block_key(record)].append(record)
    for members in blocks.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a.source != b.source:  # a portal does not list one programme twice under two ids
                    yield a, b


def link_records(records: Sequence[SourceRecord], settings: LinkSettings = LinkSettings()) -> LinkResult:
    """Greedy best-first clustering: pairs above the threshold join clusters, strongest first, never putting two
    records of one source in a cluster (such a pair goes to review instead)."""
    parent = {r.ref: r.ref for r in records}
    sources = {r.ref: {r.source} for r in records}

    def find(ref: str) -> str:
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    scored = [score_pair(a, b, settings) for a, b in candidate_pairs(records)]
    scored.sort(key=lambda p: (-p.score, p.left, p.right))
    result = LinkResult(clusters=[])
    for pair in scored:
        if pair.score >= settings.match_threshold:
            ra, rb = find(pair.left), find(pair.right)
            if ra == rb:
                result.matches.append(pair)
            elif sources[ra] & sources[rb]:
                result.review.append(ScoredPair(pair.left, pair.right, pair.score, pair.title_similarity,
                                                pair.reasons + ("would put two records of one source together",)))
            else:
                parent[rb] = ra
                sources[ra] |= sources.pop(rb)
                result.matches.append(pair)
        elif pair.score >= settings.review_threshold or (pair.title_similarity >= settings.match_threshold):
            result.review.append(pair)
    groups: dict[str, list[str]] = defaultdict(list)
    for ref in parent:
        groups[find(ref)].append(ref)
    result.clusters = sorted(sorted(g) for g in groups.values())
    return result
