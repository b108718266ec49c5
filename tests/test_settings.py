"""Settings: the documented TOML holds exactly the code's defaults, file values reach the run, flags override,
and mistakes fail loudly with the section and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from programme_scout.settings import CONFIG_ENV, Settings, SettingsError, find_config, load_settings


def test_documented_config_equals_the_defaults():
    """Except that its relative paths resolve against the file (cron starts us in $HOME)."""
    assert load_settings(ROOT / "programme-scout.toml") == Settings(data_dir=ROOT / "data",
                                                                     mirror_dir=ROOT / "fixtures" / "mirror")


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "etc").mkdir()
    config = tmp_path / "etc" / "scout.toml"
    config.write_text('[run]\ndata_dir = "../var/scout"\nmirror_dir = "/srv/mirror"\n')
    monkeypatch.chdir(ROOT)
    settings = load_settings(config)
    assert settings.data_dir == tmp_path / "etc" / ".." / "var" / "scout"
    assert settings.mirror_dir == Path("/srv/mirror")
    assert load_settings(config, data_dir=Path("rel")).data_dir == Path("rel")  # a flag is relative to the shell


def test_config_is_found_by_flag_then_environment_then_working_directory(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert find_config(None) is None
    (tmp_path / "programme-scout.toml").write_text("")
    assert find_config(None) == Path("programme-scout.toml")
    monkeypatch.setenv(CONFIG_ENV, "/etc/scout.toml")
    assert find_config(None) == Path("/etc/scout.toml")
    assert find_config(Path("given.toml")) == Path("given.toml")


def test_publish_can_leave_last_seen_out(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text("[publish]\ncsv_last_seen = false\nkeep_runs = 3\n")
    assert not load_settings(config).publish.csv_last_seen
    assert load_settings(config).publish.keep_runs == 3


def test_file_values_reach_every_section_and_flags_override(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text('[run]\ndata_dir = "/srv/scout"\nsources = ["masterstudies"]\n'
                      "[fetch]\nper_host_delay_s = 2.5\nmax_attempts = 5\n[publish]\ndrift_max_count_drop = 0.5\n")
    settings = load_settings(config)
    assert settings.fetch.per_host_delay_s == 2.5 and settings.fetch.max_attempts == 5
    assert settings.publish.drift_max_count_drop == 0.5
    assert settings.data_dir == Path("/srv/scout") and settings.sources == ("masterstudies",)
    overridden = load_settings(config, data_dir=Path("elsewhere"), accept_drift=True, sources=None)
    assert overridden.data_dir == Path("elsewhere") and overridden.publish.accept_drift
    assert overridden.sources == ("masterstudies",)  # None means "flag not given"


@pytest.mark.parametrize("text,message", [
    ("[fetch]\nper_host_delay = 1\n", "unknown setting(s) in [fetch]: per_host_delay"),
    ("[fetch]\nmax_attempts = \"3\"\n", "[fetch] max_attempts must be int"),
    ("[fetch]\nobey_robots = 1\n", "[fetch] obey_robots must be bool"),
    ("[fetch]\nper_host_concurrency = 0\n", "at least 1"),
    ("[network]\nx = 1\n", "unknown section(s) in config: network"),
    ("[run]\nsources = [\"nope\"]\n", "unknown source(s): nope"),
    ("not toml [", "cannot read config"),
])
def test_mistakes_fail_with_the_key(tmp_path: Path, text: str, message: str):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_settings(config)
