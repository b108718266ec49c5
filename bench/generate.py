"""Raw source records at any size, with a known truth, for the reconcile benchmark.

Modelled on the mirror: each programme appears on one to three portals in that portal's own wording
(Studyportals' plain titles and ISO dates, TopUniversities' "MSc ..." titles and "2 Years", Masterstudies'
"MSc in ... (City)" titles and "Request info"), with formatting differences, missing values and near-miss
siblings (same university and title but another degree or campus; a similar field). Deterministic per seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from scrapers.records import RawRecord

CITIES = [("Leuven", "Belgium"), ("Amsterdam", "Netherlands"), ("Dublin", "Ireland"), ("London", "United Kingdom"),
          ("Zurich", "Switzerland"), ("Edinburgh", "United Kingdom"), ("Madrid", "Spain"), ("Paris", "France"),
          ("Berlin", "Germany"), ("Bergen", "Norway"), ("Toronto", "Canada"), ("Utrecht", "Netherlands"),
          ("Maastricht", "Netherlands"), ("Munich", "Germany"), ("Vienna", "Austria"), ("Milan", "Italy"),
          ("Lisbon", "Portugal"), ("Prague", "Czechia"), ("Warsaw", "Poland"), ("Stockholm", "Sweden"),
          ("Copenhagen", "Denmark"), ("Helsinki", "Finland"), ("Tallinn", "Estonia"), ("Ghent", "Belgium")]
KINDS = ["University of {c}", "{c} University of Technology", "{c} School of Economics", "{c} Institute of Science",
         "Free University of {c}", "{c} Business School"]
HEADS = ["Data", "Computer", "Information", "Business", "Public", "Environmental", "Digital", "Financial", "Marine",
         "Molecular", "Urban", "Cognitive", "Global", "Applied", "Sustainable", "Medical", "Industrial", "Social",
         "Political", "Energy", "Supply Chain", "International", "Quantitative", "Creative", "Human"]
TAILS = ["Science", "Management", "Engineering", "Analytics", "Policy", "Studies", "Economics", "Biology", "Design",
         "Systems", "Health", "Innovation", "Technology", "Law", "Communication", "Planning"]
SIMILAR_HEAD = {"Computer": "Computational", "Information": "Informatics", "Financial": "Finance and",
                "Molecular": "Cellular", "Urban": "Regional", "Applied": "Pure", "Medical": "Clinical"}
FEES = [0, 938, 1750, 2530, 9950, 12500, 18000, 23900, 24500, 43400]


def _slug(text: str) -> str:
    return "-".join(text.lower().replace("&", "and").split())


def generate(n_records: int, seed: int = 7) -> tuple[list[RawRecord], dict[str, str]]:
    truth: dict[str, str] = {}
    return list(stream(n_records, truth, seed)), truth


def stream(n_records: int, truth: dict[str, str], seed: int = 7) -> Iterator[RawRecord]:
    """Records one at a time (as a pipeline reads raw/<source>.jsonl), filling `truth` (ref → programme)."""
    for record, programme in _records(n_records, random.Random(seed)):
        truth[f"{record.source}:{record.source_key}"] = programme
        yield record


def _records(n_records: int, rng: random.Random) -> Iterator[tuple[RawRecord, str]]:
    made = 0
    university_no = 0
    sp_id = 100_000
    while made < n_records:
        city, country = CITIES[university_no % len(CITIES)]
        university = KINDS[(university_no // len(CITIES)) % len(KINDS)].format(c=city)
        if university_no >= len(CITIES) * len(KINDS):
            university += f" {university_no // (len(CITIES) * len(KINDS)) + 1}"  # more universities than names
        second_city = CITIES[(university_no + 7) % len(CITIES)][0]
        titles = rng.sample([f"{h} {t}" for h in HEADS for t in TAILS], 40)
        programmes = []
        for title in titles:
            programmes.append((title, "MSc", city))
            roll = rng.random()
            if roll < 0.06:
                programmes.append((title, "MA", city))  # near-miss: another degree
            elif roll < 0.10:
                programmes.append((title, "MSc", second_city))  # near-miss: another campus
            elif roll < 0.15 and title.split()[0] in SIMILAR_HEAD:
                programmes.append((title.replace(title.split()[0], SIMILAR_HEAD[title.split()[0]], 1), "MSc", city))
        for title, degree, campus in programmes:
            group = f"u{university_no}|{title}|{degree}|{campus}"
            months = rng.choice((12, 12, 18, 24, 24))
            fee = rng.choice(FEES)
            on = [p for p, share in (("studyportals", 0.75), ("topuniversities", 0.5), ("masterstudies", 0.65))
                  if rng.random() < share] or ["studyportals"]
            for portal in on:
                sp_id += 1
                yield _render(portal, rng, sp_id, university, title, degree, campus, country, months, fee), group
                made += 1
        university_no += 1


def _render(portal: str, rng: random.Random, sp_id: int, university: str, title: str, degree: str, city: str,
            country: str, months: int, fee: int) -> RawRecord:
    missing = rng.random
    location = f"{city}, {country}"
    years = {12: "1 year", 18: "1.5 years", 24: "2 years"}[months]
    ects = months * 5
    fields: dict[str, list[str]]
    if portal == "studyportals":
        key, url = str(sp_id), f"https://www.mastersportal.com/studies/{sp_id}/{_slug(title)}.html"
        fields = {"title": [title], "degree": ["M.Sc." if degree == "MSc" else "M.A."], "university": [university],
                  "location": [location], "duration": [f"{months} months"], "credits": [f"{ects} ECTS"],
                  "mode": ["On Campus"], "pace": ["Full-time"], "languages": ["English"],
                  "tuition_international": ["Free / year" if fee == 0 else f"{fee:,} EUR / year"],
                  "deadline": ["2026-06-30"], "start_dates": ["2026-09-01"], "test_score:IELTS": ["6.5"]}
        if missing() < 0.2:
            del fields["deadline"]
    elif portal == "topuniversities":
        shown = rng.choice((f"MSc {title}", f"Master of Science in {title}", f"{title} MSc")) if degree == "MSc" \
            else rng.choice((f"MA {title}", f"Master of Arts in {title}"))
        if missing() < 0.1:
            shown = shown.lower()
        key = f"/universities/{_slug(university)}/postgrad/{_slug(shown)}-{sp_id}"
        url = f"https://www.topuniversities.com{key}"
        fields = {"title": [shown], "university": [university + (" - Main Campus" if missing() < 0.2 else "")],
                  "location": [location], "duration": [f"{months} months", f"{months // 12 or 1} Years" if months != 18
                                                       else "18 Months"],
                  "degree": [degree], "level": ["Masters"], "mode": ["On Campus"], "start_dates": ["Sep"],
                  "deadline": ["30 Jun, 2026"], "test_score:IELTS": ["6.5+"]}
        if fee:
            fields["tuition_international"] = [f"EUR {fee:,}"]
    else:
        prefix = "MSc in" if degree == "MSc" else "MA in"
        shown = f"{prefix} {title.replace(' and ', ' & ')}" + (f" ({city})" if missing() < 0.5 else "")
        key = f"/{_slug(shown)}/{_slug(country)}/{_slug(university)}-{sp_id}/"
        url = f"https://www.masterstudies.com{key}"
        fields = {"title": [shown], "degree": [prefix], "university": [university], "location": [location],
                  "languages": ["English"], "mode": ["On-Campus"], "duration": [years], "pace": ["Full time"]}
        if missing() < 0.6:
            fields["tuition"] = [f"EUR {fee:,} / per year" if fee else "Free"]
    return RawRecord(source=portal, source_key=key, url=url, fetched_at="", content_hash="", fields=fields)
