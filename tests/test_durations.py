"""parse_duration on the kinds of strings real pages print (labelling rules: ../shared/real/README.md, "Duration")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.durations import Duration, parse_duration
from normalize.wordnumbers import word_number

FLAG, NOTE = "flag", "note"

CASES = [
    # structured values from scrapers
    ("12 months", 12, None), ("2 years", 24, None), ("1,5 years", 18, None), ("24 monthss", 24, None),
    ("3 semesters", 18, None), ("8 quarters", 24, None), ("4 Trimesters (16 Months)", 16, None),
    # full- and part-time apart
    ("12 Months Full Time or 24 Months Part Time", 12, 24), ("Full-time: 1 year; Part-time: 24 months", 12, 24),
    ("Full time 12 Month(s), Part time 24 Month(s)", 12, 24), ("1 Year Full Time - 2 Years Part-time", 12, 24),
    ("Full time - 1 year / Part time - 2 years", 12, 24), ("One year FT, two years PT", 12, 24),
    ("9 months part-time (top-up)", None, 9), ("Two years, part-time", None, 24),
    ("Onsite, Full-Time (2 years) | Onsite, Part-Time (2.5 years)", 24, 30),
    ("18 months full-time / 36 part-time", 18, 36), ("Two years / part-time", None, 24),
    ("2 years; part-time options available", 24, None),
    # compound lengths, fractions
    ("1 year, 3 months", 15, None), ("2 Years and 6 Months", 30, None), ("2 1/2 years", 30, None),
    ("2½ years", 30, None), ("a year and a half", 18, None), ("un año y medio", 18, None),
    ("eineinhalb Jahre", 18, None), ("Ενάμισι έτος", 18, None), ("18 Μήνες", 18, None),
    ("3 semesters plus 1 semester thesis full time", 24, None),
    # number words in any language, said twice
    ("Two years", 24, None), ("tres semestres", 18, None), ("deux ans", 24, None), ("een jaar", 12, None),
    ("Der zweijährige Studiengang umfasst vier Semester", 24, None), ("In deze tweejarige master", 24, None),
    ("3 Εξάμηνα", 18, None), ("Το πρόγραμμα διαρκεί δύο ακαδημαϊκά έτη", 24, None),
    ("four (4) semesters", 24, None), ("1.5 έτος ή 3 εξάμηνα", 18, None), ("Il corso ha durata biennale", 24, None),
    ("Regelstudienzeit: 4 Semester (Vollzeit), 8 Semester (Teilzeit)", 24, 48),
    ("Zudem als Teilzeitstudium. In diesem Fall stehen 6 Semester zur Verfügung.", None, 36),
    # a part-time range or alternatives beside one full-time length: part-time left empty
    ("1 year full time, 2-3 years part time", 12, None), ("Full Time: 1 year, Part Time: 2years/3years", 12, None),
    ("1 Year Full Time, 2 Years 3 Months or 6 Months Part Time", 12, None),
    # maxima and minima are no lengths
    ("Full-time: 1 year, Part-time: up to 4 years", 12, None), ("2 years (part time)(maximum 6 years)", None, 24),
    ("1 year full time, 2 years (minimum) part time", 12, None),
    ("1 year (full time) or 2+ years (part time)", 12, None),
    ("The standard duration is two years, and the permissible duration is five years.", 24, None),
    # several awards: the master's lengths
    ("1 year full time, 2 years part time (MSc), 6 months full time, 18 months part time (PgDip)", 12, 24),
    ("PgC 1 year, PgD 2 years, MSc 3 years part time", None, 36),
    ("1 year part time PGCert, 2 years part time PGDip, 3 years part time MSc", None, 36),
    ("Full-time: MSc 11 months, PgDip and PgCert 1 year. Part-time: 2 years (PgDip and PgCert) or 3 years (MSc).",
     11, 36),
    ("MSc: 1 year. MRes: 15 months", 12, None),
    ("PgCert: 1 year part time, PgDip: 2 years part time, MSc top-up: 1 year part time, MSc: 2 years full time",
     24, None),
    # placement editions and other modes beside the plain programme
    ("1 year full time, 2 years full time including professional placement, 2 years part time", 12, 24),
    ("1 year full time (15 months with internship), 28 months part time", 12, 28),
    ("Full-time 1 year, with placement 2 years; Part-time 2 years", 12, 24),
    ("2 Years Full Time With a Year In Industry", 24, None), ("1 year full time, 5 years flexible", 12, None),
    ("1 year full-time; 2-5 years distance learning", 12, None), ("1 Year Distance Learning", 12, None),
    ("1 year full time (3 months research period, if required), 2 years part time", 12, 24),
    ("2 years full time (including 1 year placement)", 24, None),
    ("12 months full-time, including a 3-month summer dissertation", 12, None),
    ("Der Studiengang mit 4 Semestern Regelstudienzeit", 24, None),
    ("Full time: 1 year; Part time: 2 years; Distance learning: 2-5 years", 12, 24),
    ("24 months part-time, 36 months part-time online", None, 24), ("September 2024 - 12 months", 12, None),
    # flagged: ranges, alternatives, several full-time lengths, maxima only, no unit, pace words only
    ("1-2 years", FLAG, None), ("12 to 24 months", FLAG, None), ("1 year - 16 months full time", FLAG, None),
    ("zwei- bis viersemestrigen Vollzeitstudium", FLAG, None), ("1 or 2 years", FLAG, None),
    ("9, 12 or 16 months full-time", FLAG, None), ("1 year/15 months full-time", FLAG, None),
    ("9 Months, 18 Months or 24 Months Part Time", FLAG, None), ("1.5 2.5 έτη", FLAG, None),
    ("12 months full-time (September intake), 13 months full-time (January intake)", FLAG, None),
    ("2 years MA; 3 years MS", FLAG, None), ("Up to 24 Months", FLAG, None), ("Maximum of five years", FLAG, None),
    ("Full-time: Up to 12 months | Part-time: Up to 36 months", FLAG, None), ("2 years (min)", FLAG, None),
    ("1.5", FLAG, None), ("Part-time: 3", FLAG, None), ("Full-time, Part-time", FLAG, None),
    ("4 modules plus dissertation", FLAG, None), ("144 Months", FLAG, None), ("0 months", FLAG, None),
    ("1.3 years", FLAG, None), ("PGDip: 12 months; MSc: additional 8 months", FLAG, None),
    ("1 year (full-time) + 1 year (part-time)", FLAG, None), ("10 weeks", FLAG, None),
    # stand-ins
    ("-", NOTE, None), ("See website for further details", NOTE, None), ("Course dates not yet available", NOTE, None),
    ("", NOTE, None),
]


@pytest.mark.parametrize("raw,full,part", CASES)
def test_duration(raw: str, full: int | str | None, part: int | None) -> None:
    parsed = parse_duration(raw)
    if full == FLAG:
        assert parsed.value is None and parsed.problem, parsed
    elif full == NOTE:
        assert parsed.value is None and parsed.problem is None and parsed.note, parsed
    else:
        assert parsed.problem is None, parsed
        assert parsed.value == Duration(full_time_months=full, part_time_months=part), parsed  # type: ignore[arg-type]


def test_invisible_characters_do_not_break_matching() -> None:
    assert parse_duration("12 months full-time; 24 months part\u2011time\u200b").value == Duration(12, 24)
    assert parse_duration("1\u00a0year\u202c full\u00adtime").value == Duration(12, None)


@pytest.mark.parametrize("raw", ["1" * 20000, "1 year " * 4000, "(" * 5000 + "1 year", "up to " * 4000,
                                 "1 year full time, 2 years part time (MSc), " * 500, "with placement " * 3000])
def test_huge_inputs_end(raw: str) -> None:
    parse_duration(raw)  # a linear parser ends at once; a quadratic one makes the suite crawl


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from(["one", "two", "three", "four", "five"]))
def test_full_and_part_time_in_digits_and_words(full: int, part: int, word: str) -> None:
    assert parse_duration(f"{full} years full time, {part} years part time").value == Duration(12 * full, 12 * part)
    n = word_number(word)
    assert n is not None
    assert parse_duration(f"{word.title()} years part-time").value == Duration(None, 12 * n)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 -/,.():+yearsmonthfulpart", max_size=40))
def test_any_value_is_plausible(text: str) -> None:
    parsed = parse_duration(text)
    assert parsed.value is not None or parsed.problem or parsed.note
    if parsed.value is not None:
        assert all(m is None or 1 <= m <= 120 for m in (parsed.value.full_time_months, parsed.value.part_time_months))
