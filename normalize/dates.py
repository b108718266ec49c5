"""Deadlines and start dates to ISO 8601 (a full date, or a year-month when the page gives no day).

Hand rules, not a date library. Measured on the 233 real deadline strings of the dev set: the former python-dateutil
path (non-fuzzy `parse`) recovered none of the 188 dated strings, and `parse('01.12.2025')` is 12 January
(month-first); dateparser 1.5 `search_dates` (DATE_ORDER DMY, six languages, PREFER_DAY_OF_MONTH first,
REQUIRE_PARTS month+year) found all 188 dates but gave a value for 8 of the 45 strings that carry none ('at least
one month prior' → a date, '1.3.-15.09.' → 2015-03-01, the last of several windows), returns no positions (so a
window '1 March - 28 April 2022' cannot be told from two deadlines), guesses '05/06/2025' day-first, reads '30 juni
2025 om 23.59 uur' as 23 June and misses 'le 1er avril 2025'. These rules score 233/233 with no wrong value. They
find every date *mention* with its span in one regex pass (linear in the input), then decide: one mention or one
window → its (end) date; several → flagged; no year → flagged; never a guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from normalize.monthnames import MONTH_PATTERN, MONTHS, WEAK, WEEKDAYS
from normalize.parsed import Parsed, bad, memo, missing, placeholder, squash

NO_DATE = {"rolling": "rolling admission", "rolling admission": "rolling admission", "anytime": "any time",
           "continuous": "rolling admission", "open": "open"}
_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")

# Years a listing can mean. 2000 and below: portals' placeholders (TopUniversities prints 'Jan-2000' on a third
# of its cards) or stale pages; 9999 and other far years: filler.
FIRST_YEAR, LAST_YEAR = 2001, 2100

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b]")
_INVISIBLE = re.compile(r"[\u0000\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Times of day are dropped before dates are read: '9 March 2026 (23:59 UK time)', 'dalle ore 12 del 3 giugno'.
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s?(?:am|pm|uhr|uur|h)\b)?|\b\d{1,2}\.\d{2}\s?(?:uhr|uur)\b"
                   r"|\b\d{1,2}\s?(?:am|pm|uhr)\b|\bore\s\d{1,2}\b|\b(?:noon|midnight|mezzogiorno|mittags)\b")

_SUFFIX = r"(?:st|nd|rd|th|ere|er|re|eme|ero|ro|e|o)?"  # 1st, 1er/1re (fr), 1e (nl), 1ro, 1o (es/it, 'º' → 'o')


def _year(name: str) -> str:
    """An optional 4-digit year after a month: ', 2024', ' de 2024', '-2024'."""
    return rf"(?:(?:,?\s?(?:de\s|del\s|di\s)?|-)(?P<{name}>\d{{4}})\b)?"


_MENTION = re.compile(
    # dd.mm.yyyy, dd.mm.yy, dd/mm/yyyy, mm/dd/yyyy, dd-mm-yyyy
    r"\b(?P<na>\d{1,2})(?P<ns>[./-])(?P<nb>\d{1,2})(?P=ns)(?P<ny>\d{4}|\d{2})(?!\d)"
    r"|\b(?P<iy>\d{4})(?P<is>[./-])(?P<im>\d{1,2})(?P=is)(?P<id>\d{1,2})(?!\d)"  # ISO 8601, 2025/07/15
    r"|\b(?P<ym>\d{1,2})[./](?P<yy>\d{4})\b"  # 09/2025: month and year
    r"|\b(?P<pa>\d{1,2})\.(?P<pb>\d{1,2})\.(?!\d)|\b(?P<sa>\d{1,2})/(?P<sb>\d{1,2})(?![\d/])"  # 15.07. 15/07
    rf"|\b(?P<dd>\d{{1,2}}){_SUFFIX}\.?[\s-]?(?:(?:de|del|of|di)\s)?(?P<dm>{MONTH_PATTERN})\b\.?{_year('dy')}"
    rf"|\b(?P<mm>{MONTH_PATTERN})\b\.?\s?(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?![.:/]\d){_year('my')}"
    rf"|\b(?P<om>{MONTH_PATTERN})\b\.?{_year('oy')}")  # April 2024, Sep-2022, April

# Between two mentions of one window: 'to', 'until', '-', 'au', 'al', 'alle', 'bis', 'tot en met', 'a' ...
_CONNECTOR = re.compile(r"^[\s,]*(?:-|to|until|till|through|thru|up to|au|jusqu'au|jusquau|al|alle|a|bis|zum|"
                        r"tot en met|tot|t/m|hasta|hasta el|fino al|fino a)[\s,]*"
                        r"(?:(?:the|le|el|il|del|de|dem|den)\s*)?$")
_WORD = re.compile(r"[a-z]+")
# A month named as an intake, not a date: 'For January 2024 Intake (21st Oct 2023)', 'Spring (January) Semester'.
_INTAKE_AFTER = re.compile(r"[\s)]*(?:intake|semester|entry|term|session|cohort|start|admission|enrol?ment|class)\b")
_DAY_INTAKE_AFTER = re.compile(r"[\s)]*(?:intake|start|entry|cohort)\b")  # 'the 2 September intake'
_INTAKE_BEFORE = re.compile(r"(?:starting|start|starts|begin|beginning|begins|intake|entry|for|starten|beginnt)"
                            r"\s(?:in\s|im\s|on\s)?(?:the\s|de\s|het\s)?$")
# In a start string, the last of these words in a date's clause says whether the date is an application step
# ('aanmelddeadline 1 april', 'apply by 15 June 2025') or the start ('... to start in September 2025').
_STEP = re.compile(r"(?P<deadline>deadline|apply|applica|bewerb|anmeld|aanmeld|inscri|solicit|candida|frist)|"
                   r"start|begin|inizio|inicio|commenc|intake|entry|lezioni|classes|teaching|lectures")
# The last of these words before a lone date says whether it closes the application period or is some other date:
# 'Applications open 1 October 2024', 'Results will be published on 1 May 2025' are no deadline; 'are open and will
# close on April 17, 2022' is one.
_OPEN_CLOSE = re.compile(r"\b(?:(?P<other>opens?|opening|opened|ouvre|ouverture|start|starts|starting|begins?|"
                         r"beginning|beginn|inizio|apertura|inicio|vanaf|ab|from|desde|a partir|results?|published|"
                         r"notification|notified|interviews?|event|open day|webinar)|close[sd]?|closing|"
                         r"deadline|until|by|bis|frist|schluss|cierre|chiusura|scadenza|entro|uiterlijk|tot|fin|"
                         r"hasta)\b")
_ACADEMIC_YEAR = re.compile(r"\b(20\d\d)\s?[-/]\s?(20\d\d|\d\d)\b")

# Deadline strings that carry no date on purpose: notes, not flags (only when no deadline date is printed).
_ANNOUNCED = re.compile(r"\b(?:will be|to be|yet to be|not yet) (?:announced|published|confirmed|determined)\b")
_STANDIN = re.compile(
    r"\b(?:rolling|flexible|ongoing|continuous(?:ly)?|any ?time|any month|year[- ]round|all year|first come|"
    r"no (?:[a-z]+ ){0,2}deadlines?|no information|information (?:at|on|about|from|is)|see|visit|contact|website|"
    r"expired|closed|passed|enquire|inquire|ask|vary|varies|depends?|not possible|nicht moglich|keine|geen|"
    r"identical with|same as|on request|until (?:all )?(?:the )?(?:places|spots|seats|positions) are|space allows|"
    r"(?:before|prior to) (?:the )?(?:start|beginning|starting|classes|course|programme|program|semester)|"
    r"toute l'annee|todo el ano|tutto l'anno|ganzjahrig|jederzeit|sin plazo|plazo abierto|see course|"
    r"tba|tbc|tbd)\b|https?:|www\.")
_SEMESTER = re.compile(r"semest|trimest|\bterm\b|\bquarter\b")


@dataclass(frozen=True, slots=True)
class Mention:
    """One date as printed: day and year are None when the page leaves them out; `problem` when it is no date."""
    start: int
    end: int
    month: int
    day: int | None = None
    year: int | None = None
    problem: str | None = None


def clean(raw: str) -> str:
    """Squashed text with dashes unified and times of day dropped (so '23:59' is never a day or a year)."""
    text = _DASHES.sub("-", _INVISIBLE.sub("", raw))
    return _TIME.sub(" ", squash(text))


def _numeric(first: int, sep: str, second: int, year_text: str, start: int, end: int) -> Mention:
    """dd.mm.yyyy is day-first everywhere it is printed; with '/' or '-' a number over 12 settles the order
    (dd/mm in Europe, mm/dd in the US); both ≤ 12 and unequal cannot be told apart: flagged, never guessed."""
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)  # dd.mm.yy: current listings, so 20yy
    if sep == "." or first > 12 or first == second:
        day, month = first, second
    elif second > 12:
        day, month = second, first
    else:
        return Mention(start, end, 1, problem=f"{first:02d}{sep}{second:02d}: day and month order ambiguous")
    return Mention(start, end, month, day, year)


def mentions(text: str) -> list[Mention]:
    """Every date printed in `text` (as `clean` returns it), in order. A weak month name ('may', 'sep') counts
    only beside a day or a year (lists such as 'Jan, May' are read by `_start_list`)."""
    found: list[Mention] = []
    for m in _MENTION.finditer(text):
        g = m.groupdict()
        s, e = m.start(), m.end()
        if g["na"]:
            found.append(_numeric(int(g["na"]), g["ns"], int(g["nb"]), g["ny"], s, e))
        elif g["iy"]:
            found.append(Mention(s, e, int(g["im"]), int(g["id"]), int(g["iy"])))
        elif g["ym"]:
            found.append(Mention(s, e, int(g["ym"]), None, int(g["yy"])))
        elif g["pa"] or g["sa"]:
            day, month = (int(g["pa"]), int(g["pb"])) if g["pa"] else (int(g["sa"]), int(g["sb"]))
            if 1 <= month <= 12 and 1 <= day <= 31:  # else a decimal or a fraction, not a date
                found.append(Mention(s, e, month, day))
        elif g["dd"]:
            found.append(Mention(s, e, MONTHS[g["dm"]], int(g["dd"]), int(g["dy"]) if g["dy"] else None))
        elif g["mm"]:
            found.append(Mention(s, e, MONTHS[g["mm"]], int(g["md"]), int(g["my"]) if g["my"] else None))
        else:
            year = int(g["oy"]) if g["oy"] else None
            if year is None and g["om"] in WEAK:
                continue
            found.append(Mention(s, e, MONTHS[g["om"]], None, year))
    return found


def _check(m: Mention) -> str | None:
    """Why a mention is no calendar date, or None."""
    if m.problem:
        return m.problem
    if m.year is not None and not FIRST_YEAR <= m.year <= LAST_YEAR:
        return f"year {m.year} is implausible"
    if not 1 <= m.month <= 12:
        return "month outside 1..12"
    if m.day is not None:
        try:
            date(m.year or 2000, m.month, m.day)  # 2000: a leap year, so 29 February without a year passes
        except ValueError:
            return "not a calendar date"
    return None


def _iso(m: Mention) -> str:
    return f"{m.year:04d}-{m.month:02d}" + (f"-{m.day:02d}" if m.day else "")


def _joined(text: str, left: Mention, right: Mention) -> bool:
    """Two mentions form one window when only a range word stands between them (weekday names aside)."""
    between = text[left.end:right.start]
    if len(between) > 40:
        return False
    return bool(_CONNECTOR.match(_WORD.sub(lambda w: "" if w.group() in WEEKDAYS else w.group(), between)))


def _opens(text: str, m: Mention) -> bool:
    """A lone date that the nearest word before it names as the opening, the start or another event."""
    last = None
    for last in _OPEN_CLOSE.finditer(text, max(0, m.start - 40), m.start):
        pass
    return bool(last and last.group("other"))


def _deadline_mentions(text: str) -> list[Mention]:
    """Mentions that can be a deadline: a month (or a day) named as the intake or the start is not one."""
    kept = []
    for m in mentions(text):
        if not m.problem and (_DAY_INTAKE_AFTER.match(text, m.end) or m.day is None and (
                _INTAKE_AFTER.match(text, m.end) or _INTAKE_BEFORE.search(text[max(0, m.start - 30):m.start]))):
            continue
        kept.append(m)
    return kept


@memo
def parse_date(raw: str) -> Parsed[str]:
    """'01 Jul, 2026', 'Apr 1, 2026', '01.07.2026', '1er juillet 2026', '2026-07-01' → '2026-07-01'; 'Jun 2026' →
    '2026-06'; a window ('du 25 février au 24 mars 2025') → its end; several deadlines or no year → flagged."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = clean(raw)
    if text in NO_DATE:
        return missing(NO_DATE[text])
    if _ISO.match(text):  # fast path: the portals' own ISO dates
        try:
            date.fromisoformat(text if len(text) == 10 else text + "-01")
        except ValueError:
            return bad("not a calendar date")
        return Parsed(text) if FIRST_YEAR <= int(text[:4]) <= LAST_YEAR else bad(f"year {text[:4]} is implausible")
    found = _deadline_mentions(text)
    if announced := _ANNOUNCED.search(text):  # a date just after 'will be announced' is the announcement's
        found = [m for m in found if not announced.end() <= m.start <= announced.end() + 30]
        if not found:
            return missing("deadline not announced yet")
    if not found:
        if _STANDIN.search(text):
            return missing(f"no deadline date: {raw.strip()[:80]!r}")
        return bad("not a date")
    for m in found:
        if problem := _check(m):
            return bad(problem)
    groups: list[list[Mention]] = []  # windows (or lone mentions), in order
    for i, m in enumerate(found):
        if i and _joined(text, found[i - 1], m):
            groups[-1].append(m)
        else:
            groups.append([m])
    ends = [g[-1] for g in groups if len(g) > 1 or not _opens(text, g[0])]
    if not ends:
        return bad("an opening, start or other date, not a deadline")
    if len({(m.year, m.month, m.day) for m in ends}) > 1:
        return bad(f"{len(ends)} deadlines")
    end = ends[-1]
    if end.year is None:
        return bad("no year")
    return Parsed(_iso(end))


