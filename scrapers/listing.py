"""What a listing page (an HTML search page or an XML sitemap) tells the crawler: programme pages, more listings,
and, where the portal says it, when each programme page last changed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Listing:
    detail_urls: list[str] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)  # pagination, sitemap children, partitions of a search
    # URL (a detail page, or a child sitemap in next_urls) -> the portal's last-modified (ISO 8601, W3C Datetime)
    lastmod: dict[str, str] = field(default_factory=dict)
    # what was wrong with the page though it was read ("truncated: …", "2 <loc> dropped …"), for the crawl's report
    problems: list[str] = field(default_factory=list)

    def unique(self) -> "Listing":
        """Several selectors may match one link; keep each URL once, in page order."""
        return Listing(list(dict.fromkeys(self.detail_urls)), list(dict.fromkeys(self.next_urls)), dict(self.lastmod),
                       list(self.problems))
