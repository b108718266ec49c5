"""Settings validated at load, every key: type, range, finite. A mistake is a SettingsError naming the key, and
the CLI exits 2 with it (never a traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from programme_scout.settings import SettingsError, load_settings

BAD = [
    ("[fetch]\nper_host_delay_s = -1.0\n", "[fetch] per_host_delay_s must be at least 0"),
    ("[fetch]\nper_host_delay_s = nan\n", "[fetch] per_host_delay_s must be a finite number"),
    ("[fetch]\nper_host_delay_s = inf\n", "[fetch] per_host_delay_s must be a finite number"),
    ("[fetch]\nhttp_timeout_s = 0\n", "[fetch] http_timeout_s must be greater than 0"),
    ("[fetch]\nhttp_total_timeout_s = -5\n", "[fetch] http_total_timeout_s must be greater than 0"),
    ("[fetch]\nper_host_concurrency = 0\n", "[fetch] per_host_concurrency must be at least 1"),
    ("[fetch]\nmax_attempts = 0\n", "[fetch] max_attempts must be at least 1"),
    ("[fetch]\nmax_redirects = -1\n", "[fetch] max_redirects must be at least 0"),
    ("[fetch]\nmax_body_bytes = 0\n", "[fetch] max_body_bytes must be at least 1"),
    ("[fetch]\nretry_after_cap_s = -inf\n", "[fetch] retry_after_cap_s must be a finite number"),
    ("[fetch]\nbackoff_base_s = 10.0\nbackoff_max_s = 1.0\n", "[fetch] backoff_max_s must be at least backoff_base_s"),
    ("[fetch]\nuser_agent = \"  \"\n", "[fetch] user_agent must not be empty"),
    ("[publish]\ndrift_max_count_drop = 1.5\n", "[publish] drift_max_count_drop must be between 0 and 1"),
    ("[publish]\ndrift_max_count_drop = -0.1\n", "[publish] drift_max_count_drop must be between 0 and 1"),
    ("[publish]\ndrift_max_fill_drop_points = 101\n", "[publish] drift_max_fill_drop_points must be between 0 and 100"),
    ("[publish]\ndrift_max_fill_drop_points = nan\n", "[publish] drift_max_fill_drop_points must be a finite"),
    ("[publish]\nkeep_runs = 0\n", "[publish] keep_runs must be at least 1"),
    ("[run]\ncrawl_tasks = 0\n", "[run] crawl_tasks must be at least 1"),
    ("[run]\nworkers = -2\n", "[run] workers must be at least 1"),
    ("[run]\nmax_pages_per_source = 0\n", "[run] max_pages_per_source must be at least 1"),
    ("[run]\ndata_dir = 5\n", "[run] data_dir must be a path (a string), got 5"),
    ("[run]\nmirror_dir = [\"a\"]\n", "[run] mirror_dir must be a path"),
    ("[run]\nsources = \"masterstudies\"\n", "[run] sources must be a list of strings"),
    ("[run]\nstart_urls = {masterstudies = \"https://x\"}\n", "[run] start_urls must be a table of lists"),
    ("[run]\nstart_urls = {masterstudies = [\"ftp://x\"]}\n", "[run] start_urls.masterstudies: 'ftp://x' is not"),
    ("[run]\noffline = \"yes\"\n", "[run] offline must be bool"),
    ("fetch = 5\n", "fetch must be a [fetch] table"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_every_bad_value_names_its_key(tmp_path: Path, text: str, message: str):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert message in str(caught.value)


def test_edges_are_accepted(tmp_path: Path):
    config = tmp_path / "ok.toml"
    config.write_text("[fetch]\nper_host_delay_s = 0\nmax_redirects = 0\n[publish]\ndrift_max_count_drop = 1\n"
                      "drift_max_fill_drop_points = 0\n")
    settings = load_settings(config)
    assert settings.fetch.per_host_delay_s == 0 and settings.publish.drift_max_count_drop == 1


def test_flags_are_validated_too():
    with pytest.raises(SettingsError, match="workers"):
        load_settings(None, workers=0)


@pytest.mark.parametrize("text", ["[run]\ndata_dir = 5\n", "[fetch]\nper_host_delay_s = nan\n"])
def test_cli_exits_2_with_the_message(tmp_path: Path, text: str):
    from run_pipeline import app

    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "error: [" in result.output and "Traceback" not in result.output
