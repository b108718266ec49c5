"""Accuracy on real data (`make eval`, or `python -m bench accuracy`): every labelled set in `../shared/real/` and
`../shared/evidence/`, a table per set, written to bench/ACCURACY.md. Skips, saying why, when `../shared` is absent.

It also raises the floor in `tests/accuracy_floor.json` to what it measured (never lowers it): `make test` fails
when accuracy drops below the floor, so a regression cannot land."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from bench import strings

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
FLOOR = HERE.parent / "tests" / "accuracy_floor.json"


def strings_counts(judged: list[strings.Judged]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {}
    for j in judged:
        counts.setdefault(j.case["field"], Counter())[j.kind] += 1
    return {field: {"n": sum(c.values()), "right": c["right"], "wrong": c["wrong"]} for field, c in sorted(counts.items())}


def raise_floor(measured: dict[str, Any]) -> None:
    """Per field: right never below, wrong values never above what was last recorded."""
    floor = json.loads(FLOOR.read_text(encoding="utf-8")) if FLOOR.exists() else {}
    old = floor.get("strings", {})
    new = {}
    for field, now in measured.items():
        before = old.get(field, {"right": 0, "wrong": now["wrong"]})
        new[field] = {"right": max(before["right"], now["right"]), "wrong": min(before["wrong"], now["wrong"])}
    floor["strings"] = new
    FLOOR.write_text(json.dumps(floor, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def extraction_section() -> str:
    """Fields read off the real markup (../shared/evidence), per portal and era; raises their floor too."""
    from bench import extraction

    if not extraction.EVIDENCE.is_dir():
        return extraction.section()  # says it is skipped, and why
    outcomes = extraction.evaluate()
    extraction.raise_floor(extraction.counts(outcomes))
    return extraction.section(outcomes)


def run() -> str:
    dev = SHARED / "real" / "strings-dev.jsonl"
    if not dev.exists():
        return (f"skipped: {dev} is absent (the labelled sets live in ../shared beside the project)\n\n"
                f"{extraction_section()}")
    judged = strings.evaluate(dev)
    raise_floor(strings_counts(judged))
    sections = [f"### Field strings ({dev.relative_to(SHARED.parent)})\n\n{(strings.__doc__ or '').strip()}\n\n"
                f"{strings.table(judged)}"]
    from bench import linking

    if (SHARED / "real" / "linking-dev" / "records.csv").exists():
        sections.append(linking.section(SHARED / "real" / "linking-dev"))
    sections.append(extraction_section())
    return "\n\n".join(sections)
