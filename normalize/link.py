"""Linking: which source records are the same programme.

Declared, not coded (after splink): blocking rules and comparison weights live in `LinkSettings` and
`BLOCKING_RULES`, in one place. Cost grows with the data, not its square: pairs are only scored inside blocks,
and every block is keyed on the normalised university and country plus a title key, so a university with
hundreds of programmes still yields small blocks. A record without a university falls back to a looser key
(country + title word).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from normalize.models import SourceRecord
from normalize.parsed import memo, squash
from normalize.universities import university_key

# Words portals put around a title that do not tell programmes apart. Degree words are removed from the title
# but compared separately (degree agreement is its own comparison), so "MA" vs "MSc" still separates them.
_DECORATION = re.compile(
    r"\b(erasmus mundus|joint master(?:'?s)?(?: degree)?(?: in| of)?|master of science(?: in)?|master of arts(?: in)?|"
    r"master of(?= )|master in|masters? (?:degree )?(?:in|of)|msc(?: in)?|m\.sc\.?|ma in|mba|ma|online|"
    r"full[- ]time|part[- ]time|programme|program)\b")
_PARENS = re.compile(r"\([^)]*\)")
TOKEN_MATCH = 85  # two title words are the same word when rapidfuzz's ratio reaches this (typos, plurals)


@memo
def normalize_title(title: str) -> str:
    """'MSc in Erasmus Mundus Joint Master in Public Sector Innovation and eGovernance (Leuven et al)' →
    'public sector innovation and egovernance'. Keeps every word that names the subject."""
    text = squash(_PARENS.sub(" ", title)).replace("&", " and ")
    text = _DECORATION.sub(" ", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Features:
    """What linking compares, computed once per record (not once per pair)."""

    ref: str
    source: str
    title: str
    words: tuple[str, ...]  # title words without 'and', 'of', 'in'
    university: str
    country: str
    campuses: frozenset[str]
    degree: str | None
    level: str | None
    duration_months: int | None
    ects: int | None
    study_mode: str | None


_STOP = frozenset({"and", "of", "in", "the", "for", "with"})


def features(record: SourceRecord) -> Features:
    title = normalize_title(record.title or "")
    words = tuple(w for w in title.split() if w not in _STOP)
    campuses = frozenset(squash(c.split(",")[0]) for c in record.campuses) or \
        (frozenset({squash(record.city)}) if record.city else frozenset())
    return Features(ref=record.ref, source=record.source, title=title, words=words,
                    university=university_key(record.university) if record.university else "",
                    country=record.country or "", campuses=campuses, degree=record.degree, level=record.level,
                    duration_months=record.duration_months, ects=record.ects, study_mode=record.study_mode)


# Blocking rules: a pair is scored when any rule gives both records the same key (None: rule does not apply).
BLOCKING_RULES: tuple[tuple[str, Callable[[Features], str | None]], ...] = (
    ("university + country + title words",
     lambda f: f"{f.university}|{f.country}|{' '.join(sorted(f.words))}" if f.university else None),
    ("university + country + first title word",
     lambda f: f"{f.university}|{f.country}|<{f.words[0]}" if f.university and f.words else None),
    ("university + country + last title word",
     lambda f: f"{f.university}|{f.country}|>{f.words[-1]}" if f.university and f.words else None),
    ("country + first title word (no university)",
     lambda f: f"{f.country}|{f.words[0]}" if not f.university and f.words else None),
)


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


@dataclass(frozen=True)
class ScoredPair:
    left: str  # record ref
    right: str
    score: float
    title_similarity: float
    reasons: tuple[str, ...]


def title_similarity(a: Features, b: Features) -> float:
    """Share of title words with a counterpart on the other side (Monge-Elkan style, both directions). Unlike a
    ratio over whole strings, one different subject word ('cognitive' / 'creative engineering') weighs as a word."""
    if a.title == b.title:
        return 1.0 if a.title else 0.0
    if not a.words or not b.words:
        return 0.0
    matched = sum(1 for w in a.words if any(w == v or fuzz.ratio(w, v) >= TOKEN_MATCH for v in b.words))
    matched += sum(1 for v in b.words if any(v == w or fuzz.ratio(v, w) >= TOKEN_MATCH for w in a.words))
    return matched / (len(a.words) + len(b.words))


def score_features(a: Features, b: Features, settings: LinkSettings) -> ScoredPair | None:
    """None when the titles are too far apart for the pair to reach the review band even with every bonus:
    most pairs a title-word block yields are such, and they need no further work."""
    similarity = title_similarity(a, b)
    if similarity + 3 * settings.agree_bonus < settings.review_threshold:
        return None
    score, reasons = similarity, []
    vetoes = {
        "degree": bool(a.degree and b.degree and a.degree != b.degree),
        "level": bool(a.level and b.level and a.level != b.level),
        "campus": bool(a.campuses and b.campuses and not (a.campuses & b.campuses)),
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


def score_pair(a: SourceRecord, b: SourceRecord, settings: LinkSettings) -> ScoredPair:
    """The score of one pair, far or near (for tests and explanations)."""
    fa, fb = features(a), features(b)
    scored = score_features(fa, fb, settings)
    if scored is None:  # too far apart to be scored further: the title similarity is the whole story
        similarity = round(title_similarity(fa, fb), 4)
        return ScoredPair(a.ref, b.ref, similarity, similarity, ("titles differ",))
    return scored


@dataclass
class LinkResult:
    clusters: list[list[str]]  # refs, each cluster sorted
    matched_pairs: int = 0  # pairs at or above the threshold (including those inside an existing cluster)
    review: list[ScoredPair] = field(default_factory=list)


def candidate_pairs(items: Sequence[Features]) -> Iterable[tuple[Features, Features]]:
    """Each pair once, whichever rules found it: a rule yields a pair only when no earlier rule gave both records
    one key (no set of seen pairs to build). Never two records of one source (a portal does not list one
    programme twice under two ids)."""
    keys = [[key_of(item) for _, key_of in BLOCKING_RULES] for item in items]
    for rule in range(len(BLOCKING_RULES)):
        blocks: dict[str, list[int]] = defaultdict(list)
        for index, item_keys in enumerate(keys):
            key = item_keys[rule]
            if key:
                blocks[key].append(index)
        for members in blocks.values():
            if len(members) < 2:
                continue
            for i, left in enumerate(members):
                left_keys = keys[left]
                for right in members[i + 1:]:
                    if items[left].source == items[right].source:
                        continue
                    right_keys = keys[right]
                    if any(left_keys[k] and left_keys[k] == right_keys[k] for k in range(rule)):
                        continue  # an earlier rule already yielded this pair
                    yield items[left], items[right]


def link_records(records: Sequence[SourceRecord], settings: LinkSettings = LinkSettings()) -> LinkResult:
    """Greedy best-first clustering: pairs above the threshold join clusters, strongest first, never putting two
    records of one source in a cluster (such a pair goes to review instead)."""
    items = [features(r) for r in records]
    parent = {f.ref: f.ref for f in items}
    sources = {f.ref: {f.source} for f in items}

    def find(ref: str) -> str:
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    scored = [p for a, b in candidate_pairs(items) if (p := score_features(a, b, settings)) is not None]
    scored.sort(key=lambda p: (-p.score, p.left, p.right))
    result = LinkResult(clusters=[])
    for pair in scored:
        if pair.score >= settings.match_threshold:
            ra, rb = find(pair.left), find(pair.right)
            if ra == rb:
                result.matched_pairs += 1
            elif sources[ra] & sources[rb]:
                result.review.append(ScoredPair(pair.left, pair.right, pair.score, pair.title_similarity,
                                                pair.reasons + ("would put two records of one source together",)))
            else:
                parent[rb] = ra
                sources[ra] |= sources.pop(rb)
                result.matched_pairs += 1
        elif pair.score >= settings.review_threshold or pair.title_similarity >= settings.match_threshold:
            result.review.append(pair)
    groups: dict[str, list[str]] = defaultdict(list)
    for ref in parent:
        groups[find(ref)].append(ref)
    result.clusters = sorted(sorted(g) for g in groups.values())
    return result
