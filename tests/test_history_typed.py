"""The run history: typed columns (not text standing for values), bounded growth (rows for the newest keep_runs
runs, hashes for all), diffs over typed values that work for unpublished and pruned runs, and the migration of a
v1 history (JSON text rows) in place. The mirror is a black box: "same ids", "no change"."""

from __future__ import annotations

import functools
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import MIRROR, ROOT, blank_masterstudies_facts

import programme_scout
from output.history import History
from output.tables import read_csv
from output.typed import row_hash, typed_row
from programme_scout.pipeline import run
from programme_scout.settings import PublishSettings, Settings

pytestmark = pytest.mark.slow
DAY1 = datetime(2026, 11, 20, 4, 17, tzinfo=timezone.utc)


def settings(data: Path, mirror: Path = MIRROR, keep_runs: int = 30) -> Settings:
    return Settings(offline=True, mirror_dir=mirror, data_dir=data, workers=1, publish=PublishSettings(keep_runs=keep_runs))


def day(n: int) -> datetime:
    return DAY1 + timedelta(days=n)


def test_rows_are_typed_and_old_runs_are_pruned_to_hashes(tmp_path: Path):
    data = tmp_path / "data"
    ids = []
    for n in range(3):
        code, report = run(settings(data, keep_runs=2), clock=functools.partial(day, n))
        assert code == 0
        ids.append(report["run_id"])
    db = sqlite3.connect(data / "history.sqlite")
    assert {r for (r,) in db.execute("SELECT DISTINCT run_id FROM programmes")} == set(ids[1:])
    assert {r for (r,) in db.execute("SELECT DISTINCT run_id FROM programme_hashes")} == set(ids)
    assert db.execute("SELECT typeof(stale), typeof(first_seen) FROM programmes LIMIT 1").fetchone() == ("integer", "text")
    assert {t for (t,) in db.execute("SELECT DISTINCT typeof(duration_months) FROM programmes")} <= {"integer", "null"}
    history = History(data / "history.sqlite", create=False)
    rows = history.rows_of(ids[-1])
    csv_rows = read_csv(data / "latest" / "programmes.csv")
    assert [r["programme_id"] for r in rows] == sorted(r["programme_id"] for r in csv_rows)
    assert all(isinstance(r["stale"], bool) for r in rows)
    by_id = {r["programme_id"]: r for r in csv_rows}
    assert all(history.hashes_of(ids[-1])[r["programme_id"]] == row_hash(typed_row(by_id[r["programme_id"]]))
               for r in rows)
    # the pruned run diffs by hashes: same programmes, no change (and says it was pruned)
    diff = programme_scout.diff(ids[0], data_dir=data)
    assert diff["pruned"] and (diff["added"], diff["removed"], diff["changed"]) == ([], [], [])
    full = programme_scout.diff(ids[1], ids[2], data_dir=data)
    assert "pruned" not in full and (full["added"], full["removed"], full["changed"]) == ([], [], [])
    history.close()


def test_unpublished_run_diffs_from_its_own_rows(tmp_path: Path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    data = tmp_path / "data"
    code, first = run(settings(data, mirror), clock=lambda: day(0))
    assert code == 0
    blank_masterstudies_facts(mirror)
    for listing in (mirror / "www.masterstudies.com" / "Masters-Degree").rglob("*"):  # and one programme unlisted
        if listing.is_file():
            listing.write_text(listing.read_text(encoding="utf-8").replace(
                "href='/MSc-in-Global-Health/", "href='https://elsewhere.example/"), encoding="utf-8")
    code, drifted = run(settings(data, mirror), clock=lambda: day(1))
    assert code == 3
    diff = programme_scout.diff(first["run_id"], drifted["run_id"], data_dir=data)
    published = {r["programme_id"] for r in read_csv(data / "latest" / "programmes.csv")}
    drift_rows = read_csv(data / "runs" / drifted["run_id"] / "programmes.csv")
    assert len(diff["removed"]) == len(published - {r["programme_id"] for r in drift_rows}) < len(published)
    assert diff["changed"]  # masterstudies' values left the programmes it shared with other portals
    # OLD alone: OLD against the latest published run (the drift run is not published)
    assert programme_scout.diff(drifted["run_id"], data_dir=data)["added"] == diff["removed"]
    # the CLI's text names each changed programme by its title
    done = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "diff", first["run_id"], drifted["run_id"],
                           "--data", str(data), "--detail"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert re.search(r"\d+ rows? changed\n\n  programme_id: \S+\n  title: ", done.stdout), done.stdout
    assert re.search(r"\d+ rows? removed\n", done.stdout)
    unknown = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "diff", "nope", "--data", str(data)],
                             capture_output=True, text=True, cwd=ROOT)
    assert unknown.returncode == 2 and "no run 'nope'" in unknown.stderr


