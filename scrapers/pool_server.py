"""Imported first by the parsing pool's fork server (scrapers.parsing.PRELOAD), never elsewhere: it quiets runpy's
warning that the main module is already imported when each forked worker re-runs it (the server imported it once
so that workers inherit its imports)."""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message=r".* found in sys\.modules after import of package", category=RuntimeWarning)
