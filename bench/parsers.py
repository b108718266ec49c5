"""Parser robustness: every field's parser on pathological strings of growing length (a run of digits, a long
description, repeated separators). Time must grow linearly with the input: the last column is the time ratio
between 10x longer inputs (about 10 is linear; 100 would be quadratic). Measured here, never in a timed test."""

from __future__ import annotations

import time

from normalize.fieldtext import FIELD_NAMES, normalize_field

SIZES = (5_000, 50_000)
REPEATS = 3  # the fastest of three, each on a fresh string (parsers are memoised)
TOO_SLOW_S = 2.0  # a parse this slow at the smaller size is not timed at the larger
SHAPES = {
    "digits": lambda n: "1" * n,
    "digit groups": lambda n: ("1,000 " * (n // 6 + 1))[:n],
    "words": lambda n: ("full time part time year month " * (n // 31 + 1))[:n],
    "description": lambda n: ("The programme is jointly organised by the University of Leuven and Ghent University. "
                              * (n // 86 + 1))[:n],
    "separators": lambda n: ("/ - , ; ( ) " * (n // 12 + 1))[:n],
}


def _time(field: str, text: str) -> float:
    best = float("inf")
    for repeat in range(REPEATS):
        fresh = f"{text} {repeat}"
        start = time.perf_counter()
        normalize_field(field, fresh, label="IELTS" if field == "english_test" else "", country="GB")
        best = min(best, time.perf_counter() - start)
        if best > TOO_SLOW_S:
            break
    return best


def run() -> str:
    lines = ["| field | shape | " + " | ".join(f"{n:,} chars ms" for n in SIZES) + " | ratio |", "|---|---|" + "---:|" * (len(SIZES) + 1)]
    worst = 0.0
    for field in FIELD_NAMES:
        for shape, make in SHAPES.items():
            # parsers are memoised: each size is a new string, so each timing is a first parse
            small = _time(field, make(SIZES[0]))
            if small > TOO_SLOW_S:
                lines.append(f"| {field} | {shape} | {small * 1000:.0f} | not timed | superlinear |")
                worst = float("inf")
                continue
            large = _time(field, make(SIZES[1]))
            ratio = large / max(small, 1e-6)
            if large > 0.005:  # only report what is not instant
                worst = max(worst, ratio)
                lines.append(f"| {field} | {shape} | {small * 1000:.1f} | {large * 1000:.1f} | {ratio:.1f} |")
    lines.append(f"\nEvery other (field, shape) took under 5 ms at {SIZES[-1]:,} chars. Worst ratio: {worst:.1f}.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
