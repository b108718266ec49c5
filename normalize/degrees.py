"""Degrees and study levels: one taxonomy, used by the normaliser (`parse_degree`, `degree_in_title`, `parse_level`)
and by the linker (`degrees_in`, `strip_degrees`), so both read "MSc (Research)" or "PgDip" the same way.

Hand-written: no maintained library maps award spellings to awards (the nearest, `cleanco`-style name cleaners
and the HESA/FHEQ code lists, name qualifications but do not parse "MA/MSc - ..." or "MSc (Res)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.parsed import Parsed, bad, memo, missing, placeholder, squash


@dataclass(frozen=True, slots=True)
class Degree:
    name: str  # canonical spelling, as published
    level: str  # master, bachelor, phd
    kind: str  # taught, research, exit (an interim award of a longer course), integrated, doctorate, bachelor
    pattern: str  # matched on squash()ed text; no nested quantifiers (linear time)


# Longer and more specific spellings come before the shorter ones they contain ("MSc (Research)" before "MSc"):
# the alternation below tries them in this order at each position.
TAXONOMY: tuple[Degree, ...] = (
    Degree("MSc (Res)", "master", "research",
           r"m\.? ?sc\.? ?\((?:by )?(?:res|research|r)\.?\)|m\.? ?sc\.? by research|master of science by research"),
    Degree("MA (Res)", "master", "research",
           r"m\.? ?a\.? ?\((?:by )?(?:res|research)\.?\)|m\.? ?a\.? by research|master of arts by research"),
    Degree("MBA", "master", "taught", r"master of business administration|m\.? ?b\.? ?a\.?|[ei]mba"),
    Degree("LLM", "master", "taught", r"master of laws?|ll\.? ?m\.?"),
    # 'Master of Engineering Management' / '... Science' are awards of their own: the long form names the MEng
    # only where no further word follows it ('Master of Engineering', '... in X', '... (X)')
    Degree("MEng", "master", "integrated", r"master of engineering(?! [a-z])|master of engineering(?= in )|"
                                           r"m\.? ?eng\.?"),
    Degree("MPhil", "master", "research", r"master of philosophy|m\.? ?phil\.?"),
    Degree("MRes", "master", "research", r"master of research|m\.? ?res\.?"),
    Degree("MPH", "master", "taught", r"master of public health|m\.? ?p\.? ?h\.?"),
    Degree("MPA", "master", "taught", r"master of public administration|m\.? ?p\.? ?a\.?"),
    Degree("MFA", "master", "taught", r"master of fine arts?|m\.? ?f\.? ?a\.?"),
    Degree("MEd", "master", "taught", r"master of education|m\.? ?ed\.?"),
    Degree("MMA", "master", "taught", r"master of management analytics|mma"),
    Degree("MSc", "master", "taught", r"master of science|m\.? ?sc\.?|m\.s\.|ms"),
    Degree("MA", "master", "taught", r"master of arts|m\.a\.|ma"),
    Degree("PgDip", "master", "exit", r"post-?graduate diploma|p\.? ?g\.? ?dip\.?|pgd"),
    Degree("PgCert", "master", "exit", r"post-?graduate certificate|p\.? ?g\.? ?cert\.?|pgc"),
    Degree("DBA", "phd", "doctorate", r"doctor of business administration|d\.? ?b\.? ?a\.?"),
    Degree("EdD", "phd", "doctorate", r"doctor of education|ed\.? ?d\.?"),
    Degree("PhD", "phd", "doctorate", r"doctor of philosophy|ph\.? ?d\.?|d\.? ?phil\.?|doctorate"),
    Degree("BEng", "bachelor", "bachelor", r"bachelor of engineering|b\.? ?eng\.?"),
    Degree("LLB", "bachelor", "bachelor", r"bachelor of laws?|ll\.? ?b\.?"),
    Degree("BSc", "bachelor", "bachelor", r"bachelor of science|b\.? ?sc\.?"),
    Degree("BA", "bachelor", "bachelor", r"bachelor of arts|b\.a\.|ba"),
)
BY_NAME = {d.name: d for d in TAXONOMY}
DEGREE_LEVEL = {d.name: d.level for d in TAXONOMY}

# One alternation, a named group per degree; a mention must stand as words of its own ("ma" in "management" is
# no MA). The lookarounds are fixed-width, so the scan stays linear.
_GROUP = {f"d{i}": d.name for i, d in enumerate(TAXONOMY)}
_MENTION = re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?P<d{i}>{d.pattern})" for i, d in enumerate(TAXONOMY))
                      + r")(?![a-z0-9])")
# A level named without an award: "Master", "Master's degree", "Postgraduate". Not a degree of its own.
_GENERIC = re.compile(r"(?:master'?s?|masters|postgraduate|post-graduate|graduate|bachelor'?s?|undergraduate|"
                      r"doctoral|doctorate|degree|programme|program|course|taught|research|\s|[-/,.()'])+")
# An award printed that the taxonomy does not know ("MArch", "M.Des.", "Master of Architecture"): kept as printed.
_UNKNOWN_AWARD = re.compile(r"(?:[MBD]\.?(?:[A-Z][a-z]{0,5}\.?){1,3}|(?:Master|Bachelor|Doctor) of [A-Z][\w ]{2,60})")

# Which award a page that prints several stands for ("MA/MSc", "MSc/PgDip", "PGDip/MSc", "MSc, MRes"): the
# linking-dev truth labels such combined pages as the MSc, and exit awards are never the course itself.
_RANK = {"taught": 0, "integrated": 1, "doctorate": 2, "research": 3, "bachelor": 4, "exit": 5}


def degrees_in(text: str) -> tuple[str, ...]:
    """Every award named in `text`, in printed order, without repeats."""
    found: list[str] = []
    for match in _MENTION.finditer(squash(text)):
        name = _GROUP[match.lastgroup or ""]
        if name not in found:
            found.append(name)
    return tuple(found)


def primary(names: tuple[str, ...]) -> str | None:
    """The award a page printing `names` together is for: MSc first, then a taught master's, ..., exit awards last."""
    if not names:
        return None
    return min(names, key=lambda n: (n != "MSc", _RANK[BY_NAME[n].kind], names.index(n)))


