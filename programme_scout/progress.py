"""Run progress for the two audiences of the CLI: a person at a terminal (a counted bar per source with rate,
and a line for the reconcile and publish phases) and cron (a JSON progress line every minute on stderr, so a
hung run is visible in the mail or journal). Both are fed by the pipeline's `on_page` and `on_stage` hooks.

The crawler reports pages as they finish, not how many it has queued, so the bar counts pages done with their
rate; a total (and so an ETA) appears when the previous run's page count is known (`expected`)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

log = logging.getLogger("programme_scout")


class CronProgress:
    """A background thread logging {"progress": {...}} every `every_s` seconds while the run lasts."""

    def __init__(self, sources: Sequence[str], every_s: float = 60.0) -> None:
        self.pages: Counter[str] = Counter({s: 0 for s in sources})
        self.stage = "crawl"
        self.every_s = every_s
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="progress", daemon=True)

    def on_page(self, source: str, outcome: str) -> None:
        self.pages[source] += 1

    def on_stage(self, stage: str) -> None:
        self.stage = stage

    def snapshot(self) -> dict[str, Any]:
        elapsed = time.monotonic() - self.started
        return {"stage": self.stage, "elapsed_s": round(elapsed, 1), "pages": dict(self.pages),
                "pages_per_s": round(sum(self.pages.values()) / elapsed, 2) if elapsed > 0 else 0.0}

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            log.info("progress %s", json.dumps(self.snapshot(), sort_keys=True))

    def __enter__(self) -> CronProgress:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()


class TerminalProgress:
    """rich bars: per source pages done (of the expected count when known), rate and ETA; then the phases."""

    def __init__(self, sources: Sequence[str], expected: Mapping[str, int] | None = None) -> None:
        from rich.progress import (BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<16}"), BarColumn(),
                                 TextColumn("{task.fields[count]:>14}"), TextColumn("{task.fields[rate]:>14}"),
                                 TimeElapsedColumn(), TextColumn("{task.fields[eta]}"), TimeRemainingColumn())
        expected = expected or {}
        self.tasks = {s: self.progress.add_task(s, total=expected.get(s) or None, rate="", eta="ETA",
                                                count=f"0/{expected.get(s) or '?'} pages") for s in sources}
        self.phase: Any = None

    def on_page(self, source: str, outcome: str) -> None:
        task_id = self.tasks[source]
        task = self.progress.tasks[task_id]
        if task.total is not None and task.completed + 1 > task.total:  # more pages than last time: no ETA rather
            task.total = None  # than a wrong one (rich's update() reads total=None as "unchanged")
            task.finished_time = None
        speed = task.speed
        self.progress.update(task_id, advance=1, rate=f"{speed:.1f} pages/s" if speed else "",
                             count=f"{int(task.completed) + 1}/{int(task.total) if task.total else '?'} pages")

    def on_stage(self, stage: str) -> None:
        if stage == "crawl":
            return
        for task_id in self.tasks.values():  # the crawl is over: bars stop pulsing
            task = self.progress.tasks[task_id]
            self.progress.update(task_id, total=task.completed)
        if self.phase is None:
            self.phase = self.progress.add_task(stage, total=None, rate="", count="", eta="")
        else:
            self.progress.update(self.phase, description=stage)

    def __enter__(self) -> TerminalProgress:
        self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.phase is not None:
            self.progress.update(self.phase, description="done" if error is None else "failed", total=1, completed=1)
        self.progress.stop()
