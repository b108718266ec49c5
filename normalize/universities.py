"""Institutions: names as portals print them, the key they are compared by, partners of joint programmes."""

from __future__ import annotations

import re

from normalize.parsed import memo, squash


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
