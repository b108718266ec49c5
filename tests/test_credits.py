"""parse_credits on the kinds of strings real pages print (labelling rules: ../shared/real/README.md, "Credits")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.credits import parse_credits

FLAG, NOTE = "flag", "note"

CASES = [
    ("120 ECTS", (120, None)), ("60 ECTS credits", (60, None)), ("90 Credits", (90, None)),
    ("120 crédits", (120, None)), ("120 högskolepoäng", (120, None)), ("7,5 hp", FLAG),
    ("120 EC", (120, None)), ("60 credits (ECTS)", (60, None)), ("120 CFU", (120, None)),
    ("La laurea magistrale si consegue dopo aver acquisito 120 crediti formativi universitari (CFU).", (120, None)),
    ("heeft een studielast van 120 studiepunten (EC), verdeeld over twee jaar.", (120, None)),
    ("un total de 60 créditos ECTS.", (60, None)),
    ("A total of two hundred and forty (240) ECTS credits are required to receive the degree.", (240, None)),
    # the programme's total, not a module's, the thesis', a conversion or what is offered
    ("It consists of a Master's thesis (60 credits ) and a series of courses (60 credits), 120 credits in total.",
     (120, None)),
    ("Bis zum Abschluss müssen 120 Leistungspunkte erworben werden; für jedes Modul werden je 15 Leistungspunkte "
     "vergeben.", (120, None)),
    ("mit einer Gesamtleistung von 120 Leistungspunkten (LP), inklusive der Masterarbeit(15 LP)", (120, None)),
    ("requires a total of 75 ECTS credits (core module: 7.5 ECTS; Master thesis: 15 ECTS)", (75, None)),
    ("180 ECTS credits over 6 semesters. (1 ECTS credit = 27 study hours)", (180, None)),
    ("una carga docente de 60 créditos ECTS, aunque se ofertan 72 créditos en cada especialidad.", (60, None)),
    ("The programme comprises 120 ECTS, of which 30 ECTS for the thesis", (120, None)),
    # other systems, kept as printed
    ("180 UK credits", (None, "180 UK credits")), ("180 alternative credits", (None, "180 alternative credits")),
    ("30 credit hours", (None, "30 credit hours")), ("180 CATS points", (None, "180 CATS points")),
    ("UK credits: 180", (None, "UK credits: 180")),
    # the unit as a label before the number; hyphenated units
    ("ECTS: 120", (120, None)), ("Credits: 90", (90, None)), ("Umfang: 120 ECTS-Leistungspunkte", (120, None)),
    ("Studieomfang: 120 studiepoeng", (120, None)), ("120\u200bECTS", (120, None)),
    ("120 \u202aECTS\u202c", (120, None)), ("2 x 60 ECTS", FLAG), ("Master thesis: 30 ECTS", FLAG),
    # flagged: ranges, minima/maxima, several totals, implausible, no unit
    ("De 20 à 30", FLAG), ("60-120 ECTS", FLAG), ("60 or 120 ECTS", FLAG), ("Up to 90 ECTS", FLAG),
    ("at least 30 graduate semester credit hours and no more than 45 graduate semester credit hours", FLAG),
    ("9000 ECTS", FLAG), ("0 ECTS", FLAG), ("60 ECTS per year", FLAG), ("many", FLAG), ("120", FLAG),
    ("60 ECTS and 90 ECTS tracks", FLAG),
    # stand-ins
    ("-", NOTE), ("See website", NOTE), ("", NOTE),
]


@pytest.mark.parametrize("raw,expected", CASES)
def test_credits(raw: str, expected: object) -> None:
    parsed = parse_credits(raw)
    if expected == FLAG:
        assert parsed.value is None and parsed.problem, parsed
    elif expected == NOTE:
        assert parsed.value is None and parsed.problem is None and parsed.note, parsed
    else:
        assert parsed.problem is None and parsed.value == expected, parsed


@pytest.mark.parametrize("raw", ["1" * 20000, "1 ECTS " * 5000, "(" * 5000 + "120 ECTS", "a " * 20000])
def test_huge_inputs_end(raw: str) -> None:
    parse_credits(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 -/,.()ECTSectsrdiUK", max_size=30))
def test_ects_stay_plausible(text: str) -> None:
    parsed = parse_credits(text)
    assert parsed.value is not None or parsed.problem or parsed.note
    if parsed.value is not None and parsed.value[0] is not None:
        assert 1 <= parsed.value[0] <= 400
