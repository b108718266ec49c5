"""Imported first by the parsing pool's fork server (scrapers.parsing.PRELOAD), never elsewhere: it quiets runpy's
warning that the main module is already imported when each forked worker re-runs it (the server imported it once
so that workers inherit its imports). On Linux it also ties the server's life to the crawl's process."""

from __future__ import annotations

import sys
import warnings

warnings.filterwarnings("ignore", message=r".* found in sys\.modules after import of package", category=RuntimeWarning)

if sys.platform.startswith("linux"):  # the fork server ends with the crawl's process, even one killed with SIGKILL
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
