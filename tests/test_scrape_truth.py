"""Scraped raw fields against what fixtures/programmes.py says each page prints (written independently of the
scrapers): the programme's own amounts and currencies per audience, never the visitor-converted ones."""

from __future__ import annotations

import sys

import pytest
from conftest import MIRROR, ROOT

from scrapers.registry import PORTALS
from scrapers.replay import mirror_relpath

sys.path.insert(0, str(ROOT / "fixtures"))
from programmes import MASTERSTUDIES, STUDYPORTALS, TOPUNIVERSITIES  # noqa: E402

SP, TU, MS = "https://www.mastersportal.com", "https://www.topuniversities.com", "https://www.masterstudies.com"
AUDIENCE = {"international": "tuition_international", "eea": "tuition_eu_eea", "national": "tuition_domestic"}


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def parse(source: str, url: str):
    return PORTALS[source].parse_detail((MIRROR / mirror_relpath(url)).read_text(encoding="utf-8"), url)


@pytest.mark.parametrize("p", STUDYPORTALS, ids=[str(p["id"]) for p in STUDYPORTALS])
def test_studyportals_page_facts(p):
    fields = parse("studyportals", f"{SP}/studies/{p['id']}/{p['slug']}.html")
    assert fields["title"][0] == p["title"] and fields["university"][0] == p["university"]
    assert fields["location"][0] == p["locations"][0]
    for target, original, visible, _unit in p["fees"]:
        name = AUDIENCE[target] if not fields.layout.endswith("E2") else "tuition"
        if fields.layout.endswith("E2") and target != "international":
            continue  # the 2018-19 key facts show one fee
        got = fields[name]
        if original == "Free":
            assert got[0].startswith("Free")
            continue
        amount, currency = original.rsplit(" ", 1)
        assert all(digits(v).startswith(digits(amount)) and currency in v for v in got), (got, original)
        if visible != original:
            assert not any(visible.rsplit(" ", 1)[1] in v for v in got if currency not in v)


@pytest.mark.parametrize("p", TOPUNIVERSITIES, ids=[p["path"].rsplit("/", 1)[-1] for p in TOPUNIVERSITIES])
def test_topuniversities_page_facts(p):
    fields = parse("topuniversities", f"{TU}{p['path']}")
    assert fields["title"][0] == p["title"] and fields["university"][0] == p["university"]
    assert fields["location"] == [p["location"]]
    for audience, amount in p["fees"].items():
        got = fields[f"tuition_{audience.lower()}"]
        assert all(digits(amount) in digits(v) for v in got), (got, amount)
    for label, score in p["scores"]:
        assert fields[f"test_score:{label}"] == [score]


@pytest.mark.parametrize("p", MASTERSTUDIES, ids=[p["path"].split("/")[1][:40] for p in MASTERSTUDIES])
def test_masterstudies_page_facts(p):
    fields = parse("masterstudies", f"{MS}{p['path']}")
    assert fields["title"][0] == f"{p['prefix']} {p['title']}".strip() and fields["university"][0] == p["university"]
    assert fields["location"] == p["info"]["Campus location"].split("; ")
    fee = p["info"]["Tuition fees"]
    if fee == "Request info":
        assert fields.get("tuition", ["Request info"]) == ["Request info"]
    else:
        currency, rest = fee.split(" ", 1)
        assert all(currency in v and digits(rest.split(" / ")[0]) in digits(v) for v in fields["tuition"])
