"""Publishing a run: the drift guard, then an atomic swap of data/latest.

`data/latest` is a symlink to `runs/<run_id>`; it is replaced with rename(2), so a reader (or a run killed at
any moment) sees either the old run or the new one, never a half-written directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapers.settings import PublishSettings


def find_drift(previous: Mapping[str, Mapping[str, Any]], current: Mapping[str, Mapping[str, Any]],
               settings: PublishSettings) -> list[dict[str, Any]]:
    """Per source: a record count falling by more than the allowed share, or a field's fill rate (percent)
    falling by more than the allowed points, compared with the last published run."""
    drift = []
    for source, now in sorted(current.items()):
        before = previous.get(source)
        if before is None or now.get("stale"):
            continue
        if before["records"] and (before["records"] - now["records"]) / before["records"] > settings.drift_max_count_drop:
            drift.append({"source": source, "field": "(records)", "before": before["records"], "after": now["records"]})
        for field, rate in sorted(before["fill_rates"].items()):
            after = now["fill_rates"].get(field, 0.0)
            if rate - after > settings.drift_max_fill_drop_points:
                drift.append({"source": source, "field": field, "before": rate, "after": after})
    return drift


def swap_latest(data_dir: Path, run_dir: Path) -> None:
    latest = data_dir / "latest"
    if latest.exists() and not latest.is_symlink():  # an old real directory: move it aside first
        shutil.move(str(latest), str(data_dir / "latest.old"))
    tmp = data_dir / ".latest.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(run_dir, data_dir), tmp)
    os.replace(tmp, latest)
    directory = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def prune_runs(runs_dir: Path, keep: int, protect: set[Path]) -> None:
    runs = sorted(p for p in runs_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in runs[:-keep] if keep > 0 else []:
        if old.resolve() not in {p.resolve() for p in protect}:
            shutil.rmtree(old, ignore_errors=True)
