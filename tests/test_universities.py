"""University resolution: every spelling of one university gets one key, campuses and storefronts split off."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, strategies as st

from normalize.universities import ALIASES_CSV, clean_university, university_campus, university_key


@pytest.mark.parametrize("a,b", [
    ("KU Leuven", "Katholieke Universiteit Leuven"),
    ("ETH Zurich", "Swiss Federal Institute of Technology Zurich"),
    ("ETH Zurich - Swiss Federal Institute of Technology", "ETH Zürich"),
    ("UCL", "University College London"),
    ("TU Wien", "Technische Universität Wien"), ("TU Wien", "Vienna University of Technology"),
    ("The University of Exeter", "University of Exeter"),
    ("University of Borås", "University of Boras"), ("Jönköping University", "Jonkoping University"),
    ("King’s College London", "King's College London"), ("Kings College London", "King's College London"),
    ("University of Twente (UT)", "University of Twente"), ("Karolinska Institutet", "Karolinska Institute"),
    ("Delft University of Technology (TU Delft)", "TU Delft"), ("Imperial", "Imperial College London"),
    ("Birkbeck, University of London", "Birkbeck"),
    ("The London School of Economics and Political Science (LSE)", "London School of Economics and Political Science"),
    ("Heriot-Watt University Dubai", "Heriot-Watt University"),  # one university, another campus
    ("University of Sunderland in London", "University of Sunderland"),
    ("University of Essex Online", "University of Essex"),
    ("Universität Hamburg", "University of Hamburg"), ("Università di Bologna", "University of Bologna"),
    ("Universidad de Salamanca", "University of Salamanca"), ("Technische Universität Berlin", "TU Berlin"),
    ("Technische Universität Berlin", "Technical University of Berlin"),
])
def test_one_university_one_key(a, b):
    assert university_key(a) == university_key(b)


@pytest.mark.parametrize("a,b", [
    ("Newcastle University", "University of Newcastle"),  # England and Australia
    ("University of Western Australia", "University of Australia"),
    ("Vrije Universiteit Brussel", "Vrije Universiteit Amsterdam"),
    ("Ghent University", "Leuven University"),
])
def test_different_universities_differ(a, b):
    assert university_key(a) != university_key(b)


@pytest.mark.parametrize("name,campus", [
    ("Heriot-Watt University Dubai", "dubai"), ("Coventry University London", "london"),
    ("Northumbria University London", "london"), ("University of Sunderland in London", "london"),
    ("University of Essex Online", "online"), ("Heriot-Watt University - Dubai Campus", "dubai"),
    ("Monash University Malaysia", "malaysia"),
    ("Coventry University - Main Campus", None), ("University of Western Australia", None),
    ("Imperial College London", None), ("University College London", None), ("King's College London", None),
    ("Swiss Federal Institute of Technology in Zurich", None),  # an alias: never split
])
def test_campus_a_name_prints(name, campus):
    assert university_campus(name)[1] == campus


def test_clean_university_keeps_a_campus_and_drops_a_long_name():
    assert clean_university("Heriot-Watt University - Dubai Campus") == "Heriot-Watt University Dubai"
    assert clean_university("ETH Zurich - Swiss Federal Institute of Technology") == "ETH Zurich"
    assert clean_university("The University of Edinburgh") == "University of Edinburgh"


def test_every_alias_names_its_source():
    with ALIASES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["alias"].strip() and row["canonical"].strip() and row["source"].startswith("http")
                        for row in rows)


@given(st.sampled_from(["University of Exeter", "KU Leuven", "Jönköping University", "King's College London"]),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  The {s} ", lambda s: s.replace(" ", "  ")]))
def test_key_ignores_case_spacing_and_articles(name, change):
    assert university_key(change(name)) == university_key(name)


def test_long_names_stay_linear():
    for text in ("University " * 5000, "a - " * 10000, "(" * 20000 + ")" * 20000):
        university_key(text)


def test_partners_of_a_joint_programme_in_a_sentence_or_a_list():
    from normalize.universities import partner_universities

    listed = ("An international Master's programme of 120 ECTS, jointly organized by three universities: "
              "- KU Leuven (first semester): basics. - the University of Münster (second semester): In Münster, the "
              "student learns. - the Tallinn University of Technology (third semester): In Tallinn, more. "
              "Graduates have worked at the World Bank and the European School of Administration.")
    assert partner_universities(listed, "KU Leuven") == ("University of Münster", "Tallinn University of Technology")
    sentence = "The programme is jointly offered by Ghent University and the University of Antwerp."
    assert partner_universities(sentence, "Ghent University") == ("University of Antwerp",)
    assert partner_universities("Taught by one faculty of Ghent University.", "Ghent University") == ()
