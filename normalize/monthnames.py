"""Month and weekday names in English, French, German, Spanish, Dutch and Italian, folded the way `squash` folds
them (lower case, accents dropped: 'février' → 'fevrier', 'März' → 'marz')."""

from __future__ import annotations

_FULL = {
    1: "january janvier januar janner enero januari gennaio",
    2: "february fevrier februar febrero februari febbraio",
    3: "march mars marz maerz marzo maart",
    4: "april avril abril aprile",
    5: "may mai mayo mei maggio",
    6: "june juin juni junio giugno",
    7: "july juillet juli julio luglio",
    8: "august aout agosto augustus",
    9: "september septembre septiembre setiembre settembre",
    10: "october octobre oktober octubre ottobre",
    11: "november novembre noviembre",
    12: "december decembre dezember diciembre dicembre",
}
_SHORT = {
    1: "jan janv ene gen", 2: "feb fevr", 3: "mar mrz mrt", 4: "apr avr abr", 5: "mag", 6: "jun giu",
    7: "jul juil lug", 8: "aug ago", 9: "sep sept set", 10: "oct okt ott", 11: "nov", 12: "dec dez dic",
}

MONTH_NAMES: dict[str, int] = {w: m for m, words in _FULL.items() for w in words.split()}
MONTH_ABBREVIATIONS: dict[str, int] = {w: m for m, words in _SHORT.items() for w in words.split()}
MONTHS: dict[str, int] = MONTH_NAMES | MONTH_ABBREVIATIONS

# Names that are also ordinary words ('may apply', 'two years ago', 'a set of'): in running text they count as a
# month only beside a day or a year.
WEAK = frozenset(MONTH_ABBREVIATIONS) | {"may", "mai", "mei", "mars", "august"}

WEEKDAYS = frozenset((
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lunes martes miercoles jueves viernes sabado domingo "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "lunedi martedi mercoledi giovedi venerdi sabato domenica").split())

# One alternation, longest first so that 'september' is not read as 'sep' + 'tember'.
MONTH_PATTERN = "|".join(sorted(MONTHS, key=lambda w: (-len(w), w)))
