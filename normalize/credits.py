"""Credits: ECTS apart from other credit systems, which are kept as printed and never converted.

Swedish hp/högskolepoäng, Italian CFU, German Leistungspunkte (LP), Dutch studiepunten (EC), Norwegian studiepoeng,
Turkish AKTS and plain "credits"/"crédits"/"créditos"/"crediti" of European programmes are ECTS. Credits named for
another system ("180 UK credits", "30 credit hours", "180 alternative credits") are kept as printed. A sentence
names the programme's total beside modules' and the thesis' credits: the total is the count marked "total"/
"insgesamt", else the one count left after module, thesis, per-year and "offered" counts are set aside; a range,
a minimum or maximum, or several totals are flagged. One pass over the tokens: linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.parsed import Parsed, bad, memo, missing, placeholder, squash
from normalize.wordnumbers import fold

_ECTS_UNITS = frozenset({
    "ects", "ec", "hp", "hogskolepoang", "cfu", "lp", "leistungspunkte", "leistungspunkten", "leistungspunkt",
    "studiepunten", "studiepunt", "studiepoeng", "stp", "akts", "opintopistetta", "op", "cp", "ects-punkte",
})
_POINTS = frozenset({"point", "points"})  # "180 CATS points", "120 points": ECTS only when so named
_CREDIT_WORDS = frozenset({"credit", "credits", "credito", "creditos", "crediti", "kredit", "krediter",
                           "credit-points"}) | _POINTS
_ECTS_QUALIFIERS = frozenset({"ects", "european", "total", "formativi", "universitari", "academic", "akademische"})
_HOURS = frozenset({"hour", "hours", "units", "unit"})
_OTHER_SYSTEMS = frozenset({"uk", "us", "cats", "scqf", "alternative", "semester", "quarter", "graduate", "american",
                            "hour", "hours", "nqf", "scotcat"})
_TOTAL = frozenset({"total", "totale", "totaal", "totalt", "insgesamt", "totalisant", "totaling", "totalling",
                    "overall", "altogether"})
_PART = frozenset({"each", "per", "je", "jeweils", "module", "modules", "modul", "moduls", "thesis", "dissertation",
                   "masterarbeit", "abschlussarbeit", "kolloquium", "course", "courses", "offered", "ofertan",
                   "ofrecen", "optional", "elective", "electives", "core", "ogni", "par", "cada", "project",
                   "internship", "placement", "which", "davon", "including", "inklusive", "einschliesslich", "dont",
                   "incluyendo", "inclusi", "incl"})
_LIMITS = frozenset({"least", "minimum", "min", "mindestens", "maximum", "max", "most", "hochstens", "minimo",
                     "maximo", "than", "upto"})
_RANGE = frozenset({"to", "bis", "a", "tot", "-", "until", "till"})
_OR = frozenset({"or", "oder", "ou", "o", "of", "/"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:-[^\W\d_]+)?|[^\s\w]")
_STAND_IN = re.compile(r"\b(?:see|please|contact|website|visit|details)\b")


@dataclass(frozen=True, slots=True)
class _Mention:
    value: float
    ects: bool
    start: int  # token index of the number
    end: int  # token index after the unit
    words: tuple[str, ...]  # the tokens as printed, folded


def _tokens(text: str) -> list[str]:
    folded = " ".join(fold(text).split())
    folded = folded.replace("up to", "upto")
    return [m.group() for m in _TOKEN.finditer(folded)]


def _number(tok: str) -> float | None:
    if not tok[0].isdigit() or len(tok) > 7:
        return None
    return float(tok.replace(",", "."))


def _is_ects_unit(tok: str) -> bool:
    """'ECTS', 'LP', 'ECTS-Punkte', 'ECTS-Leistungspunkte'."""
    return tok in _ECTS_UNITS or ("-" in tok and any(part in _ECTS_UNITS for part in tok.split("-")))


def _labelled(toks: list[str], i: int) -> _Mention | None:
    """'ECTS: 120', 'Credits: 90', 'UK credits: 180': the unit as a label before the number."""
    if i < 2 or toks[i - 1] != ":" or (unit := toks[i - 2]) not in _CREDIT_WORDS and not _is_ects_unit(unit):
        return None
    value = _number(toks[i])
    if value is None or (i + 1 < len(toks) and (_is_ects_unit(toks[i + 1]) or toks[i + 1] in _CREDIT_WORDS)):
        return None  # "Credits: 120 ECTS" is read forwards
    qualifier = toks[i - 3] if i >= 3 and toks[i - 3][0].isalpha() else ""
    if _is_ects_unit(unit) or qualifier == "ects":
        return _Mention(value, True, i, i + 1, (unit, ":", toks[i]))
    ects = unit not in _POINTS and qualifier not in _OTHER_SYSTEMS
    words = (qualifier, unit, ":", toks[i]) if qualifier and not ects else (unit, ":", toks[i])
    return _Mention(value, ects, i, i + 1, words)


def _mention(toks: list[str], i: int) -> _Mention | None:
    """The credit count at token i: 'N [words] unit' with at most three words between."""
    value = _number(toks[i])
    if value is None:
        return None
    if (labelled := _labelled(toks, i)) is not None:
        return labelled
    j = i + 1
    if j < len(toks) and toks[j] == ")" and i > 0 and toks[i - 1] == "(":  # "two hundred and forty (240) ECTS"
        j += 1
    between: list[str] = []
    while j < len(toks) and len(between) <= 3:
        tok = toks[j]
        if _is_ects_unit(tok):
            end = j + 1 + (j + 1 < len(toks) and toks[j + 1] in _CREDIT_WORDS)  # "180 ECTS credits"
            return _Mention(value, True, i, end, tuple(toks[i:end]))
        if tok in _CREDIT_WORDS:
            after = toks[j + 1:j + 4]
            if after[:1] and after[0] in _HOURS:
                return _Mention(value, False, i, j + 2, tuple(toks[i:j + 2]))
            if "ects" in after[:3] and (after[0] == "ects" or after[:2] == ["(", "ects"]):
                return _Mention(value, True, i, j + 1, tuple(toks[i:j + 1]))
            ects = all(word in _ECTS_QUALIFIERS for word in between) and tok not in _POINTS
            return _Mention(value, ects, i, j + 1, tuple(toks[i:j + 1]))
        if not tok[0].isalpha():
            return None
        between.append(tok)
        j += 1
    return None


def _near(toks: list[str], lo: int, hi: int, words: frozenset[str]) -> bool:
    return any(tok in words or tok.startswith("gesamt") and "gesamt" in words for tok in toks[max(lo, 0):hi])


@memo
def parse_credits(raw: str) -> Parsed[tuple[int | None, str | None]]:
    """(ECTS, other credits as printed). '120 ECTS', '60 ECTS credits' → (120, None); '180 UK credits' → (None, ...)."""
    if (empty := placeholder(raw)) is not None and (squash(raw) or not raw.strip()):
        return empty  # (placeholder() folds to ASCII: all-Greek text would look empty to it)
    toks = _tokens(raw)
    mentions: list[_Mention] = []
    i = 0
    while i < len(toks):
        found = _mention(toks, i)
        if found is None:
            i += 1
            continue
        mentions.append(found)
        i = found.end
    if not mentions:
        if any(_number(tok) is not None for tok in toks):
            return bad("a number without a credit unit")
        if _STAND_IN.search(" ".join(toks)):
            return missing("the page points elsewhere for the credits")
        return bad("not a credit count")
    totals, counts = [], []
    for m in mentions:
        before = toks[max(m.start - 4, 0):m.start]
        if m.start >= 2 and (_number(toks[m.start - 2]) is not None and toks[m.start - 1] in _RANGE | _OR):
            return bad("a range or alternatives of credit counts")
        if m.start >= 2 and toks[m.start - 1] in ("x", "×", "*") and _number(toks[m.start - 2]) is not None:
            return bad("a product of credit counts ('2 x 60 ECTS')")
        if set(before) & _LIMITS:
            return bad("a minimum or maximum, not the programme's credits")
        if m.end < len(toks) and toks[m.end] == "=":
            continue  # "1 ECTS credit = 27 study hours": a conversion
        if _near(toks, m.start - 4, m.start, _TOTAL | {"gesamt"}) or toks[m.end:m.end + 2] in (["in", "total"],
                                                                                                ["en", "total"]):
            totals.append(m)
        elif not _near(toks, m.start - 3, m.start, _PART) and toks[m.end:m.end + 1] not in (
                ["per"], ["each"], ["par"], ["pro"], ["je"]):
            counts.append(m)
    chosen = totals or counts
    kinds = {(m.value, m.ects) for m in chosen}
    if not kinds:
        return bad("only module or thesis credits")
    if len(kinds) > 1:
        return bad("several credit counts")
    m = chosen[0]
    if not m.ects:
        return Parsed((None, _as_printed(raw, m)))
    if not 1 <= m.value <= 400 or m.value != int(m.value):
        return bad("ECTS outside 1..400")
    return Parsed((int(m.value), None))


def _as_printed(raw: str, m: _Mention) -> str:
    """The count as the page prints it ('180 UK credits'), found again in the raw text; else as read."""
    pattern = r"\W{1,3}".join(re.escape(word) for word in m.words if word not in ("(", ")", ":"))
    found = re.search(pattern, raw, re.IGNORECASE)
    return found.group() if found else " ".join(m.words)
