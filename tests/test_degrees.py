"""The one degree taxonomy: the award a field or a title names, as the normaliser and the linker read it."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from normalize.degrees import BY_NAME, TAXONOMY, degree_in_title, degrees_in, parse_degree, parse_level, primary

REQUIRED = ["MSc", "MA", "MRes", "MPhil", "MSc (Res)", "MEng", "MBA", "LLM", "MFA", "MEd", "MPH", "PgDip", "PgCert",
            "BSc", "BA", "BEng", "LLB", "PhD", "DBA", "EdD"]


def test_taxonomy_covers_the_awards_portals_print():
    assert set(REQUIRED) <= set(BY_NAME)
    assert len({d.name for d in TAXONOMY}) == len(TAXONOMY)


@pytest.mark.parametrize("raw,expected", [
    ("M.Sc.", "MSc"), ("M.S.", "MSc"), ("Master of Science", "MSc"), ("MSc (Research)", "MSc (Res)"),
    ("MSc (Res)", "MSc (Res)"), ("MSc by Research", "MSc (Res)"), ("MSc (by Research)", "MSc (Res)"),
    ("MA by Research", "MA (Res)"), ("MRes", "MRes"), ("M.Phil.", "MPhil"),
    ("Master of Laws", "LLM"), ("LL.M.", "LLM"), ("MEng", "MEng"), ("Executive MBA", "MBA"), ("M.F.A.", "MFA"),
    ("M.Ed.", "MEd"), ("MPH", "MPH"), ("Postgraduate Diploma", "PgDip"), ("PGDip", "PgDip"),
    ("Postgraduate Certificate", "PgCert"), ("PG Cert", "PgCert"), ("B.Sc.", "BSc"), ("Bachelor of Arts", "BA"),
    ("BEng (Hons)", "BEng"), ("LLB", "LLB"), ("Ph.D.", "PhD"), ("DBA", "DBA"), ("Ed.D.", "EdD"),
    ("MArch", "MArch"),  # an award the taxonomy lacks: kept as printed
])
def test_parse_degree(raw, expected):
    assert parse_degree(raw).value == expected


@pytest.mark.parametrize("raw", ["Master", "Masters", "Master's degree", "Postgraduate"])
def test_a_level_alone_names_no_award_and_is_no_flag(raw):
    parsed = parse_degree(raw)
    assert parsed.value is None and parsed.problem is None and parsed.note


@pytest.mark.parametrize("title,expected", [
    ("Computer Science - MSc (Research)", "MSc (Res)"), ("Computer Science - MSc", "MSc"),
    ("LLM in International Law", "LLM"), ("MA/MSc - Virtual and Augmented Reality", "MSc"),  # combined page: the MSc
    ("Biochemistry MSc, PgDip", "MSc"), ("Applied Statistics and Datamining (PGDip/MSc)", "MSc"),
    ("Forensic Science MSc / MRes", "MSc"), ("Advanced Practice (Midwifery) - Postgraduate Certificate", "PgCert"),
    ("MEng Computing", "MEng"), ("Master of Engineering Management", None), ("Master of Engineering in Civil", "MEng"),
    ("Master of Engineering (Civil)", "MEng"), ("MFA Computational Arts", "MFA"), ("Master of Nanoscience and Nanotechnology", None),
    ("Master of Data Science", None), ("Management", None), ("Marketing Analytics", None), ("Data Science", None),
])
def test_degree_in_title(title, expected):
    assert degree_in_title(title) == expected


@pytest.mark.parametrize("raw,expected", [("Masters", "master"), ("PhD", "phd"), ("BEng", "bachelor"),
                                          ("PgCert", "master"), ("EdD", "phd"), ("MSc (Research)", "master")])
def test_parse_level(raw, expected):
    assert parse_level(raw).value == expected


def test_exit_awards_are_never_the_course_when_a_degree_is_printed_beside_them():
    assert primary(("PgCert", "MA")) == "MA" and primary(("PgDip", "MRes")) == "MRes"


@given(st.text(max_size=200))
def test_any_text_gives_known_awards_and_a_primary_among_them(text):
    found = degrees_in(text)
    assert all(name in BY_NAME for name in found)
    assert primary(found) in (found or (None,))


def test_long_inputs_stay_linear():
    # no timing: a backtracking pattern would not return on these at all
    for text in ("m" * 50_000, "m." * 20_000, "msc " * 10_000, "(" * 20_000):
        parse_degree(text)
        degree_in_title(text)
