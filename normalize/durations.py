"""Programme length in months: "2 years" = "24 months" = 24, "3 semesters" = 18, full- and part-time kept apart.

Real duration strings list several lengths at once ("1 year full time, 2 years part time (MSc), 9 months full
time (PgDip)"), so the text is read as tokens: lengths (a number, in digits or words of any language, and a unit),
pace words, award names, maxima, placement variants. Each length gets a pace (the pace word before it, else after
it, else the pace heading in force) and an award; the master's plain lengths are kept. Two full-time lengths, a
full-time range or alternatives cannot be one value: flagged. A part-time range beside one full-time length only
leaves the part-time length empty. Everything is one pass over the tokens (no backtracking regex): linear time.

dateparser/duration parsers (isodate, pytimeparse) read one span of time, not lists of lengths by pace and award.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from normalize.parsed import Parsed, bad, memo, missing, placeholder, squash
from normalize.wordnumbers import NUMBER_WORDS, fold, prefix_number


@dataclass(frozen=True, slots=True)
class Duration:
    """Full-time and part-time length in months; either may be unknown (None)."""

    full_time_months: int | None = None
    part_time_months: int | None = None


YEAR, MONTH = Decimal(12), Decimal(1)
_UNITS: dict[str, Decimal | None] = {
    **dict.fromkeys(("year", "yr", "jahr", "jahre", "jahren", "jaar", "jaren", "an", "annee", "ano", "anno", "anni",
                     "ar", "ετος", "ετη", "ετων", "χρονια", "χρονο", "χρονος", "χρονων", "yil", "yıl"), YEAR),
    **dict.fromkeys(("month", "mo", "mth", "monat", "monate", "monaten", "maand", "maanden", "moi", "mois", "mes",
                     "mese", "mesi", "μηνες", "μηνας", "μηνων", "manad", "manader", "ay"), MONTH),
    **dict.fromkeys(("semester", "semestern", "semestre", "semestri", "εξαμηνα", "εξαμηνο", "εξαμηνων", "termin",
                     "terminer", "donem", "yarıyıl", "yariyil"), Decimal(6)),
    "trimester": Decimal(4),  # English trimester: a third of the academic year ("4 Trimesters (16 Months)")
    "quarter": Decimal(3), "term": Decimal(6),
    # weeks, days: a module's length, never the programme's; read so that they do not pass for bare numbers
    **dict.fromkeys(("week", "woche", "wochen", "weken", "semaine", "semana", "settimane", "day", "dag"), None),
}
UNITS = {fold(word): per for word, per in _UNITS.items()}  # Greek final sigma folds to σ
# "zweijährige", "tweejarige", "viersemestrigen": a number word glued to a unit adjective
_COMPOUND = {"jahrig": YEAR, "jarig": YEAR, "semestrig": Decimal(6), "monatig": MONTH}
_ADJECTIVES = {fold(word): months for word, months in (
    ("biennale", 24), ("biennio", 24), ("triennale", 36), ("triennio", 36), ("διετες", 24), ("διετης", 24),
    ("διετους", 24), ("τριετες", 36), ("τριετης", 36))}
_BETWEEN_NUMBER_AND_UNIT = frozenset({fold(w) for w in (
    "academic", "calendar", "curricular", "full", "teaching", "akademische", "akademischen", "académico",
    "académicos", "accademico", "accademici", "académique", "académiques", "academisch", "academische",
    "ακαδημαϊκά", "ακαδημαϊκό", "ακαδημαϊκών", "ακαδημαϊκά", "ακαδημαϊκές", "ακαδημαϊκα")})
# "eineinhalb Jahre", "anderhalf jaar", "ενάμισι έτος"; "a year and a half", "un año y medio" are read in length_at
_HALVES = {fold(word): Decimal(value) for word, value in (
    ("eineinhalb", "1.5"), ("anderhalf", "1.5"), ("ενάμισι", "1.5"), ("ενάμιση", "1.5"), ("zweieinhalb", "2.5"),
    ("tweeënhalf", "2.5"), ("dreieinhalb", "3.5"), ("driekwart", "0.75"))}
_HALF_WORDS = frozenset({"half", "medio", "mezzo", "demi", "demie"})
_RANGE_WORDS = frozenset({"to", "bis", "a", "tot", "au", "till", "until", "εως", "hasta"})
_OR_WORDS = frozenset({"or", "oder", "ou", "o", "η", "eller"})
_ALT_WORDS = _OR_WORDS | {"of"}  # Dutch "2 of 3 jaar"; English "of" joins no alternatives, so only between numbers
_AND_WORDS = frozenset({"and", "und", "et", "y", "e", "en", "και"})
_BETWEEN = frozenset({"between", "zwischen", "entre", "tussen", "tra"})
_CLAUSE_PUNCT = frozenset({",", ";", "|", "/", "."})
_PACE = ("FT", "PT")

_INVISIBLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
# Phrases become one upper-case sentinel word (the text is case-folded, so they cannot clash with it).
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), f" {s} ") for p, s in (
    (r"\bfull ?-? ?time\b|\bfulltime\b|\bf/t\b|\bft\b|\bvollzeit\w*|\bvoltijd\w*|\btiempo completo\b"
     r"|\btemps (?:plein|complet)\b|\btempo pieno\b|\bheltid\w*|\bπληρ\w* φοιτησ\w*", "FT"),
    (r"\bpart ?-? ?time\b|\bparttime\b|\bp/t\b|\bpt\b|\bteilzeit\w*|\bdeeltijd\w*|\btiempo parcial\b"
     r"|\btemps partiel\b|\btempo parziale\b|\bdeltid\w*|\bμερικ\w* φοιτησ\w*", "PT"),
    (r"\bup to\b|\bmaximum(?: of)?\b|\bmax\b\.?(?: of\b)?|\bpermissible\b|\bno (?:more|longer) than\b|\bat most\b"
     r"|\bhochstens\b|\bmaximal\b|\bmaximaal\b|\bjusqu'?a\b|\bfino a\b", "MAXI"),
    (r"\bminimum(?: of)?\b|\bat least\b|\bmin\b\.?(?: of\b)?|\bmindestens\b|\bminimaal\b", "MINI"),
    (r"\bplacements?\b|\binternships?\b|\byears? in industry\b|\bindustrial (?:year|training)\b|\bsandwich\b"
     r"|\bprofessional (?:practice|experience)\b|\badvanced practice\b|\bwork experience\b|\bpraktikum\w*"
     r"|\balso available\b|\bstudy abroad\b|\byear abroad\b", "VARNT"),
    (r"\bincluding\b|\bincl\b\.?|\binclusive of\b|\binklusive\b|\beinschliesslich\b", "INCL"),
    (r"\bwith\b|\bmit\b|\bavec\b", "WITH"),
    (r"\bdistance ?-?learning\b|\bdistance\b|\bonline\b|\bblended\b|\bflexibl\w*|\bmodular\b|\bfernstudium\b", "MODE"),
    (r"\bpostgraduate (?:diploma|certificate)\b|\bpg ?(?:dip\w*|cert\w*)|\bpg ?prof ?dev\b|\bpgprofdev\b|\bpg[dc]\b"
     r"|\bpgce\b|\bdiploma\b|\bcertificate\b", "AOTH"),
    (r"\bmres\b|\bm\.?phil\b", "ARES"),
    (r"\bm\.?sc top ?-?up\b|\btop ?-?up\b", "AOTH"),
    (r"\badditional\b|\bfurther\b|\bextra\b|\bweitere\w*", "ADDL"),
    (r"\ue000|\bm\.?sc\b|\bmasc\b|\bll\.?m\b|\bmba\b|\bmeng\b|\bmfa\b|\bmpa\b|\bmph\b"
     r"|\bmaster(?![\'’]?s? ?(?:thesis|dissertation|project|arbeit|level))(?:[\'’]?s)?\b", "AMA"),
))
_AWARDS = ("AMA", "ARES", "AOTH")
_SHORT_MASTERS = re.compile(r"\bM\.A\.|\b(?:MA|MS)\b")
_SENTINELS = frozenset({s.strip() for _, s in _PHRASES} | {"MINI"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+|[^\s\w]")
_STAND_IN = re.compile(r"\b(?:see|please|contact|website|web ?site|visit|details|not yet available|course page)\b")


def _fold(raw: str) -> str:
    """Invisible characters out, '½' read, accents off (Greek letters kept), case folded, dashes one '-'."""
    text = _INVISIBLE.sub("", raw)
    text = _SHORT_MASTERS.sub(" \ue000 ", text)  # "MA", "MS" only in capitals: Italian "ma" is "but"
    text = re.sub(r"(?<=\d) ?½", ".5", text).replace("½", "0.5")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    text = _DASHES.sub("-", text)
    text = re.sub(r"(?<![\d.,/])(\d{1,3}) 1/2\b", r"\1.5", text)  # "2 1/2 years"
    text = re.sub(r"(?<![\d.,])(\d{1,3}) and a half\b", r"\1.5", text)
    text = text.replace("a year and a half", "1.5 years")  # English "a" is no number word ("with a year in industry")
    return " ".join(text.split())


@dataclass(slots=True)
class _Tok:
    kind: str  # num, unit, sent, word, punct
    text: str
    value: Decimal | None = None
    spaced: bool = True  # whitespace before this token


def _tokens(text: str) -> list[_Tok]:
    for pattern, sentinel in _PHRASES:
        text = pattern.sub(sentinel, text)
    text = re.sub(r"(?<![\d.,])(\d{1,3}(?:\.\d{1,2})?) ?\+", r" MINI \1 ", text)  # "2+ years": a minimum
    for number in ("one", "two", "three", "four", "five", "six"):  # "two and a half years"
        text = text.replace(f"{number} and a half", f"{NUMBER_WORDS[number]}.5")
    out: list[_Tok] = []
    end = 0
    for match in _TOKEN.finditer(text):
        word, spaced = match.group(), match.start() > end
        end = match.end()
        if word[0].isdigit():
            if len(word) > 6:
                out.append(_Tok("word", word, spaced=spaced))
                continue
            try:
                out.append(_Tok("num", word, Decimal(word.replace(",", ".")), spaced))
            except InvalidOperation:
                out.append(_Tok("word", word, spaced=spaced))
        elif word in _SENTINELS:
            out.append(_Tok("sent", word, spaced=spaced))
        elif not word[0].isalpha():
            out.append(_Tok("punct", word, spaced=spaced))
        elif word in NUMBER_WORDS:
            out.append(_Tok("num", word, Decimal(NUMBER_WORDS[word]), spaced))
        elif word in _HALVES:
            out.append(_Tok("num", word, _HALVES[word], spaced))
        elif word in UNITS or word.rstrip("s") in UNITS:
            out.append(_Tok("unit", word, UNITS[word if word in UNITS else word.rstrip("s")], spaced))
        elif word in _ADJECTIVES:
            out += [_Tok("num", word, Decimal(_ADJECTIVES[word]), spaced), _Tok("unit", word, MONTH, False)]
        elif (glued := prefix_number(word)) and (per := next(
                (v for k, v in _COMPOUND.items() if glued[1].startswith(k)), None)) is not None:
            out += [_Tok("num", word, Decimal(glued[0]), spaced), _Tok("unit", word, per, False)]
        else:
            out.append(_Tok("word", word, spaced=spaced))
    return _same_number_twice(out)


def _same_number_twice(toks: list[_Tok]) -> list[_Tok]:
    """'four (4) semesters': the number in words and in digits is one number."""
    out: list[_Tok] = []
    for tok in toks:
        out.append(tok)
        if tok.text == ")" and len(out) >= 4 and out[-3].text == "(" and out[-2].kind == out[-4].kind == "num" \
                and out[-2].value == out[-4].value:
            del out[-3:]
    return out


@dataclass(slots=True)
class _Item:
    kind: str  # len, range, alt, short (weeks/days)
    months: Decimal | None
    start: int
    end: int  # exclusive token index
    pace: str | None = None
    pace_from: str = ""  # pre, post, spread, scope
    mode: bool = False  # "distance learning", "flexible", "online" beside it: another edition
    variant: bool = False  # a placement / industry-year edition
    dropped: str = ""  # why it is no length of the programme (a maximum, a qualifier)
    award: str | None = None  # AMA, ARES, AOTH


class _Reader:
    """One string's tokens and the lengths read from them."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.n = len(toks)
        self.match = self._parens()
        self.items: list[_Item] = []
        self.bare_numbers = 0
        tail = [t for t in toks if t.kind != "punct"][-1:]
        self.tail_pace = bool(tail) and tail[0].text in _PACE  # the text ends with a pace word
        # per token, computed once so that every later step stays linear
        self.clause_from = [0] * self.n
        self.clause_to = [self.n] * self.n
        start = 0
        for i in range(self.n):
            self.clause_from[i] = start
            if self._clause_break(i):
                start = i + 1
        end = self.n
        for i in range(self.n - 1, -1, -1):
            if self._clause_break(i):
                end = i
            self.clause_to[i] = end
        self.paces_before = [0] * (self.n + 1)  # how many pace words before token i
        for i, tok in enumerate(toks):
            self.paces_before[i + 1] = self.paces_before[i] + (tok.kind == "sent" and tok.text in _PACE)
        self.opening: list[int | None] = [None] * self.n  # the '(' a token stands in
        stack: list[int] = []
        for i, tok in enumerate(toks):
            self.opening[i] = stack[-1] if stack else None
            if tok.text == "(":
                stack.append(i)
            elif tok.text == ")" and stack:
                stack.pop()

    def _parens(self) -> dict[int, int]:
        """Index of '(' -> its ')' and back."""
        match: dict[int, int] = {}
        stack: list[int] = []
        for i, tok in enumerate(self.toks):
            if tok.text == "(":
                stack.append(i)
            elif tok.text == ")" and stack:
                j = stack.pop()
                match[i], match[j] = j, i
        return match

    def is_(self, i: int, kind: str, *texts: str) -> bool:
        return 0 <= i < self.n and self.toks[i].kind == kind and (not texts or self.toks[i].text in texts)

    def word_in(self, i: int, words: frozenset[str]) -> bool:
        return 0 <= i < self.n and self.toks[i].kind == "word" and self.toks[i].text in words

    # ------------------------------------------------------------------ lengths
    def _unit_at(self, i: int) -> int | None:
        """NUM [-] [academic] UNIT at i: the index of UNIT."""
        if not self.is_(i, "num"):
            return None
        j = i + 1
        if self.is_(j, "punct", "-") and not self.toks[j].spaced:
            j += 1
        if self.word_in(j, _BETWEEN_NUMBER_AND_UNIT):
            j += 1
        return j if self.is_(j, "unit") else None

    def length_at(self, i: int) -> tuple[Decimal | None, int, bool] | None:
        """NUM [-] [academic] UNIT [and M months] [plus LEN] at i: (months or None for weeks, end, is_short)."""
        if (j := self._unit_at(i)) is None:
            return None
        per = self.toks[j].value
        number = self.toks[i].value
        assert number is not None
        if per is None:
            return None, j + 1, True
        months, end = number * per, j + 1
        k = end + (self.word_in(end, _AND_WORDS) and self.word_in(end + 1, frozenset({"a"})))
        if self.word_in(end, _AND_WORDS) and self.word_in(k + 1, _HALF_WORDS):  # "a year and a half", "y medio"
            months, end = months + per / 2, k + 2
        # "1 year 3 months", "2 years and 6 months", "1 year, 10 months": one length
        k = end + (1 if self.is_(end, "punct", ",") or self.word_in(end, _AND_WORDS) else 0)
        if per == YEAR and self.is_(k, "num") and self.is_(k + 1, "unit") and self.toks[k + 1].value == MONTH:
            extra = self.toks[k].value
            if extra is not None and extra < 12 and not self.is_(k + 2, "punct", "-") and not self.word_in(
                    k + 2, _RANGE_WORDS | _OR_WORDS):
                months, end = months + extra, k + 2
        if self.word_in(end, frozenset({"plus"})) and (unit := self._unit_at(end + 1)) is not None:
            more, per_more = self.toks[end + 1].value, self.toks[unit].value
            if more is not None and per_more is not None:  # "3 semesters plus 1 semester thesis"
                months, end = months + more * per_more, unit + 1
        return months, end, False

    def _separator(self, j: int) -> tuple[str, int] | None:
        """After a bare number at j: ('range'|'alt', index of the next number) or None."""
        value = self.toks[j].value
        if value is None or value >= 100:  # "September 2024 - 12 months": a year of the calendar, not a length
            return None
        k = j + 1
        if self.is_(k, "punct", "-"):
            k += 1 + self.word_in(k + 1, _RANGE_WORDS)
            return ("range", k) if self.is_(k, "num") else None
        if self.word_in(k, _RANGE_WORDS):
            return ("range", k + 1) if self.is_(k + 1, "num") else None
        if self.word_in(k, _AND_WORDS) and self.word_in(j - 1, _BETWEEN):
            return ("range", k + 1) if self.is_(k + 1, "num") else None
        if self.is_(k, "punct", "/", ",") or self.word_in(k, _ALT_WORDS):
            return ("alt", k + 1) if self.is_(k + 1, "num") else None
        if self.is_(k, "num") and self.toks[k].spaced and self.length_at(k):
            return "alt", k  # "1.5 2.5 years"
        return None

    def read(self) -> None:
        i, last_unit = 0, None
        while i < self.n:
            if not self.is_(i, "num"):
                i += 1
                continue
            start, j, seps = i, i, []
            while not (length := self.length_at(j)) and (sep := self._separator(j)):
                seps.append(sep[0])
                j = sep[1]
            if length is None:
                # "18 months full-time / 36 part-time": a bare number before a pace word takes the last unit
                if not seps and last_unit is not None and self.is_(j + 1, "sent", *_PACE):
                    self.items.append(_Item("len", self.toks[j].value * last_unit, j, j + 1))  # type: ignore[operator]
                else:
                    self.bare_numbers += 1
                i = j + 1
                continue
            months, end, short = length
            unit = next((t.value for t in self.toks[j:end] if t.kind == "unit"), None)
            last_unit = unit if unit is not None else last_unit
            if seps:
                kind = "range" if "range" in seps else "alt"
                self.items.append(_Item(kind, None, start, end))
                i = end
                continue
            # "1 year - 15 months", "18 months to 2 years": a range of two lengths
            k = end
            if self.is_(k, "punct", "-"):
                k += 1 + self.word_in(k + 1, _RANGE_WORDS)
            elif self.word_in(k, _RANGE_WORDS) or self.is_(k, "sent", "MAXI"):  # "18 months up to 4 years"
                k += 1
            if k > end and (other := self.length_at(k)):
                if other[0] is not None and other[0] == months:  # "1.5 years - three semesters": said twice
                    self.items.append(_Item("len", months, start, other[1]))
                else:
                    self.items.append(_Item("range", None, start, other[1]))
                i = other[1]
                continue
            self.items.append(_Item("short" if short else "len", months, start, end))
            i = end

    # ------------------------------------------------------------------ qualifiers
    def clause_start(self, i: int) -> int:
        """First token of the clause holding i (clauses end at , ; | / . and 'or')."""
        return self.clause_from[i] if i < self.n else self.n

    def _clause_break(self, i: int) -> bool:
        tok = self.toks[i]
        return (tok.kind == "punct" and tok.text in _CLAUSE_PUNCT) or self.word_in(i, _OR_WORDS)

    def mark_limits(self) -> None:
        """Maxima and minima ('up to 5 years', '2+ years', '60 months max') are no lengths; nor are ranges in
        brackets that qualify a length ('2 years (can be studied between 2 and 5 years)')."""
        ends = {item.end: item for item in self.items}
        for first, second in zip(self.items, self.items[1:]):  # "1 year (full-time) + 1 year (part-time)"
            k = first.end
            k = self.match[k] + 1 if self.is_(k, "punct", "(") and k in self.match else k
            if self.is_(k, "punct", "+") and k + 1 == second.start:
                first.kind = second.kind = "added"
        for item in self.items:
            if any(self.is_(k, "sent", "ADDL") for k in range(max(item.start - 3, 0), item.start)) or (
                    item.start >= 2 and self.toks[item.start - 1].text in ("x", "×", "*")
                    and self.is_(item.start - 2, "num")):
                item.kind = "added"  # "MSc: additional 8 months", "2 x 6 months": not the length as printed
            lo = max(self.clause_start(item.start), item.start - 5)
            k = item.start - 1
            while k >= lo and k >= item.start - 3 and self.toks[k].kind == "word":
                k -= 1
            if self.is_(k, "sent", "INCL"):
                item.dropped = "a part of the programme"  # "12 months, including a 3-month dissertation"
                continue
            # after it: "60 months max", "2 years (minimum)", but not "(max of six years)", a length of its own
            bracket = self.is_(item.end, "punct", "(")
            after = item.end + bracket
            postfix = self.is_(after, "sent", "MAXI", "MINI") and (
                self.is_(after + 1, "punct", ")") if bracket else not self.is_(after + 1, "num"))
            if any(self.is_(k, "sent", "MAXI", "MINI") for k in range(lo, item.start)) or postfix:
                item.dropped = "a maximum or minimum"
            elif (opening := self.opening[item.start]) is not None:
                # "2 years (can be studied between 2 and 5 years)", "1 year (3 months research period)": a
                # bracket after a length qualifies it; the same length said again ("1 year (12 months)") stays
                k = opening - 1
                while k >= 0 and (self.is_(k, "sent", *_PACE) or self.is_(k, "punct", ",")):
                    k -= 1
                if k + 1 in ends and (item.kind != "len" or ends[k + 1].months != item.months):
                    item.dropped = "a qualifier in brackets"

    def mark_variants(self) -> None:
        """'2 years with placement', '(15 months with internship)': the placement edition, not the plain one;
        '36 months distance learning', '5 years flexible': another mode of study beside it."""
        starts = [it.start for it in self.items]
        with_at: int | None = None
        for v, tok in enumerate(self.toks):
            if tok.text in ("WITH", "INCL"):
                with_at = v
            if tok.text not in ("VARNT", "MODE"):
                continue
            lo = self.clause_start(v)
            first = max(bisect_left(starts, lo), bisect_left(starts, v) - 3)
            last = bisect_left(starts, v)  # the last (at most three) items lo <= start < v
            before = [it for it in self.items[first:last] if it.end <= v]
            marked: list[_Item] = []
            if tok.text == "MODE":
                marked = before[-1:] or self._next_in_clause(v, starts)
            elif with_at is not None and with_at >= lo:
                for it in before:
                    if it.start > with_at:  # "with 1 year work placement": the placement's own length
                        it.dropped = "the length of a placement"
                outside = [it for it in before if it.end <= with_at]
                marked = outside[-1:]
            elif before:
                marked = before[-1:]
            if not marked:
                marked = self._next_in_clause(v, starts)
            for item in marked:
                if tok.text == "MODE":
                    item.mode = True
                else:
                    item.variant = True

    def _next_in_clause(self, v: int, starts: list[int]) -> list[_Item]:
        nxt = bisect_left(starts, v + 1)
        if nxt < len(self.items) and self.items[nxt].end <= self.clause_to[v]:
            return [self.items[nxt]]
        return []

    # ------------------------------------------------------------------ awards
    def mark_awards(self) -> None:
        """(MSc) after a group of lengths names them; 'MSc: ...' before them names what follows; bare awards at
        the end ('3 years part time MSc') name the length before."""
        groups: list[tuple[int, int, str, bool]] = []  # start, end, best award, in brackets
        i = 0
        while i < self.n:
            if not self.is_(i, "sent", *_AWARDS):
                i += 1
                continue
            j, names = i, []
            while j < self.n and (self.is_(j, "sent", *_AWARDS) or self.is_(j, "punct", "/", ",", "&") or
                                  self.word_in(j, _AND_WORDS | {"only", "by", "research"})):
                if self.toks[j].kind == "sent":
                    names.append(self.toks[j].text)
                j += 1
            best = next(a for a in _AWARDS if a in names)
            in_brackets = self.is_(i - 1, "punct", "(") and self.is_(j, "punct", ")")
            groups.append((i, j, best, in_brackets))
            i = j
        if not groups or not self.items:
            return
        # bare award names serve the lengths of their own bracket level: "2 years part time (1 year part time PgC)"
        bare_by_level: dict[int | None, list[tuple[int, int, str, bool]]] = {}
        for g in groups:
            if not g[3]:
                bare_by_level.setdefault(self.opening[g[0]], []).append(g)
        items_by_level: dict[int | None, list[_Item]] = {}
        for item in self.items:
            items_by_level.setdefault(self.opening[item.start], []).append(item)
        bracketed = [g for g in groups if g[3]]
        bracketed_starts = [g[0] for g in bracketed]
        for level, level_items in items_by_level.items():
            self._mark_level(bare_by_level.get(level, []), level_items, bracketed, bracketed_starts)

    def _mark_level(self, bare: list[tuple[int, int, str, bool]], items: list[_Item],
                    bracketed: list[tuple[int, int, str, bool]], bracketed_starts: list[int]) -> None:
        suffix = bool(bare) and bare[0][0] > items[0].start and bare[-1][0] >= items[-1].end
        bare_starts, bare_ends = [g[0] for g in bare], [g[1] for g in bare]
        for item in items:
            award = None
            if bare and not suffix:
                before = bisect_right(bare_ends, item.start) - 1
                award = bare[before][2] if before >= 0 else None
            elif bare:
                after_bare = bisect_left(bare_starts, item.end)
                award = bare[after_bare][2] if after_bare < len(bare) else None
            nxt = bisect_left(bracketed_starts, item.end)
            if nxt < len(bracketed):
                after = bracketed[nxt]
                direct = all(self.is_(k, "sent", *_PACE, "MODE") or self.is_(k, "punct", ",", "(", ":")
                             for k in range(item.end, after[0]))
                if direct or award is None:
                    award = after[2]
            item.award = award

    # ------------------------------------------------------------------ pace
    def _jump(self, k: int, step: int) -> int:
        """Skip a bracket group holding no pace word ('(MSc)', '(up to 30 months)')."""
        other = self.match.get(k)
        if other is not None and (other - k) * step > 0:  # only ever forwards over a bracket, never back into it
            lo, hi = min(k, other), max(k, other)
            if self.paces_before[hi] == self.paces_before[lo]:
                return other + step
        return k + step

    def _walk(self, k: int, step: int, taken: tuple[set[int], ...], edges: set[int], last: bool = False) -> int | None:
        """From k, over punctuation, award and mode words and up to two plain words, to a pace word. After the last
        length the walk also crosses '/', ';' and '|' to a pace word that ends the text ("Two years / part-time",
        but not "2 years; part-time options available")."""
        words = 0
        crossing = ("/", ";", "|") if last and step > 0 and self.tail_pace else ()
        while 0 <= k < self.n and k not in edges:
            tok = self.toks[k]
            if tok.kind == "sent" and tok.text in _PACE:
                heading = (self.is_(k + 1, "punct", ":") and not self.is_(k + 2, "punct", *_CLAUSE_PUNCT)) or (
                    # "Full time - 1 year", but "1 year full time - 2 years part time" lists two lengths
                    self.is_(k + 1, "punct", "-") and self.is_(k + 2, "num") and k - 1 not in edges)
                if any(k in used for used in taken) or (step > 0 and heading):
                    return None
                return k
            if tok.kind == "punct" and tok.text in ("(", ")"):
                jumped = self._jump(k, step)
                if abs(jumped - k) > 1:  # a whole bracket group counts as a word: the walk stays short
                    if words >= 2:
                        return None
                    words += 1
                k = jumped
                continue
            if (tok.kind == "punct" and tok.text in (":", "-", ",", *crossing)) or (
                    tok.kind == "sent" and tok.text in (*_AWARDS, "MODE")):
                pass
            elif tok.kind == "word" and words < 2 and tok.text not in _OR_WORDS:
                words += 1
            else:
                return None
            k += step
        return None

    def mark_pace(self) -> None:
        consumed: set[int] = set()
        pre_used: set[int] = set()
        edges = {it.end - 1 for it in self.items} | {it.start for it in self.items}
        for item, following in zip(self.items, [*self.items[1:], None]):
            at = self._walk(item.start - 1, -1, (consumed,), edges)
            if at is not None:
                item.pace, item.pace_from = self.toks[at].text, "pre"
                pre_used.add(at)
                continue
            at = self._walk(item.end, 1, (consumed, pre_used), edges, last=following is None)
            if at is not None and item.dropped and following is not None and \
                    self._walk(following.start - 1, -1, (consumed,), edges) == at and \
                    not any(self.is_(k, "punct", ",") for k in range(at, following.start)):
                continue  # "Full Time (1+ years) Part Time (2-3 years)": a minimum takes no pace from the next
            if at is not None:
                item.pace, item.pace_from = self.toks[at].text, "post"
                consumed.add(at)
        # "1 year/15 months full-time", "9, 18 or 24 months part time": the pace after a list serves it all
        for item, following in reversed(list(zip(self.items, self.items[1:]))):
            if item.pace is None and following.pace_from in ("post", "spread") and all(
                    self.is_(k, "punct", "/", ",") or self.word_in(k, _OR_WORDS) or k in self.match
                    for k in range(item.end, following.start)):
                item.pace, item.pace_from = following.pace, "spread"
        # a pace heading stays in force: "Part-time: 2 years (PgDip) or 3 years (MSc)"
        heading: str | None = None
        k = 0
        for item in self.items:
            while k < item.start:
                if self.is_(k, "sent", *_PACE) and k not in consumed:
                    heading = self.toks[k].text
                elif self.is_(k, "sent", "MODE") and self.is_(k + 1, "punct", ":"):
                    heading = None  # "Distance learning: 2-5 years" ends "Part time:"
                k += 1
            if item.pace is None and heading is not None:
                item.pace, item.pace_from = heading, "scope"


