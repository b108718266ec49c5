from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MIRROR = ROOT / "fixtures" / "mirror"


@pytest.fixture
def server():
    from mockserver import MockServer

    with MockServer() as srv:
        yield srv
