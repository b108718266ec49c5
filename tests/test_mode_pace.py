"""Study mode and pace in portal tags and in sentences of several languages."""

import pytest

from normalize.categories import parse_mode, parse_pace


@pytest.mark.parametrize("raw,expected", [
    ("Fernstudium", "online"), ("Präsenzstudium", "on_campus"), ("a distancia", "online"),
    ("semipresencial", "blended"), ("lezioni in presenza e a distanza", "blended"),
    ("Campus-based with online modules", "blended"), ("weekends", None),
])
def test_mode(raw, expected):
    assert parse_mode(raw).value == expected


@pytest.mark.parametrize("raw,expected", [
    ("a tiempo completo o a tiempo parcial", "both"), ("Voll- und Teilzeitstudium", "both"),
    ("Teilzeit-/Vollzeitstudium", "both"), ("voltijds", "full_time"), ("deeltijds", "part_time"),
    ("Vollzeit", "full_time"), ("à temps partiel", "part_time"), ("This programme is also available part-time.", "both"),
    ("Part-time only", "part_time"), ("evenings", None),
    ("Full-time only; part-time study is not possible.", "full_time"), ("Vollzeit; Teilzeit nicht möglich", "full_time"),
    ("No part-time option", None),
])
def test_pace(raw, expected):
    assert parse_pace(raw).value == expected
