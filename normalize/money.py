"""Tuition and living costs: amount (Decimal), ISO 4217 currency, period; the fee per audience in one string.

A printed fee string is read in three steps: every amount in it is found with its currency and unit
(`_mentions`), each amount is given an audience and a kind from the words around it (`_annotate`), and one fee
per audience is chosen (`_choose`): the full-time tuition of the main award, not an application fee, a discount,
a per-credit price, a part-time or diploma variant, or a conversion in brackets. Where what is left does not give
one value (a range, "from", two tracks, 'TBC'), the string is flagged: a wrong fee is worse than none.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pycountry
from babel.numbers import get_territory_currencies
from pydantic import BaseModel

from normalize.numbers import NUMBER, parse_amount
from normalize.parsed import Parsed, bad, memo, missing, placeholder, squash


class Money(BaseModel, frozen=True):
    amount: Decimal
    currency: str  # ISO 4217; "" when there is no tuition
    period: str | None = None  # year | semester | programme | month; None when none is printed


AUDIENCES = ("international", "eu_eea", "domestic", "all")  # "all": the string names no audience

# ------------------------------------------------------------------------------------------------ currencies
SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "₪": "ILS", "₱": "PHP",
           "฿": "THB", "₫": "VND", "zł": "PLN", "kč": "CZK", "euro": "EUR", "euros": "EUR", "tl": "TRY", "yen": "JPY",
           "qr": "QAR", "rmb": "CNY", "cdn": "CAD", "dhs": "AED", "rm": "MYR", "nis": "ILS", "lei": "RON", "u.s.": "USD",
           "us$": "USD", "us $": "USD", "hk$": "HKD", "hkd$": "HKD", "nz$": "NZD", "au$": "AUD", "a$": "AUD",
           "ca$": "CAD", "can$": "CAD", "c$": "CAD", "s$": "SGD", "r$": "BRL", "mx$": "MXN", "gbp£": "GBP"}
# "$", "kr", "Rs" and "francs" name several currencies: the programme's country says which.
DOLLAR_BY_COUNTRY = {"US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN",
                     "TR": "USD"}  # Turkish state portals print US dollars as "$" (dev set, Study in Türkiye)
KRONA_BY_COUNTRY = {"NO": "NOK", "SE": "SEK", "DK": "DKK", "IS": "ISK"}
RUPEE_BY_COUNTRY = {"IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR"}
FRANC_BY_COUNTRY = {"CH": "CHF", "LI": "CHF"}
_CUR = (r"(?:[A-Z]{3}\s?\$|[A-Z]{3}£|US\s?\$|HK\$|NZ\$|AU\$|A\$|CAN?\$|C\$|S\$|R\$|MX\$|U\.S\.|[€£¥₹₩₺₪₱฿₫$]"
        r"|(?<![A-Za-z])(?:[A-Z]{3}|(?i:euros?)|TL|Rs\.?|(?i:kr)\.?|zł|(?i:kč)|lei|(?i:yen)|(?i:francs?)|QR|RMB|Dhs|RM|NIS)"
        r"(?![A-Za-z]))")
MENTION = re.compile(rf"(?:(?P<pre>{_CUR})\s{{0,2}})?(?P<num>{NUMBER.pattern})(?:\s{{0,2}}(?P<post>{_CUR})(?!\s?\d))?")


@lru_cache(maxsize=None)
def _iso_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=512)
def country_currency(country: str | None) -> str | None:
    """The currency a country uses today (babel's territory data), for fees printed without one."""
    if not country:
        return None
    try:
        found = get_territory_currencies(country.upper(), date(2024, 1, 1))
    except Exception:  # babel raises on unknown territories
        return None
    return found[0] if found else None


def _currency_of(token: str | None, country: str | None) -> str | None | ValueError:
    """A currency token as ISO 4217; None for no token; ValueError when the token needs a country it lacks."""
    if not token:
        return None
    low = re.sub(r"\s+", " ", token.strip()).lower()
    if re.fullmatch(r"[A-Z]{3}\s?[$£]", token.strip()):  # "SGD $17000", "GBP£ 7,000"; "MBA $" is a "$"
        return token[:3] if token[:3] in _iso_codes() else _currency_of(token.strip()[-1], country)
    if token.isupper() and len(token) == 3 and token.isalpha():
        return token if token in _iso_codes() else (SYMBOLS.get(low) or None)
    if low in SYMBOLS:
        return SYMBOLS[low]
    for table, name, word in ((DOLLAR_BY_COUNTRY, "dollar", "$"), (KRONA_BY_COUNTRY, "krona", "kr"),
                              (RUPEE_BY_COUNTRY, "rupee", "rs"), (FRANC_BY_COUNTRY, "franc", "franc")):
        if low.rstrip(".s") == word.rstrip("s") or low == word:
            return table.get(country or "") or ValueError(f"{token.strip()!r}: no country that says which {name}")
    return None


# ------------------------------------------------------------------------------------------------ words
_INVISIBLE = re.compile("[\u0000\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\?\S+|(?<!\S)[^\s=]+=\S+|(?<!\S)[^\s@]+@[^\s@]+|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|ac\.uk|"
                  r"co\.uk|uk|be|de|nl|fr|ie|eu|se|ee|it|es|ch|at|dk|fi|no|pt|pl|cz|ca|au|nz|hk|sg|jp|in|io)\b(?:/\S*)?")
_LABEL = re.compile(
    r"(?<![A-Za-z])(?:(?P<intl>non[- ]?\s?eu(?:\s?/\s?ee[ar])?|none-eu|non[- ]?\s?eea|non[- ]?european|non[- ]local|out-of-state"
    r"|(?:from )?outside (?:the )?(?:eu|eea|european union)|other countries|all others|overseas|institutional"
    r"|third[- ]country(?: nationals?)?|internationals?(?=\s*(?:$|[^\w\s]|\d|(?:students?|fees?|applicants?|nationals?|citizens?|residents?|course fees?|tuition|full|part"
    r"|distance|sandwich|rate|only|and|or|entry)\b)))"
    r"|(?P<eu>eu\s?/\s?ee[ar]|european union|european economic area|eea|eu|ue|statutory|within the eu"
    r"|european(?=\s*(?:$|[^\w\s]|(?:students?|nationals?|citizens?|applicants?|residents?)\b)))"
    r"|(?P<dom>rest of the uk|uk|scottish|northern irish|welsh|english(?=\s*[,&/])|channel islands?|isle of man"
    r"|island students|local|domestic|home(?=\s*(?:$|[^\w\s]|(?:students?|fees?|full|part|distance|uk)\b))))(?!\w)",
    re.I)
_AUDIENCE_OF = {"intl": "international", "eu": "eu_eea", "dom": "domestic"}
_JOIN = re.compile(r"[\s/&,+()]*(?:\b(?:and|or|plus)\b)?[\s/&,+()]*", re.I)
_ZERO = re.compile(r"no (?:application or )?tuition(?: fees?)?|not required to pay tuition|not charge any tuition"
                   r"|(?:tuition )?fees? do not apply|do not have to pay tuition|exempted from paying tuition"
                   r"|tuition[- ]free|free of (?:charge|tuition)|\bfree\b(?= for\b)|^free\b|(?<=:)\s*free\b", re.I)
_SUFFIX_LABEL = re.compile(r"^[\s,*]*(?:\(\s*|(?:and )?(?:is )?applicable to |if you are from (?:the )?"
                           r"|for (?:(?:students|applicants|citizens)\s+)?(?:(?:from|of)\s+)?(?:within\s+)?(?:the\s+)?)$",
                           re.I)
# Money that is not a fee charged: discounts, grants, loans.
_NOT_A_FEE = re.compile(r"discount|scholarship|bursar|\bloans?\b|\boff\b|rabatt|alumni|fellowship|stipend|eligible"
                        r"|early bird|financial aid|\bgrants?\b|waiver|reduction", re.I)
# Fees other than tuition.
_OTHER_FEE = re.compile(r"applica?tion|admission|enrol?l?ment|registration|\badmin|examination|\bexam\b|insurance"
                        r"|\bbooks?\b|\bvisa\b|living|bench|acceptance|placement|sandwich|year in industry|health (?:services|insurance|fee)"
                        r"|services|\bunion\b|contribution|supplement|deposit|zugangspr|cvec|travel|accommodation|student fees?\b"
                        r"|subscription|activity fee"
                        r"|one-time|one-off|\bmaterials?\b", re.I)
_TUITION = re.compile(r"tuition|studiengeb|collegegeld|course fee|programme fee|program fee", re.I)
_VARIANT = re.compile(r"pg ?dip|pgd\b|diploma|pg ?cert|certificate|pre-?masters|capstone|top-up|\(with\b"
                      r"|distance learning|work placement|with prof", re.I)
_PACE = re.compile(r"(full|part)[- ]?time(?!\s+(?:track|programme|program|option|route))", re.I)
_MINIMUM = re.compile(r"(?:\bfrom|starting at|at least|minimum|\bmin\.?|\bab)\s*(?:approx\.?\s*|ca\.?\s*)?$", re.I)
_MAXIMUM = re.compile(r"(?:up to|maximum(?: van| of)?|\bmax\.?|no more than|not exceeding)\s*$", re.I)
_TBC = re.compile(r"\btb[ca]\b|to be (?:confirmed|announced)", re.I)
_UNIT_WORD = re.compile(r"^\s*(?:[-–]\s*)?(?:credits?|ects|ec\b|cfu|months?|years?|yrs?|weeks?|days?|hours?|semesters?"
                        r"|terms?|modules?|courses?|students?|participants?|%|st\b|nd\b|rd\b|th\b|instal?lments?"
                        r"|payments?|x\b|times|am\b|pm\b|:\d|h\b|[-/]year)", re.I)
_YEAR_BEFORE = re.compile(r"(?:\b(?:in|for|of|since|until|from|by|to|intake|entry|fall|spring|autumn|summer|winter"
                          r"|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*"
                          r"|year|starting|before|after|as of|until)|[/(-])\s*$", re.I)
_YEAR_AFTER = re.compile(r"^\s*(?:intakes?|entry|cohort|academic|[/-]\s?\d)", re.I)
_HEADER_END = re.compile(r"\s*(?:\w+\s*)?[:=]")
_RANGE_TO_MONEY = re.compile(r"\s*(?:-{1,2}>?|–|to)\s*\d[\d.,]*\s?" + _CUR)  # "0 - 500 EUR": 0 is an amount
_RANGE_JOIN = re.compile(r"^\s*(?:-{1,2}>?|–|—|to|bis|until)\s*$", re.I)

# Units printed right after an amount.
_AFTER = r"^\s*\*?\s*(?:tuition\s+)?"
_PER = r"(?:/\s*(?:per\s+|pro\s+)?|per\s+|a\s+|an\s+|each\s+|every\s+|pro\s+|je\s+|im\s+|par\s+|por\s+|al\s+|all'|per\s+)"
# Period words of the portals' languages (en, de, fr, es, it, nl).
_YEAR_WORD = r"(?:year|yr|annum|jahr|an|ann[ée]e|a[ñn]o|anno|jaar)"
_SEMESTER_WORD = r"(?:semester|semestre|semestre)"
_MONTH_WORD = r"(?:month|mth|mo|monat|mois|mes|mese|maand)"
_UNIT_AFTER = [
    ("credit", re.compile(_AFTER + r"(?:u\.s\.\s*|[a-z]+\s+)?" + _PER + r"(?:\d+\s*)?(?:taught\s+|dissertation\s+)?"
                          r"(?:credits?|ec|ects|cfu)\b", re.I)),
    ("module", re.compile(_AFTER + _PER + r"(?:\d+\s*credits?\s+|single\s+)?(?:module|unit)\b", re.I)),
    ("term", re.compile(_AFTER + _PER + r"(?:term|trimester|quarter)\b", re.I)),  # 3 or 4 a year: no semester
    ("year", re.compile(_AFTER + r"(?:" + _PER + r"(?:academic\s+)?" + _YEAR_WORD + r"\b|p\.?\s?a\b\.?|yearly\b"
                        r"|annually\b|\(?year\s*\d\b\)?|for (?:the )?(?:\d{4}/\d{2,4} )?academic year)", re.I)),
    ("semester", re.compile(_AFTER + _PER + _SEMESTER_WORD + r"\b", re.I)),
    ("month", re.compile(_AFTER + r"(?:" + _PER + _MONTH_WORD + r"\b|monthly\b|monatlich\b|mensuel\w*)", re.I)),
    ("programme", re.compile(_AFTER + r"(?:\(\s*total\s*\)|(?:in\s+)?total\b(?![\w\s]{0,20}(?:[:=]|\s[-–]\s))|/\s*full\b|" + _PER +
                             r"(?:full\s+)?(?:programme|program|course|degree)\b"
                             r"|for the (?:(?:full|entire|whole)\s+)?(?:course|programme|program|degree)\b)", re.I)),
]
_PACE_AFTER = re.compile(r"^\s*(?:\(\s*(full|part)[- ]?time\s*\)|,?\s*(full|part)[- ]?time"
                         r"(?=\s*(?:$|[).,;|&]|(?:and|or)\b|[£€$\d]|[A-Za-z]+\s*[£€$:\d])))", re.I)
# Units printed in the words before an amount ("Cost per 10 credits £722", "Tuition fee, total: 220,000 SEK").
_UNIT_BEFORE = [
    ("credit", re.compile(r"per\s+(?:\d+\s+)?(?:taught\s+|dissertation\s+)?credits?\b|per ec\b", re.I)),
    ("module", re.compile(r"\b(?:per|each)\s+(?:single\s+)?(?:module|course|unit)\b|credit module|module fee|individual courses?"
                          r"|module by module", re.I)),
    ("part", re.compile(r"first payment|first semester|\b(?:1st|2nd|3rd|first|second|third) year\b"
                        r"|instal?lments? of|payment in terms|\bsplit\b|\bcharged\b", re.I)),
    ("year", re.compile(r"per year|/\s*year|\bannual (?:tuition|fee)|\byearly\b|per annum", re.I)),
    ("semester", re.compile(r"per semester", re.I)),
    ("month", re.compile(r"per month|monthly", re.I)),
    ("programme", re.compile(r"\btotal(?:ling|ing)?\b|full (?:tuition|programme|program|course) fee|\bprogram(?:me)? fee\b"
                             r"|for the (?:entire|whole|full) (?:programme|program|course|degree)"
                             r"|\bfor the [\w’' ]{0,30}(?:programme|program) is\b", re.I)),
]
# A period that the whole string states once ("Academic year 2022/23 ... €2,209 ... €15,800").
_YEAR_OF_STRING = re.compile(r"academic year|\bannual (?:tuition|fee)|fee\s?/\s?year|\bper year\b(?=.*:)", re.I)
PLAUSIBLE_EUR = Decimal(250_000)  # above this (in euros) a fee is a misprint or an exponent
PLAUSIBLE_OTHER = Decimal(10) ** 8  # currencies the ECB does not quote (BDT fees run to 7 digits)


@dataclass
class _Mention:
    start: int
    end: int  # after its unit and pace words
    amount: Decimal
    currency: str | None
    has_currency: bool
    text: str
    unit: str | None = None  # credit | module | part | year | semester | month | programme
    pace: str | None = None  # full | part
    audiences: frozenset[str] = frozenset()
    kinds: set[str] = field(default_factory=set)  # range, minimum, maximum, other, not_fee, variant, sub, zero
    unit_before: str | None = None


def _clean(raw: str) -> str:
    text = _INVISIBLE.sub("", raw)
    text = _URL.sub(" ", text)
    text = re.sub(r"(\d)\s?[.,]-+", r"\1", text)  # "€2.530,-", "€ 727,--", "900.- Euro"
    text = re.sub(r"\((?:please )?see [^)]*\)", " ", text, flags=re.I)  # "(see fee discount information)"
    return re.sub(r"\s+", " ", text).strip()


def _is_year(text: str, m: re.Match[str], value: Decimal, currencies_printed: bool) -> bool:
    token = m.group("num")
    if not re.fullmatch(r"(?:19[89]\d|20[0-3]\d)", token):
        return False
    before, after = text[max(0, m.start() - 20):m.start()], text[m.end():m.end() + 12]
    if _YEAR_BEFORE.search(before) or _YEAR_AFTER.match(after) or currencies_printed:
        return True
    return bool(re.match(r"^[/-]\d", after)) or bool(re.search(r"\d[/-]$", before))


def _mentions(text: str, country: str | None) -> tuple[list[_Mention], str | None]:
    """Every amount printed in the text; a problem when a printed amount cannot be read."""
    found = list(MENTION.finditer(text))
    currencies_printed = any(m.group("pre") or m.group("post") for m in found)
    out: list[_Mention] = []
    for i, m in enumerate(found):
        token, pre, post = m.group("num"), m.group("pre"), m.group("post")
        cur_pre, cur_post = _currency_of(pre, country), _currency_of(post, country)
        if pre and cur_pre is None and not post:  # "MSC 2023": three capitals that are no currency
            pre = None
        if post and cur_post is None:
            post = None
        start = m.start("num") if not pre else m.start()
        end = m.end() if post else m.end("num")
        if re.search(r"(?:^|[(:=])\s?[-\u2212]$", text[max(0, start - 3):start]):  # "-1750 EUR", not "0-500" or "time -£9"
            return [], f"a negative amount ({text[start - 1:end]!r})"
        if re.match(r"[eE][+-]?\d", text[m.end("num"):m.end("num") + 3]):
            return [], f"an exponent in {token!r}"
        if isinstance(cur_pre, ValueError):
            return [], str(cur_pre)
        if isinstance(cur_post, ValueError):
            return [], str(cur_post)
        currency = cur_pre or cur_post
        if cur_pre and cur_post and cur_pre != cur_post:
            return [], f"two currencies on one amount ({pre} {token} {post})"
        if sum(c.isdigit() for c in token) > 12:
            return [], f"implausible amount ({sum(c.isdigit() for c in token)} digits)"
        value = parse_amount(token)
        if currency is None:  # a bare number: only an amount where it reads like one
            after = text[m.end("num"):m.end("num") + 12]
            neighbours = [f for f in (found[i - 1] if i else None, found[i + 1] if i + 1 < len(found) else None) if f]
            phone = any(re.fullmatch(r"\s+", text[min(f.end(), m.end()):max(f.start(), m.start())] or "x")
                        for f in neighbours)
            if (value is None or token[0] == "0" and len(token) > 1 or _UNIT_WORD.match(after) or phone
                    or _is_year(text, m, value, currencies_printed)):
                continue
            if value < 100 and not _RANGE_TO_MONEY.match(text, m.end("num")):
                continue
        elif value is None:
            return [], f"unreadable amount {token!r}"
        malformed = text[m.start("num") - 1:m.start("num")] in (".", ",")  # ",00 TL", "$,2,500"
        assert value is not None
        out.append(_Mention(start, end, value, currency, currency is not None, text[start:end]))
        if currency is not None and malformed:
            out[-1].kinds.add("malformed")
    return out, None


def _units(text: str, mentions: list[_Mention]) -> None:
    """The unit and pace printed right after each amount; the mention then ends after them."""
    for i, m in enumerate(mentions):
        limit = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        after = text[m.end:limit]
        for unit, pattern in _UNIT_AFTER:
            if (hit := pattern.match(after)) and not re.match(r"\s*[:=]", after[hit.end():]):  # not "Per credit: £59"
                m.unit, m.end = unit, m.end + hit.end()
                after = text[m.end:limit]
                break
        if hit := _PACE_AFTER.match(after):
            m.pace, m.end = (hit.group(1) or hit.group(2)).lower(), m.end + hit.end()


def _labels(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """Audience labels, neighbours joined ("EU/International", "UK, EU and international students")."""
    atoms = [(h.start(), h.end(), _AUDIENCE_OF[h.lastgroup or ""]) for h in _LABEL.finditer(text)]
    groups: list[tuple[int, int, frozenset[str]]] = []
    for start, end, audience in atoms:
        if groups:
            g_start, g_end, g_aud = groups[-1]
            between = text[g_end:start]
            if between.strip() and _JOIN.fullmatch(between) or re.fullmatch(r"\s*/\s*|", between):
                groups[-1] = (g_start, end, g_aud | {audience})
                continue
        groups.append((start, end, frozenset({audience})))
    return groups


def _zero_audience(text: str, m: _Mention, labels: list[tuple[int, int, frozenset[str]]]) -> frozenset[str]:
    """'Tuition fees do not apply for EU/EEA citizens', 'EU/EEA citizens: no tuition fees'."""
    k = bisect_left(labels, (m.end,))
    if k < len(labels) and _SUFFIX_LABEL.match(text[m.end:labels[k][0]]):
        return labels[k][2]
    k = bisect_left(labels, (m.start,))
    return labels[k - 1][2] if k and labels[k - 1][1] <= m.start else frozenset()


def _between(labels: list[tuple[int, int, frozenset[str]]], start: int, end: int) -> list[tuple[int, int, frozenset[str]]]:
    """The labels inside text[start:end] (labels are sorted and do not overlap)."""
    lo, hi = bisect_left(labels, (start,)), bisect_left(labels, (end,))
    return [label for label in labels[lo:hi] if label[1] <= end]


def _annotate(text: str, mentions: list[_Mention]) -> None:
    """Audience and kind of each amount, from the words before it (its gap) and right after it."""
    labels = _labels(text)
    sticky: frozenset[str] = frozenset()
    section_other = False
    pace: str | None = None
    used_as_suffix: set[int] = set()
    prev_end = 0
    paid = [m for m in mentions if "zero" not in m.kinds]
    # "£11,836 UK and International £12,167 UK / £12,428 International": the string opens with an amount and
    # names the audience after each one
    suffix_mode = bool(paid and labels and paid[0].start < labels[0][0])
    for i, m in enumerate(mentions):
        if "zero" in m.kinds:  # "no tuition fees": its audience only
            m.audiences = _zero_audience(text, m, labels)
            continue
        gap = text[prev_end:m.start]
        gap_labels = [(s, e, a) for s, e, a in _between(labels, prev_end, m.start) if s not in used_as_suffix]
        nxt = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        suffix_labels = _between(labels, m.end, nxt)
        # audience: a label right after the amount ("€12,600 (International students)", "363 euro for EU/EEA")
        if (suffix_labels and (_SUFFIX_LABEL.match(text[m.end:suffix_labels[0][0]])
                               or suffix_mode and not text[m.end:suffix_labels[0][0]].strip())
                and not _HEADER_END.match(text, suffix_labels[0][1])):  # "For Non-EU nationals:"
            m.audiences = suffix_labels[0][2]
            used_as_suffix.add(suffix_labels[0][0])
        elif gap_labels:
            if len(gap_labels) > 1 and all(not text[gap_labels[k][1]:gap_labels[k + 1][0]].strip()
                                           for k in range(len(gap_labels) - 1)):
                # a flattened table header "UK Overseas Full-time £8,655 £14,500": one label per amount
                free = [mentions[j] for j in range(i, min(len(mentions), i + len(gap_labels)))]
                if len(free) == len(gap_labels) and all(not _between(labels, free[k - 1].end, free[k].start)
                                                        for k in range(1, len(free))):
                    for mm, (_, _, aud) in zip(free, gap_labels):
                        mm.kinds.add("table")
                        mm.audiences = aud
            sticky = gap_labels[-1][2]
            pace = None
            if "table" not in m.kinds:
                m.audiences = sticky
        elif "table" not in m.kinds:
            m.audiences = sticky
        # kind: the words after the last label of the gap belong to this amount alone
        # ... but not a bracket that follows the previous amount ("37.200 EUR * (*includes a capstone module)")
        gap = re.sub(r"^[^()]{0,30}\(\s*(?:\*|includ|incl|exclud|excl|refer|note|approx|~)[^()]*\)", " ", gap, flags=re.I)
        local = text[gap_labels[-1][1]:m.start] if gap_labels else gap
        for s, e, _ in gap_labels:  # a fee word before a label heads a section ("Enrolment fee | EU: €500")
            head = text[prev_end:s]
            if re.search(r"(?:" + _OTHER_FEE.pattern + r")[\w -]{0,20}[|:–-]\s*$", head, re.I):
                section_other = True
            elif _TUITION.search(head):
                section_other = False
        if _TUITION.search(local):
            section_other = False
        own = [e for s, e, _ in suffix_labels if s in used_as_suffix]  # "£12,428 International (2023-24) ..."
        suffix = text[own[0] if own else m.end:min([nxt] + [s for s, _, _ in suffix_labels if s not in used_as_suffix])]
        suffix = re.sub(r"[A-Z][\w-]*(?:\s+[\w-]+){0,3}:\s*$", "", suffix)  # a header of the next amount
        suffix = re.sub(r"\((?:excluding|including|excl\.?|incl\.?|not including|plus)\b[^)]*\)?", " ", suffix,
                        flags=re.I)
        clause = re.split(r"\bplus\b|\+|as well as|\band\b|;|\||\s[-–]\s|\.(?!\d)", suffix)[0]
        # words that end in "(", ":", " - " head the next amount ("£12,100 Year in industry fee - £2,450")
        near = " ".join(clause.split()[:6]) if not re.search(r"(?:[(:=|]|\s[-–])\s*$", suffix) else ""
        near_grant = "" if near[:1].isupper() else near  # "15,462 GBP Scholarships, bursaries and loans ..."
        bracket = re.match(r"\s*\*?\s*\(([^)]*)\)", suffix)
        last = nxt == len(text)  # words after the last amount head nothing
        near_variant = (bracket.group(1) if bracket else " ".join(suffix.split()[:3])
                        if len(suffix.split()) > 3 or last else "")
        if _NOT_A_FEE.search(gap) or _NOT_A_FEE.search(near_grant) and not re.match(r"\s*\(", suffix):
            m.kinds.add("not_fee")
        if re.match(r"[^.;|]{0,40}(?:exchange rate|converted|conversion)", suffix, re.I):
            m.kinds.add("sub")  # "€ 361 based on the exchange rate from 01.06.2023"
        if _OTHER_FEE.search(local) or section_other or _OTHER_FEE.search(near):
            m.kinds.add("other")
        if _VARIANT.search(local) or _VARIANT.search(near_variant):
            m.kinds.add("variant")
        if _MINIMUM.search(gap):
            m.kinds.add("minimum")
        if _MAXIMUM.search(gap):
            m.kinds.add("maximum")
        if i and re.fullmatch(r"\s*\(\s*(?:~|approx\.?|ca\.?|about|around|including|excluding|incl\.?|excl\.?"
                              r"|charged|\+)?\s*", text[mentions[i - 1].end:m.start], re.I):
            m.kinds.add("sub")  # "HK$179,300 (~US$23,100)", "£8,300 (including a £250 acceptance fee)"
        if i and re.fullmatch(r"\s*/\s*", text[mentions[i - 1].end:m.start]):
            m.audiences, m.kinds = mentions[i - 1].audiences, m.kinds | (mentions[i - 1].kinds - {"range"})
            m.unit_before = m.unit_before or mentions[i - 1].unit_before or mentions[i - 1].unit
        for unit, pattern in _UNIT_BEFORE:
            if pattern.search(gap):
                m.unit_before = unit
                break
        paces = _PACE.findall(local)
        if paces:
            pace = paces[-1].lower()
        if m.pace is None:
            m.pace = pace
        elif gap_labels or paces:
            pace = m.pace
        if i and _RANGE_JOIN.match(text[mentions[i - 1].end:m.start]) and mentions[i - 1].unit is None:
            m.kinds.add("range")
            mentions[i - 1].kinds |= m.kinds
            m.kinds |= mentions[i - 1].kinds
        prev_end = m.end


def _totals(text: str, mentions: list[_Mention]) -> None:
    """'£18,000 (charged £6,000 per year of study)': an amount split into smaller yearly payments is a total."""
    for main, sub in zip(mentions, mentions[1:]):
        if ("sub" in sub.kinds and "sub" not in main.kinds and _unit(main) is None and sub.currency == main.currency
                and _unit(sub) in ("year", "semester", "month") and sub.amount < main.amount):
            main.unit = "programme"


PRICED_PER = ("credit", "module", "term")  # prices that are no fee for a year, a semester or the programme


def _unit(m: _Mention) -> str | None:
    if m.unit in PRICED_PER or m.unit_before in PRICED_PER:
        return m.unit if m.unit in PRICED_PER else m.unit_before
    return m.unit or m.unit_before


def _choose(cands: list[_Mention], year_of_string: bool) -> Money | str | None:
    """One fee from the amounts of one audience: a Money, a problem, or None (nothing that is tuition)."""
    cands = [m for m in cands if "sub" not in m.kinds and ("not_fee" not in m.kinds or _unit(m) in PRICED_PER)]
    if not cands:
        return None
    for kind, keep_if_alone in (("other", True), ("variant", True)):
        rest = [m for m in cands if kind not in m.kinds]
        if rest or not keep_if_alone:
            cands = rest
    full = [m for m in cands if m.pace != "part"]
    cands = full or cands
    priced = [m for m in cands if _unit(m) not in PRICED_PER]
    if not priced:
        return f"a price per {_unit(cands[0])}"
    cands = priced
    for kind, problem in (("malformed", "an amount without its whole part"), ("range", "a range"), ("minimum", "a 'from' amount (a minimum)"),
                          ("maximum", "an 'up to' amount (a maximum)")):
        if any(kind in m.kinds for m in cands):
            return problem
    cands = [m for m in cands if _unit(m) != "part"] or cands  # "first payment", "payment in terms"
    totals = [m for m in cands if _unit(m) == "programme"]
    if totals and len({(m.amount, m.currency) for m in totals}) == 1 and len(cands) > len(totals):
        cands = totals
    values = {(m.amount, m.currency) for m in cands}
    if len(values) > 1:
        return "several fees: " + ", ".join(sorted(f"{a} {c}" for a, c in values))
    amount, currency = values.pop()
    periods = {_unit(m) for m in cands} - {"part"}
    period = periods.pop() if len(periods) == 1 else None
    if period is None and year_of_string and len(periods) == 0:
        period = "year"
    if currency is None:
        return "no currency"
    if amount == 0:  # "€0": no tuition
        return Money(amount=Decimal(0), currency="", period=None)
    return Money(amount=amount, currency=currency, period=period)


def _plausible(money: Money) -> bool:
    """At most PLAUSIBLE_EUR in euros; below 100,000 of any currency without loading the rates (hot path)."""
    if money.amount <= 100_000:
        return True
    from normalize.exchange import to_eur  # local: exchange imports Money from here

    eur = to_eur(money.amount, money.currency)
    return (eur if eur is not None else money.amount / 1000) <= (PLAUSIBLE_EUR if eur is not None
                                                                  else PLAUSIBLE_OTHER / 1000)


@memo
def parse_tuition(raw: str, country: str | None = None) -> Parsed[dict[str, Money]]:
    """One printed tuition string → its fee per audience ('all' when the string names none)."""
    if (empty := placeholder(raw)) is not None:
        return empty
    text = _clean(raw)
    mentions, problem = _mentions(text, country)
    if problem:
        return bad(problem)
    if re.search(r"(?<![\d.,])[.,]\d{1,2}\s?" + _CUR, text) and not mentions:
        return bad("an amount without its whole part")
    if re.fullmatch(r"0(?:[.,]0{1,2})?", text):  # a portal's "0": no tuition
        return Parsed({"all": Money(amount=Decimal(0), currency="", period=None)})
    zeros = [z for z in _ZERO.finditer(text)]
    if not mentions and not zeros:
        return missing("no amount printed")
    if mentions and _TBC.search(text):
        return bad("fees 'TBC' (only another year's fee printed)")
    printed = {m.currency for m in mentions if m.has_currency}
    for m in mentions:
        if m.currency is None:
            m.currency = printed.copy().pop() if len(printed) == 1 else (country_currency(country) if not printed
                                                                         else None)
    _units(text, mentions)
    for z in zeros:  # "no tuition fees" as a fee of 0 for its audience
        mentions.append(_Mention(z.start(), z.end(), Decimal(0), "", True, z.group(), kinds={"zero"}))
    mentions.sort(key=lambda m: m.start)
    _annotate(text, mentions)
    _totals(text, mentions)
    year_of_string = bool(_YEAR_OF_STRING.search(text))
    # Other fees (application, enrolment, a social contribution) count only where no tuition is printed at all
    # ("The enrollment fee is 560 euro per person"); "no tuition fees" outweighs them.
    tuition = [m for m in mentions if not {"other", "not_fee", "sub", "zero"} & m.kinds]
    if tuition or zeros:
        mentions = [m for m in mentions if "other" not in m.kinds]
    by_audience: dict[str, list[_Mention]] = {}
    for m in mentions:
        for audience in m.audiences or {"all"}:
            by_audience.setdefault(audience, []).append(m)
    fees: dict[str, Money] = {}
    problems: dict[str, str] = {}
    for audience, cands in by_audience.items():
        zero = [m for m in cands if "zero" in m.kinds]
        paid = [m for m in cands if "zero" not in m.kinds]
        chosen = _choose(paid, year_of_string) if paid else None
        if chosen is None and zero:
            chosen = Money(amount=Decimal(0), currency="", period=None)
        if isinstance(chosen, Money):
            fees[audience] = chosen
        elif isinstance(chosen, str):
            problems[audience] = chosen
    named = set(fees) | set(problems)
    if "all" in fees and set(fees) - {"all"}:  # amounts printed before any audience is named
        unnamed = fees.pop("all")
        if "international" not in named and unnamed.amount:  # "SEK 180 000 / year. EU/EEA citizens: no fees"
            fees["international"] = unnamed
    if set(fees) - {"all"} and problems.get("all", "").startswith("a price per"):
        problems.pop("all", None)  # "... Part-time: £70 per credit" before any audience is named
    serious = {a: p for a, p in problems.items() if a != "domestic"}
    if serious:
        return bad("; ".join(p if a == "all" else f"{a}: {p}" for a, p in sorted(serious.items())))
    if not fees:
        if problems:
            return bad("; ".join(problems.values()))
        return missing("no tuition amount printed (only other fees, discounts or loans)")
    if len(named) == 1:  # one audience only: the programme's fee
        fees = {"all": next(iter(fees.values()))}
    for audience, money in fees.items():
        if money.amount and not _plausible(money):
            return bad(f"implausible amount {money.amount} {money.currency}")
    if fees.get("all") is not None and fees["all"].amount == 0:
        fees["all"] = Money(amount=Decimal(0), currency="", period=None)
    return Parsed(fees)


@memo
def parse_money(raw: str, country: str | None = None) -> Parsed[Money]:
    """One fee: '1750 EUR / year', 'EUR 82,300 (Total)', '$67,000' (in Canada), 'Free' (amount 0, no currency)."""
    parsed = parse_tuition(raw, country)
    if parsed.value is None:
        return Parsed(problem=parsed.problem, note=parsed.note)
    fees = set(parsed.value.values())
    if len(fees) == 1:
        return Parsed(fees.pop())
    return bad("fees for several audiences in one string")


# ------------------------------------------------------------------------------------------------ living costs
def _currency(raw: str, country: str | None) -> str | None | Exception:
    for m in re.finditer(_CUR, raw):
        cur = _currency_of(m.group(), country)
        if cur is not None:
            return cur
    return None


def _period(raw: str) -> str | None:
    lowered = squash(raw)
    for word, period in (("semester", "semester"), ("month", "month"), ("year", "year"), ("annum", "year")):
        if word in lowered:
            return period
    return None


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