def test_diff_compares_typed_values():
    from output.diff import compare

    old = [typed_row({"programme_id": "a", "ielts_min": "6.5", "ects": "120"})]
    new = [typed_row({"programme_id": "a", "ielts_min": "6.50", "ects": "120"})]
    assert compare(old, new)["changed"] == []  # one value, two renderings
    assert compare(old, [typed_row({"programme_id": "a", "ielts_min": "7", "ects": "120"})])["changed"][0]["changes"] == {
        "ielts_min": [6.5, 7.0]}


V1 = """
CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT DEFAULT CURRENT_TIMESTAMP);
INSERT INTO migrations (version, name) VALUES (1, 'runs, sources, programmes, id map, dates');
CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT NOT NULL, status TEXT NOT NULL,
                   exit_code INTEGER NOT NULL, settings TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE run_sources (run_id TEXT NOT NULL REFERENCES runs(run_id), source TEXT NOT NULL, records INTEGER NOT NULL,
                          stale INTEGER NOT NULL, outcomes TEXT NOT NULL, fill_rates TEXT NOT NULL,
                          PRIMARY KEY (run_id, source));
CREATE TABLE programmes (run_id TEXT NOT NULL REFERENCES runs(run_id), programme_id TEXT NOT NULL, row TEXT NOT NULL,
                         PRIMARY KEY (run_id, programme_id));
CREATE TABLE id_map (source_ref TEXT PRIMARY KEY, programme_id TEXT NOT NULL, last_run TEXT NOT NULL);
CREATE TABLE programme_dates (programme_id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
INSERT INTO runs VALUES ('20261101T000000Z', '2026-11-01', '2026-11-01', 'published', 0, '{}', '{"programmes": 1}');
INSERT INTO id_map VALUES ('studyportals:1', 'p-1', '20261101T000000Z');
INSERT INTO programme_dates VALUES ('p-1', '2026-11-01', '2026-11-01');
"""


def test_a_v1_history_is_migrated_in_place(tmp_path: Path):
    path = tmp_path / "history.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V1)
    row = {"programme_id": "p-1", "title": "Data Science", "ects": "120", "ielts_min": "6.5", "stale": "false",
           "first_seen": "2026-11-01", "last_seen": "2026-11-01", "flags": ""}
    db.execute("INSERT INTO programmes VALUES (?, ?, ?)", ("20261101T000000Z", "p-1", json.dumps(row)))
    db.commit()
    db.close()
    history = History(path)
    assert history.rows_of("20261101T000000Z") == [{**{k: None for k in history.rows_of("20261101T000000Z")[0]},
                                                     "programme_id": "p-1", "title": "Data Science", "ects": 120,
                                                     "ielts_min": 6.5, "stale": False, "first_seen": "2026-11-01",
                                                     "last_seen": "2026-11-01", "flags": None}]
    assert history.known_ids() == {"studyportals:1": "p-1"} and history.dates() == {"p-1": ("2026-11-01", "2026-11-01")}
    assert history.hashes_of("20261101T000000Z") == {"p-1": row_hash(typed_row(row))}
    assert [v for (v,) in history.db.execute("SELECT version FROM migrations ORDER BY version")] == [1, 2]
    history.close()
    History(path).close()  # a second open applies nothing twice


def test_history_is_never_created_by_readers(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        History(tmp_path / "nothing" / "history.sqlite", create=False)
    assert not (tmp_path / "nothing").exists()
