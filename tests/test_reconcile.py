"""Linking and merging: title normaliser, scorer on match and near-miss pairs, merge rules, the seed test, and
the whole mirror against its labelled truth."""

from __future__ import annotations

import csv
from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal

import pytest
from conftest import MIRROR
from test_scrapers import MS, PIONEER_MS, PIONEER_TU, SP, TU, crawl, page

from normalize.evaluate import pair_scores, truth_pairs
from normalize.ids import assign_ids, derive_id
from normalize.link import LinkSettings, link_records, normalize_title, score_pair
from normalize.merge import merge_cluster
from normalize.models import SourceRecord, check_record
from normalize.reconcile import reconcile
from normalize.record import normalize_record
from scrapers import masterstudies, studyportals, topuniversities
from scrapers.records import RawRecord

AS_OF = date(2026, 11, 24)


def rec(source: str, key: str, **values) -> SourceRecord:
    return SourceRecord(source=source, source_key=key, url=f"https://{source}/{key}", **values)


@pytest.mark.parametrize("a,b", [
    ("MSc in Erasmus Mundus Joint Master in Public Sector Innovation and eGovernance (Leuven et al)",
     "Erasmus Mundus Master of Science in Public Sector Innovation and eGovernance"),
    ("Master of Science in Data Science", "MSc Data Science"),
    ("Online MSc in Cyber Security", "Cyber Security (Online)"),
    ("Master of Management Analytics (MMA)", "Master of Management Analytics"),
])
def test_title_normaliser_removes_portal_additions(a, b):
    assert normalize_title(a) == normalize_title(b)


@pytest.mark.parametrize("a,b", [
    ("Computer Science", "Computational Science and Engineering"),
    ("Data Science", "Data Management"),
    ("Public Sector Innovation", "Private Sector Innovation"),
])
def test_title_normaliser_keeps_what_tells_programmes_apart(a, b):
    assert normalize_title(a) != normalize_title(b)


SETTINGS = LinkSettings()


def test_scorer_matches_reworded_titles():
    a = rec("topuniversities", "a", title="MSc Data Science", degree="MSc", level="master", university="University of Amsterdam",
            city="Amsterdam", country="NL", duration_months=12)
    b = rec("masterstudies", "b", title="Master of Science in Data Science", degree="MSc", level="master",
            university="University of Amsterdam", city="Amsterdam", country="NL", duration_months=12)
    assert score_pair(a, b, SETTINGS).score >= SETTINGS.match_threshold


@pytest.mark.parametrize("difference,expect_review", [
    ({"degree": "MA"}, True),  # another degree
    ({"city": "Brussels", "campuses": ["Brussels, BE"]}, True),  # another campus
    ({"title": "Computational Science and Engineering"}, False),  # another field
])
def test_scorer_keeps_near_misses_apart(difference, expect_review):
    base = dict(title="Computer Science", degree="MSc", level="master", university="KU Leuven", city="Leuven",
                country="BE", campuses=["Leuven, BE"])
    a = rec("studyportals", "1", **base)
    b = rec("topuniversities", "2", **{**base, **difference})
    pair = score_pair(a, b, SETTINGS)
    assert pair.score < SETTINGS.match_threshold
    assert (pair.score >= SETTINGS.review_threshold or pair.title_similarity >= SETTINGS.match_threshold) == expect_review


def test_one_source_links_only_its_duplicate_listings():
    """linking-dev's truth links a portal's duplicate listings of one course (README section 2); a portal's two
    different titles never link, and `same_source="never"` keeps every listing of one source apart."""
    a = rec("studyportals", "1", title="Data Science", university="X", country="NL")
    b = rec("studyportals", "2", title="Data Science", university="X", country="NL")
    c = rec("studyportals", "3", title="Data Science and Society", university="X", country="NL")
    assert link_records([a, b, c]).clusters == [[a.ref, b.ref], [c.ref]]
    assert link_records([a, b], LinkSettings(same_source="never")).clusters == [[a.ref], [b.ref]]