_LIST_ITEM = re.compile(
    rf"^(?:(\d{{4}})-(\d{{2}})(?:-(\d{{2}}))?|(?:\d{{1,2}}{_SUFFIX}\.?\s)?({MONTH_PATTERN})\.?"
    rf"(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?[\s-](\d{{4}}))?)$")
_LIST_STANDIN = frozenset({"see course", "see website", "any month", "any time", "anytime", "various", "flexible",
                           "rolling", "contact university"})


def _start_list(text: str) -> Parsed | None:
    """Fast path for the portals' lists: 'Jan, Aug', 'Sep-2022, Feb-2023', 'See Course, September', '2027-02-15'.
    None when some piece is not a month (then the text is read as a sentence)."""
    starts: list[tuple[int, int | None]] = []
    stand_in = False
    for piece in re.split(r"[,;&]|\band\b", text):
        piece = piece.strip(" .")
        if not piece:
            continue
        if piece in _LIST_STANDIN:
            stand_in = True
            continue
        item = _LIST_ITEM.match(piece)
        if not item:
            return None
        year: int | None
        if item.group(1):
            month, year = int(item.group(2)), int(item.group(1))
        else:
            month, year = MONTHS[item.group(4)], int(item.group(5)) if item.group(5) else None
        if not 1 <= month <= 12:
            return bad("month outside 1..12")
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            return bad(f"start year {year} is a placeholder or implausible")
        starts.append((month, year))
    if not starts:
        return missing("no start month printed") if stand_in else None
    return Parsed(_distinct(starts))


