"""The README's CLI examples, run as written in a fresh shell: a directory laid out like a checkout after
`make run` (its programme-scout.toml, fixtures/, and .venv/bin/programme-scout: here a wrapper that runs this
worktree's CLI with the test's Python). The examples must exit 0 and say what the README says they say."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow
BEGIN = "<!-- examples: every line below is run, as written, by tests/test_cli_readme.py -->"


def examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(BEGIN, 1)[1].split("<!-- /examples -->", 1)[0]
    lines = [line for line in block.splitlines() if line and not line.startswith("```")]
    return [re.sub(r"\s+#.*$", "", line) for line in lines]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "programme-scout"
    (root / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "programme-scout.toml", root)
    (root / "fixtures").symlink_to(ROOT / "fixtures")
    wrapper = root / ".venv" / "bin" / "programme-scout"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "run_pipeline.py"}" "$@"\n')
    wrapper.chmod(0o755)
    return root


def test_readme_examples_run_as_written(checkout: Path):
    env = {"PATH": os.environ["PATH"], "HOME": str(checkout.parent), "LANG": "C.UTF-8"}  # a fresh shell
    outputs = []
    for line in examples():
        done = subprocess.run(["bash", "-c", line], cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        outputs.append(done)
    version, first, quiet, runs, diff, detail, _ = outputs
    assert version.stdout.startswith("programme-scout ")
    assert first.stdout.startswith("published")
    assert f'"config: {checkout / "programme-scout.toml"}"' in first.stderr.replace("\\", "")  # the file read is logged
    assert quiet.stdout == "" and quiet.stderr == ""  # nothing on success
    assert runs.stdout.count("published") == 2
    assert "0 programmes added, 0 removed, 0 changed" in diff.stdout and "no changes" in detail.stdout
    assert (checkout / "data" / "latest" / "programmes.csv").is_file()  # data_dir relative to the config file
    assert (checkout / "data" / "index.html").is_file()


def test_readme_python_example_runs_as_written(checkout: Path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = text.split("<!-- api-example: run by tests/test_cli_readme.py -->", 1)[1].split("```python\n", 1)[1]
    code = code.split("```", 1)[0]
    env = {"PATH": os.environ["PATH"], "HOME": str(checkout.parent), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    exit_code, rows, dtype, changed = done.stdout.split()
    assert (exit_code, dtype, changed) == ("0", "Int64", "0") and int(rows) > 0
    assert (checkout / "data" / "latest").is_symlink()
