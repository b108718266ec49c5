"""Crawl scope: only the hosts of a source's portal family are requested. The crawl runs against the loopback
mirror server through ResolveTransport (URLs keep the portals' host names); a listing that links to any other
host (here the server's own 127.0.0.1 address, which would answer) gets an `out_of_scope` report, no request."""

from __future__ import annotations

import asyncio
import shutil

from conftest import frontier_records, MIRROR
from mockserver import MockServer

from programme_scout.pipeline import crawl as crawl_all
from programme_scout.settings import FetchSettings, Settings
from scrapers.crawl import scope_of
from scrapers.registry import PORTALS
from scrapers.resolve import ResolveTransport

HOSTS = ("www.mastersportal.com", "www.topuniversities.com", "www.masterstudies.com")
MS_LISTING = "www.masterstudies.com/Masters-Degree/Information-Science/index.html"


def test_scope_is_the_portal_family_and_http():
    sp = PORTALS["studyportals"]
    in_scope = scope_of(sp, sp.start_urls)
    assert in_scope("https://www.mastersportal.com/studies/1/x.html")
    assert in_scope("https://bachelorsportal.com/studies/1/x.html")  # a sibling site, bare host
    assert in_scope("http://www.phdportal.com/")
    for url in ("http://127.0.0.1:8080/studies/1/x.html", "https://www.masterstudies.com/x/",
                "https://mastersportal.com.evil.example/studies/1/x.html", "ftp://www.mastersportal.com/x",
                "file:///etc/passwd", "https://localhost/studies/1/x.html"):
        assert not in_scope(url), url


def test_scope_of_a_portal_without_sites_is_its_start_hosts():
    from scrapers import masterstudies

    in_scope = scope_of(masterstudies, ["http://www.example.org/list/"])
    assert in_scope("http://example.org/a/") and not in_scope("http://127.0.0.1/a/")


def test_links_off_the_portal_are_reported_and_never_requested(tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    settings = Settings(fetch=FetchSettings(per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=5.0),
                        data_dir=tmp_path / "data", sources=("masterstudies",))
    with MockServer(mirror=mirror) as server:
        listing = mirror / MS_LISTING
        planted = (f'<div class="program-listitem"><h4><a href="{server.base}/MSc-Planted/Nowhere/X/">Planted</a>'
                   f'</h4></div><link rel="next" href="{server.base}/Masters-Degree/Information-Science/?page=9">')
        listing.write_text(listing.read_text(encoding="utf-8").replace("</body>", planted + "</body>"),
                           encoding="utf-8")
        transport = ResolveTransport({h: server.base for h in HOSTS})
        crawled = asyncio.run(crawl_all(settings, transport=transport))
    result = crawled["masterstudies"]
    scoped = {r.url: r for r in result.reports if r.outcome == "out_of_scope"}
    assert set(scoped) == {f"{server.base}/MSc-Planted/Nowhere/X/",
                           f"{server.base}/Masters-Degree/Information-Science/?page=9"}
    assert {r.kind for r in scoped.values()} == {"detail", "listing"}
    records = frontier_records(tmp_path / "data", "masterstudies")
    assert not any("127.0.0.1" in r.url for r in records)
    hosts_seen = {(s.headers.get("Host") or "").split(":")[0] for s in server.log.requests}
    assert hosts_seen == {"www.masterstudies.com"}  # nothing went to the server by its own address
    assert records  # the portal's own pages were crawled as before
