"""Places: cities and ISO 3166-1 alpha-2 countries (pycountry)."""

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
