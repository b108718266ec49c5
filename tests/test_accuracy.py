"""The ratchet: accuracy on the real dev strings never falls below what `make eval` last recorded
(tests/accuracy_floor.json), field by field, and wrong values never grow."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

DEV = ROOT.parent / "shared" / "real" / "strings-dev.jsonl"
FLOOR = ROOT / "tests" / "accuracy_floor.json"


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} is absent: the labelled sets live in ../shared beside the project")
def test_accuracy_on_real_strings_never_drops_below_the_recorded_floor():
    from bench.accuracy import strings_counts
    from bench.strings import evaluate

    floor = json.loads(FLOOR.read_text(encoding="utf-8"))["strings"]
    measured = strings_counts(evaluate(DEV))
    for field, least in floor.items():
        now = measured[field]
        assert now["right"] >= least["right"], f"{field}: {now['right']} right, the floor is {least['right']}"
        assert now["wrong"] <= least["wrong"], f"{field}: {now['wrong']} wrong values, the floor allows {least['wrong']}"
