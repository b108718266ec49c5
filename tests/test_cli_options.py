"""CLI options for cron users: --version, --quiet, --log-level, config discovery from the environment, and
read-only commands that never create a data directory or a history."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import blank_masterstudies_facts, MIRROR, ROOT

import programme_scout

pytestmark = pytest.mark.slow


def cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**os.environ, **(env or {})})


def test_version():
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"programme-scout {programme_scout.__version__}"


@pytest.mark.parametrize("command", ["runs", "diff"])
def test_read_only_commands_never_create_a_history(tmp_path: Path, command: str):
    typo = tmp_path / "dta"
    done = cli(command, "--data", str(typo))
    assert done.returncode == 2 and "no run history" in done.stderr
    assert not typo.exists()


def test_config_from_the_environment_with_paths_relative_to_it(tmp_path: Path):
    config = tmp_path / "etc" / "scout.toml"
    config.parent.mkdir()
    config.write_text(f'[run]\ndata_dir = "../var"\nmirror_dir = "{MIRROR}"\nsources = ["masterstudies"]\n')
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    done = cli("run", "--offline", "--quiet", cwd=elsewhere, env={"PROGRAMME_SCOUT_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert (tmp_path / "var" / "latest" / "programmes.csv").is_file() and not any(elsewhere.iterdir())
    runs = cli("runs", cwd=elsewhere, env={"PROGRAMME_SCOUT_CONFIG": str(config)})  # the config's data dir
    assert runs.returncode == 0 and "published" in runs.stdout


def test_log_level_debug_and_bad_level(tmp_path: Path):
    done = cli("--log-level", "warning", "run", "--offline", "--data", str(tmp_path / "d"), "--sources", "masterstudies")
    assert done.returncode == 0 and done.stderr == ""  # info lines held back
    assert done.stdout.startswith("published")
    bad = cli("run", "--log-level", "loud", "--data", str(tmp_path / "d"))
    assert bad.returncode == 2


def test_cron_progress_lines(tmp_path: Path):
    """Not on a terminal: JSON lines; with a short interval a progress line appears (the default is a minute)."""
    done = cli("run", "--offline", "--data", str(tmp_path / "d"), env={"PROGRAMME_SCOUT_PROGRESS_SECONDS": "0.001"})
    assert done.returncode == 0
    messages = [json.loads(line)["message"] for line in done.stderr.splitlines()]
    progress = [json.loads(m.removeprefix("progress ")) for m in messages if m.startswith("progress ")]
    assert progress and set(progress[-1]["pages"]) == {"studyportals", "topuniversities", "masterstudies"}
    assert messages[0].startswith("config: ")


def test_drift_summary_says_why(tmp_path: Path):
    import shutil

    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    data = tmp_path / "d"
    assert cli("run", "--offline", "--mirror", str(mirror), "--data", str(data)).returncode == 0
    blank_masterstudies_facts(mirror)
    done = cli("run", "--offline", "--mirror", str(mirror), "--data", str(data), "--quiet")
    assert done.returncode == 3, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert re.match(r"drift: not published \(masterstudies \w+ fill \d+ → \d+ %; .*\): \d+ programmes; ", line), line
    report = json.loads((sorted((data / "runs").iterdir())[-1] / "report.json").read_text())
    assert report["reason"].startswith("masterstudies ")
    runs = cli("runs", "--data", str(data)).stdout.splitlines()
    assert runs[-1].split()[1:4] == ["drift", "exit", "3"] and runs[-1].endswith(f"({report['reason']})")


def test_the_bare_command_is_run_with_the_config_of_the_working_directory(tmp_path: Path):
    (tmp_path / "programme-scout.toml").write_text(f'[run]\noffline = true\ndata_dir = "d"\nmirror_dir = "{MIRROR}"\n')
    done = cli("--quiet", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stderr
    assert (tmp_path / "d" / "latest" / "programmes.csv").is_file()


def test_a_missing_config_named_by_the_environment_is_a_usage_error(tmp_path: Path):
    done = cli("run", "--offline", cwd=tmp_path, env={"PROGRAMME_SCOUT_CONFIG": str(tmp_path / "gone.toml")})
    assert done.returncode == 2 and "cannot read config" in done.stderr and "gone.toml" in done.stderr
    assert not any(tmp_path.iterdir())
