"""The seeds (rendered text of three real 2025-26 pages, shared/seeds/) against the mirror pages modelled on them:
every fact the scraper reads from the mirror page is printed on the seed, sentences included, word for word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MIRROR

from scrapers.registry import PORTALS
from scrapers.replay import mirror_relpath

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no seeds at {SEEDS} (../shared is absent)")
PIONEER = "Erasmus-Mundus-Joint-Master-in-Public-Sector-Innovation-and-eGovernance-Leuven-et-al"
CASES = [
    ("studyportals_information_management.txt", "studyportals", "https://www.mastersportal.com/studies/8997/information-management.html",
     {"duration", "tuition_international", "tuition_eu_eea", "living_costs", "description"}),
    ("topuniversities_pioneer.txt", "topuniversities",
     "https://www.topuniversities.com/universities/ku-leuven/postgrad/erasmus-mundus-master-science-public-sector-innovation-egovernance",
     {"title", "university", "duration", "deadline", "subject_area", "degree", "level", "mode", "start_dates",
      "test_score:IELTS", "test_score:TOEFL", "test_score:GPA"}),
    ("masterstudies_pioneer.txt", "masterstudies", f"https://www.masterstudies.com/MSc-in-{PIONEER}/Belgium/KU-Leuven/",
     {"title", "university", "location", "languages", "mode", "duration", "pace", "tuition", "deadline", "start_dates",
      "description"}),
]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("•", "")


@pytest.mark.parametrize(("seed", "source", "url", "names"), CASES, ids=[c[0] for c in CASES])
def test_mirror_page_says_what_the_seed_says(seed, source, url, names):
    printed = squash((SEEDS / seed).read_text(encoding="utf-8"))
    fields = PORTALS[source].parse_detail((MIRROR / mirror_relpath(url)).read_text(encoding="utf-8"), url)
    assert names <= set(fields), names - set(fields)
    for name in names:
        # the seed shows the quick facts, not the key-facts list ("12 months Full-time"): its first value only
        for value in fields[name][:1] if name == "duration" else fields[name]:
            if name == "description":  # sentence by sentence: the seed's own wording, not a paraphrase
                for sentence in re.split(r"(?<=[.:;])\s+", value):
                    assert squash(sentence) in printed, sentence
            elif name.startswith("tuition"):  # the unit as the quick facts print it: "1750 EUR/year"
                assert squash(value).replace("/", "") in printed.replace("/", ""), value
            else:
                assert squash(value) in printed, (name, value)
