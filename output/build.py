"""A run's build directory: created hidden under data/runs, renamed into place only when complete, removed when
the run fails; with it the run's log file and its history connection. `recover` finishes what a killed run left."""

from __future__ import annotations

import logging
import shutil
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from output.history import History
from output.publish import swap_latest

log = logging.getLogger("programme_scout")


def new_run_id(now: datetime, runs_dir: Path) -> str:
    base = now.strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while (runs_dir / run_id).exists() or (runs_dir / f".{run_id}.tmp").exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


class RunBuild:
    """`with RunBuild(data_dir, started=...) as build:` — build.path is written; build.finish() renames it."""

    def __init__(self, data_dir: Path, *, started: datetime) -> None:
        self.data_dir = data_dir
        self.runs_dir = data_dir / "runs"
        self.latest = data_dir / "latest"
        self.started = started
        self.as_of: date = started.date()
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.run_id = new_run_id(started, self.runs_dir)
        self.path = self.runs_dir / f".{self.run_id}.tmp"
        self.final = self.runs_dir / self.run_id
        self.path.mkdir()
        # mode "w": once closed, a late record from another thread (the cron progress line) is dropped instead of
        # reopening the file at a path the build has been renamed from
        self._log = logging.FileHandler(self.path / "run.log", mode="w", encoding="utf-8")
        self._log.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(self._log)
        self.history = History(data_dir / "history.sqlite")

    def __enter__(self) -> RunBuild:
        return self

    def finish(self) -> Path:
        """The run directory complete: the log closed and the build renamed into place."""
        self._close_log()
        self.path.rename(self.final)
        return self.final

    def _close_log(self) -> None:
        log.removeHandler(self._log)
        self._log.close()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if error is not None:
                self._close_log()
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self.history.close()


def recover(data_dir: Path) -> None:
    """Finish what a killed run left. The history transaction is a run's commit point: a run killed after it
    but before the `latest` swap is rolled forward here; a run killed before it left only a build directory,
    which is removed. Runs under the lock, so no live run is touched."""
    runs_dir = data_dir / "runs"
    if runs_dir.is_dir():
        for leftover in runs_dir.glob(".*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)
    if not (data_dir / "history.sqlite").exists():
        return
    history = History(data_dir / "history.sqlite")
    try:
        published = history.published_runs()
        recorded = {run["run_id"] for run in history.runs()}
    finally:
        history.close()
    for run_dir in sorted(runs_dir.iterdir()) if runs_dir.is_dir() else []:
        if run_dir.is_dir() and not run_dir.name.startswith(".") and run_dir.name not in recorded:
            log.warning("removing %s: renamed into place by a run stopped before its commit", run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)
    if published and (runs_dir / published[-1]).is_dir():
        latest = data_dir / "latest"
        if not latest.is_symlink() or latest.resolve() != (runs_dir / published[-1]).resolve():
            log.warning("rolling data/latest forward to %s, committed by a run that was stopped before publishing",
                        published[-1])
            swap_latest(data_dir, runs_dir / published[-1])
