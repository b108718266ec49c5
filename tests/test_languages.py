"""Languages of instruction named in any of the portals' languages, in lists and in sentences."""

import pytest

from normalize.languages import parse_languages

BAD = "bad"


@pytest.mark.parametrize("raw,expected", [
    ("Français", ("fr",)), ("Anglais et Français", ("en", "fr")), ("Deutsch und Englisch", ("de", "en")),
    ("Inglés y Español", ("en", "es")), ("inglese e italiano", ("en", "it")), ("SPANISH/English", ("es", "en")),
    ("Chinese (Mandarin)", ("zh",)), ("Nederlands", ("nl",)),
    ("Die Lehrveranstaltungen finden in deutscher Sprache statt.", ("de",)),
    ("Les cours sont dispensés en français et en anglais.", ("fr", "en")),
    ("Se imparte en castellano, aunque se recomienda un buen nivel de inglés.", ("es",)),
    ("Het onderwijs is in het Engels.", ("en",)),
    ("La langue d’enseignement est l’anglais.", ("en",)),
    ("Taught in English. Knowledge of German is an advantage.", ("en",)),  # a requirement, not taught in
    ("English, Klingon", BAD), ("no language here", BAD),
])
def test_languages(raw, expected):
    parsed = parse_languages(raw)
    if expected == BAD:
        assert parsed.value is None and parsed.problem
    else:
        assert parsed.value == expected


def test_long_input():
    assert parse_languages("English " * 10000).value == ("en",)