def _distinct(starts: list[tuple[int, int | None]]) -> tuple[tuple[int, int | None], ...]:
    """In order, without repeats; a month without a year is dropped where the same month is printed with one."""
    dated = {m for m, y in starts if y}
    return tuple(dict.fromkeys(s for s in starts if s[1] or s[0] not in dated))


_TWO_MONTHS = re.compile(rf"\b(?:{MONTH_PATTERN})\s?/\s?(?:{MONTH_PATTERN})\b")


@memo
def parse_start(raw: str) -> Parsed[tuple[tuple[int, int | None], ...]]:
    """'Sep' → ((9, None),); 'Feb, Sep' → ((2, None), (9, None)); 'Sep 2026' / '2026-09-15' → ((9, 2026),);
    'The program will start on May 9, 2022.' → ((5, 2022),); 'Summer Semester only' → flagged (no month)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = clean(raw)
    if text in NO_DATE:
        return missing(NO_DATE[text])
    if (listed := _start_list(text)) is not None:
        return listed
    if _TWO_MONTHS.search(text):
        return bad("a start given as two alternative months")
    starts: list[tuple[int, int | None]] = []
    years = {(int(a), int(b) if len(b) == 4 else 2000 + int(b)) for a, b in _ACADEMIC_YEAR.findall(text)}
    academic = [a for a, b in years if b == a + 1]
    after_deadline = False
    previous: Mention | None = None
    for m in mentions(text):
        joined = previous is not None and _joined(text, previous, m)
        clause = text[previous.end if previous else 0:m.start]
        cut = max(clause.rfind(c) for c in "();,.:")
        last = None
        for last in _STEP.finditer(clause, max(cut, 0)):
            pass
        if last:
            after_deadline = bool(last.group("deadline"))
        elif cut >= 0:  # a new clause that names neither
            after_deadline = False
        previous = m
        if after_deadline or joined:  # an application date, or the end of a period that starts earlier
            continue
        if problem := _check(m):
            return bad(problem)
        year = m.year
        if year is None and m.day is not None and len(academic) == 1:
            # '3 ottobre: Inizio delle lezioni a.a. 2022-23': a dated day inside one academic year
            year = academic[0] if m.month >= 7 else academic[0] + 1
        starts.append((m.month, year))
    if starts:
        return Parsed(_distinct(starts))
    if _SEMESTER.search(text):
        return bad("a semester, no month")
    if _STANDIN.search(text):
        return missing(f"no start month: {raw.strip()[:80]!r}")
    return bad("no month")


def deadline_problem(iso: str, as_of: date) -> str | None:
    """A deadline years before the run is stale data, not a deadline. The message names the year compared with, not
    the run's day: a flag whose text moved every day would be a change in every diff."""
    year = int(iso[:4])
    if year < as_of.year - 1:
        return f"deadline {iso} is years before {as_of.year}"
    if year > as_of.year + 5:
        return f"deadline {iso} is implausibly far ahead"
    return None
