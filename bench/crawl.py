"""Crawl benchmark: our crawler and a minimal Scrapy spider walk the same generated site (listings with
pagination → detail pages) served on loopback with a fixed latency per response, both with 8 requests in flight
per host and no delay. The bound is requests × latency ÷ concurrency. Then politeness: 2 in flight, 1 request/s,
checked on the server's clock. Times come from the server (first request start → last response end), so
interpreter start-up is not counted for either crawler."""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATENCY_S = 0.05
PER_PAGE = 25


def site(n_details: int) -> dict[str, bytes]:
    """A Masterstudies-shaped site: /Masters-Degree/Gen/?page=N listings and Key Information detail pages."""
    pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nDisallow: /account/\n"}
    n_listings = -(-n_details // PER_PAGE)
    for page in range(1, n_listings + 1):
        cards = "".join(
            f"<article class='ProgramCard'><a class='ProgramCard__link' href='/MSc-in-Subject-{i}/Netherlands/University-{i % 97}/'>"
            f"<h3>MSc in Subject {i}</h3></a></article>"
            for i in range((page - 1) * PER_PAGE, min(page * PER_PAGE, n_details)))
        nxt = f"<a class='Pagination__next' rel='next' href='/Masters-Degree/Gen/?page={page + 1}'>Next</a>" if page < n_listings else ""
        path = "/Masters-Degree/Gen/" + (f"?page={page}" if page > 1 else "")
        pages[path] = f"<html><body><div class='ProgramList'>{cards}</div>{nxt}</body></html>".encode()
    for i in range(n_details):
        info = "".join(f"<div class='KeyInfo__item'><dt class='KeyInfo__label'>{k}</dt><dd class='KeyInfo__value'>{v}</dd></div>"
                       for k, v in (("Campus location", "Utrecht, Netherlands"), ("Languages", "English"),
                                    ("Study format", "On-Campus"), ("Duration", "2 years"), ("Pace", "Full time"),
                                    ("Tuition fees", f"EUR {2000 + i:,} / per year"), ("Application deadline", "May 1, 2026")))
        body = (f"<html><body><header class='ProgramHeader'><h1 class='ProgramHeader__title'><span class='ProgramHeader__degree'>"
                f"MSc in</span> Subject {i}</h1><a class='ProgramHeader__school'>University {i % 97}</a></header>"
                f"<section class='KeyInfo'><dl>{info}</dl></section><section id='introduction'><p>Programme {i}.</p>"
                + "<p>Filler text of a real page.</p>" * 20 + "</section></body></html>")
        pages[f"/MSc-in-Subject-{i}/Netherlands/University-{i % 97}/"] = body.encode()
    return pages


# ------------------------------------------------------------------ server
async def serve(n_details: int, port_file: str) -> None:
    pages = site(n_details)
    log: list[tuple[float, float]] = []  # (request start, response end) on the server's clock

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                started = time.monotonic()
                while await reader.readline() not in (b"\r\n", b"\n", b""):
                    pass
                path = line.split()[1].decode()
                if path == "/_stats":
                    body, status = json.dumps(log).encode(), 200
                elif path == "/_reset":
                    log.clear()
                    body, status = b"ok", 200
                else:
                    await asyncio.sleep(LATENCY_S)
                    page = pages.get(path)
                    status = 200 if page is not None else 404
                    body = page or b"not found"
                writer.write(b"HTTP/1.1 %d OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
                             % (status, len(body)) + body)
                await writer.drain()
                if not path.startswith("/_"):
                    log.append((started, time.monotonic()))
        except (ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    Path(port_file).write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


class SiteServer:
    def __init__(self, n_details: int) -> None:
        self.port_file = tempfile.mktemp()
        self.process = subprocess.Popen([sys.executable, "-m", "bench.crawl", "serve", str(n_details), self.port_file], cwd=ROOT)
        for _ in range(600):
            if Path(self.port_file).exists() and Path(self.port_file).read_text():
                break
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{Path(self.port_file).read_text()}"

    def _get(self, path: str) -> bytes:
        import urllib.request

        with urllib.request.urlopen(self.base + path) as response:
            return response.read()

    def reset(self) -> None:
        self._get("/_reset")

    def log(self) -> list[tuple[float, float]]:
        return [tuple(x) for x in json.loads(self._get("/_stats"))]

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


# ------------------------------------------------------------------ crawlers
def run_ours(base: str, concurrency: int, delay_s: float) -> int:
    from scrapers import masterstudies
    from scrapers.crawl import crawl_source
    from scrapers.fetch import Fetcher
    from scrapers.frontier import Frontier
    from programme_scout.settings import FetchSettings

    async def go() -> int:
        settings = FetchSettings(per_host_concurrency=concurrency, per_host_delay_s=delay_s, http_timeout_s=30.0)
        with tempfile.TemporaryDirectory() as folder, Frontier(Path(folder) / "frontier.sqlite") as frontier:
            async with Fetcher(settings) as fetcher:
                result = await crawl_source(masterstudies, fetcher, [f"{base}/Masters-Degree/Gen/"], frontier, tasks=64)
        return result.changed

    return asyncio.run(go())


SPIDER = '''
import scrapy

class Minimal(scrapy.Spider):
    name = "minimal"
    custom_settings = {{"CONCURRENT_REQUESTS": {c}, "CONCURRENT_REQUESTS_PER_DOMAIN": {c}, "DOWNLOAD_DELAY": 0,
                       "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
                       "AUTOTHROTTLE_ENABLED": False, "COOKIES_ENABLED": False}}
    start_urls = ["{base}/Masters-Degree/Gen/"]

    def parse(self, response):
        for href in response.css("a.ProgramCard__link::attr(href)").getall():
            yield response.follow(href, self.parse_detail)
        for href in response.css("a.Pagination__next::attr(href)").getall():
            yield response.follow(href, self.parse)

    def parse_detail(self, response):
        item = {{"title": " ".join(response.css("h1.ProgramHeader__title ::text").getall()).strip()}}
        for row in response.css(".KeyInfo__item"):
            item[row.css("dt::text").get("").strip()] = row.css("dd::text").get("").strip()
        yield item
'''


def run_scrapy(base: str, concurrency: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        spider = Path(tmp) / "spider.py"
        spider.write_text(SPIDER.format(c=concurrency, base=base))
        out = Path(tmp) / "items.jsonl"
        subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-o", str(out)], cwd=tmp,
                       check=True, capture_output=True)
        return sum(1 for _ in out.open())


def span_s(log: list[tuple[float, float]]) -> float:
    return max(end for _, end in log) - min(start for start, _ in log)


def run(n_details: int = 2000, repeats: int = 3) -> str:
    concurrency = 8
    server = SiteServer(n_details)
    rows = []
    try:
        results: dict[str, list[tuple[float, int, int]]] = {"ours": [], "scrapy": []}
        for _ in range(repeats):  # side by side, alternating, so drift in the machine hits both
            for name in ("ours", "scrapy"):
                server.reset()
                items = run_ours(server.base, concurrency, 0.0) if name == "ours" else run_scrapy(server.base, concurrency)
                log = server.log()
                results[name].append((span_s(log), len(log), items))
        bound = {}
        for name, runs in results.items():
            seconds = statistics.median(r[0] for r in runs)
            requests = runs[0][1]
            bound[name] = requests * LATENCY_S / concurrency
            rows.append((name, requests, runs[0][2], seconds, requests / seconds, bound[name] / seconds))
        ratio = rows[0][4] / rows[1][4]
        # politeness: 2 in flight, at least 1 s between request starts, on a small site
        server.close()
        server = SiteServer(12)
        server.reset()
        run_ours(server.base, 2, 1.0)
        starts = sorted(start for start, _ in server.log())
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        polite = (len(starts), min(gaps), (len(starts) - 1) / (starts[-1] - starts[0]))
    finally:
        server.close()
    lines = [f"Site: {n_details} detail pages, {PER_PAGE} per listing page, {LATENCY_S * 1000:.0f} ms per response, "
             f"{concurrency} in flight per host, no delay; medians of {repeats} runs, alternating.", "",
             "| crawler | requests | records | seconds | pages/s | share of bound |", "|---|---|---|---|---|---|"]
    for name, requests, items, seconds, rate, share in rows:
        lines.append(f"| {name} | {requests} | {items} | {seconds:.2f} | {rate:.1f} | {share:.1%} |")
    lines += ["", f"ours ÷ Scrapy pages/s: **{ratio:.2f}×** (bound {rows[0][1] * LATENCY_S / concurrency:.2f} s)", "",
              "| politeness (2 in flight, 1.0 s between starts) | requests | smallest gap s | mean rate req/s |",
              "|---|---|---|---|", f"| ours | {polite[0]} | {polite[1]:.3f} | {polite[2]:.3f} |"]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        asyncio.run(serve(int(sys.argv[2]), sys.argv[3]))
    else:
        print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, int(sys.argv[2]) if len(sys.argv) > 2 else 3))
