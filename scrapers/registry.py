"""The portals we know, by source name."""

from __future__ import annotations

from scrapers import masterstudies, studyportals, topuniversities
from scrapers.crawl import Portal

PORTALS: dict[str, Portal] = {m.name: m for m in (studyportals, topuniversities, masterstudies)}  # type: ignore[misc]