def test_merge_agreement_missing_and_conflict_with_priority():
    sp = rec("studyportals", "1", title="Data Science", duration_months=12, city="Zurich", ects=None,
             tuition_international_amount=Decimal(18000))
    tu = rec("topuniversities", "2", title="MSc Data Science", duration_months=12, city="Zürich", ects=60,
             tuition_international_amount=Decimal(19000))
    merged = merge_cluster("p1", [tu, sp])
    assert merged.duration_months == 12 and merged.provenance["duration_months"] == ["studyportals", "topuniversities"]
    assert merged.city == "Zurich"  # agree once accents are folded: no conflict
    assert merged.ects == 60 and merged.provenance["ects"] == ["topuniversities"]  # a value beats a missing one
    conflicts = {c.field: c for c in merged.conflicts}
    assert set(conflicts) == {"tuition_international_amount"}  # the titles agree once normalised
    assert merged.title == "Data Science" and merged.provenance["title"] == ["studyportals", "topuniversities"]
    other = merge_cluster("p2", [sp, replace(tu, title="MSc Data Management")])
    assert [c.field for c in other.conflicts if c.field == "title"] == ["title"]
    fee = conflicts["tuition_international_amount"]
    assert fee.chosen == Decimal(18000) and fee.rule.startswith("source priority: studyportals")
    assert {(v.source, v.value) for v in fee.values} == {("studyportals", Decimal(18000)), ("topuniversities", Decimal(19000))}


def test_within_page_repeats_that_disagree_become_a_conflict():
    raw = RawRecord(source="topuniversities", source_key="/x", url="https://t/x", fetched_at="", content_hash="",
                    fields={"title": ["MSc X"], "duration": ["24 months", "2 Years"], "degree": ["MSc", "MA"]})
    record = normalize_record(raw, as_of=AS_OF)
    assert record.duration_months == 24  # 24 months == 2 years: collapses
    assert [c.field for c in record.conflicts] == ["degree"] and record.degree == "MSc"


def test_agreeing_values_from_different_strings_are_no_conflict():
    raw = RawRecord(source="studyportals", source_key="1", url="u", fetched_at="", content_hash="",
                    fields={"title": ["X"], "duration": ["12 months", "12 months full-time / 24 months part-time"]})
    record = normalize_record(raw, as_of=AS_OF)
    assert (record.duration_months, record.duration_months_part_time) == (12, 24)
    assert record.conflicts == []


def test_flags_carry_over_to_the_canonical_record():
    raw = RawRecord(source="studyportals", source_key="9", url="https://s/9", fetched_at="", content_hash="",
                    fields={"title": ["X"], "deadline": ["12 months"], "test_score:IELTS": ["75"]})
    record = normalize_record(raw, as_of=AS_OF)
    merged = merge_cluster("p", [record])
    assert {(f.field, f.raw) for f in merged.flags} == {("application_deadline", "12 months"), ("IELTS", "75")}
    assert merged.application_deadline is None and merged.ielts_min is None
    assert all(f.url == "https://s/9" and f.source == "studyportals" for f in merged.flags)


def test_deadline_years_in_the_past_is_flagged():
    raw = RawRecord(source="masterstudies", source_key="/y", url="u", fetched_at="", content_hash="",
                    fields={"title": ["Y"], "deadline": ["Jan 5, 2019"]})
    record = normalize_record(raw, as_of=AS_OF)
    assert record.application_deadline is None and record.flags[0].reason.startswith("deadline 2019-01-05 is years")


def test_programme_ids_are_stable_across_runs():
    first = assign_ids([["masterstudies:/a", "topuniversities:/b"]], {})
    assert first == [derive_id(["masterstudies:/a", "topuniversities:/b"])]
    known = {"masterstudies:/a": first[0], "topuniversities:/b": first[0]}
    # a third portal joins: the id stays
    assert assign_ids([["masterstudies:/a", "studyportals:1", "topuniversities:/b"]], known) == first
    # a split: the part keeping more old keys keeps the id, the other gets a new one
    split = assign_ids([["masterstudies:/a"], ["studyportals:1", "topuniversities:/b"]], {**known, "studyportals:1": first[0]})
    assert split[1] == first[0] and split[0] != first[0]


