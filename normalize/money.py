"""Tuition and living costs: amount (Decimal), ISO 4217 currency, period."""

from __future__ import annotations

import re
from decimal import Decimal

import pycountry
from pydantic import BaseModel

from normalize.numbers import NUMBER, parse_amount
from normalize.parsed import Parsed, bad, memo, placeholder, squash

SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "zł": "PLN", "kč": "CZK"}
# "$" and "kr" name several currencies: only the programme's country says which.
DOLLAR_BY_COUNTRY = {"US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN"}
KRONA_BY_COUNTRY = {"NO": "NOK", "SE": "SEK", "DK": "DKK", "IS": "ISK"}
PERIODS = (
    ("semester", "semester"), ("term", "semester"), ("month", "month"),
    ("full programme", "programme"), ("full program", "programme"), ("total", "programme"),
    ("programme", "programme"), ("program", "programme"), ("course", "programme"),
    ("year", "year"), ("annual", "year"), ("annum", "year"), ("/yr", "year"),
)
FREE = frozenset({"free", "no tuition", "no tuition fee", "tuition free", "0"})
_CODE = re.compile(r"\b([A-Z]{3})\b")


class Money(BaseModel, frozen=True):
    amount: Decimal
    currency: str
    period: str | None = None  # year | semester | programme | month


def _currency(raw: str, country: str | None) -> str | None | Exception:
    for code in _CODE.findall(raw.upper()):
        if pycountry.currencies.get(alpha_3=code) is not None:
            return code
    lowered = raw.lower()
    for symbol, code in SYMBOLS.items():
        if symbol in lowered:
            return code
    if "$" in raw:
        return DOLLAR_BY_COUNTRY.get(country or "") or ValueError("'$' without a country that says which dollar")
    if re.search(r"\bkr\b", lowered):
        return KRONA_BY_COUNTRY.get(country or "") or ValueError("'kr' without a country that says which krona")
    return None


def _period(raw: str) -> str | None:
    lowered = squash(raw)
    for word, period in PERIODS:
        if word in lowered:
            return period
    return None


@memo
def parse_money(raw: str, country: str | None = None) -> Parsed[Money]:
    """'1750 EUR / year', 'EUR 82,300 (Total)', 'GBP 17,900 / per year', '$67,000' (in Canada), 'Free'."""
    if (empty := placeholder(raw)) is not None:
        return empty
    period = _period(raw)
    if squash(raw).split(" /")[0].strip() in FREE:
        return Parsed(Money(amount=Decimal(0), currency="", period=period))
    numbers = NUMBER.findall(raw)
    if len(numbers) != 1:
        return bad("no single amount" if not numbers else "several amounts (a range?)")
    amount = parse_amount(numbers[0])
    if amount is None:
        return bad(f"unreadable amount {numbers[0]!r}")
    currency = _currency(raw, country)
    if isinstance(currency, Exception):
        return bad(str(currency))
    if currency is None:
        return bad("no currency")
    if amount < 0 or amount > 1_000_000:
        return bad("amount outside 0..1,000,000")
    return Parsed(Money(amount=amount, currency=currency, period=period))


class CostRange(BaseModel, frozen=True):
    min_month: Decimal
    max_month: Decimal
    currency: str


@memo
def parse_living_costs(raw: str, country: str | None = None) -> Parsed[CostRange]:
    """'810 - 1280 EUR/month' (a per-month range, or one amount)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    parsed = [parse_amount(n) for n in NUMBER.findall(raw)]
    numbers = [n for n in parsed if n is not None]
    if not numbers or len(numbers) > 2 or len(numbers) != len(parsed):
        return bad("expected one amount or a range")
    currency = _currency(raw, country)
    if currency is None or isinstance(currency, Exception):
        return bad(str(currency) if currency else "no currency")
    period = _period(raw)
    if period not in (None, "month"):
        return bad(f"living costs per {period}, expected per month")
    low, high = numbers[0], numbers[-1]
    if low > high:
        return bad("range goes down")
    return Parsed(CostRange(min_month=low, max_month=high, currency=currency))


AUDIENCES = ("international", "eu_eea", "domestic", "all")  # "all": the string names no audience


@memo
def parse_tuition(raw: str, country: str | None = None) -> Parsed[dict[str, Money]]:
    """One printed tuition string → its fee per audience ('all' when the string names none)."""
    parsed = parse_money(raw, country)
    return Parsed({"all": parsed.value}) if parsed.value is not None else Parsed(problem=parsed.problem, note=parsed.note)
