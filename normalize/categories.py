"""Closed vocabularies: study mode, pace, degree and level, and credits (ECTS apart from other systems)."""

from __future__ import annotations

import re

from normalize.parsed import Parsed, bad, memo, placeholder, squash

MODE_WORDS = (("blended", "blended"), ("hybrid", "blended"), ("online", "online"), ("distance", "online"),
              ("remote", "online"), ("campus", "on_campus"), ("in person", "on_campus"), ("classroom", "on_campus"))
PACE_WORDS = (("full", "full_time"), ("part", "part_time"))

# Degree spellings → canonical abbreviation. Order matters: longer phrases first.
DEGREES = (
    (r"master of business administration|\bm\.?b\.?a\b|\bimba\b", "MBA"),
    (r"master of laws|\bll\.?m\b", "LLM"),
    (r"master of science|\bm\.?sc?\b\.?|\bmsc\b", "MSc"),
    (r"master of arts|\bm\.?a\b\.?", "MA"),
    (r"master of engineering|\bm\.?eng\b", "MEng"),
    (r"master of philosophy|\bm\.?phil\b", "MPhil"),
    (r"master of research|\bm\.?res\b", "MRes"),
    (r"master of public health|\bm\.?p\.?h\b", "MPH"),
    (r"master of public administration|\bm\.?p\.?a\b", "MPA"),
    (r"master of fine arts|\bm\.?f\.?a\b", "MFA"),
    (r"master of education|\bm\.?ed\b", "MEd"),
    (r"master of management analytics|\bmma\b", "MMA"),
    (r"\bph\.?d\b|doctor of philosophy|doctorate", "PhD"),
    (r"bachelor of science|\bb\.?sc\b", "BSc"),
    (r"bachelor of arts|\bb\.?a\b", "BA"),
)
LEVELS = (("phd", "phd"), ("doctor", "phd"), ("bachelor", "bachelor"), ("undergrad", "bachelor"),
          ("master", "master"), ("postgrad", "master"))
DEGREE_LEVEL = {"PhD": "phd", "BSc": "bachelor", "BA": "bachelor"}


@memo
def parse_mode(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    found = {mode for word, mode in MODE_WORDS if word in text}
    if len(found) > 1:
        return Parsed("blended")  # "On campus, Online": both ways of attending
    return Parsed(found.pop()) if found else bad("not a study mode")


@memo
def parse_pace(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    found = {pace for word, pace in PACE_WORDS if re.search(rf"\b{word}[- ]?time\b", text)}
    if not found:
        return bad("not a pace")
    return Parsed("both" if len(found) == 2 else found.pop())


@memo
def parse_degree(raw: str) -> Parsed[str]:
    """'M.Sc.', 'MSc in', 'Online MSc in', 'Master of Science' → 'MSc'."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    for pattern, degree in DEGREES:
        if re.search(pattern, text):
            return Parsed(degree)
    return bad("not a known degree")


@memo
def degree_in_title(title: str) -> str | None:
    """A degree word in a title ('Digital Humanities MSc'); generic 'Master' alone names no degree."""
    parsed = parse_degree(title)
    return parsed.value


@memo
def parse_level(raw: str) -> Parsed[str]:
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    for word, level in LEVELS:
        if word in text:
            return Parsed(level)
    degree = parse_degree(raw).value
    if degree:
        return Parsed(DEGREE_LEVEL.get(degree, "master"))
    return bad("not a study level")


@memo
def parse_credits(raw: str) -> Parsed[tuple[int | None, str | None]]:
    """(ECTS, other credits as printed). '120 ECTS', '60 ECTS credits' → (120, None); '180 UK credits' → (None, ...)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = squash(raw)
    match = re.fullmatch(r"(\d+(?:\.5)?)\s*(ects|ec)\b(?:\s*(credits?|points?))?", text)
    if match:
        ects = float(match.group(1))
        if not 1 <= ects <= 400 or ects != int(ects):
            return bad("ECTS outside 1..400")
        return Parsed((int(ects), None))
    if re.fullmatch(r"\d+(?:\.\d+)?\s*[\w .-]*credits?( points?)?", text):
        return Parsed((None, raw.strip()))  # another credit system: kept apart, never converted
    return bad("not a credit count")