def test_seeds_reconcile_to_two_programmes():
    """The three seed pages alone: Information Management (Studyportals) and PIONEER (TopUniversities +
    Masterstudies merged)."""
    pages = [
        (studyportals, f"{SP}/studies/8997/information-management.html"),
        (topuniversities, f"{TU}{PIONEER_TU}"),
        (masterstudies, f"{MS}{PIONEER_MS}"),
    ]
    raw = [RawRecord(source=p.name, source_key=p.source_key(url), url=url, fetched_at="", content_hash="",
                     fields=p.parse_detail(page(url), url)) for p, url in pages]
    result = reconcile(raw, as_of=AS_OF)
    assert len(result.programmes) == 2
    by_sources = {tuple(p.sources): p for p in result.programmes}
    info = by_sources[("studyportals",)]
    assert info.title == "Information Management" and info.application_deadline is None
    assert not [f for f in info.flags]  # nothing flagged wrongly
    pioneer = by_sources[("masterstudies", "topuniversities")]
    assert pioneer.duration_months == 24 and pioneer.ects == 120
    assert pioneer.application_deadline == "2026-07-01" and pioneer.start_months == [9]
    assert (pioneer.city, pioneer.country, pioneer.degree, pioneer.level) == ("Leuven", "BE", "MSc", "master")
    assert (pioneer.study_mode, pioneer.pace, pioneer.languages) == ("on_campus", "full_time", ["en"])
    assert pioneer.ielts_min == Decimal(7)
    assert pioneer.tuition_international_amount is None and pioneer.tuition_eu_eea_amount is None
    assert not pioneer.flags
    assert pioneer.provenance["duration_months"] == ["topuniversities", "masterstudies"]
    # the mirror prints the seed's own text: the partners are list items after "three universities:"
    assert pioneer.partner_universities == ["University of Münster", "Tallinn University of Technology"]


def test_whole_mirror_reaches_the_labelled_truth():
    raw = [r for source in ("studyportals", "topuniversities", "masterstudies") for r in crawl(source).records]
    result = reconcile(raw, as_of=AS_OF)
    with open(MIRROR.parent / "truth.csv", encoding="utf-8") as fh:
        labels = {f"{row['source']}:{row['source_key']}": row["programme"] for row in csv.DictReader(fh)}
    scores = pair_scores(result.link.clusters, truth_pairs(labels))
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0, scores
    assert len(result.programmes) == len(set(labels.values()))
    for programme in result.programmes:
        for field in ("title", "university", "country"):
            assert programme.provenance[field]  # every canonical value says where it came from
    # the three near-misses were seen and held back for review, not merged
    reviewed = {frozenset((labels[p.left], labels[p.right])) for p in result.link.review}
    assert frozenset({"kcl-digital-humanities-ma", "kcl-digital-humanities-msc"}) in reviewed
    assert frozenset({"kul-information-management-leuven", "kul-information-management-brussels"}) in reviewed


def test_records_hold_the_types_the_field_specification_declares():
    """Records are built without validation on the hot path: prove every value has its declared type."""
    raw = [r for source in ("studyportals", "topuniversities", "masterstudies") for r in crawl(source).records]
    result = reconcile(raw, as_of=AS_OF)
    assert result.source_records and result.programmes
    for record in [*result.source_records, *result.programmes]:
        assert check_record(record) == [], record
    broken = replace(result.programmes[0], duration_months="12 months")
    assert check_record(broken) == ["duration_months: '12 months' is not int | None"]


@pytest.mark.parametrize("a,b,same", [
    ("Cognitive Engineering", "Creative Engineering", False),  # one subject word differs: another field
    ("Global Technology", "Regional Technology", False),
    ("Data Sciense", "MSc Data Science", True),  # a typo is still the same word
    ("Supply Chain Management", "MSc in Supply-Chain Management (Tilburg)", True),
    ("Finance and Economics", "Economics & Finance", True),  # word order and '&'
])
def test_title_similarity_weighs_words(a, b, same):
    base = dict(degree="MSc", level="master", university="Tilburg University", country="NL", city="Tilburg")
    pair = score_pair(rec("studyportals", "1", title=a, **base), rec("masterstudies", "2", title=b, **base), SETTINGS)
    assert (pair.score >= SETTINGS.match_threshold) == same, pair


def test_blocking_keeps_pairs_inside_small_blocks():
    """Forty programmes at one university on two portals: only same-title-word pairs are scored, not 40 × 40."""
    from normalize.link import candidate_pairs, features

    heads = ["Data", "Marine", "Urban", "Public", "Digital", "Energy", "Social", "Human"]
    tails = ["Science", "Policy", "Design", "Law", "Systems"]
    titles = [f"{h} {t}" for h in heads for t in tails]
    records = [rec(source, f"{source}{i}", title=t, university="Ghent University", country="BE")
               for source in ("studyportals", "masterstudies") for i, t in enumerate(titles)]
    pairs = list(candidate_pairs([features(r) for r in records]))
    assert len({(a.ref, b.ref) for a, b in pairs}) == len(pairs)  # each pair once across rules
    # same first word (8 heads × 5 × 5) or same last word (5 tails × 8 × 8), the 40 exact pairs counted once
    assert len(pairs) == 8 * 25 + 5 * 64 - 40
    assert all(a.source != b.source for a, b in pairs)


