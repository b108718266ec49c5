"""Deadlines and start dates: a table of printed forms (our own strings, a few dev-set ones that show a rule) and
properties that hold for any date printed in any of the formats the portals use."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.dates import FIRST_YEAR, LAST_YEAR, parse_date, parse_start

FLAG, NOTE = "flag", "note"


def outcome(parsed):
    if parsed.value is not None:
        return parsed.value
    return FLAG if parsed.problem else NOTE if parsed.note else None


DEADLINES = [
    # formats
    ("31 January 2025", "2025-01-31"), ("January 31st, 2025", "2025-01-31"), ("Jun 30, 2025", "2025-06-30"),
    ("30-Jun-2025", "2025-06-30"), ("2025/01/31", "2025-01-31"), ("2025-07-15T23:59:00", "2025-07-15"),
    ("June 2025", "2025-06"), ("Sept 1, 2025", "2025-09-01"), ("09/2025", "2025-09"),
    # day-first and the slash rule: a number over 12 settles the order; both ≤ 12 and unequal is flagged
    ("01.12.2025", "2025-12-01"), ("Bewerbungsschluss: 15.07.2025", "2025-07-15"), ("15.07.26", "2026-07-15"),
    ("31/01/2025", "2025-01-31"), ("01/31/2025", "2025-01-31"), ("05/05/2025", "2025-05-05"), ("05/06/2025", FLAG),
    ("31.02.2025", FLAG),
    # languages and ordinals
    ("15 de marzo de 2025", "2025-03-15"), ("le 1er avril 2025", "2025-04-01"), ("15. März 2025", "2025-03-15"),
    ("uiterlijk 1 mei 2025", "2025-05-01"), ("entro il 30 giugno 2025", "2025-06-30"),
    ("hasta el 30 de junio de 2025", "2025-06-30"), ("bis 15. Juli 2025", "2025-07-15"),
    # times of day are not days or years
    ("Applications close 30 June 2025 at 5pm", "2025-06-30"), ("30th June 2025, 17:00 CET", "2025-06-30"),
    ("15 juillet 2025 à 12h00", "2025-07-15"), ("30 juni 2025 om 23.59 uur", "2025-06-30"),
    ("Our first application deadline is on 9 March 2026 (23:59 UK time).", "2026-03-09"),
    # windows → their end
    ("From 1 Feb 2025 to 30 Apr 2025", "2025-04-30"), ("1 Feb – 30 Apr 2025", "2025-04-30"),
    ("1 - 15 July 2025", "2025-07-15"), ("01.03.2026 - 30.04.2026 (Universitywide deadline)", "2026-04-30"),
    ("du mardi 25 février au lundi 24 mars 2025 : dépôt des candidatures", "2025-03-24"),
    ("Presentación de solicitudes: del 16 al 27 de junio de 2025.", "2025-06-27"),
    ("dal 9 aprile al 29 novembre 2024", "2024-11-29"),
    ("Semester 2: 29 oktober 2019 tot en met 8 januari 2020", "2020-01-08"),
    ("Puoi presentare domanda dalle ore 12 del 3 giugno 2025 alle ore 12 del 10 dicembre 2025.",
     "2025-12-10"),
    # the intake or an opening date named beside the deadline is not the deadline
    ("Application Deadline For January 2024 Intake (21st Oct 2023)", "2023-10-21"),
    ("Deadline: 15 July 2025 (for September 2025 intake)", "2025-07-15"),
    ("Deadline for September 2025 entry: 30 June 2025", "2025-06-30"),
    ("Deadline: 15 July 2025 for the 2 September 2025 intake", "2025-07-15"),
    ("Deadline: 15 July 2025 for the course starting 2 September 2025", "2025-07-15"),
    ("Application deadline: 1 March 2025 (applications open 1 October 2024)", "2025-03-01"),
    ("Applications are open and will close on April 17, 2022.", "2022-04-17"),
    ("Applications open 1 October 2024", FLAG), ("Applications accepted from 1 March 2025", FLAG),
    ("a partir del 1 de marzo de 2025", FLAG), ("Selection results published on 1 May 2025", FLAG),
    ("Bewerbung ab sofort bis 15. Juli 2025", "2025-07-15"),
    ("1ro de marzo de 2025", "2025-03-01"), ("1re mars 2025", "2025-03-01"),
    ("Applications open in October 2024", FLAG),
    # several deadlines, no year, implausible years: flagged
    ("15 March 2025 (EU), 15 January 2025 (non-EU)", FLAG), ("Round 1: 15 Nov 2024; Round 2: 15 Jan 2025", FLAG),
    ("15.11.2025 - 15.01.2026 | 02.05.2026 - 15.07.2026", FLAG), ("Deadline: 15 March", FLAG), ("15th Jan", FLAG),
    ("15/01", FLAG), ("15.05.", FLAG), ("1.3.-15.09.", FLAG), ("Wintersemester: 15. Juli", FLAG),
    ("9999-12-31", FLAG), ("31 December 9999", FLAG), ("01.01.1970", FLAG), ("0000-00-00", FLAG), ("2025", FLAG),
    ("Sep", FLAG), ("12 months", FLAG), ("1" * 200, FLAG),
    # stand-ins: notes
    ("See website", NOTE), ("Any month", NOTE), ("Expired", NOTE), ("See course", NOTE), ("rolling admission", NOTE),
    ("Enquire at the university!", NOTE), ("Application Deadline For Fall 2024 Intake (TBA)", NOTE),
    ("No information", NOTE), ("Applications accepted until places are filled", NOTE),
    ("There is no fixed deadline", NOTE),
    ("Apply at least 6 weeks before classes begin", NOTE), ("Bewerbung jederzeit möglich", NOTE),
    ("The deadline for the next October intake will be announced in May 2022", NOTE),
    ("Deadline: 15 July 2025; results will be announced in September 2025", "2025-07-15"),
    ("www.tu-darmstadt.de/application", NOTE),
]


@pytest.mark.parametrize("raw,expected", DEADLINES)
def test_deadlines(raw, expected):
    assert outcome(parse_date(raw)) == expected


STARTS = [
    ("Jan, Aug", ((1, None), (8, None))), ("Sep-2022, Feb-2023", ((9, 2022), (2, 2023))),
    ("See Course, September", ((9, None),)), ("Oct-2024", ((10, 2024),)), ("Sept, Jan", ((9, None), (1, None))),
    ("settembre", ((9, None),)), ("Septembre 2025", ((9, 2025),)), ("Start: 09/2025", ((9, 2025),)),
    ("The program will start on May 9, 2022.", ((5, 2022),)), ("Sept Term: Sept. 16th 2023", ((9, 2023),)),
    ("Classes begin 15.09.2025", ((9, 2025),)), ("Winter semester (October)", ((10, None),)),
    ("The programme begins with the official start of the semester in mid-September.", ((9, None),)),
    ("Starts in September 2025 (apply by 30 June 2025)", ((9, 2025),)),
    ("Apply by 15 June 2025 to start in September 2025", ((9, 2025),)),
    ("Classes begin 15.09.2025; apply by 01.06.2025", ((9, 2025),)),
    ("07.04.2025 - 18.07.2025 | 13.10.2025 - 06.02.2026", ((4, 2025), (10, 2025))),
    ("Lectures run from 13 October 2025 to 6 February 2026", ((10, 2025),)),
    ("Je kunt starten in september (aanmelddeadline 1 april) of in februari (aanmelddeadline 15 oktober).",
     ((9, None), (2, None))),
    ("3 ottobre: Inizio delle lezioni a.a. 2022-23", ((10, 2022),)),
    ("Let op: Met ingang van het studiejaar 2020-2021 is instroom uitsluitend mogelijk per september.", ((9, None),)),
    ("Jan-2000", FLAG), ("Sep-9999", FLAG), ("Sep/Oct", FLAG), ("Summer Semester only", FLAG),
    ("Wintersemester 2025/26", FLAG), ("Fall 2025", FLAG), ("Any month", NOTE), ("See Course", NOTE),
]


@pytest.mark.parametrize("raw,expected", STARTS)
def test_starts(raw, expected):
    assert outcome(parse_start(raw)) == expected


NAMES = {  # one language's month names per row: every one must be read
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
}
FORMATS = [
    lambda d, n: f"{d.day:02d}.{d.month:02d}.{d.year}", lambda d, n: f"{d.day} {n} {d.year}",
    lambda d, n: f"{d.day}. {n} {d.year}", lambda d, n: f"{d.day} de {n} de {d.year}",
    lambda d, n: f"{n} {d.day}, {d.year}", lambda d, n: d.isoformat(),
    lambda d, n: f"Deadline: {d.day} {n} {d.year} (23:59 local time)",
]


@settings(max_examples=300, deadline=None)
@given(st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)), st.sampled_from(sorted(NAMES)),
       st.sampled_from(FORMATS))
def test_any_printed_date_reads_back(day, language, fmt):
    name = NAMES[language].split()[day.month - 1]
    assert parse_date(fmt(day, name)).value == day.isoformat()


@settings(max_examples=200, deadline=None)
@given(st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)), st.sampled_from(["/", "-"]))
def test_slash_dates_are_read_or_flagged_never_guessed(day, sep):
    parsed = parse_date(f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}")
    if day.day <= 12 and day.day != day.month:
        assert parsed.value is None and parsed.problem
    else:
        assert parsed.value == day.isoformat()


@settings(max_examples=200, deadline=None)
@given(st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)),
       st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)))
def test_a_window_gives_its_end(a, b):
    assert parse_date(f"{a.day:02d}.{a.month:02d}.{a.year} - {b.day:02d}.{b.month:02d}.{b.year}").value == \
        b.isoformat()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_values_are_plausible_dates(text):
    for parsed in (parse_date(text), parse_start(text)):
        assert parsed.value is not None or parsed.problem or parsed.note
    value = parse_date(text).value
    if value is not None:
        full = date.fromisoformat(value if len(value) == 10 else value + "-01")
        assert FIRST_YEAR <= full.year <= LAST_YEAR
    for month, year in parse_start(text).value or ():
        assert 1 <= month <= 12 and (year is None or FIRST_YEAR <= year <= LAST_YEAR)


@settings(max_examples=200, deadline=None)
@given(st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)), st.integers(0, 9),
       st.sampled_from(["\u200b", "\u200e", "\u202e", "\ufeff", "\u0000", "\u00ad"]))
def test_invisible_characters_do_not_change_a_date(day, at, char):
    printed = f"{day.day:02d}.{day.month:02d}.{day.year}"
    assert parse_date(printed[:at] + char + printed[at:]).value == day.isoformat()


@pytest.mark.parametrize("unit", ["1", "1.", "1/", "jan ", "15 march ", "1 - ", "september/", "(deadline ", "de "])
def test_long_repetitive_input_is_read(unit):  # a backtracking regex would not return on these
    text = unit * (50_000 // len(unit))
    assert parse_date(text).value is None or parse_date(text).problem is None
    parse_start(text)
