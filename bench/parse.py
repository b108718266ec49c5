"""Parse benchmark: detail pages per second per core through the real scraper, per portal, on the mirror's pages
and on pages enlarged to a real portal page's size, beside the raw lexbor parse of the same bytes (the limit)
and a straightforward BeautifulSoup(html.parser) extraction of the same fields (the common baseline). Medians of
repeated runs, ratios measured side by side in the same process."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from scrapers.registry import PORTALS

MIRROR = Path(__file__).resolve().parent.parent / "fixtures" / "mirror"
HOSTS = {"studyportals": "www.mastersportal.com/studies", "topuniversities": "www.topuniversities.com/universities",
         "masterstudies": "www.masterstudies.com"}


def pages(source: str) -> list[str]:
    root = MIRROR / HOSTS[source]
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "%3F" not in path.name and path.suffix not in (".txt", ".xml"):
            text = path.read_text(encoding="utf-8")
            try:
                PORTALS[source].parse_detail(text, str(path))
                out.append(text)
            except Exception:
                continue
    return out


def layouts(source: str, docs: list[str]) -> str:
    """How many of the benchmarked pages each layout era produced (e.g. "E3 3, E4 3")."""
    counts: dict[str, int] = {}
    for doc in docs:
        layout = PORTALS[source].parse_detail(doc, "").layout.split("/")[-1]
        counts[layout] = counts.get(layout, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def enlarge(text: str, target_bytes: int = 300_000) -> str:
    """Real pages carry long navigation, scripts and descriptions: pad the body to a real page's size."""
    filler = "<div class='nav'>" + "<a href='/x'>Link text in navigation</a>" * 50 + "</div><script>var x = 1;</script>"
    repeats = max(1, (target_bytes - len(text)) // len(filler))
    return text.replace("</body>", filler * repeats + "</body>")


def median_rate(fn, docs: list[str], repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for doc in docs:
            fn(doc)
        times.append(time.perf_counter() - start)
    return len(docs) / statistics.median(times)


def bs4_extract(doc: str) -> dict[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(doc, "html.parser")
    fields = {}
    for label in soup.select(".Label, h3, dt, h4, .single-badge-title"):
        sibling = label.find_next_sibling()
        if sibling is not None:
            fields[label.get_text(strip=True)] = sibling.get_text(" ", strip=True)
    title = soup.select_one("h1")
    fields["title"] = title.get_text(strip=True) if title else ""
    return fields


def run() -> str:
    lines = ["| portal | pages (layouts) | page size | ours pages/s | raw lexbor pages/s | bs4 pages/s | ours ÷ raw time | ours × bs4 |",
             "|---|---|---|---|---|---|---|---|"]
    for source, portal in PORTALS.items():
        base = pages(source)
        for label, docs in (("mirror", base), ("~300 KB", [enlarge(d) for d in base])):
            size = sum(len(d.encode()) for d in docs) // len(docs) // 1024
            ours = median_rate(lambda d: portal.parse_detail(d, ""), docs)
            raw = median_rate(lambda d: LexborHTMLParser(d).body, docs)
            soup = median_rate(bs4_extract, docs, repeats=3)
            lines.append(f"| {source} | {len(docs)} ({layouts(source, base)}) | {label} ({size} KB) | {ours:,.0f} | {raw:,.0f} | {soup:,.0f} | "
                         f"{raw / ours:.2f}× | {ours / soup:.1f}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
