"""Locations as portal cards print them: campus names before the city, address codes, qualifiers, +N More."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.places import country_code, parse_locations

BAD = "bad"

PLACES = [
    ("Ghent, Belgium", ("Ghent", "BE")),
    ("Rotterdam, Netherlands +2 More", ("Rotterdam", "NL")),
    ("Wharf Campus, Glasgow, United Kingdom +1", ("Glasgow", "GB")),
    ("Meadow Campus Leeds, United Kingdom", ("Leeds", "GB")),
    ("University of Kent Canterbury, United Kingdom", ("Canterbury", "GB")),
    ("Kingsway Building, Sheffield, GB Sheffield, United Kingdom", ("Sheffield", "GB")),
    ("Acme University Glasgow Glasgow, United Kingdom", ("Glasgow", "GB")),
    ("Mile Campus (Main) Leeds, United Kingdom", ("Leeds", "GB")),
    ("Cambridge (Massachusetts), United States", ("Cambridge", "US")),
    ("Sydney (Nova Scotia, Canada), Canada", ("Sydney", "CA")),
    ("Victoria (State in Australia), Australia", (None, "AU")),
    ("Washington (State), United States of America", (None, "US")),
    ("Durham, England", ("Durham", "GB")), ("Stirling, Scotland", ("Stirling", "GB")), ("Bangor, Wales", ("Bangor", "GB")),
    ("Hong Kong SAR", (None, "HK")), ("Kinshasa, Congo, DR", ("Kinshasa", "CD")),
    ("Palestinian Territories", (None, "PS")), ("Portugal", (None, "PT")),
    ("Costa da Caparica, Portugal", ("Costa da Caparica", "PT")),  # a city whose last word is another city
    ("Pago Pago, American Samoa", ("Pago Pago", "AS")), ("East Dubuque, United States", ("East Dubuque", "US")),
    ("Bad Homburg, Germany", ("Bad Homburg", "DE")), ("San Pietro in Casale, Italy", ("San Pietro in Casale", "IT")),
    ("KCL Waterloo London, United Kingdom", ("London", "GB")), ("Sherbrooke (Quebec), Canada", ("Sherbrooke", "CA")),
    ("Deutschland", (None, "DE")), ("Multiple (4)\n\nAmsterdam,\nMilan,\nZurich,", BAD),
    ("Washington, D.C., USA", ("Washington", "US")), ("Austin, Texas, United States", ("Austin", "US")),
    ("Toronto, Ontario, Canada", ("Toronto", "CA")), ("Main Campus, Leeds, United Kingdom", ("Leeds", "GB")),
    ("Some Campus, United Kingdom", BAD),  # a campus name and no city
    ("Multiple (3)", BAD), ("Leuven, Atlantis", BAD),
    ("Sydney (Nova Scotia, Canada), Australia", BAD),  # the qualifier names another country
    ("University of Nowhere Smalltown, United Kingdom", BAD),  # where the university's name ends is unknown
]


@pytest.mark.parametrize("raw,expected", PLACES)
def test_first_campus(raw, expected):
    parsed = parse_locations(raw)
    if expected == BAD:
        assert parsed.value is None and parsed.problem
    else:
        assert (parsed.value[0].city, parsed.value[0].country) == expected


@pytest.mark.parametrize("name,code", [("Türkiye", "TR"), ("Czech Republic", "CZ"), ("The Netherlands", "NL"),
                                       ("Saint Kitts & Nevis", "KN"), ("Atlantis", None)])
def test_country_code(name, code):
    assert country_code(name) == code


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcXYZ ,()+1;|-", max_size=50))
def test_every_miss_has_a_reason(text):
    parsed = parse_locations(text)
    assert parsed.value is not None or parsed.problem or parsed.note


@pytest.mark.parametrize("text", ["x" * 50000 + ", France", "a " * 20000 + ", France", "(" * 20000, "a, " * 20000])
def test_long_input_is_flagged(text):
    assert parse_locations(text).problem