def test_single_record_fast_path_equals_the_general_merge():
    from normalize import merge

    raw = [r for source in ("studyportals", "topuniversities", "masterstudies") for r in crawl(source).records]
    for record in (normalize_record(r, as_of=AS_OF) for r in raw):
        fast = merge.merge_cluster("p", [record])
        general = merge.merge_cluster("p", [record, replace(record, source="elsewhere")])
        bookkeeping = {"sources", "source_keys", "source_urls", "provenance", "conflicts", "flags"}
        assert {k: v for k, v in asdict(fast).items() if k not in bookkeeping} == \
            {k: v for k, v in asdict(general).items() if k not in bookkeeping}
        assert fast.provenance == {f: [s for s in sources if s == record.source] for f, sources in general.provenance.items()}


def test_parallel_reconcile_gives_the_same_result():
    """Partitioned by university on two processes: the same programmes, ids, values, conflicts and review pairs
    as one process."""
    from normalize import parallel

    raw = [r for source in ("studyportals", "topuniversities", "masterstudies") for r in crawl(source).records]
    single = reconcile(raw, as_of=AS_OF)
    assert {parallel.partition_of(r, 2) for r in raw} == {0, 1}  # both processes get work
    double = parallel.reconcile_parallel(lambda: raw, as_of=AS_OF, workers=2, expected_records=len(raw),
                                         min_records_per_worker=1)
    assert double.programmes == single.programmes
    assert double.link.clusters == single.link.clusters and double.link.review == sorted(
        single.link.review, key=lambda p: (-p.score, p.left, p.right))
    assert sorted(r.ref for r in double.source_records) == sorted(r.ref for r in single.source_records)
    assert sorted(double.source_records, key=lambda r: r.ref) == sorted(single.source_records, key=lambda r: r.ref)


def test_parallel_reconcile_reports_a_failing_worker():
    import os

    from normalize import parallel

    parent = os.getpid()

    def raw_source():
        yield RawRecord(source="studyportals", source_key="1", url="u", fetched_at="", content_hash="",
                        fields={"title": ["X"], "university": ["Ghent University"]})
        if os.getpid() != parent:
            raise OSError("raw file vanished")  # only in the worker

    with pytest.raises(parallel.ReconcileError, match="OSError: raw file vanished"):
        parallel.reconcile_parallel(raw_source, as_of=AS_OF, workers=2, expected_records=2, min_records_per_worker=1)


def test_combining_partitions_renames_a_doubly_claimed_id():
    from normalize.link import LinkResult
    from normalize.parallel import _combine
    from normalize.reconcile import Reconciled

    def part(ref):
        programme = merge_cluster("p-old", [rec("studyportals", ref, title=ref)])
        return Reconciled([], [programme], LinkResult(clusters=[[f"studyportals:{ref}"]]))

    combined = _combine([part("a"), part("b")])
    ids = [p.programme_id for p in combined.programmes]
    assert "p-old" in ids and len(set(ids)) == 2 and ids == sorted(ids)
    assert combined.link.clusters == [["studyportals:a"], ["studyportals:b"]]


def test_consuming_reconcile_gives_the_same_programmes_and_lets_records_go():
    from normalize.reconcile import reconcile_consuming, reconcile_records

    raw = [r for source in ("studyportals", "topuniversities", "masterstudies") for r in crawl(source).records]
    records = [normalize_record(r, as_of=AS_OF) for r in raw]
    kept = reconcile_records(records)
    consumed = reconcile_consuming(list(records))
    assert consumed.programmes == kept.programmes
    assert consumed.link.clusters == kept.link.clusters and consumed.source_records == []
    owned = list(records)
    reconcile_consuming(owned)
    assert owned == []  # the caller's list is emptied: its records can be freed as they are merged


def test_parallel_reconcile_reports_a_worker_that_died():
    import os

    from normalize import parallel

    parent = os.getpid()

    def raw_source():
        if os.getpid() != parent:
            os._exit(9)  # as if killed: no reply at all
        yield RawRecord(source="studyportals", source_key="1", url="u", fetched_at="", content_hash="",
                        fields={"title": ["X"], "university": ["Ghent University"]})

    with pytest.raises(parallel.ReconcileError, match=r"died \(exit code 9\)"):
        parallel.reconcile_parallel(raw_source, as_of=AS_OF, workers=2, expected_records=2, min_records_per_worker=1)
