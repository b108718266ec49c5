"""The shared label-to-value reader: a label found by its text, its value by the structure around it."""

from __future__ import annotations

import pytest

from scrapers.html import parse_html
from scrapers.labels import LabelReader
from scrapers import studyportals

READER = LabelReader({"Duration": "duration", "Tuition fee": "tuition", "Campus location": "location",
                      "Languages": "languages"})


def read(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fact in READER.read(parse_html(f"<html><body>{html}</body></html>")):
        out.setdefault(fact.field, []).append(fact.text)
    return out


@pytest.mark.parametrize("html", [
    "<dl><dt>Duration</dt><dd>2 years</dd></dl>",
    "<table><tr><th>Duration</th><td>2 years</td></tr></table>",
    "<div><label>Duration</label><div>2 years</div></div>",
    "<section><h3>Duration</h3><p>2 years</p><p>Something else</p></section>",
    "<div><div class='Title'>2 years</div><div class='Label'> Duration </div></div>",  # value BEFORE its label
    "<h3>2 years<span>Duration</span></h3>",  # badge: value text, then the label
    "<p><strong>Duration:</strong> 2 years</p>",
    "<div><strong>Duration:</strong> 2 years</div>",
    "<li><span>Duration</span><span>2 years</span></li>",
    "<div><div><span>Duration</span></div><div>2 years</div></div>",  # the label wrapped
    "<div><div><i class='icon'></i> Duration</div><div>2 years</div></div>",  # an icon inside the label
])
def test_one_value_whatever_the_structure(html):
    assert read(html) == {"duration": ["2 years"]}


def test_labels_are_matched_whole_case_and_colon_insensitive():
    assert read("<dl><dt>DURATION:</dt><dd>2 years</dd></dl>") == {"duration": ["2 years"]}
    assert read("<p>The duration of the programme is 2 years.</p>") == {}
    assert read("<h2>Duration and structure</h2><p>2 years</p>") == {}


def test_an_empty_value_is_empty_not_the_next_block():
    html = "<li><div>Duration</div><div><span></span></div><p>The programme explained at length.</p></li>"
    assert read(html) == {"duration": [""]}


def test_hidden_labels_and_values_are_not_read():
    assert read("<div class='Hidden'><dt>Duration</dt><dd>2 years</dd></div>") == {}
    assert read("<dl><dt>Duration</dt><dd><span class='Hidden'>Unknown</span></dd></dl>") == {"duration": [""]}


def test_next_label_ends_the_value():
    html = "<div><label>Duration</label><label>Tuition fee</label><div>1,000 EUR</div></div>"
    assert read(html) == {"duration": [""], "tuition": ["1,000 EUR"]}


def test_several_campuses_stay_apart():
    page = ("<html><head><title> X, M.Sc. | U | Paris, France </title></head><body><div><div>Campus location</div>"
            "<div><div>Paris, France</div><div>Berlin, Germany</div></div></div></body></html>")
    assert studyportals.read(page)["location"] == ["Paris, France", "Berlin, Germany"]


@pytest.mark.parametrize("text", ["1" * 20000, "Duration " * 6000, "<div>" * 3000 + "Duration" + "</div>" * 3000])
def test_large_and_odd_inputs_finish(text):
    READER.read(parse_html(f"<html><body>{text}</body></html>"))
