"""The field specification and what derives from it; merge rules one by one; ids and bookkeeping across runs."""

from __future__ import annotations

import json
from dataclasses import fields as dataclass_fields
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MIRROR, ROOT

from normalize.fields import BY_NAME, COLUMN_NAMES, DERIVED_FIELDS, FIELDS, SCALAR_FIELDS, UNION_FIELDS, VALUE_FIELDS
from normalize.merge import merge_cluster
from normalize.models import CanonicalRecord, ProgrammeValues, SourceRecord
from output.columns import markdown_table, readme_with_table
from output.files import datapackage
from output.tables import read_csv


def rec(source: str, key: str, **values) -> SourceRecord:
    return SourceRecord(source=source, source_key=key, url=f"https://{source}/{key}", **values)


def test_readme_column_table_is_the_one_the_spec_derives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
    assert readme_with_table(readme) == readme, "run `python -m output.columns` to regenerate the README's table"


def test_records_csv_and_datapackage_follow_the_spec():
    assert [f.name for f in dataclass_fields(ProgrammeValues)] == list(VALUE_FIELDS)
    assert set(SCALAR_FIELDS) | set(UNION_FIELDS) | set(DERIVED_FIELDS) | {"other_scores"} == set(VALUE_FIELDS)
    csv_fields = [f.name for f in FIELDS if f.csv]
    assert [c for c in COLUMN_NAMES if c in BY_NAME] == csv_fields
    package = datapackage()
    assert package["eur_rates"]["date"] >= "2020-01-01"  # the ECB rate day behind the *_eur_per_year columns
    schema = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in schema] == list(COLUMN_NAMES)
    assert all(f["description"] for f in schema)
    # each audience's fee has its own currency and period column
    for audience in ("international", "eu_eea", "domestic"):
        for part in ("amount", "currency", "period", "eur_per_year"):
            assert f"tuition_{audience}_{part}" in COLUMN_NAMES


def test_union_fields_join_every_source_and_sorted_lists_stay_sorted():
    a = rec("studyportals", "1", languages=["en"], start_months=[9], start_dates=["2027-09"])
    b = rec("masterstudies", "2", languages=["de", "en"], start_months=[2, 9], start_dates=["2027-02"])
    merged = merge_cluster("p", [a, b])
    assert merged.languages == ["en", "de"]  # priority order, each once
    assert merged.start_months == [2, 9] and merged.start_dates == ["2027-02", "2027-09"]
    assert merged.provenance["languages"] == ["studyportals", "masterstudies"]
    assert merged.conflicts == []  # different start months are both true: no conflict


def test_other_scores_merge_per_test_with_priority():
    a = rec("studyportals", "1", other_scores={"PTE": Decimal(58)})
    b = rec("masterstudies", "2", other_scores={"PTE": Decimal(65), "DUOLINGO": Decimal(110)})
    merged = merge_cluster("p", [b, a])
    assert merged.other_scores == {"DUOLINGO": Decimal(110), "PTE": Decimal(58)}


def test_a_fee_without_audience_fills_the_audiences_only_when_no_source_names_one():
    unlabelled = dict(tuition_all_amount=Decimal(2530), tuition_all_currency="EUR", tuition_all_period="year")
    alone = merge_cluster("p", [rec("masterstudies", "1", **unlabelled)])
    assert (alone.tuition_international_amount, alone.tuition_eu_eea_amount) == (Decimal(2530), Decimal(2530))
    assert alone.tuition_eu_eea_currency == "EUR" and alone.tuition_international_period == "year"
    assert alone.provenance["tuition_eu_eea_amount"] == ["masterstudies"]
    assert alone.tuition_domestic_amount is None  # home students are not "any audience" by default
    labelled = rec("studyportals", "2", tuition_international_amount=Decimal(18000),
                   tuition_international_currency="EUR", tuition_international_period="year")
    both = merge_cluster("p", [rec("masterstudies", "1", **unlabelled), labelled])
    assert both.tuition_international_amount == Decimal(18000)
    assert both.tuition_eu_eea_amount is None  # the unlabelled fee is not the EU/EEA fee when audiences are given


def test_a_real_disagreement_goes_to_the_field_priority_and_is_recorded():
    merged = merge_cluster("p", [rec("masterstudies", "1", ects=90), rec("studyportals", "2", ects=120)])
    assert merged.ects == 120 and merged.provenance["ects"] == ["studyportals"]
    (conflict,) = merged.conflicts
    assert conflict.field == "ects" and conflict.chosen == 120 and "studyportals > topuniversities" in conflict.rule
    assert {(v.source, v.value) for v in conflict.values} == {("studyportals", 120), ("masterstudies", 90)}


def _settings(data: Path, **extra):
    from programme_scout.settings import Settings

    return Settings(offline=True, mirror_dir=MIRROR, data_dir=data, workers=1, **extra)


