"""Parsing off the event loop: pages/s through InlineParsing (on the loop) and PoolParsing (2 worker processes) on
the mirror's pages repeated to ~2,000, the longest stall of the event loop while they parse (what every other host
of a crawl waits), and the pool's start-up: the first pool of a process (the fork server starts and imports the
parsers), a rebuilt pool (workers forked from the running server) and, for comparison, "spawn" (each worker
imports the parsers itself). `python -m bench.parsing` prints the table.

Inline, pages handed over together parse back to back without yielding: the stall is the whole batch (spread out
as a crawl's pages are, it is each page's own parse time, and a pathological page's seconds). In the pool the
loop only pickles and unpickles. On tiny pages the pool's round trips cost more than the parse; on pages of a real
page's size 2 workers give what 2 cores give beside the parent (two plain processes side by side: 1.65x one)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from scrapers.parsing import InlineParsing, Parsing, PoolParsing
from scrapers.registry import family_for
from scrapers.replay import url_from_relpath

MIRROR = Path(__file__).resolve().parent.parent / "fixtures" / "mirror"
PAGES = 2000
CPU_LIMIT_S = 10.0


def mirror_pages(count: int = PAGES) -> list[tuple[str, Any, str, str]]:
    """(kind, portal, text, url) for every mirror page, repeated to `count`."""
    pages = []
    for path in sorted(MIRROR.rglob("*")):
        if path.is_file() and not path.name.startswith("_") and path.suffix != ".txt":
            url = url_from_relpath(str(path.relative_to(MIRROR)))
            kind = "listing" if "?" in url or url.endswith((".xml", "/Information-Science/")) else "detail"
            pages.append((kind, family_for(url), path.read_text(encoding="utf-8"), url))
    return [pages[i % len(pages)] for i in range(count)]


async def _through(parsing: Parsing, pages: list[tuple[str, Any, str, str]]) -> tuple[float, float]:
    """Seconds to parse every page (all handed over at once, as a crawl's tasks would), and the longest gap
    between ticks of a 1 ms ticker on the same loop."""
    longest = 0.0
    done = False

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now

    async def one(kind: str, portal: Any, text: str, url: str) -> None:
        try:
            await (parsing.listing if kind == "listing" else parsing.detail)(portal, text, url)
        except Exception:
            pass  # a page that is not a programme page costs its parse all the same

    tick = asyncio.ensure_future(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    await asyncio.gather(*(one(*page) for page in pages))
    elapsed = time.perf_counter() - start
    done = True
    await tick
    return elapsed, longest


async def _startup(start_method: str) -> float:
    start = time.perf_counter()
    async with PoolParsing(2, CPU_LIMIT_S, start_method=start_method):
        elapsed = time.perf_counter() - start
    return elapsed


def enlarged(pages: list[tuple[str, Any, str, str]]) -> list[tuple[str, Any, str, str]]:
    """The same pages padded to a real portal page's size (~300 KB, as bench/parse.py does)."""
    from bench.parse import enlarge

    return [(kind, portal, enlarge(text), url) for kind, portal, text, url in pages]


async def _rates(pages: list[tuple[str, Any, str, str]], label: str) -> list[str]:
    async with InlineParsing() as inline:
        inline_s, inline_stall = await _through(inline, pages)
    async with PoolParsing(2, CPU_LIMIT_S) as pool:
        pool_s, pool_stall = await _through(pool, pages)
    size = sum(len(text) for _, _, text, _ in pages) // len(pages) // 1024
    return [f"| InlineParsing (on the loop) | {label} ({size} KB) | {len(pages)} | {len(pages) / inline_s:,.0f} | "
            f"{inline_stall * 1000:,.0f} ms |",
            f"| PoolParsing(2 workers, forkserver) | {label} ({size} KB) | {len(pages)} | {len(pages) / pool_s:,.0f} | "
            f"{pool_stall * 1000:,.0f} ms |"]


async def _run(count: int) -> str:
    pages = mirror_pages(count)
    cold = await _startup("forkserver")  # the first pool in this process: the fork server starts
    warm = min([await _startup("forkserver") for _ in range(3)])  # what a rebuild costs
    spawn = min([await _startup("spawn") for _ in range(2)])
    rows = [
        "| parsing | pages | count | pages/s | longest event-loop stall |",
        "|---|---|---:|---:|---:|",
        *await _rates(pages, "mirror"),
        *await _rates(enlarged(pages[: count // 10]), "~300 KB"),
        "",
        "| pool start-up (2 workers, both started) | seconds |",
        "|---|---:|",
        f"| forkserver, first pool of the process (server starts, imports the parsers) | {cold:.3f} |",
        f"| forkserver, a later pool (a rebuild after a stuck or dead worker) | {warm:.3f} |",
        f"| spawn (each worker imports the parsers) | {spawn:.3f} |",
    ]
    return "\n".join(rows)


def run(count: int = PAGES) -> str:
    return asyncio.run(_run(count))


if __name__ == "__main__":  # a process pool needs the guard: workers re-import the main module
    print(run())
