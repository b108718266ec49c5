"""Settings: the documented TOML holds exactly the code's defaults, file values reach the run, flags override,
and mistakes fail loudly with the section and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from programme_scout.settings import Settings, SettingsError, load_settings


def test_documented_config_equals_the_defaults():
    assert load_settings(ROOT / "programme-scout.toml") == Settings()


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
