"""The Python API (load, run, diff) and a light `import programme_scout`; the progress displays."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MIRROR, ROOT

import programme_scout
from output.columns import COLUMNS
from output.tables import read_csv
from programme_scout.api import DTYPES
from programme_scout.progress import CronProgress, TerminalProgress
from programme_scout.settings import Settings


def test_import_is_light():
    code = ("import sys, programme_scout; heavy = {'pandas', 'pyarrow', 'openpyxl', 'httpx', 'rapidfuzz', 'normalize', "
            "'scrapers', 'output', 'rich', 'importlib.metadata'} & set(sys.modules); print(sorted(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.slow
def test_run_load_and_diff(tmp_path: Path):
    data = tmp_path / "data"
    config = tmp_path / "scout.toml"
    config.write_text(f'[run]\ndata_dir = "data"\nmirror_dir = "{MIRROR}"\nworkers = 1\n')
    code, report = programme_scout.run(config, offline=True)
    assert code == 0 and report["programmes"] > 0
    code, second = programme_scout.run(Settings(offline=True, mirror_dir=MIRROR, data_dir=data, workers=1))
    assert code == 0

    frame = programme_scout.load(data)
    rows = read_csv(data / "latest" / "programmes.csv")
    assert len(frame) == len(rows) and list(frame["programme_id"]) == [r["programme_id"] for r in rows]
    for column in COLUMNS:
        assert str(frame[column.name].dtype) == DTYPES[column.table_type], column.name
    assert programme_scout.load(config=config).equals(frame)
    assert programme_scout.load(data, run_id=report["run_id"])["programme_id"].tolist() == frame["programme_id"].tolist()

    diff = programme_scout.diff(report["run_id"], data_dir=data)
    assert (diff["added"], diff["removed"], diff["changed"]) == ([], [], [])
    assert programme_scout.diff(data_dir=data) == diff  # the last two published
    with pytest.raises(FileNotFoundError):
        programme_scout.load(tmp_path / "nowhere")


def test_cron_progress_logs_json_lines(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="programme_scout")
    with CronProgress(["studyportals", "masterstudies"], every_s=0.01) as progress:
        progress.on_page("studyportals", "ok")
        progress.on_page("studyportals", "failed")
        progress.on_stage("reconcile")
        for _ in range(500):  # wait for the thread's first line (no assertion on time)
            if any(r.getMessage().startswith("progress ") for r in caplog.records):
                break
            time.sleep(0.01)
    assert progress.snapshot()["pages"] == {"studyportals": 2, "masterstudies": 0}
    assert any('"stage": "reconcile"' in r.getMessage() for r in caplog.records)


def test_terminal_progress_counts_pages_and_phases():
    bars = TerminalProgress(["studyportals", "masterstudies"], expected={"studyportals": 2})
    tasks = bars.progress.tasks
    assert tasks[0].total == 2 and tasks[1].total is None  # a total (and ETA) only where the last run knew it
    for _ in range(3):
        bars.on_page("studyportals", "ok")
    assert tasks[0].completed == 3 and tasks[0].total is None  # more than expected: no wrong ETA
    bars.on_stage("reconcile")
    assert tasks[1].total == 0 and bars.progress.tasks[-1].description == "reconcile"
    bars.on_stage("publish")
    assert bars.progress.tasks[-1].description == "publish"
