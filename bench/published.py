"""A whole publish at scale: generated records (bench.generate) reconciled and published through
output.publish into a scratch data directory, as a run does after its crawl. Sizes of what a run leaves: the
report stays bounded (the review holds a summary and the 50 best pairs; review.csv holds every pair)."""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.generate import stream
from normalize.parallel import reconcile_parallel
from output.build import RunBuild
from output.publish import publish
from programme_scout.gcpause import collector_paused
from programme_scout.settings import Settings

FILES = ("report.json", "report.html", "review.csv", "programmes.csv", "programmes.json", "programmes.sqlite",
         "programmes.parquet", "programmes.xlsx")


def run(n: int = 100_000) -> str:
    lines = ["| records | programmes | review pairs | " + " | ".join(f"{f} MB" for f in FILES) + " | history MB | publish s |",
             "|---:|---:|---:|" + "---:|" * (len(FILES) + 2)]
    with tempfile.TemporaryDirectory() as folder, collector_paused():
        data = Path(folder)
        settings = Settings(data_dir=data, workers=2)
        raw = list(stream(n, {}))
        with RunBuild(data, started=datetime(2026, 11, 25, tzinfo=timezone.utc)) as build:
            reconciled = reconcile_parallel(lambda: raw, as_of=build.as_of, workers=2, expected_records=len(raw))
            start = time.perf_counter()
            outcome = publish(build, settings, {}, {}, reconciled,
                              raw_by_source=lambda source: [r for r in raw if r.source == source])
            elapsed = time.perf_counter() - start
        run_dir = Path(outcome.report["run_dir"])
        sizes = [(run_dir / f).stat().st_size / 2**20 if (run_dir / f).exists() else float("nan") for f in FILES]
        history = (data / "history.sqlite").stat().st_size / 2**20
        lines.append(f"| {len(raw):,} | {len(reconciled.programmes):,} | {len(reconciled.link.review):,} | "
                     + " | ".join(f"{s:.1f}" for s in sizes) + f" | {history:.1f} | {elapsed:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
