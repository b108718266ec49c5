"""Fees as euros per year with the shipped ECB reference rates (offline)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from normalize.exchange import eur_per_year, eur_rate, rate_date
from normalize.money import Money

D = Decimal


def money(amount: int, currency: str = "EUR", period: str | None = "year") -> Money:
    return Money(amount=D(amount), currency=currency, period=period)


@pytest.mark.parametrize("fee,months,expected", [
    (money(6000), None, D(6000)), (money(3000, period="semester"), 24, D(6000)),
    (money(500, period="month"), None, D(6000)), (money(12000, period="programme"), 24, D(6000)),
    (money(12000, period="programme"), 12, D(12000)), (Money(amount=D(0), currency="", period=None), 12, D(0)),
])
def test_yearly_euros(fee, months, expected):
    assert eur_per_year(fee, months).value == expected


@pytest.mark.parametrize("fee,months", [
    (money(12000, period="programme"), 18),  # 1.5 years: no exact yearly figure
    (money(12000, period="programme"), None), (money(12000, period=None), 12),
    (money(100000, "BDT"), 12),  # the ECB does not quote BDT
])
def test_empty_with_a_note(fee, months):
    parsed = eur_per_year(fee, months)
    assert parsed.value is None and parsed.note and not parsed.problem


def test_other_currencies_use_the_rate_of_one_recorded_day():
    day = rate_date()
    assert isinstance(day, date) and day.year >= 2024
    rate = eur_rate("GBP")
    assert rate is not None and D("1.0") < rate < D("1.5")
    assert eur_per_year(money(10000, "GBP"), None).value == (D(10000) * rate).quantize(D(1))
    assert eur_rate("EUR") == 1
