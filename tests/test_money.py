"""Tuition strings → fee per audience: a table of the kinds the real data holds, and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.money import Money, parse_money, parse_tuition
from normalize.numbers import parse_amount

D = Decimal
FLAG, NOTE = "FLAG", "NOTE"


def fee(amount: str | int, currency: str, period: str | None = None) -> Money:
    return Money(amount=D(str(amount)), currency=currency, period=period)


FREE = Money(amount=D(0), currency="", period=None)

TUITION = [
    # one amount
    ("€13.750", "NL", {"all": fee(13750, "EUR")}),
    ("25.000,00 TL", "TR", {"all": fee(25000, "TRY")}),
    ("1.500,00 $", "TR", {"all": fee(1500, "USD")}),
    ("Rs. 4,00,000 per year", "IN", {"all": fee(400000, "INR", "year")}),
    ("CHF 1'500 per semester", "CH", {"all": fee(1500, "CHF", "semester")}),
    ("13\u2009200", "EE", {"all": fee(13200, "EUR")}),  # thin space; no currency printed: the country's
    ("1 000 000 Yen / year", "JP", {"all": fee(1000000, "JPY", "year")}),
    ("12,000 francs per year", "CH", {"all": fee(12000, "CHF", "year")}),
    ("45000 kr per year", "SE", {"all": fee(45000, "SEK", "year")}),
    ("The tuition fee is 105,000 QR per programme.", "QA", {"all": fee(105000, "QAR", "programme")}),
    ("€1,750 per year for ALL students", None, {"all": fee(1750, "EUR", "year")}),  # ALL is no lek here
    ("£9,000 full MSc £5,750 MSc top-up", "GB", {"all": fee(9000, "GBP")}),  # nor is "top" a currency
    ("HKD$ 280,000 Note: Tuition fees are subject to annual review.", "HK", {"all": fee(280000, "HKD")}),
    ("HK$184,800 (~US$23,900)", "HK", {"all": fee(184800, "HKD")}),  # a conversion is no second fee
    ("€ 727,-- per semester", "AT", {"all": fee(727, "EUR", "semester")}),
    ("\u200b€2,000\u200e", "FR", {"all": fee(2000, "EUR")}),
    ("Tuition Fee/year 17,650 SGD", None, {"all": fee(17650, "SGD", "year")}),
    ("2,940,445 BDT / full", "NZ", {"all": fee(2940445, "BDT", "programme")}),
    ("Tuition fee, first payment: 55,000 SEK Tuition fee, total: 220,000 SEK", "SE",
     {"all": fee(220000, "SEK", "programme")}),
    ("Price: 14,100.00€ Application fee: 90.00€", "FR", {"all": fee(14100, "EUR")}),
    ("Full time - £18,000 Part time - £9,000", "GB", {"all": fee(18000, "GBP")}),
    ("The enrolment fee is 560 euro per person", "IT", {"all": fee(560, "EUR")}),  # no other fee printed
    # several audiences
    ("UK: £13,500 (Total) International: £31,000 (Total)", "GB",
     {"domestic": fee(13500, "GBP", "programme"), "international": fee(31000, "GBP", "programme")}),
    ("EU/EEA: €1,084 non-EU: €14,236", "NL", {"eu_eea": fee(1084, "EUR"), "international": fee(14236, "EUR")}),
    ("Academic year 2022/23 The statutory fee is €2,209 The institutional fee is €15,800", "NL",
     {"eu_eea": fee(2209, "EUR", "year"), "international": fee(15800, "EUR", "year")}),
    ("€7,620 (EU) & €24,140 (non-EU)", "IE", {"eu_eea": fee(7620, "EUR"), "international": fee(24140, "EUR")}),
    ("EU 4000Non-EU 6000", "EE", {"eu_eea": fee(4000, "EUR"), "international": fee(6000, "EUR")}),
    ("UK/EU- £7,500 | Overseas- £15,000", "GB",
     {"domestic": fee(7500, "GBP"), "eu_eea": fee(7500, "GBP"), "international": fee(15000, "GBP")}),
    ("Fees 2023/24 UK Overseas Full-time £8,655 £14,500", "GB",
     {"domestic": fee(8655, "GBP"), "international": fee(14500, "GBP")}),
    ("SEK 150 000 / year. Citizens of an EU/EEA country pay no tuition fees.", "SE",
     {"international": fee(150000, "SEK", "year"), "eu_eea": FREE}),
    ("Tuition fee per year (non-EU/EEA students): 13000 €", "FI", {"all": fee(13000, "EUR", "year")}),
    ("Home Award Fee £9,100 Home Module Fee (15 Credit) £760", "GB", {"all": fee(9100, "GBP")}),
    ("£700/mth * € 815 based on the exchange rate of 1 May", "GB", {"all": fee(700, "GBP", "month")}),
    ("£10,100 UK and International (2023-24) £10,400 UK / £10,700 International (2024-25)", "GB", FLAG),
    ("Full time -£12,000 Part time -£6,000", "GB", {"all": fee(12000, "GBP")}),  # list dashes, no minus
    ("9.250 € pro Jahr", "DE", {"all": fee(9250, "EUR", "year")}),
    ("2.000 € por semestre", "ES", {"all": fee(2000, "EUR", "semester")}),
    ("EU students: free. Non-EU: €15,000/year", "NL", {"eu_eea": FREE, "international": fee(15000, "EUR", "year")}),
    # no tuition
    ("Free", None, {"all": FREE}), ("0", "LT", {"all": FREE}),
    ("No tuition fees, only a semester contribution of 300 EUR per semester.", "DE", {"all": FREE}),
    # flagged
    ("-1750 EUR", None, FLAG), ("1e5 EUR", None, FLAG), ("€ 5000000", None, FLAG), ("EUR 2,000 - 4,000", None, FLAG),
    ("From £12,900", "GB", FLAG), ("£3,000 per term", "GB", FLAG), ("$1,402 per credit", "US", FLAG), ("1,292,401 BDT / module", "US", FLAG),
    ("EUR 7,390 per semester (Standard Track) EUR 7,890 per semester (Fast Track)", "DE", FLAG),
    ("UK Fees: 2022/23 fees TBC; 2021/22 fees - 10400", "GB", FLAG), (",00 TL", "TR", FLAG),
    ("$30,000", "DE", FLAG), ("12,000", None, FLAG),  # "$" outside a dollar country; no currency, no country
    # stand-ins: a note, not a flag
    ("Please see our website for current fees.", "GB", NOTE), ("https://example.org/fees", "GB", NOTE),
    ("Questions about fees? Call 0330 123 2023", "GB", NOTE), ("-", None, NOTE),
]


@pytest.mark.parametrize("raw,country,expected", TUITION)
def test_tuition(raw, country, expected):
    parsed = parse_tuition(raw, country)
    if expected == FLAG:
        assert parsed.value is None and parsed.problem, parsed
    elif expected == NOTE:
        assert parsed.value is None and parsed.problem is None and parsed.note, parsed
    else:
        assert parsed.problem is None and parsed.value == expected, parsed


def test_parse_money_is_one_fee():
    assert parse_money("€ 2,530 / year").value == fee(2530, "EUR", "year")
    assert parse_money("UK: £13,500 International: £31,000", "GB").problem  # two fees: not one amount


@pytest.mark.parametrize("text,value", [
    ("1,750", D(1750)), ("1.750", D(1750)), ("17,5", D("17.5")), ("4.453,90", D("4453.90")),
    ("4,00,000", D(400000)), ("1'500", D(1500)), ("13 200", D(13200)), ("1.2.3", None), ("1,75,0", None),
])
def test_amounts(text, value):
    assert parse_amount(text) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, "GB", "US", "SE", "TR", "IN"]))
def test_tuition_never_raises_and_explains_a_miss(text, country):
    parsed = parse_tuition(text, country)
    assert parsed.value is not None or parsed.problem or parsed.note
    for money in (parsed.value or {}).values():
        assert money.amount >= 0 and (money.currency or money.amount == 0)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["€{:,}", "{:,} EUR", "£{:,} per year"]))
def test_a_printed_amount_reads_back(amount, pattern):
    money = parse_money(pattern.format(amount)).value
    assert money is not None and money.amount == amount
