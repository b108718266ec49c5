"""`programme-scout normalize`: what the pipeline makes of one printed string, as JSON; `--jsonl` for many."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def normalize(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "normalize", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_one_string_prints_its_output_fields_flags_and_notes():
    done = normalize("english_test", "6.5", "--label", "IELTS")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"field": "english_test", "text": "6.5", "values": {"ielts_min": "6.5"},
                                       "flags": [], "notes": []}
    flagged = json.loads(normalize("english_test", "75", "--label", "IELTS").stdout)
    assert flagged["values"] == {} and flagged["flags"]


def test_country_settles_a_dollar_and_invisible_characters_change_nothing():
    plain = json.loads(normalize("tuition", "$12,000 per year", "--country", "ca").stdout)
    assert plain["values"] == {"tuition_amount": "12000", "tuition_currency": "CAD", "tuition_period": "year"}
    hidden = json.loads(normalize("tuition", "$12,\u200b000 per\u202e year", "--country", "CA").stdout)
    assert hidden["values"] == plain["values"]


def test_jsonl_answers_every_line_in_order_and_reports_bad_lines_in_place():
    lines = [{"field": "deadline", "text": "15.01.2026"}, {"field": "nonsense", "text": "x"}, "not json",
             {"field": "location", "text": "Leuven, Belgium"}]
    stdin = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    done = normalize("--jsonl", stdin=stdin)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["values"] == {"application_deadline": "2026-01-15"}
    assert out[1]["line"] == 2 and "unknown field 'nonsense'" in out[1]["error"]
    assert out[2]["line"] == 3 and "error" in out[2]
    assert out[3]["values"]["country"] == "BE"


def test_unknown_field_is_a_usage_error():
    done = normalize("colour", "blue")
    assert done.returncode == 2 and "unknown field 'colour'" in done.stderr


def test_text_in_a_non_latin_script_is_read_not_taken_for_empty():
    from normalize.parsed import placeholder

    assert placeholder("Το πρόγραμμα διαρκεί δύο ακαδημαϊκά έτη") is None
    assert placeholder("  ") is not None and placeholder("-") is not None and placeholder("…") is not None
