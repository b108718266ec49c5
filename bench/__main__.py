"""`make bench`: parse, crawl and reconcile benchmarks in one run; prints markdown tables and writes them, with
the machine's cores and memory, to bench/RESULTS.md. `python -m bench parse|crawl|reconcile` runs one."""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({platform.machine()}), {memory_gb:.0f} GB memory, Python {platform.python_version()}, "
            f"{datetime.now(timezone.utc):%Y-%m-%d}")


def main() -> None:
    if sys.argv[1:] == ["accuracy"]:  # make eval: accuracy on real data, written to bench/ACCURACY.md
        from bench import accuracy

        text = accuracy.run()
        print(text)
        (HERE / "ACCURACY.md").write_text(f"# Accuracy on real data\n\nCommand: `make eval`.\n\n{text}\n", encoding="utf-8")
        return
    from bench import crawl, history, parse, parsers, published, reconcile

    chosen = sys.argv[1:] or ["parse", "parsers", "crawl", "reconcile", "history", "published"]
    runs = {"parse": ("Parse", parse.run), "parsers": ("Parsers on pathological input", parsers.run),
            "crawl": ("Crawl", crawl.run), "reconcile": ("Reconcile", reconcile.run),
            "history": ("History growth", history.run), "published": ("A whole publish at 10^5", published.run)}
    sections = [f"# Benchmark results\n\nMachine: {machine()}. Command: `make bench`. Targets, profiles and before/after "
                f"figures: [TARGETS.md](TARGETS.md).\n"]
    for name in chosen:
        title, run = runs[name]
        start = time.perf_counter()
        table = run()
        section = f"## {title}\n\n{(sys.modules[run.__module__].__doc__ or '').strip()}\n\n{table}\n\n(took {time.perf_counter() - start:.0f} s)\n"
        print(section, flush=True)
        sections.append(section)
    if not sys.argv[1:]:
        (HERE / "RESULTS.md").write_text("\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    main()