def _months(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() else None


def _verdict(reader: _Reader, text: str) -> Parsed[Duration]:
    items = [it for it in reader.items if it.kind != "short"]
    # several awards: the master's lengths (chosen before maxima go). Lengths named for no award stay beside the
    # master's: "2 years. MSc students do a 3 month project" must not become 3 months (they disagree: flagged).
    for ranks in (("AMA", None), (None,), ("ARES",), ("AOTH",)):
        chosen = [it for it in items if it.award in ranks]
        if chosen:
            items = chosen
            break
    items = [it for it in items if not it.dropped]
    if not items:
        if any(it.dropped == "a maximum or minimum" for it in reader.items):
            return bad("only a maximum or minimum, no length")
        if reader.bare_numbers or any(it.kind == "short" for it in reader.items):
            return bad("no length with a unit")
        if any(t.text in _PACE for t in reader.toks):
            return bad("pace words without a length")
        if _STAND_IN.search(text):
            return missing("the page points elsewhere for the length")
        return bad("no length with a unit")
    if any(it.pace for it in items):  # "5 years flexible" beside paced lengths is no full-time length
        items = [it for it in items if it.pace or not it.mode]
    full = [it for it in items if it.pace != "PT"]
    part = [it for it in items if it.pace == "PT"]
    # the plain programme, not its placement edition nor its distance-learning one
    full = [it for it in full if not it.variant] or full
    full = [it for it in full if not it.mode] or full
    part = [it for it in part if not it.variant] or part
    part = [it for it in part if not it.mode] or part
    full_months = _one(full)
    if isinstance(full_months, str):
        return bad(f"full-time: {full_months}")
    part_months = _one(part)
    if isinstance(part_months, str):
        if full_months is None:
            return bad(f"part-time: {part_months}")
        part_months = None
    for months in (full_months, part_months):
        if months is not None and not 1 <= months <= 120:
            return bad("outside 1..120 months")
    if full_months is None and part_months is None:
        return bad("no length")
    return Parsed(Duration(full_time_months=full_months, part_time_months=part_months))


def _one(items: list[_Item]) -> int | None | str:
    """The one length of these items, None when there is none, else why not (a str)."""
    if not items:
        return None
    if any(it.kind == "range" for it in items):
        return "a range of lengths"
    if any(it.kind == "alt" for it in items):
        return "alternative lengths"
    if any(it.kind == "added" for it in items):
        return "a length added to another"
    values = {it.months for it in items}
    if len(values) > 1:
        return "several lengths"
    value = values.pop()
    assert value is not None
    months = _months(value)
    return months if months is not None else f"{value} is not a whole number of months"


@memo
def parse_duration(raw: str) -> Parsed[Duration]:
    """'1 year full time, 2 years part time (MSc), 9 months (PgDip)' -> Duration(12, 24); a range, alternatives or
    several full-time lengths -> a flag; 'See website', '-' -> a note."""
    if (empty := placeholder(raw)) is not None and (squash(raw) or not raw.strip()):
        return empty  # (placeholder() folds to ASCII: all-Greek text would look empty to it)
    text = _fold(raw)
    reader = _Reader(_tokens(text))
    reader.read()
    reader.mark_limits()
    reader.mark_variants()
    reader.mark_awards()
    reader.mark_pace()
    return _verdict(reader, text)
