"""The linker on real listings and on the cases the real data taught: constrained clustering, missing values
that veto nothing, printed editions kept apart, bounded review, settings as data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize.link import LinkSettings, conflicts, features, link_records, title_parts
from normalize.models import SourceRecord

DEV = Path("/work/shared/real/linking-dev")


def rec(source: str, key: str, **values) -> SourceRecord:
    values.setdefault("university", "University of Glasgow")
    values.setdefault("country", "GB")
    return SourceRecord(source=source, source_key=key, url=f"https://{source}/{key}", **values)


@pytest.mark.skipif(not (DEV / "records.csv").is_file(), reason="the real linking-dev set is not on this machine")
def test_real_listings_link_with_full_precision():
    from programme_scout.linkeval import evaluate_linking, render

    result = evaluate_linking(DEV / "records.csv", DEV / "truth.csv")
    assert result["precision"] == 1.0 and result["recall"] >= 0.95, render(result)
    assert json.loads(json.dumps(result)) == result  # plain data


def test_a_country_alone_compares_no_city_and_a_missing_country_vetoes_nothing():
    a = rec("findamasters", "1", title="Data Analytics MSc", city="Glasgow")
    b = rec("studyportals", "2", title="Data Analytics", campuses=["GB"])  # 'United Kingdom' printed alone
    c = rec("topuniversities", "3", title="MSc Data Analytics", country=None)
    assert link_records([a, b, c]).clusters == [[a.ref, b.ref, c.ref]]


def test_university_spellings_meet_in_one_block():
    a = rec("findamasters", "1", title="Architectural Computation MSc", university="University College London")
    b = rec("topuniversities", "2", title="Architectural Computation MSc", university="UCL")
    assert link_records([a, b]).clusters == [[a.ref, b.ref]]


def test_no_chain_joins_two_awards():
    """MA — (no award) — MSc: union-find would join all three; a cluster never holds a conflicting pair."""
    ma = rec("topuniversities", "1", title="MA Creative Technology", degree="MA")
    plain = rec("studyportals", "2", title="Creative Technology")
    msc = rec("findamasters", "3", title="Creative Technology MSc", degree="MSc")
    result = link_records([ma, plain, msc])
    by_ref = {r.ref: features(r) for r in (ma, plain, msc)}
    settings = LinkSettings()
    for cluster in result.clusters:
        assert not any(conflicts(by_ref[x], by_ref[y], settings) for x in cluster for y in cluster if x < y)
    assert [ma.ref] in result.clusters or [msc.ref] in result.clusters
    for pair in result.review:  # review and clusters agree
        assert not any(pair.left in c and pair.right in c for c in result.clusters)


@pytest.mark.parametrize("left,right", [
    (dict(title="MSc Computer Science", study_mode="online"), dict(title="Computer Science MSc", study_mode="on_campus")),
    (dict(title="Digital Marketing MSc (Online)"), dict(title="Digital Marketing MSc", study_mode="on_campus")),
    (dict(title="Computing with Placement MSc"), dict(title="Computing MSc")),
    (dict(title="Management (2 years) MSc"), dict(title="Management MSc")),
    (dict(title="Computer Science - MSc (Research)"), dict(title="Computer Science - MSc")),
    (dict(title="Midwifery - Postgraduate Certificate"), dict(title="Midwifery MSc")),
    (dict(title="Midwifery - Postgraduate Certificate"), dict(title="Midwifery")),  # an exit award is not the course
    (dict(title="MEng Computing", level="bachelor"), dict(title="MSc Computing", level="master")),
    (dict(title="FinTech MSc", university="Coventry University London", city="London"),
     dict(title="FinTech MSc", university="Coventry University", city="Coventry")),
    (dict(title="MSc Data Science", university="University of Essex Online"),
     dict(title="Data Science", university="University of Essex", study_mode="on_campus")),
    (dict(title="Data Science MSc", city="Glasgow"), dict(title="Data Science MSc", city="Edinburgh")),
    (dict(title="Data Science MSc", country="GB"), dict(title="Data Science MSc", country="IE")),
    (dict(title="Economics MSc"), dict(title="Econometrics MSc")),  # close spellings, another subject
    (dict(title="Interaction Design (One-Year)"), dict(title="Interaction Design (Two-Years)")),
    (dict(title="Nursing (Pre-Registration) MSc"), dict(title="Nursing MSc")),
    (dict(title="Data Science and Artificial Intelligence for Business MSc", duration_months=12),  # a word more
     dict(title="Data Science and Artificial Intelligence MSc", duration_months=12)),
])
def test_printed_editions_stay_apart(left, right):
    a, b = rec("findamasters", "1", **left), rec("topuniversities", "2", **right)
    assert link_records([a, b]).clusters == [[a.ref], [b.ref]]


@pytest.mark.parametrize("left,right", [
    (dict(title="Statistics MSc", city="St. Andrews"), dict(title="Statistics", city="Saint Andrews")),
    (dict(title="Statistics MSc", city="Newcastle"), dict(title="Statistics", city="Newcastle upon Tyne")),
    (dict(title="Data Science", city="Clayton", country="AU", university="Monash University"),
     dict(title="Master of Data Science", city="Caulfield North", country="AU", university="Monash University")),
    (dict(title="Informatics", city="München", country="DE", university="Technische Universität München"),
     dict(title="Informatics", city="Munich", country="DE", university="Technical University of Munich")),
    (dict(title="Information Technology (IT)"), dict(title="Master of Information Technology")),
    (dict(title="Smart Systems (SSIs) (Erasmus Mundus)"), dict(title="Master's Program in Smart Systems")),
    (dict(title="Computing & IT Management - MSc"), dict(title="Computing and IT Management (MSc)")),
])
def test_spellings_of_one_programme_link(left, right):
    a, b = rec("findamasters", "1", **left), rec("topuniversities", "2", **right)
    assert link_records([a, b]).clusters == [[a.ref, b.ref]]


def test_one_portal_lists_two_courses_when_its_titles_print_a_difference():
    a = rec("findamasters", "1", title="Epidemiology (MSc)")
    b = rec("findamasters", "2", title="Epidemiology (Distance Learning) (MSc/PGDip/PGCert)")
    c = rec("educations.com", "3", title="MSc Epidemiology")  # either of them: links to neither
    f = rec("educations.com", "6", title="Master in Management")
    g = rec("educations.com", "7", title="Master in Management (part time)")
    assert link_records([f, g]).clusters == [[f.ref], [g.ref]]
    d = rec("educations.com", "4", title="Master of Clinical Audiology")
    e = rec("educations.com", "5", title="Master of Clinical Audiology and Doctor of Philosophy")
    assert link_records([a, b, c, d, e]).clusters == sorted([[a.ref], [b.ref], [c.ref], [d.ref], [e.ref]])


def test_a_campus_the_title_prints_is_compared():
    a = rec("findamasters", "1", title="Information Management (Brussels)", university="KU Leuven", city="Leuven",
            country="BE")
    b = rec("topuniversities", "2", title="Information Management", university="KU Leuven", city="Leuven", country="BE")
    c = rec("studyportals", "3", title="Information Management", university="KU Leuven", country="BE")
    result = link_records([a, b, c])
    assert result.clusters == [[a.ref], [c.ref], [b.ref]]  # c, without a city, could be either: it links to neither
    assert any("conflict" in " ".join(p.reasons) for p in result.review if c.ref in (p.left, p.right))


def test_title_parts():
    assert title_parts("Data Science (Online Learning)").mode == "online"
    assert title_parts("Data Science (Blended)").mode == "blended"
    assert title_parts("Nursing (Dumfries Campus)").place == "dumfries"
    assert title_parts("MSc FinTech - Coventry University Campus").place is None
    assert title_parts("Data Science (with an industrial placement year) - MSc").edition == {"placement"}
    assert title_parts("Master Programme (Two Year) in Textile Technology").edition == {"years:2"}
    assert title_parts("MSc Coventry FinTech - Coventry University Campus").text == "coventry fintech"
    assert title_parts("Erasmus Mundus Master in Imaging (Ghent et al)").text == "imaging"


def test_review_is_bounded_per_record():
    """Sixty near-identical titles at one university: review grows with the records, not with their pairs."""
    records = [rec(source, f"{source}{i}", title=f"Data Science Topic{i:02d} Studies", degree=degree)
               for i in range(30) for source, degree in (("findamasters", "MSc"), ("topuniversities", "MA"))]
    settings = LinkSettings(review_per_record=2)
    result = link_records(records, settings)
    seen: dict[str, int] = {}
    for pair in result.review:
        seen[pair.left] = seen.get(pair.left, 0) + 1
        seen[pair.right] = seen.get(pair.right, 0) + 1
    assert max(seen.values()) <= 2 and result.review_left_out > 0


def test_settings_round_trip_through_json():
    settings = LinkSettings(match_threshold=0.9, vetoes=("degree", "campus"), same_source="never")
    data = json.loads(json.dumps(settings.to_dict()))
    assert LinkSettings.from_dict(data) == settings
    assert LinkSettings.from_dict(LinkSettings().to_dict()) == LinkSettings()


@pytest.mark.parametrize("bad", [
    dict(match_threshold=-1), dict(review_threshold=0.95, match_threshold=0.9), dict(vetoes=("colour",)),
    dict(blocking_rules=()), dict(same_source="sometimes"), dict(max_block_size=1), dict(token_edits=9),
    dict(review_per_record=-1), dict(match_threshold="high"), dict(same_place_km=1000),
])
def test_bad_settings_raise_a_clear_error(bad):
    with pytest.raises(ValueError, match="bad LinkSettings"):
        LinkSettings(**bad)


def test_unknown_setting_in_a_dict_raises():
    with pytest.raises(ValueError, match="unknown settings"):
        LinkSettings.from_dict({"match_treshold": 0.9})


def test_link_eval_command_scores_listings_given_as_csv(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    columns = "source,source_key,title,university,city,country,degree,level,duration_months,ects,study_mode,pace,languages,evidence"
    (tmp_path / "records.csv").write_text(columns + "\n"
        "findamasters,1,Data Analytics MSc,University of Glasgow,Glasgow,United Kingdom,MSc,master,12,,on_campus,full_time,,\n"
        "studyportals,2,Data Analytics,The University of Glasgow,,United Kingdom,MSc,master,12,,,,,\n"
        "studyportals,3,Data Analytics,University of Glasgow,,United Kingdom,MA,master,12,,,,,\n", encoding="utf-8")
    (tmp_path / "truth.csv").write_text("source,source_key,programme\nfindamasters,1,a\nstudyportals,2,a\nstudyportals,3,b\n",
                                        encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "link-eval", "--records",
                           str(tmp_path / "records.csv"), "--truth", str(tmp_path / "truth.csv"), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["precision"], result["recall"], result["truth_pairs"]) == (1.0, 1.0, 1)
    missing = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "link-eval", "--records",
                              str(tmp_path / "nope.csv"), "--truth", str(tmp_path / "truth.csv")],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert missing.returncode == 2 and "no such file" in missing.stderr
