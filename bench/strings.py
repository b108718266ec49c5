"""Field strings: every real string of `../shared/real/strings-dev.jsonl` through `programme-scout normalize --jsonl`, judged against
the value a careful analyst recorded (labelling rules in `../shared/real/README.md`).

Kinds of miss: *lost* (a value was printed; we flagged or noted it away), *wrong* (we gave another value: the worst
kind), *flag missed* (we gave a value where the string carries none, or only a note where a flag was due),
*stand-in flagged* (a stand-in such as "See website" was flagged instead of noted)."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import subprocess
import sys

FIELDS = ("duration", "tuition", "deadline", "start", "english_test", "credits", "study_mode", "pace", "location",
          "languages")
# Output columns compared for every string of a field, even when `expect` leaves them out (then: must be empty).
ALWAYS = {"duration": ("duration_months", "duration_months_part_time"),
          "tuition": ("tuition_amount", "tuition_currency", "tuition_period"),
          "deadline": ("application_deadline",), "start": ("start_months", "start_dates"),
          "credits": ("ects", "credits_other"), "study_mode": ("study_mode",), "pace": ("pace",),
          "location": ("city", "country"), "languages": ("languages",), "english_test": ()}
SETS = frozenset({"languages", "start_months", "start_dates", "campuses"})
KINDS = ("right", "lost", "wrong", "flag missed", "stand-in flagged")


ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Judged:
    case: dict[str, Any]
    kind: str  # one of KINDS
    result: dict[str, Any]  # what `programme-scout normalize` printed: values, flags, notes (or error)


def _number(x: Any) -> Decimal | None:
    try:
        return Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def _fold(x: Any) -> str:
    return unicodedata.normalize("NFC", str(x)).strip().casefold()


def same(key: str, want: Any, got: Any) -> bool:
    if want == "*":
        return True
    if want in (None, [], {}) or got in (None, [], {}):
        return want in (None, [], {}) and got in (None, [], {})
    if isinstance(want, dict) or isinstance(got, dict):
        if not (isinstance(want, dict) and isinstance(got, dict)) or set(want) != set(got):
            return False
        return all(same(k, want[k], got[k]) for k in want)
    if key in SETS:
        return sorted({_fold(x) for x in want}) == sorted({_fold(x) for x in got})
    wn, gn = _number(want), _number(got)
    if wn is not None and gn is not None and not isinstance(want, bool):
        return wn == gn
    return _fold(want) == _fold(got)


def judge(case: dict[str, Any], result: dict[str, Any]) -> Judged:
    field, expect = case["field"], case["expect"]
    values = result.get("values") or {}
    if "error" in result:  # the command could not read the case: counted as wrong, and shown
        return Judged(case, "wrong", result)
    if not values:
        if expect.get("flagged"):
            return Judged(case, "right" if result["flags"] else "flag missed", result)
        if expect.get("missing"):
            return Judged(case, "stand-in flagged" if result["flags"] else "right", result)
        return Judged(case, "lost", result)
    if expect.get("flagged") or expect.get("missing"):
        return Judged(case, "flag missed", result)
    keys = set(ALWAYS[field]) | set(expect)
    if field == "tuition" and any(k.startswith(("tuition_international_", "tuition_eu_eea_")) for k in expect):
        keys -= set(ALWAYS[field])  # per-audience fees: the audience-free columns must then stay empty
        keys |= {k for k in values if k.startswith("tuition_") and not k.startswith("tuition_domestic_")}
    ok = all(same(k, expect.get(k), values.get(k)) for k in keys)
    return Judged(case, "right" if ok else "wrong", result)


def normalize_many(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every case through `programme-scout normalize --jsonl` in one process: the command outside checkers use."""
    lines = "".join(json.dumps({k: c.get(k) for k in ("field", "text", "label", "country")}) + "\n" for c in cases)
    done = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "normalize", "--jsonl"], input=lines,
                          capture_output=True, text=True, check=True, cwd=ROOT)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(results) != len(cases):
        raise RuntimeError(f"normalize --jsonl gave {len(results)} results for {len(cases)} cases: {done.stderr[-2000:]}")
    return results


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(path: Path) -> list[Judged]:
    cases = load(path)
    return [judge(case, result) for case, result in zip(cases, normalize_many(cases))]


def table(judged: list[Judged]) -> str:
    counts: dict[str, Counter[str]] = {}
    for j in judged:
        counts.setdefault(j.case["field"], Counter())[j.kind] += 1
    order = [f for f in FIELDS if f in counts] + sorted(set(counts) - set(FIELDS))
    lines = ["| field | n | right | % right | lost to a flag | wrong value | flag missed | stand-in flagged |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total: Counter[str] = Counter()
    for name in order + ["**all**"]:
        c = counts[name] if name in counts else total
        n = sum(c.values())
        if name in counts:
            total.update(c)
        lines.append(f"| {name} | {n} | {c['right']} | {100 * c['right'] / n:.1f} | {c['lost']} | {c['wrong']} | "
                     f"{c['flag missed']} | {c['stand-in flagged']} |")
    return "\n".join(lines)


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def misses(judged: list[Judged], field: str | None = None) -> list[str]:
    out = []
    for j in judged:
        if j.kind == "right" or (field and j.case["field"] != field):
            continue
        c = j.case
        r = j.result
        gave = r.get("error") or (r["values"] if r["values"] else f"flags={r['flags']} notes={r['notes']}")
        extra = "".join(f" [{k}={c[k]}]" for k in ("label", "country") if c.get(k))
        out.append(f"{j.kind.upper()} {c['field']}{extra}: {c['text'][:140]!r} | want {show(c['expect'])} | got {gave}")
    return out


DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "real" / "strings-dev.jsonl"

if __name__ == "__main__":  # python -m bench.strings [FIELD]: the table, then every miss (of FIELD)
    import sys

    judged = evaluate(DEV_SET)
    print("\n".join(misses(judged, sys.argv[1] if len(sys.argv) > 1 else None)))
    print(table(judged))