def _programmes(data: Path) -> list[dict]:
    return json.loads((data / "latest" / "programmes.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_each_source_key_keeps_its_programme_id_when_other_portals_join(tmp_path):
    """Run 1 sees Studyportals only; run 2 all portals, so some programmes gain records from other portals and
    their clusters change: the id map in the history keeps every Studyportals key on its first id."""
    from programme_scout.pipeline import run

    data = tmp_path / "data"
    code, _ = run(_settings(data, sources=("studyportals",)))
    assert code == 0
    first = {key: p["programme_id"] for p in _programmes(data) for key in p["source_keys"]}
    assert first
    code, _ = run(_settings(data))
    assert code == 0
    second = {key: p["programme_id"] for p in _programmes(data) for key in p["source_keys"]}
    assert {key: second[key] for key in first} == first
    joined = [p for p in _programmes(data) if len(p["sources"]) > 1 and set(p["source_keys"]) & set(first)]
    assert joined, "the mirror must link a Studyportals page with another portal's for this test to mean anything"


@pytest.mark.slow
def test_last_seen_moves_a_day_later_without_being_a_change(tmp_path):
    from programme_scout.pipeline import run

    data = tmp_path / "data"
    day1 = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)
    assert run(_settings(data), clock=lambda: day1)[0] == 0
    assert run(_settings(data), clock=lambda: day1 + timedelta(days=1))[0] == 0
    rows = read_csv(data / "latest" / "programmes.csv")
    assert rows and {r["last_seen"] for r in rows} == {"2026-11-25"} and {r["first_seen"] for r in rows} == {"2026-11-24"}
    changes = json.loads((data / "latest" / "changes.json").read_text(encoding="utf-8"))
    assert (changes["added"], changes["removed"], changes["changed"]) == ([], [], [])


def test_each_audience_fee_is_also_euros_per_year_where_exact():
    fee = dict(tuition_international_amount=Decimal(9000), tuition_international_currency="EUR",
               tuition_international_period="semester", tuition_eu_eea_amount=Decimal(30000),
               tuition_eu_eea_currency="EUR", tuition_eu_eea_period="programme")
    one_year = merge_cluster("p", [rec("studyportals", "1", duration_months=12, **fee)])
    assert one_year.tuition_international_eur_per_year == Decimal(18000)
    assert one_year.tuition_eu_eea_eur_per_year == Decimal(30000)
    odd = merge_cluster("p", [rec("studyportals", "1", duration_months=18, **fee)])
    assert odd.tuition_eu_eea_eur_per_year is None  # 18 months: a whole-programme fee is not exactly yearly
    pounds = merge_cluster("p", [rec("studyportals", "1", tuition_domestic_amount=Decimal(9250),
                                     tuition_domestic_currency="GBP", tuition_domestic_period="year")])
    assert pounds.tuition_domestic_eur_per_year is not None and pounds.tuition_domestic_eur_per_year > 9250
    assert pounds.provenance["tuition_domestic_eur_per_year"] == ["studyportals"]


def test_a_layout_falling_to_zero_is_drift():
    from output.publish import find_drift
    from programme_scout.settings import PublishSettings

    before = {"studyportals": {"records": 15, "fill_rates": {}, "layouts": {"studyportals/E3": 10, "studyportals/E4": 5}}}
    redesign = {"studyportals": {"records": 15, "fill_rates": {}, "layouts": {"studyportals/E5": 15}}}
    drift = find_drift(before, redesign, PublishSettings())
    assert [(d["field"], d["before"], d["after"]) for d in drift] == [
        ("(layout studyportals/E3)", 10, 0), ("(layout studyportals/E4)", 5, 0)]
    assert find_drift(before, before, PublishSettings()) == []


@pytest.mark.slow
def test_the_run_report_counts_records_per_layout_per_source(tmp_path):
    from programme_scout.pipeline import run

    code, report = run(_settings(tmp_path / "data"))
    assert code == 0
    layouts = report["records_by_layout"]
    assert set(layouts) == {"studyportals", "topuniversities", "masterstudies"}
    for source, counts in layouts.items():
        assert sum(counts.values()) == report["records"][source]
        assert all(name.startswith(f"{source}/") for name in counts), counts


def test_the_page_country_settles_which_dollar_a_fee_means():
    from datetime import date

    from normalize.record import normalize_record
    from scrapers.records import RawRecord

    raw = RawRecord(source="studyportals", source_key="1", url="u", fetched_at="", content_hash="",
                    fields={"tuition_international": ["$20,000 per year"], "title": ["Data Science"],
                            "location": ["Toronto, Canada"]})
    record = normalize_record(raw, as_of=date(2026, 11, 24))
    assert (record.city, record.country) == ("Toronto", "CA")
    assert (record.tuition_international_amount, record.tuition_international_currency) == (Decimal(20000), "CAD")


@pytest.mark.slow
def test_sources_refreshes_only_those_named_and_carries_the_others_unchanged(tmp_path):
    from programme_scout.pipeline import run

    data = tmp_path / "data"
    assert run(_settings(data))[0] == 0
    before = {p["programme_id"] for p in _programmes(data)}
    code, report = run(_settings(data, sources=("studyportals",)))
    assert code == 0, report.get("reason")
    assert set(report["carried_sources"]) == {"topuniversities", "masterstudies"}
    assert all(report["carried_sources"].values())
    assert {p["programme_id"] for p in _programmes(data)} == before
    changes = json.loads((data / "latest" / "changes.json").read_text(encoding="utf-8"))
    assert (changes["added"], changes["removed"], changes["changed"]) == ([], [], [])


def test_a_source_absent_from_the_run_is_drift():
    from output.publish import find_drift
    from programme_scout.settings import PublishSettings

    before = {"studyportals": {"records": 12, "fill_rates": {}}, "masterstudies": {"records": 10, "fill_rates": {}}}
    after = {"studyportals": {"records": 12, "fill_rates": {}}}
    assert find_drift(before, after, PublishSettings()) == [
        {"source": "masterstudies", "field": "(source absent)", "before": 10, "after": 0}]
