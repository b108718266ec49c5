"""English-test scores as real cells print them: qualifiers, sub-scores, several tests, TOEFL editions."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.scores import SCALES, parse_score, parse_scores
from normalize.scores import test_name as name_of_test  # aliased: pytest would collect test_name

BAD, NOTE = "bad", "note"

SCORES = [  # (label, text, parse_scores value or BAD/NOTE)
    ("IELTS", "6.5 overall with no band below 6.0", {"IELTS": D("6.5")}),
    ("IELTS (Academic)", "5.5 overall score(no band less than 5.0)", {"IELTS": D("5.5")}),
    ("IELTS", "IELTS: Mindestens Band 7,0, wobei ... jeweils nicht unter 6,5 liegen darf;", {"IELTS": D(7)}),
    ("IELTS", "- TOEFL (mínimo 235) - El IELTS del British Council (mínimo 6,5)", {"IELTS": D("6.5")}),
    ("IELTS", "6.0 with all components 5.5 or above", {"IELTS": D(6)}),
    ("IELTS", "IELTS 6.5 (test taken within the last 2 years)", {"IELTS": D("6.5")}),
    ("TOEFL", "TOEFL 87 (iBT)", {"TOEFL_IBT": D(87)}),
    ("TOEFL", "TOEFL 90 or IELTS 6.5", {"TOEFL_IBT": D(90)}),
    ("TOEFL", "Overall score of 80 with minimum 18 in Reading, 17 in Listening", {"TOEFL_IBT": D(80)}),
    ("TOEFL", "600+", {"TOEFL_PBT": D(600)}),
    ("TOEFL", "Paper-based 560, internet-based 83", {"TOEFL_IBT": D(83), "TOEFL_PBT": D(560)}),
    ("TOEFL", "TOEFL 570 (paper-based) resp. 230 (computer-based) resp. 88 (internet-based)",
     {"TOEFL_IBT": D(88), "TOEFL_PBT": D(570)}),
    ("TOEFL", "The minimum is 84 if internet-based and 563 if paper-based.", {"TOEFL_IBT": D(84), "TOEFL_PBT": D(563)}),
    ("TOEFL", "Internetversion: 85", {"TOEFL_IBT": D(85)}),
    ("TOEFL PBT", "mindestens 600 Punkte", {"TOEFL_PBT": D(600)}),
    ("TOEFL iBT/PBT", "95", {"TOEFL_IBT": D(95)}),
    ("TOEFL", "80-85", BAD),  # a range
    ("TOEFL", "7+", BAD),  # an IELTS-scale band under TOEFL
    ("TOEFL", "250", BAD),  # neither the internet nor the paper scale
    ("TOEFL iBT", "550", BAD),  # above the label's scale
    ("TOEFL CBT", "213", BAD),  # not recorded
    ("IELTS", "9.5", BAD),
    ("IELTS", "185+", BAD),
    ("Cambridge CAE Advanced", "66+", BAD),
    ("PTE Academic", "3.5+", BAD),
    ("TOEFL", "MSc - 90 (no band less than 20) MRes - 100 (no band less than 22)", BAD),  # two programmes
    ("Pearson Test of English", "mind. 65 Punkte", {"PTE": D(65)}),
    ("Global Scale of English (Pearson Academic)", "at least 62 points;", {"PTE": D(62)}),
    ("Cambridge English Scale", "Cambridge English Scale: at least 176 points;", {"CAMBRIDGE": D(176)}),
    ("International English Language Testing System", "British Council (level 6,5)", {"IELTS": D("6.5")}),
    ("Duolingo English Test", "115 overall and no less than 105 in Literacy", {"DUOLINGO": D(115)}),
    ("TOEFL", "+", NOTE),  # TopUniversities' blank score
    ("IELTS", "Request info", NOTE),
    ("Zodiac", "7", BAD),
    ("IELTS", "IELTS 6.5 taken after 1 January 2023", {"IELTS": D("6.5")}),  # dates are not scores
    ("IELTS", "IELTS 6.5 overall and 6.0 in all bands", {"IELTS": D("6.5")}),
    ("TOEFL", "TOEFL iBT 90 (min. 20 per section)", {"TOEFL_IBT": D(90)}),
    ("TOEFL", "TOEFL: 80 (IELTS: 6.0)", {"TOEFL_IBT": D(80)}),  # the name before the number owns it
    ("IELTS", "TOEFL: 80 (IELTS: 6.0)", {"IELTS": D(6)}),
    ("IELTS", "minimum score of 6.5 in IELTS", {"IELTS": D("6.5")}),  # the name after the number
    ("TOEFL", "IELTS 6.5 or 90 on the TOEFL", {"TOEFL_IBT": D(90)}),
    ("IELTS", "IELTS 6.5 (paper-based)", {"IELTS": D("6.5")}),  # an IELTS delivery, not a TOEFL edition
]


@pytest.mark.parametrize("label,text,expected", SCORES)
def test_parse_scores(label, text, expected):
    parsed = parse_scores(label, text)
    if expected == BAD:
        assert parsed.value is None and parsed.problem
    elif expected == NOTE:
        assert parsed.value is None and not parsed.problem and parsed.note
    else:
        assert dict(parsed.value) == expected


@pytest.mark.parametrize("label,name", [
    ("IELTS (Academic)", "IELTS"), ("TOEFL", "TOEFL_IBT"), ("TOEFL Internet based test", "TOEFL_IBT"),
    ("TOEFL (paper based score)", "TOEFL_PBT"), ("TOEFL iBT/PBT", "TOEFL_IBT"), ("PTE Academic", "PTE"),
    ("Cambridge CAE Advanced", "CAMBRIDGE"), ("Duolingo English Test", "DUOLINGO"), ("Zodiac", None),
])
def test_test_name(label, name):
    assert name_of_test(label) == name


def test_parse_score_is_the_labels_test_only():
    assert parse_score("TOEFL", "TOEFL 87 (iBT)").value == 87
    assert parse_score("TOEFL", "600+").problem  # a paper-based score: parse_scores names it TOEFL_PBT
    assert parse_score("TOEFL", "Paper-based 560, internet-based 83").problem


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["IELTS", "TOEFL", "PTE", "Cambridge", "TOEFL PBT"]),
       st.text(alphabet="0123456789.,+- ()/IELTSTOEFLibtpaperbandlessthan", max_size=40))
def test_scores_stay_on_their_scale(label, text):
    parsed = parse_scores(label, text)
    assert parsed.value is not None or parsed.problem or parsed.note
    for name, score in parsed.value or ():
        low, high, _ = SCALES[name]
        assert low <= score <= high


@pytest.mark.parametrize("text", ["1" * 20000, "6.5 " * 10000, "no band less than " * 3000, "TOEFL (" * 5000])
def test_long_input_is_handled(text):
    parsed = parse_scores("IELTS", text)
    assert parsed.value is not None or parsed.problem