@memo
def strip_degrees(text: str) -> str:
    """`text` squashed, with every award mention replaced by a space ('msc/pgdip computing' → '  computing')."""
    return _MENTION.sub(" ", squash(text))


@memo
def parse_degree(raw: str) -> Parsed[str]:
    """'M.Sc.', 'MSc in', 'Online MSc in', 'Master of Science' → 'MSc'; 'MSc (Research)' → 'MSc (Res)';
    'Master' names a level, not an award (a note); an award the taxonomy lacks ('MArch') is kept as printed."""
    if (empty := placeholder(raw)) is not None:
        return empty
    found = primary(degrees_in(raw))
    if found:
        return Parsed(found)
    text = raw.strip()
    if _GENERIC.fullmatch(squash(text)):
        return missing("a study level, not an award")
    if _UNKNOWN_AWARD.fullmatch(text):
        return Parsed(text)
    return bad("not a known degree")


@memo
def degree_in_title(title: str) -> str | None:
    """The award a title names ('Digital Humanities MSc', 'MA/MSc - Virtual Reality' → MSc); generic 'Master' and
    'Master of <subject>' name none (the subject is the title)."""
    found = primary(degrees_in(title))
    if found:
        return found
    for word in title.split():
        word = word.strip("(),;:-/")
        if len(word) <= 7 and re.fullmatch(r"M(?:[A-Z][a-z]{1,5}){1,2}", word):  # 'MArch', 'MDes', 'MLitt'
            return word
    return None


LEVELS = (("phd", "phd"), ("doctor", "phd"), ("bachelor", "bachelor"), ("undergrad", "bachelor"),
          ("master", "master"), ("postgrad", "master"))


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
