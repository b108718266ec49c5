"""The cyclic garbage collector paused around a whole run, by the program that owns the process (the CLI, the
benchmark), never by library code: freezing would also freeze every object of a caller that imported us.

A run builds millions of small objects and no reference cycles; the collector would rescan the growing heap again
and again (cost growing faster than the data: at 10^6 records, merging took 13 s instead of under 1 s).
Reference counting still frees everything. On the way out the survivors are frozen (moved to the permanent
generation), or the first collection after re-enabling rescans them all."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
