"""bench.extraction: the expectations table is well formed, the judge tells right from missing, wrong and spurious,
`make eval`'s section skips without the evidence, and the ratchet: per portal and era, fields right never fall
below (nor wrong/spurious rise above) what `make eval` last recorded in tests/accuracy_floor.json."""

from __future__ import annotations

import json
from dataclasses import fields as dataclass_fields
from pathlib import Path

import pytest

from bench import extraction
from bench.extraction import EVIDENCE, Page, judge
from normalize.models import SourceRecord
from scrapers.rawfields import check_name
from scrapers.registry import PORTALS

FLOOR = Path(__file__).resolve().parent / "accuracy_floor.json"
needs_evidence = pytest.mark.skipif(not EVIDENCE.is_dir(), reason=f"no shared evidence at {EVIDENCE}")
RECORD_FIELDS = {f.name for f in dataclass_fields(SourceRecord)}

FRAGMENT = ("<div class='QuickFact'><div class='LabelContainer'><div class='Title'> 2 years </div>"
            "<div class='Label'> Duration </div></div></div>")


def test_the_table_is_well_formed():
    for e in extraction.table():
        assert e["portal"] in PORTALS and e["era"] and e["kind"] in ("detail", "fragment", "listing", "strings")
        for name, expect in e.get("fields", {}).items():
            check_name(name)
            assert "raw" in expect or "raw_prefix" in expect
            assert not any("{{" in v for v in expect.get("raw", []))  # template values are unknown, never expected
            for typed in expect.get("typed", {}):
                assert typed.split(".", 1)[0] in RECORD_FIELDS, typed
        for name in e.get("absent", []):
            check_name(name)


@needs_evidence
def test_every_table_file_exists():
    for e in extraction.table():
        assert (EVIDENCE / e["file"]).is_file(), e["file"]


def _page(**fields: dict) -> Page:
    return Page("probe.html", "studyportals", "E3", "https://www.mastersportal.com/studies/1/x.html", FRAGMENT,
                "fragment", dict(fields))


def test_judge_right_missing_wrong():
    assert judge(_page(duration={"raw": ["2 years"], "typed": {"duration_months": 24}})).kinds["right"] == 1
    assert judge(_page(duration={"raw": ["2 years"], "typed": {"duration_months": 18}})).kinds["wrong"] == 1
    assert judge(_page(credits={"raw": ["60 ECTS"], "typed": {"ects": 60}})).kinds["missing"] == 1
    raw_only = judge(_page(duration={"raw": ["3 years"]}))
    assert raw_only.kinds["wrong"] == 1 and "3 years" in raw_only.misses[0]


def test_judge_spurious_and_traps():
    page = _page()
    page.absent, page.never = ["duration"], ["2 years"]
    outcome = judge(page)
    assert outcome.kinds["spurious"] == 2 and outcome.kinds["right"] == 0


def test_template_values_are_unknown_not_errors():
    page = _page(title={"raw": ["X"], "typed": {"title": "X"}})
    page.text = FRAGMENT + "<h1 class='StudyTitle'>{{$programD->course}}</h1>"
    assert judge(page).kinds["missing"] == 1  # the placeholder is not a value read


def test_section_skips_without_the_evidence(monkeypatch, tmp_path):
    monkeypatch.setattr(extraction, "EVIDENCE", tmp_path / "absent")
    assert "skipped" in extraction.section() and "absent" in extraction.section()


def test_raise_floor_never_lowers(tmp_path):
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"strings": {"x": 1}}), encoding="utf-8")
    extraction.raise_floor({"p/E1": {"right": 5, "wrong": 1, "spurious": 0}}, floor)
    extraction.raise_floor({"p/E1": {"right": 3, "wrong": 2, "spurious": 1}}, floor)
    data = json.loads(floor.read_text(encoding="utf-8"))
    assert data["strings"] == {"x": 1} and data["extraction"]["p/E1"] == {"right": 5, "wrong": 1, "spurious": 0}


@needs_evidence
def test_section_has_a_row_per_portal_and_era():
    outcomes = extraction.evaluate()
    text = extraction.section(outcomes)
    for key in extraction.counts(outcomes):
        portal, era = key.split("/", 1)
        assert f"| {portal} | {era} |" in text


@needs_evidence
def test_extraction_never_drops_below_the_recorded_floor():
    floor = json.loads(FLOOR.read_text(encoding="utf-8")).get("extraction", {})
    measured = extraction.counts(extraction.evaluate())
    for key, least in floor.items():
        now = measured[key]
        assert now["right"] >= least["right"], f"{key}: {now['right']} right, the floor is {least['right']}"
        assert now["wrong"] <= least["wrong"], f"{key}: {now['wrong']} wrong, the floor allows {least['wrong']}"
        assert now["spurious"] <= least["spurious"], f"{key}: {now['spurious']} spurious, the floor allows {least['spurious']}"
