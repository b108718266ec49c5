"""Degrees and study levels: one taxonomy, used by the normaliser and the linker alike."""

from __future__ import annotations

import re

from normalize.parsed import Parsed, bad, memo, placeholder, squash

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
