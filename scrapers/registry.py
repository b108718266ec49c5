"""The portals we know: one PortalFamily per platform, each serving its sibling sites. Adding a portal is one
module (parse_listing, parse_detail, source_key) plus one line in FAMILIES; tests iterate this registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from urllib.parse import urlsplit

from scrapers import masterstudies, studyportals, topuniversities
from scrapers.listing import Listing
from scrapers.html import add
from scrapers.records import RawFields


@dataclass(frozen=True)
class PortalFamily:
    """One platform: its parsers, its sites (host -> the study level the site is about, None when it mixes levels),
    and where a crawl starts. `level` is added from the site (or the URL path) only when the page does not say it."""

    name: str
    parsers: ModuleType
    sites: Mapping[str, str | None]
    start_urls: tuple[str, ...]
    path_levels: Mapping[str, str] = field(default_factory=dict)  # URL path segment -> level

    def parse_listing(self, text: str, url: str) -> Listing:
        listing: Listing = self.parsers.parse_listing(text, url)
        return listing

    def parse_detail(self, text: str, url: str) -> RawFields:
        fields: RawFields = self.parsers.parse_detail(text, url)
        if "level" not in fields and (level := self.level_of(url)):
            add(fields, "level", level)
        return fields

    def source_key(self, url: str) -> str:
        key: str = self.parsers.source_key(url)
        return key

    def level_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        for segment in parts.path.split("/"):
            if segment in self.path_levels:
                return self.path_levels[segment]
        return self.sites.get((parts.hostname or "").removeprefix("www."))

    def serves(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").removeprefix("www.") in self.sites

    def __reduce__(self) -> tuple[object, tuple[str]]:
        """Pickled by name (a process pool parses pages): the parsers are a module, rebuilt from the registry."""
        return portal_named, (self.name,)


def portal_named(name: str) -> "PortalFamily":
    return PORTALS[name]


# In the order sources win a real disagreement when records merge (normalize.fields.SOURCE_PRIORITY):
# Studyportals keeps fees in their original currency per audience and dates as machine-readable attributes;
# TopUniversities' titles and subject areas are cleaner than Masterstudies' (which carry school suffixes).
# Start URLs are each portal's whole master's catalogue (sources and guesses: scrapers/DISCOVERY.md):
#   Studyportals    the search of all master's programmes, `/search/master/` (the path of 2024-25 public scrapers);
#                   it reports more results than a search lists (10,000), so it is read as its narrower searches
#                   (disciplines, then discipline x country), each paged through (studyportals.parse_listing)
#   TopUniversities the unfiltered programme listing `/programs/` paged by `?page=N` (2024 public scraper)
#   Keystone        the sitemap index `/sitemap.xml` (public Keystone sitemap readers; robots.txt names it):
#                   child sitemaps, then programme pages with their lastmod
FAMILIES: tuple[PortalFamily, ...] = (
    PortalFamily("studyportals", studyportals,
                 {"mastersportal.com": "Master", "bachelorsportal.com": "Bachelor", "phdportal.com": "PhD",
                  "shortcoursesportal.com": None, "distancelearningportal.com": None},
                 ("https://www.mastersportal.com/search/master/",)),
    PortalFamily("topuniversities", topuniversities, {"topuniversities.com": None},
                 ("https://www.topuniversities.com/programs/",),
                 {"postgrad": "Postgraduate", "undergrad": "Undergraduate", "mba": "MBA", "phd": "PhD"}),
    PortalFamily("masterstudies", masterstudies,
                 {"masterstudies.com": "Master", "bachelorstudies.com": "Bachelor", "phdstudies.com": "PhD",
                  "mbastudies.com": "MBA", "llmstudies.com": "Master", "onlinestudies.com": None},
                 ("https://www.masterstudies.com/sitemap.xml",)),
)
PORTALS: dict[str, PortalFamily] = {family.name: family for family in FAMILIES}


def family_for(url: str) -> PortalFamily | None:
    """Which family serves a URL (by host)."""
    return next((f for f in FAMILIES if f.serves(url)), None)

