"""What a listing page (an HTML search page or an XML sitemap) tells the crawler: programme pages, more listings,
and, where the portal says it, when each programme page last changed."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode


@dataclass
class Listing:
    detail_urls: list[str] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)  # pagination, sitemap children, partitions of a search
    # URL (a detail page, or a child sitemap in next_urls) -> a change marker: the portal's last-modified (ISO 8601,
    # W3C Datetime) from a sitemap, or a fingerprint of its card on an HTML listing (`card_fingerprints`). A new
    # marker makes the page due at once.
    lastmod: dict[str, str] = field(default_factory=dict)
    # what was wrong with the page though it was read ("truncated: …", "2 <loc> dropped …"), for the crawl's report
    problems: list[str] = field(default_factory=list)

    def unique(self) -> "Listing":
        """Several selectors may match one link; keep each URL once, in page order."""
        return Listing(list(dict.fromkeys(self.detail_urls)), list(dict.fromkeys(self.next_urls)), dict(self.lastmod),
                       list(self.problems))


def html_listing(tree: LexborHTMLParser, url: str, detail_urls: list[str], next_urls: list[str]) -> Listing:
    """What an HTML listing page gives, each programme marked by its card (`card_fingerprints`), from the tree the
    portal already parsed."""
    listing = Listing(detail_urls, next_urls).unique()
    listing.lastmod.update(card_fingerprints(tree, url, listing.detail_urls))
    return listing


CARD_DEPTH = 8  # a card is at most this many levels above its link: deeper is a page section, not a card


def card_fingerprints(tree: LexborHTMLParser, base_url: str, detail_urls: list[str]) -> dict[str, str]:
    """Each programme's card on an HTML listing, as a short hash of its visible text: the frontier makes a page due
    before its age when its card changed (a new fee, deadline or title shown on the listing). The card is the
    largest element around the programme's link that holds no other programme's link, so no class name is needed.
    A page whose link is in no such element (links from embedded JSON) gets no fingerprint, and waits its age."""
    wanted = set(detail_urls)
    links: list[tuple[str, LexborNode]] = []
    for anchor in tree.css("a[href]"):
        url = urljoin(base_url, (anchor.attributes.get("href") or "").strip()).split("#", 1)[0]
        if url in wanted:
            links.append((url, anchor))
    holding: Counter[int] = Counter()  # element -> programme links inside it
    for url, anchor in links:
        node, seen = anchor.parent, 0
        while node is not None and seen < CARD_DEPTH:
            holding[node.mem_id] += 1
            node, seen = node.parent, seen + 1
    prints: dict[str, str] = {}
    for url, anchor in links:
        card, node, seen = anchor, anchor.parent, 0
        while node is not None and seen < CARD_DEPTH and holding[node.mem_id] == 1:
            card, node, seen = node, node.parent, seen + 1
        text = " ".join(card.text(separator=" ").split())
        prints.setdefault(url, "card:" + hashlib.sha256(text.encode()).hexdigest()[:16])
    return prints
