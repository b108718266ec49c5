"""History growth: 30 simulated daily runs of a 10^4-programme catalogue (about 1 % of programmes changing a field
each day, 0.2 % added), recorded the way a run records itself, with `keep_runs` 30 (the default) and 7. Size of
history.sqlite after each tenth run: full rows are kept for the newest `keep_runs` runs only, older runs shrink to
their summary and one hash per programme."""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.generate import stream
from normalize.reconcile import reconcile
from output.history import History
from output.tables import programme_row

DAYS = 30


def _catalogue(n: int) -> list[dict[str, str]]:
    programmes = reconcile(list(stream(n, {})), as_of=date(2026, 11, 1)).programmes
    return [programme_row(p, first_seen="2026-11-01", last_seen="2026-11-01") for p in programmes]


def _simulate(rows: list[dict[str, str]], keep_runs: int, folder: Path) -> list[tuple[int, float, float]]:
    rng = random.Random(7)
    history = History(folder / "history.sqlite")
    sizes = []
    try:
        for day in range(1, DAYS + 1):
            today = (date(2026, 11, 1) + timedelta(days=day)).isoformat()
            for row in rng.sample(rows, len(rows) // 100):  # a changed fee, deadline or title
                row["application_deadline"] = f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            for i in range(len(rows) // 500):
                rows.append({**rows[i], "programme_id": f"new-{day}-{i}", "first_seen": today})
            for row in rows:
                row["last_seen"] = today
            start = time.perf_counter()
            history.record_run(run_id=f"2026{day:04d}", started_at=today, ended_at=today, status="published",
                               exit_code=0, settings={}, summary={"programmes": len(rows)},
                               sources={"studyportals": {"records": len(rows), "fill_rates": {}}}, rows=rows,
                               run_date=today, keep_runs=keep_runs)
            elapsed = time.perf_counter() - start
            if day % 10 == 0:
                sizes.append((day, (folder / "history.sqlite").stat().st_size / 2**20, elapsed))
    finally:
        history.close()
    return sizes


def run(programmes: int = 10_000) -> str:
    base = _catalogue(programmes * 2)  # the generator yields about two records per programme
    lines = [f"{len(base):,} programmes at the start.", "",
             "| keep_runs | after run | history.sqlite MB | that run recorded in s |", "|---:|---:|---:|---:|"]
    for keep in (30, 7):
        with tempfile.TemporaryDirectory() as folder:
            for day, size_mb, seconds in _simulate([dict(r) for r in base], keep, Path(folder)):
                lines.append(f"| {keep} | {day} | {size_mb:.1f} | {seconds:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
