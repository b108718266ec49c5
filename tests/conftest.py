from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Deterministic by default (CI runs exactly what a developer runs): the same examples every run.
# HYPOTHESIS_PROFILE=explore searches afresh while developing.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MIRROR = ROOT / "fixtures" / "mirror"


@pytest.fixture
def server():
    from mockserver import MockServer

    with MockServer() as srv:
        yield srv
