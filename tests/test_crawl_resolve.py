"""`run --resolve HOST=ADDR:PORT` (as curl's --resolve): the portals' URLs are kept, the connections go to a
loopback server serving the recorded mirror."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MIRROR
from mockserver import MockServer
from typer.testing import CliRunner

from run_pipeline import app, parse_resolve

HOSTS = ("www.mastersportal.com", "www.topuniversities.com", "www.masterstudies.com")


def test_parse_resolve():
    assert parse_resolve(["WWW.Example.org=127.0.0.1:8080", "b.test=[::1]:9", "c.test=https://10.0.0.5:8443"]) == {
        "www.example.org": "http://127.0.0.1:8080", "b.test": "http://[::1]:9", "c.test": "https://10.0.0.5:8443"}


@pytest.mark.parametrize("bad", ["www.example.org", "www.example.org=127.0.0.1", "=127.0.0.1:80",
                                 "a.test=127.0.0.1:notaport", "a.test=ftp://127.0.0.1:21", "a.test=127.0.0.1:80/x"])
def test_bad_resolve_exits_2(bad, tmp_path):
    with pytest.raises(ValueError, match="HOST=ADDR:PORT"):
        parse_resolve([bad])
    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path / "d"), "--resolve", bad])
    assert result.exit_code == 2 and "HOST=ADDR:PORT" in result.output


def test_run_crawls_the_portals_through_resolve(tmp_path: Path):
    config = tmp_path / "scout.toml"
    config.write_text("[fetch]\nper_host_delay_s = 0.0\nper_host_concurrency = 4\nhttp_timeout_s = 5.0\n")
    with MockServer(mirror=MIRROR) as server:
        port = server.server_address[1]
        args = ["run", "--config", str(config), "--data", str(tmp_path / "data"), "--quiet"]
        for host in HOSTS:
            args += ["--resolve", f"{host}=127.0.0.1:{port}"]
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    seen = {(s.headers.get("Host") or "") for s in server.log.requests}
    assert seen == set(HOSTS)  # the URLs kept the portals' names; every connection went to the loopback server
    report = json.loads((tmp_path / "data" / "latest" / "report.json").read_text())
    assert report["programmes"] == 20


def test_resolve_with_offline_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["run", "--offline", "--data", str(tmp_path / "d"),
                                      "--resolve", "a.test=127.0.0.1:80"])
    assert result.exit_code == 2 and "--offline" in result.output


def test_a_run_whose_every_source_is_unreachable_fails_with_exit_1(tmp_path: Path):
    """Not "published, 0 programmes" with exit 0: nothing is published and the reason names the failure."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once we leave: connections are refused
    config = tmp_path / "scout.toml"
    config.write_text("[fetch]\nper_host_delay_s = 0.0\nmax_attempts = 1\n")
    args = ["run", "--config", str(config), "--data", str(tmp_path / "data"), "--quiet"]
    for host in HOSTS:
        args += ["--resolve", f"{host}=127.0.0.1:{port}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "every source failed" in result.output and "robots.txt unreachable (connection refused" in result.output
    assert not (tmp_path / "data" / "latest").exists()
