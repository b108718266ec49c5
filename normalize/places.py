"""Places, languages and institutions: ISO 3166-1 alpha-2 countries and ISO 639-1 languages (pycountry)."""

from __future__ import annotations

import re

import pycountry
from pydantic import BaseModel

from normalize.parsed import Parsed, bad, memo, placeholder, squash

COUNTRY_ALIASES = {"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "usa": "US", "us": "US",
                   "the netherlands": "NL", "holland": "NL", "south korea": "KR", "russia": "RU",
                   "czech republic": "CZ", "turkey": "TR", "vietnam": "VN", "iran": "IR"}
# EU member states plus Iceland, Liechtenstein and Norway. Not in pycountry; membership changes rarely.
EU_EEA = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split())


class Place(BaseModel, frozen=True):
    city: str | None
    country: str  # ISO 3166-1 alpha-2


@memo
def country_code(name: str) -> str | None:
    key = squash(name).strip(". ")
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        pass
    try:  # one unambiguous fuzzy hit ("Republic of Korea"), never a guess between several
        matches = pycountry.countries.search_fuzzy(name.strip()) if len(key) > 3 else []
    except LookupError:
        return None
    return matches[0].alpha_2 if len(matches) == 1 else None


@memo
def parse_locations(raw: str) -> Parsed[tuple[Place, ...]]:
    """'Leuven, Belgium' → (Leuven, BE); 'Paris, France; Berlin, Germany' → two campuses."""
    if (empty := placeholder(raw)) is not None:
        return empty
    places = []
    for piece in re.split(r"\s*[;|]\s*", raw.strip()):
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        if not parts:
            continue
        country = country_code(parts[-1])
        if country is None:
            return bad(f"unknown country {parts[-1]!r}")
        city = parts[0] if len(parts) > 1 else None
        places.append(Place(city=city, country=country))
    return Parsed(tuple(places)) if places else bad("no place")


@memo
def parse_languages(raw: str) -> Parsed[tuple[str, ...]]:
    if (empty := placeholder(raw)) is not None:
        return empty
    codes = []
    for name in re.split(r"\s*(?:,|;|/|\band\b)\s*", raw.strip()):
        if not name:
            continue
        try:
            language = pycountry.languages.lookup(name)
        except LookupError:
            return bad(f"unknown language {name!r}")
        code = getattr(language, "alpha_2", None)
        if code is None:
            return bad(f"{name!r} has no ISO 639-1 code")
        codes.append(code)
    return Parsed(tuple(dict.fromkeys(codes))) if codes else bad("no language")


@memo
def clean_university(raw: str) -> str:
    """Trim what portals add around a name: a leading 'The', ' - long name' tails, an ' Online' storefront,
    typographic apostrophes. 'ETH Zurich - Swiss Federal Institute of Technology' → 'ETH Zurich'."""
    name = re.sub(r"\s+", " ", raw.replace("’", "'")).strip()
    name = re.split(r"\s+[-–|]\s+", name)[0]
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\s+(online|campus)$", "", name, flags=re.IGNORECASE)
    return name


@memo
def university_key(name: str) -> str:
    """How universities are compared for blocking: cleaned, accents folded, only letters and digits."""
    return re.sub(r"[^a-z0-9]+", " ", squash(clean_university(name))).strip()


_JOINT = re.compile(r"(jointly (?:organi[sz]ed|offered|delivered)|consortium|partner universities)[^.:]*[:.]?([^.]*)",
                    re.IGNORECASE)
_INSTITUTION = re.compile(
    r"(?:the\s+)?((?:[A-Z][\w'’-]*\s+)*(?:University|Universität|Université|Universidad|Universiteit|Institute|"
    r"School|College)(?:\s+of(?:\s+[A-Z][\w'’-]*)+)?)")


@memo
def partner_universities(description: str, own: str) -> tuple[str, ...]:
    """Partners named where a joint programme's description lists them ("jointly organized by three universities:
    KU Leuven (...), the University of Münster (...) and the Tallinn University of Technology (...)")."""
    found: list[str] = []
    for match in _JOINT.finditer(description):
        for name in _INSTITUTION.findall(match.group(2)):
            name = name.strip()
            if university_key(name) != university_key(own) and name not in found:
                found.append(name)
    return tuple(found)
