"""The real-data generator (bench/realgen.py): deterministic, distinct programmes, labels consistent, strings
taken from the real data. Skips where ../shared/real is not on the machine."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bench import realgen

pytestmark = pytest.mark.skipif(realgen.available() is not None, reason=realgen.available() or "")


@pytest.fixture(scope="module")
def generated():
    return realgen.generate(3000, seed=11)


def test_same_seed_same_records_other_seed_other_records(generated):
    records, truth = generated
    again, truth_again = realgen.generate(3000, seed=11)
    assert [(r.source, r.source_key, r.fields) for r in records] == [(r.source, r.source_key, r.fields) for r in again]
    assert truth == truth_again
    other, _ = realgen.generate(3000, seed=12)
    assert [r.fields for r in other] != [r.fields for r in records]


def test_labels_cover_every_record_once(generated):
    records, truth = generated
    refs = [f"{r.source}:{r.source_key}" for r in records]
    assert len(refs) == len(set(refs)) == len(truth) and set(refs) == set(truth)
    assert len(records) >= 3000


def test_programmes_are_distinct_by_university_and_subject(generated):
    """One programme per (university, subject): two labels never share both, so the truth is not ambiguous."""
    records, truth = generated
    by_label: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in records:
        by_label[truth[f"{r.source}:{r.source_key}"]].add((r.fields["university"][0], r.fields["title"][0]))
    owner: dict[tuple[str, str], str] = {}
    for label, pairs in by_label.items():
        for pair in pairs:
            assert owner.setdefault(pair, label) == label, (pair, label, owner[pair])
    assert len(by_label) > 1000


def test_one_programme_prints_one_country_and_one_university(generated):
    """The rows of one programme may differ in spelling (the cluster's pattern) but not in country, and their
    university names fold to one distinctive name."""
    records, truth = generated
    countries: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for r in records:
        label = truth[f"{r.source}:{r.source_key}"]
        if "location" in r.fields:
            countries[label].add(r.fields["location"][0].rsplit(", ", 1)[-1])
        name = realgen._fold(r.fields["university"][0]).casefold().removeprefix("the ")
        names[label].add(name.split(" (")[0])
    assert all(len(c) == 1 for c in countries.values())
    assert all(len(n) == 1 for n in names.values()), [n for n in names.values() if len(n) > 1][:3]


def test_strings_come_from_the_real_pools(generated):
    """Every title holds a real subject; every university name holds a real name from the pools."""
    records, _ = generated
    subjects = {s.casefold() for s in realgen.subjects()}
    names = {u.name.casefold() for u in realgen.universities()} | {realgen._fold(u.name).casefold()
                                                                   for u in realgen.universities()}
    for r in records[:500]:
        title = r.fields["title"][0].casefold()
        assert any(s in title for s in subjects), title
        assert any(r.fields["university"][0].casefold().startswith(p) for p in ("", "the ")) and \
            any(n in r.fields["university"][0].casefold() for n in names), r.fields["university"]


def test_templates_keep_only_award_decorations():
    """A template's titles differ only by words the real data prints as awards (and short connectors)."""
    for template in realgen.templates():
        for before, _, after in template.titles:
            assert all(realgen._decoration(t) for t in (before + " " + after).split()), template.label
    assert len(realgen.templates()) > 100
    assert {"msc", "mres", "ma"} <= realgen.award_words()


def test_subject_pool_carries_no_award_words():
    for subject in realgen.subjects():
        assert not any(realgen._is_award(p) for t in subject.split() for p in realgen._parts(t)), subject
    keys = [realgen.subject_key(s) for s in realgen.subjects()]
    assert len(keys) == len(set(keys))
