"""A table of real-looking strings per field with their expected values (every seed string included), and
property tests: no parser raises on any text; output is inside its field's range or missing with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.categories import parse_mode, parse_pace
from normalize.credits import parse_credits
from normalize.degrees import parse_degree, parse_level
from normalize.dates import parse_date, parse_start
from normalize.durations import Duration, parse_duration
from normalize.money import SYMBOLS, parse_living_costs, parse_money
from normalize.languages import parse_languages
from normalize.places import parse_locations
from normalize.universities import clean_university
from normalize.scores import parse_score

D = Decimal
BAD = "BAD"  # the string must be flagged (missing, with a problem)
NOTE = "NOTE"  # missing on purpose (placeholder / rolling): no flag


def check(parsed, expected):
    if expected == BAD:
        assert parsed.value is None and parsed.problem, parsed
    elif expected == NOTE:
        assert parsed.value is None and parsed.problem is None and parsed.note, parsed
    else:
        assert parsed.problem is None, parsed
        assert parsed.value == expected, parsed


DURATIONS = [
    ("2 years", 24), ("24 months", 24), ("1.5 years", 18), ("3 semesters", 18), ("2 Years", 24), ("12 months", 12),
    ("1 year", 12), ("1 Year", 12), ("18 Months", 18), ("18 months", 18), ("4 semesters", 24), ("1,5 years", 18),
    ("6 terms", 36), ("12 months full-time", 12), ("9 months", 9), ("10 Months", 10), ("3 years", 36),
    ("1-2 years", BAD), ("Request info", NOTE), ("", NOTE), ("Unknown", NOTE), ("long", BAD), ("200 months", BAD),
    ("1.3 years", BAD), ("24 months Programme duration", 24),
]


@pytest.mark.parametrize("raw,months", DURATIONS)
def test_duration(raw, months):
    check(parse_duration(raw), months if months in (BAD, NOTE) else Duration(full_time_months=months))


@pytest.mark.parametrize("raw,full,part", [
    ("18 months full-time / 36 part-time", 18, 36), ("12 months full-time / 24 months part-time", 12, 24),
    ("1 year full-time, 2 years part-time", 12, 24), ("24 months part-time", None, 24),
])
def test_duration_full_and_part_time(raw, full, part):
    value = parse_duration(raw).value
    assert (value.full_time_months, value.part_time_months) == (full, part)


MONEY = [
    ("1750 EUR / year", None, (D(1750), "EUR", "year")), ("938 EUR /year", None, (D(938), "EUR", "year")),
    ("1750 EUR/year", None, (D(1750), "EUR", "year")), ("17,900 GBP / year", None, (D(17900), "GBP", "year")),
    ("1,750 EUR", None, (D(1750), "EUR", None)), ("1.750 EUR", None, (D(1750), "EUR", None)),
    ("1 750 EUR", None, (D(1750), "EUR", None)), ("1\u00a0750 €", None, (D(1750), "EUR", None)),
    ("17,900.50 GBP", None, (D("17900.50"), "GBP", None)), ("17.900,50 €", None, (D("17900.50"), "EUR", None)),
    ("EUR 82,300 (Total)", None, (D(82300), "EUR", "programme")),
    ("GBP 10,000 / per full programme", None, (D(10000), "GBP", "programme")),
    ("CHF 730 / per semester", None, (D(730), "CHF", "semester")), ("730 CHF /semester", None, (D(730), "CHF", "semester")),
    ("£9,250 per year", None, (D(9250), "GBP", "year")), ("€ 2,530 / year", None, (D(2530), "EUR", "year")),
    ("$ 67,000", "CA", (D(67000), "CAD", None)), ("$45,000 / year", "US", (D(45000), "USD", "year")),
    ("$ 67,000", None, BAD), ("$30,000", "DE", BAD), ("45000 kr per year", "SE", (D(45000), "SEK", "year")),
    ("45000 kr", None, BAD), ("12,000 XYZ", None, BAD), ("Free", None, (D(0), "", None)),
    ("Free / year", None, (D(0), "", None)), ("Request info", None, NOTE), ("View fees", None, NOTE),
    ("Unknown", None, NOTE), ("EUR 2,000 - 4,000", None, BAD), ("contact the school", None, NOTE),
    ("18,000 EUR / year", None, (D(18000), "EUR", "year")), ("EUR 18,000", None, (D(18000), "EUR", None)),
    ("CAD 67,000 / per year", None, (D(67000), "CAD", "year")), ("1750 EUR per month", None, (D(1750), "EUR", "month")),
]


@pytest.mark.parametrize("raw,country,expected", MONEY)
def test_money(raw, country, expected):
    parsed = parse_money(raw, country)
    if expected in (BAD, NOTE):
        check(parsed, expected)
    else:
        assert parsed.value is not None, parsed
        assert (parsed.value.amount, parsed.value.currency, parsed.value.period) == expected


@pytest.mark.parametrize("raw,expected", [
    ("810 - 1280 EUR/month", (D(810), D(1280), "EUR")), ("1100 - 1700 EUR/month", (D(1100), D(1700), "EUR")),
    ("12000 - 15000 NOK/month", (D(12000), D(15000), "NOK")), ("900 EUR/month", (D(900), D(900), "EUR")),
    ("1280 - 810 EUR/month", BAD), ("800 - 1200 EUR/year", BAD), ("lots", BAD),
])
def test_living_costs(raw, expected):
    parsed = parse_living_costs(raw)
    if expected == BAD:
        check(parsed, BAD)
    else:
        assert (parsed.value.min_month, parsed.value.max_month, parsed.value.currency) == expected


DATES = [
    ("01 Jul, 2026", "2026-07-01"), ("01 Jul 2026", "2026-07-01"), ("Jun 2026", "2026-06"), ("2026-06-30", "2026-06-30"),
    ("Apr 1, 2026", "2026-04-01"), ("Dec 15, 2026", "2026-12-15"), ("31 Mar, 2026", "2026-03-31"),
    ("15 September 2026", "2026-09-15"), ("September 2026", "2026-09"), ("2026-09", "2026-09"),
    ("12 months", BAD), ("Sep", BAD), ("2026-13-01", BAD), ("2026-02-30", BAD), ("soon", BAD),
    ("Rolling", NOTE), ("Request info", NOTE), ("Unknown", NOTE), ("1 year", BAD), ("Jul 31, 2026", "2026-07-31"),
]


@pytest.mark.parametrize("raw,expected", DATES)
def test_dates(raw, expected):
    check(parse_date(raw), expected)


STARTS = [
    ("Sep", ((9, None),)), ("Feb, Sep", ((2, None), (9, None))), ("Sep 2026", ((9, 2026),)),
    ("2027-02-15", ((2, 2027),)), ("2026-09-01", ((9, 2026),)), ("September", ((9, None),)),
    ("Jan 2027", ((1, 2027),)), ("Feb 2027", ((2, 2027),)), ("Nov", ((11, None),)), ("Aug", ((8, None),)),
    ("January and September", ((1, None), (9, None))), ("Rolling", NOTE), ("Request info", NOTE), ("Blah", BAD),
]


@pytest.mark.parametrize("raw,expected", STARTS)
def test_start_dates(raw, expected):
    check(parse_start(raw), expected)


SCORES = [
    ("IELTS", "7+", D(7)), ("IELTS", "7.0", D(7)), ("IELTS", "6.5", D("6.5")), ("IELTS", "6.5+", D("6.5")),
    ("IELTS", "75", BAD), ("IELTS", "6.3", BAD), ("TOEFL", "100+", D(100)), ("TOEFL iBT", "92", D(92)),
    ("TOEFL", "84+", D(84)), ("TOEFL", "130", BAD), ("GMAT", "600+", D(600)), ("GMAT", "650+", D(650)),
    ("GRE", "310", D(310)), ("GRE", "900", BAD), ("PTE", "65", D(65)), ("Duolingo", "120", D(120)),
    ("GPA", "84+", D(84)), ("Cambridge CAE", "185", D(185)), ("IELTS", "Request info", NOTE),
    ("Zodiac", "7", BAD), ("IELTS", "seven", BAD), ("IELTS", "min. 6.5", D("6.5")),
]


@pytest.mark.parametrize("label,raw,expected", SCORES)
def test_scores(label, raw, expected):
    check(parse_score(label, raw), expected)


CATEGORIES = [
    (parse_mode, "On Campus", "on_campus"), (parse_mode, "On-Campus", "on_campus"), (parse_mode, "Online", "online"),
    (parse_mode, "Distance Learning", "online"), (parse_mode, "Blended", "blended"), (parse_mode, "On Campus, Online", "blended"),
    (parse_mode, "Hybrid", "blended"), (parse_mode, "weekends", BAD),
    (parse_pace, "Full-time", "full_time"), (parse_pace, "Full time", "full_time"), (parse_pace, "Part-time", "part_time"),
    (parse_pace, "Part time", "part_time"), (parse_pace, "Full time, Part time", "both"), (parse_pace, "Full-time, Part-time", "both"),
    (parse_pace, "evenings", BAD), (parse_pace, "Request info", NOTE),
    (parse_degree, "M.Sc.", "MSc"), (parse_degree, "MSc in", "MSc"), (parse_degree, "MSc", "MSc"),
    (parse_degree, "Online MSc in", "MSc"), (parse_degree, "MA in", "MA"), (parse_degree, "M.A.", "MA"),
    (parse_degree, "MBA", "MBA"), (parse_degree, "LL.M.", "LLM"), (parse_degree, "MMA", "MMA"),
    (parse_degree, "Master of Science", "MSc"), (parse_degree, "Master of Arts", "MA"), (parse_degree, "PhD", "PhD"),
    (parse_degree, "Diploma", BAD),
    (parse_level, "Masters", "master"), (parse_level, "Postgraduate", "master"), (parse_level, "PhD", "phd"),
    (parse_level, "Bachelor", "bachelor"), (parse_level, "MSc", "master"), (parse_level, "short course", BAD),
    (parse_credits, "120 ECTS", (120, None)), (parse_credits, "60 ECTS credits", (60, None)),
    (parse_credits, "90 ECTS", (90, None)), (parse_credits, "180 alternative credits", (None, "180 alternative credits")),
    (parse_credits, "180 UK credits", (None, "180 UK credits")), (parse_credits, "9000 ECTS", BAD), (parse_credits, "many", BAD),
]


@pytest.mark.parametrize("parser,raw,expected", CATEGORIES)
def test_categories(parser, raw, expected):
    check(parser(raw), expected)


PLACES = [
    ("Leuven, Belgium", [("Leuven", "BE")]), ("Amsterdam, Netherlands", [("Amsterdam", "NL")]),
    ("Zürich, Switzerland", [("Zürich", "CH")]), ("London, United Kingdom", [("London", "GB")]),
    ("Toronto, Canada", [("Toronto", "CA")]), ("Edinburgh, UK", [("Edinburgh", "GB")]),
    ("Paris, France; Berlin, Germany", [("Paris", "FR"), ("Berlin", "DE")]), ("Boston, USA", [("Boston", "US")]),
    ("Belgium", [(None, "BE")]), ("Leuven, Atlantis", BAD),
]


@pytest.mark.parametrize("raw,expected", PLACES)
def test_locations(raw, expected):
    parsed = parse_locations(raw)
    if expected == BAD:
        check(parsed, BAD)
    else:
        assert [(p.city, p.country) for p in parsed.value] == expected


@pytest.mark.parametrize("raw,expected", [
    ("English", ("en",)), ("English, French", ("en", "fr")), ("German", ("de",)), ("Dutch and English", ("nl", "en")),
    ("Spanish", ("es",)), ("Klingon", BAD), ("Request info", NOTE),
])
def test_languages(raw, expected):
    check(parse_languages(raw), expected)


@pytest.mark.parametrize("raw,expected", [
    ("ETH Zurich - Swiss Federal Institute of Technology", "ETH Zurich"), ("The University of Edinburgh", "University of Edinburgh"),
    ("University of York Online", "University of York Online"), ("King’s College London", "King's College London"),
    ("KU Leuven", "KU Leuven"), ("  Wageningen University & Research ", "Wageningen University & Research"),
])
def test_university_names(raw, expected):
    assert clean_university(raw) == expected


# ------------------------------------------------------------- properties
PARSERS = [parse_duration, parse_money, parse_date, parse_start, parse_mode, parse_pace, parse_degree, parse_level,
           parse_credits, parse_locations, parse_languages, parse_living_costs]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_no_parser_raises_and_every_miss_has_a_reason(text):
    for parser in PARSERS:
        parsed = parser(text)
        assert parsed.value is not None or parsed.problem or parsed.note


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,+ -/€£$EURGBPyearsmonthIELTS", max_size=25))
def test_outputs_stay_in_range(text):
    duration = parse_duration(text).value
    if duration is not None:
        assert all(m is None or 1 <= m <= 120 for m in (duration.full_time_months, duration.part_time_months))
    money = parse_money(text).value
    if money is not None:  # a currency is one printed (a code such as "BRL" counts); the bound is in euros
        assert (money.currency == "" and money.amount == 0) or money.currency in ("EUR", "GBP") and "$" not in text \
            or money.currency in text or any(s in text.lower() for s, c in SYMBOLS.items() if c == money.currency)
        assert 0 <= money.amount <= (1_000_000 if money.currency in ("EUR", "GBP", "") else 10 ** 8)
    ielts = parse_score("IELTS", text).value
    if ielts is not None:
        assert 0 <= ielts <= 9 and ielts % D("0.5") == 0
    toefl = parse_score("TOEFL", text).value
    if toefl is not None:
        assert 0 <= toefl <= 120
