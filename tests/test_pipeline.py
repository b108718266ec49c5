"""Whole runs through the CLI, as cron runs them: outputs validate, change reports, exit codes, lock, drift,
stale sources. Each test works on its own copy of the mirror and its own data directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import MIRROR, ROOT

from output.tables import neutralise, read_csv
from scrapers.replay import mirror_relpath

pytestmark = pytest.mark.slow
SP_DATA_SCIENCE = "https://www.mastersportal.com/studies/12841/data-science.html"
MS_HEALTH = "https://www.masterstudies.com/MSc-in-Global-Health/Netherlands/Maastricht-University/"


def run(data: Path, mirror: Path = MIRROR, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "run", "--offline", "--mirror", str(mirror),
                           "--data", str(data), *extra], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    copy = tmp_path / "mirror"
    shutil.copytree(MIRROR, copy)
    return copy


def edit(mirror: Path, url: str, old: str, new: str) -> None:
    path = mirror / mirror_relpath(url)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_run_publishes_valid_outputs(tmp_path):
    done = run(tmp_path / "data")
    assert done.returncode == 0, done.stderr
    latest = tmp_path / "data" / "latest"
    for name in ("programmes.csv", "programmes.json", "programmes.jsonl", "datapackage.json", "conflicts.csv",
                 "review.csv", "changes.json", "changes.csv", "report.json", "report.html", "run.log"):
        assert (latest / name).is_file(), name
    assert {p.name for p in (latest / "raw").iterdir()} == {"studyportals.jsonl", "topuniversities.jsonl", "masterstudies.jsonl"}
    # stdout is not a terminal here: log lines are JSON, without colours
    assert all(json.loads(line)["message"] for line in done.stderr.splitlines() if line.strip())

    frame = pd.read_csv(latest / "programmes.csv")
    assert frame["programme_id"].is_unique and len(frame) == 20
    from output.columns import COLUMNS, PANDAS_DTYPES

    assert list(frame.columns) == [c.name for c in COLUMNS]
    for name, kind in ((c.name, c.table_type) for c in COLUMNS):  # every column reads, with no options, as the README says
        column, dtype = frame[name], str(frame[name].dtype)
        if column.isna().all():
            assert dtype == "float64", name  # pandas' type for a column with no value at all
        elif name == "start_months":
            assert dtype in ("object", "str", "int64"), dtype  # one month in every row reads as a number
        else:
            assert dtype in PANDAS_DTYPES[kind], (name, kind, dtype)
        if kind == "integer" and column.notna().all():
            assert dtype == "int64", name

    from frictionless import validate

    report = validate(latest / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    records = json.loads((latest / "programmes.json").read_text())
    pioneer = next(r for r in records if r["title"].startswith("Erasmus Mundus"))
    assert pioneer["provenance"]["duration_months"] == ["topuniversities", "masterstudies"]
    html = (latest / "report.html").read_text()
    assert "<link" not in html and "<script" not in html and "Fill rate" in html


def test_change_report_edit_removal_and_unchanged_rerun(tmp_path, mirror):
    data = tmp_path / "data"
    assert run(data, mirror).returncode == 0
    assert run(data, mirror).returncode == 0  # unchanged rerun
    unchanged = json.loads((data / "latest" / "changes.json").read_text())
    assert (unchanged["added"], unchanged["removed"], unchanged["changed"]) == ([], [], [])

    before = read_csv(data / "latest" / "programmes.csv")
    edit(mirror, SP_DATA_SCIENCE, "<span class='Amount'>1100</span>", "<span class='Amount'>1150</span>")
    (mirror / mirror_relpath(MS_HEALTH)).unlink()
    done = run(data, mirror)  # gone once: kept with its last good values, marked stale; neither removed nor changed
    assert done.returncode == 0, done.stderr
    changes = json.loads((data / "latest" / "changes.json").read_text())
    assert [c["changes"] for c in changes["changed"]] == [{"living_cost_min_month": ["1100", "1150"]}]
    assert changes["removed"] == [] and changes["added"] == []
    health = [r for r in read_csv(data / "latest" / "programmes.csv") if r["title"] == "MSc in Global Health"]
    assert [r["stale"] for r in health] == ["true"]
    before = read_csv(data / "latest" / "programmes.csv")
    done = run(data, mirror)  # gone on a second run: a real removal
    assert done.returncode == 0, done.stderr
    after = read_csv(data / "latest" / "programmes.csv")
    changes = json.loads((data / "latest" / "changes.json").read_text())
    assert [r["title"] for r in changes["removed"]] == ["MSc in Global Health"]
    assert changes["added"] == [] and changes["changed"] == []

    from csv_diff import compare as csv_diff_compare

    expected = csv_diff_compare({r["programme_id"]: {k: v for k, v in r.items() if k != "last_seen"} for r in before},
                                {r["programme_id"]: {k: v for k, v in r.items() if k != "last_seen"} for r in after})
    assert {r["programme_id"] for r in expected["removed"]} == {r["programme_id"] for r in changes["removed"]}
    assert {c["key"] for c in expected["changed"]} == {c["key"] for c in changes["changed"]}
    assert expected["added"] == changes["added"]

    diff = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "diff", "--data", str(data), "--out",
                           str(tmp_path / "d")], capture_output=True, text=True, cwd=ROOT)
    assert "0 programmes added, 1 removed, 0 changed" in diff.stdout
    assert (tmp_path / "d" / "changes.csv").read_text().count("\n") == 2  # header and the removal
    runs = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "runs", "--data", str(data)],
                          capture_output=True, text=True, cwd=ROOT)
    assert runs.stdout.count("published") == 4


def test_layout_change_is_drift_and_nothing_is_published(tmp_path, mirror):
    data = tmp_path / "data"
    assert run(data, mirror).returncode == 0
    published = (data / "latest").resolve()
    for path in (mirror / "www.masterstudies.com").rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        # the duration renamed in both eras: the K3 label and the K2 Vue prop
        path.write_text(text.replace(">Duration<", ">Length<").replace(":duration=", ":length="), encoding="utf-8")
    done = run(data, mirror)
    assert done.returncode == 3, done.stderr
    assert (data / "latest").resolve() == published  # nothing published
    drift_run = sorted((data / "runs").iterdir())[-1]
    report = json.loads((drift_run / "report.json").read_text())
    assert {d["source"] for d in report["drift"]} == {"masterstudies"}
    assert any(d["field"] == "duration_months" and d["before"] == 100.0 and d["after"] == 0.0 for d in report["drift"])
    assert run(data, mirror, "--accept-drift").returncode == 0


def test_blocked_source_is_carried_over_as_stale(tmp_path, mirror):
    data = tmp_path / "data"
    assert run(data, mirror).returncode == 0
    before = {r["programme_id"] for r in read_csv(data / "latest" / "programmes.csv")}
    from mockserver import CHALLENGE_HTML

    for path in (mirror / "www.topuniversities.com").rglob("*"):
        if path.is_file() and path.name != "robots.txt":
            path.write_text(CHALLENGE_HTML, encoding="utf-8")
    done = run(data, mirror)
    assert done.returncode == 4, done.stderr
    rows = read_csv(data / "latest" / "programmes.csv")
    assert {r["programme_id"] for r in rows} == before  # nothing shows as removed
    tu_only = [r for r in rows if r["sources"] == "topuniversities"]
    assert tu_only and all(r["stale"] == "true" for r in tu_only)
    changes = json.loads((data / "latest" / "changes.json").read_text())
    assert changes["removed"] == []
    report = json.loads((data / "latest" / "report.json").read_text())
    assert "topuniversities" in report["stale_sources"]


def test_second_run_exits_75_while_the_lock_is_held(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    code = ("import sys, time; from pathlib import Path; from output.lock import RunLock\n"
            "with RunLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(data)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        done = run(data)
        assert done.returncode == 75
        assert f"pid {holder.pid}, started 20" in done.stderr
        shell = subprocess.run(["flock", "-n", str(data / ".lock"), "true"])
        assert shell.returncode == 1  # a shell's flock sees the same lock
    finally:
        holder.kill()  # SIGKILL: the holder dies without unlocking
        holder.wait()
    assert run(data).returncode == 0  # the dead holder's lock does not block


def test_usage_errors_exit_2(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "run", "--offline", "--sources", "nope",
                           "--data", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "unknown source" in done.stderr


def test_parse_command_prints_raw_record_and_flags():
    path = MIRROR / mirror_relpath("https://www.mastersportal.com/studies/8997/information-management.html")
    done = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "parse", "studyportals", str(path), "--url",
                           "https://www.mastersportal.com/studies/8997/information-management.html"],
                          capture_output=True, text=True, cwd=ROOT)
    out = json.loads(done.stdout)
    assert out["raw"]["title"] == ["Information Management"]
    assert out["record"]["duration_months"] == "12" and out["record"]["tuition_international_amount"] == "1750"
    assert out["flags"] == []


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_injection_is_neutralised(cell):
    assert neutralise(cell).startswith("'")
    assert neutralise("Data Science") == "Data Science"
