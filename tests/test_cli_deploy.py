"""deploy/: the systemd unit files verify (`systemd-analyze verify`, where installed; else parsed and checked
for the keys that matter), and the crontab line runs the installed command quietly."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/programme-scout/.venv/bin/programme-scout"


def units(tmp_path: Path) -> list[Path]:
    """Copies runnable here: ExecStart points at an executable that exists, the user at root."""
    service = (DEPLOY / "programme-scout.service").read_text()
    service = service.replace(INSTALLED, sys.executable).replace("User=scout", "User=root").replace("Group=scout", "Group=root")
    (tmp_path / "programme-scout.service").write_text(service)
    shutil.copy(DEPLOY / "programme-scout.timer", tmp_path)
    return [tmp_path / "programme-scout.service", tmp_path / "programme-scout.timer"]


def parse(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_verify(tmp_path: Path):
    done = subprocess.run(["systemd-analyze", "verify", *map(str, units(tmp_path))], capture_output=True, text=True)
    problems = [line for line in done.stderr.splitlines() if "programme-scout" in line]
    assert done.returncode == 0 and not problems, done.stderr


def test_units_say_what_cron_needs():
    service, timer = parse(DEPLOY / "programme-scout.service"), parse(DEPLOY / "programme-scout.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"] == f"{INSTALLED} run --quiet"
    assert set(service["Service"]["SuccessExitStatus"].split()) == {"4", "75"}  # drift (3) fails the unit
    assert service["Service"]["Environment"].startswith("PROGRAMME_SCOUT_CONFIG=/")
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["OnCalendar"]
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_crontab_line_runs_the_installed_command_quietly():
    lines = [line for line in (DEPLOY / "crontab").read_text().splitlines() if line and not line.startswith("#")]
    entries = [line for line in lines if "=" not in line.split()[0]]
    assert len(entries) == 1
    fields = entries[0].split(None, 5)
    assert len(fields) == 6 and fields[5] == f"{INSTALLED} run --quiet"
    assert "PROGRAMME_SCOUT_CONFIG=/srv/programme-scout/programme-scout.toml" in lines
    readme = (ROOT / "README.md").read_text()
    assert entries[0] in readme  # the README shows the same line
