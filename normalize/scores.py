"""English and admission tests by label: IELTS 1–9 (half bands), TOEFL iBT 30–120 and paper-based 310–677, and the
others kept by name. A score without a label is never given to a test.

Real cells are sentences as often as bare numbers: "6.5 overall with no band below 6.0", "TOEFL 550 (paper-based)
resp. 213 (computer-based) resp. 79 (internet-based)", "IELTS: Mindestens Band 7,0", "TOEFL (mínimo 235) - ... IELTS
(mínimo 6,5)". The text is read as a stream of test names, TOEFL editions and numbers: each number belongs to the
test named right after it ("6.5 on the ... (IELTS)") or else the last one named before it, or else the label's test;
sub-scores ("no band less than 6", "12 in Reading", "20 in each component") and lengths ("2 years") are not scores.
Only the label's test is read; its scores must agree (two different overall scores, e.g. for two programmes in one
cell, or a range, are flagged). A TOEFL score's edition is the one printed beside it, else the label's, else its
scale's (≤ 120 internet-based, 310–677 paper-based); computer-based scores are not recorded.

No library was found for this: price-parser and number-parser read amounts, not which test a number belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from normalize.parsed import Parsed, bad, memo, missing, placeholder

# canonical test → (min, max, step)
SCALES: dict[str, tuple[Decimal, Decimal, Decimal | None]] = {
    "IELTS": (Decimal(1), Decimal(9), Decimal("0.5")),
    "TOEFL_IBT": (Decimal(30), Decimal(120), Decimal(1)),
    "TOEFL_PBT": (Decimal(310), Decimal(677), Decimal(1)),
    "PTE": (Decimal(10), Decimal(90), Decimal(1)),
    "DUOLINGO": (Decimal(10), Decimal(160), Decimal(1)),
    "CAMBRIDGE": (Decimal(80), Decimal(230), Decimal(1)),
    "GMAT": (Decimal(200), Decimal(805), Decimal(1)),
    "GRE": (Decimal(260), Decimal(340), Decimal(1)),
    "GPA": (Decimal(0), Decimal(100), None),  # scales differ (4.0, 10, 100): kept as printed, range only
}
# Test names as printed (folded): family of tests. TOEFL's editions are told apart by EDITIONS.
FAMILIES = (
    ("IELTS", r"ielts|ielst|international english language test\w*(?: (?:system|service))?"),
    ("TOEFL", r"toefl\w*|test of english as a foreign language"),
    ("PTE", r"pte|pearson"),
    ("CAMBRIDGE", r"cambridge|cae|cpe|fce"),
    ("DUOLINGO", r"duolingo"),
    ("GMAT", r"gmat"),
    ("GRE", r"gre"),
    ("GPA", r"gpa"),
    ("OTHER", r"melab|toeic|oxford|icc|testdaf|unicert|trinity|aptis|languagecert|telc"),
)
EDITIONS = (("TOEFL_PBT", r"pbt|itp|paper\w*|papier\w*|written (?:test|exam)\w*"),  # ITP: the paper scale
            ("TOEFL_CBT", r"cbt|computer\w*|machine[- ]scored"),
            ("TOEFL_IBT", r"ibt|internet\w*"))
_NUM = r"\d+(?:[.,]\d{1,2}(?!\d))?"
TOKEN = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{pattern})\\b)" for name, pattern in FAMILIES + EDITIONS)
    + rf"|(?P<NUM>(?<![\w.,]){_NUM}(?:\s?-\s?{_NUM})?(?![\w]))"
)
FAMILY_RE = {name: re.compile(rf"\b(?:{pattern})\b") for name, pattern in FAMILIES}
# Said of a minimum, not another test: taken out before reading ("575 or higher in the written exam").
QUALIFIERS = re.compile(r"\b(?:or|and) (?:higher|above|better|more|greater|over)\b|\bmeet or exceed\b|"
                        r"\bo (?:superior|mas)\b")
# Words before a number that make it a sub-score ("no band less than 5.5", "(writing 7.0)", "no part below 7").
SUB_BEFORE = re.compile(r"\b(?:less than|lower than|below|under|unter|components?|essay|rating|writing|reading|"
                        r"listening|speaking|lesen|schreiben|horen|sprechen|each|sections?|sectional|element|part)\b")
# Words right after a number that make it a sub-score ("12 in Reading", "22 for the writing section").
SUB_AFTER = re.compile(r"\s?\+?\s?(?:points?|punkte)?\s?(?:min(?:imum)?\.?\s)?(?:in|on|for|at|per|across)?\s?"
                       r"(?:the\s|all\s|every\s)?(?:each\s)?(?:two\s|three\s|four\s|both\s)?"
                       r"(?:reading|writing|listening|speaking|literacy|conversation|comprehension|production|twe|"
                       r"components?|sections?|each|bands?|skills?|subscores?|modules?|parts?|lesen|schreiben)\b")
MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|marz|mai|juni|juli|oktober|dezember")
# Lengths, amounts and dates are not scores ("valid for 2 years", "taken after 1 June 2023").
UNIT_AFTER = re.compile(rf"\s?(?:%|years?|months?|weeks?|days?|hours?|jahre?n?|monate?n?|anos|meses|credits?|ects|"
                        rf"(?:{MONTHS})\b)\b")
MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?\s?$")
# Between a test's name and its score only a few words and no alternative: "The minimum TOEFL score is 90".
ALTERNATIVE = re.compile(r"[,;/]|\b(?:or|oder|o|ou|y|resp|and)\b")
# A test or edition named right after a number: "79 points in the TOEFL2 iBT", "550 on the paper-based version".
AFTER = re.compile(r"\s?\+?\s?(?:points?|punkte|puntos)?\s?\)?\s?(?:\(|,?\s?if\s|(?:on|in|for|at)\s(?:the\s)?)\s?"
                   r"(?:new\s)?")
INVISIBLE = re.compile("[\u0000\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})


@dataclass(frozen=True, slots=True)
class _Number:
    value: Decimal
    is_range: bool
    family: str
    edition: str | None  # TOEFL only: the edition printed beside it


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", INVISIBLE.sub("", text).translate(DASHES))
    text = text.encode("ascii", "ignore").decode("ascii").casefold()
    return re.sub(r"\s+", " ", text).strip()


def _family(text: str) -> str | None:
    found = [(m.start(), name) for name, rx in FAMILY_RE.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


def _editions(text: str) -> set[str]:
    return {name for name, pattern in EDITIONS if re.search(rf"\b(?:{pattern})\b", text)}


@memo
def test_name(label: str) -> str | None:
    """The test a label names; a TOEFL label is internet-based unless it names the paper edition alone."""
    text = _fold(label)
    family = _family(text)
    if family == "TOEFL":
        editions = _editions(text)
        return editions.pop() if len(editions) == 1 and "TOEFL_IBT" not in editions else "TOEFL_IBT"
    return None if family in (None, "OTHER") else family


def _numbers(text: str, label_family: str) -> list[_Number]:
    """Every overall score in the text with the test it belongs to (sub-scores and lengths left out)."""
    tokens = [(m.lastgroup or "", m.start(), m.end()) for m in TOKEN.finditer(text)]
    out: list[_Number] = []
    last_family: str | None = None
    last_test_end = 0
    boundary = 0  # end of the previous number (and of the edition named right after it)
    for kind, start, end in tokens:
        if kind != "NUM":
            if kind in FAMILY_RE:
                last_family, last_test_end = kind, end
            continue
        after = text[end:end + 80]
        gap = text[max(boundary, last_test_end):start]
        edition_gap = text[boundary:start]
        boundary = end
        if UNIT_AFTER.match(after) or MONTH_BEFORE.search(gap) or SUB_BEFORE.search(gap) or SUB_AFTER.match(after):
            continue
        raw = text[start:end]
        first = re.match(_NUM, raw)
        assert first is not None
        if len(first.group()) >= 4 and first.group().isdigit():
            continue  # a year or an amount: no test's scale reaches 1000
        family, edition = last_family or label_family, None
        # A test named just before the number, with no alternative in between, owns it ("The TOEFL score is 90").
        since_name = text[last_test_end:start] if last_family is not None and start - last_test_end <= 80 else ","
        named_before = len(since_name.split()) <= 5 and not ALTERNATIVE.search(since_name)
        if (filler := AFTER.match(after)) is not None:
            rest = after[filler.end():]
            ed = next((n for n, p in EDITIONS if re.match(rf"(?:{p})\b", rest)), None)
            if ed is not None and not (named_before and last_family != "TOEFL"):  # not "IELTS 6.5 (paper-based)"
                edition, family = ed, "TOEFL"
                rest = re.sub(rf"^(?:{dict(EDITIONS)[ed]})\b[\s-]*(?:based\s)?", "", rest)
                boundary = end + filler.end()
            named = next((n for n, rx in FAMILY_RE.items() if rx.match(rest)), None)
            if named is not None and not named_before:  # "TOEFL: 80 (IELTS: 6.0)": 80 stays TOEFL's
                family = named
        if family == "TOEFL" and edition is None:
            positions = [(m.start(), n) for n, p in EDITIONS for m in re.finditer(rf"\b(?:{p})\b", edition_gap)]
            edition = max(positions)[1] if positions else None
        out.append(_Number(Decimal(first.group().replace(",", ".")), "-" in raw, family, edition))
    return out


def _check(name: str, value: Decimal) -> str | None:
    low, high, step = SCALES[name]
    if not low <= value <= high:
        return f"{name} score outside {low}..{high}"
    if step is not None and value % step:
        return f"{name} scores come in steps of {step}"
    return None


@memo
def parse_scores(label: str, raw: str) -> Parsed[tuple[tuple[str, Decimal], ...]]:
    """The label's test's minimum scores as (test, score) pairs: one pair, or two for a TOEFL cell that prints the
    internet- and the paper-based minimum side by side (TOEFL_IBT and TOEFL_PBT)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    name = test_name(label)
    if name is None:
        return bad(f"unknown test {label[:60]!r}")
    if name == "TOEFL_CBT":
        return bad("computer-based TOEFL scores are not recorded")
    text = QUALIFIERS.sub(" ", _fold(raw))
    if not re.search(r"[a-z0-9]", text):
        return missing("no score printed")  # TopUniversities prints a bare '+' where the score is blank
    family = "TOEFL" if name.startswith("TOEFL") else name
    found: dict[str, set[Decimal]] = {}
    for number in _numbers(text, family):
        if number.family != family:
            continue
        if number.is_range:
            return bad("a range of scores")
        test = name
        if family == "TOEFL":
            label_edition = name if _editions(_fold(label)) == {name} else None
            test = number.edition or label_edition or _toefl_scale(number.value) or name
            if test == "TOEFL_CBT":
                continue
        if (problem := _check(test, number.value)) is not None:
            return bad(problem)
        found.setdefault(test, set()).add(number.value)
    if not found:
        return bad("no score for the label's test")
    if any(len(values) > 1 for values in found.values()):
        return bad("several different scores for one test")
    return Parsed(tuple((test, _plain(values.pop())) for test, values in sorted(found.items())))


def _toefl_scale(value: Decimal) -> str | None:
    """The TOEFL edition a bare score's size implies: iBT tops at 120, the paper test starts at 310."""
    return "TOEFL_IBT" if value <= 120 else "TOEFL_PBT" if value >= 310 else None


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


@memo
def parse_score(label: str, raw: str) -> Parsed[Decimal]:
    """The score of the test `test_name(label)` names. A cell that also (or only) prints another TOEFL edition's
    score is flagged here: `parse_scores` gives every edition."""
    scores = parse_scores(label, raw)
    if scores.value is None:
        return Parsed(problem=scores.problem, note=scores.note)
    name = test_name(label)
    if len(scores.value) == 1 and scores.value[0][0] == name:
        return Parsed(scores.value[0][1])
    return bad("scores for " + " and ".join(t for t, _ in scores.value) + f" under the label {label[:60]!r}")
