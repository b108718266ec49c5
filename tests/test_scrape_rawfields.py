"""Raw field names are a protocol with the normaliser: declared once (scrapers/rawfields.py); a typo fails loudly."""

from __future__ import annotations

import pytest

from scrapers.rawfields import RAW_FIELDS, UnknownRawField, check_name
from scrapers.records import RawFields, RawRecord


def test_declared_names_and_test_scores_pass():
    for name in RAW_FIELDS:
        assert check_name(name) == name
    assert check_name("test_score:TOEFL iBT®") == "test_score:TOEFL iBT®"


@pytest.mark.parametrize("name", ["tution", "tuition_eu", "Title", "test_score:", "test_score: ", "deadlines"])
def test_an_undeclared_name_is_rejected(name):
    with pytest.raises(UnknownRawField):
        check_name(name)
    with pytest.raises(UnknownRawField):
        RawFields()[name] = ["x"]
    with pytest.raises(UnknownRawField):
        RawFields().setdefault(name, [])
    with pytest.raises(UnknownRawField):
        RawRecord(source="s", source_key="k", url="u", fetched_at="", content_hash="", fields={name: ["x"]})


def test_the_normaliser_reads_every_declared_name_and_only_those():
    """Every declared name has an input in normalize/inputs.py or is read whole by the record builder (a name
    nobody reads is a silent loss), and every input reads a declared name."""
    from normalize.inputs import INPUTS, READ_WHOLE, input_for

    for name in RAW_FIELDS:
        assert input_for(name) is not None or name in READ_WHOLE, name
    assert input_for("test_score:IELTS") is not None
    for spec in INPUTS:
        assert check_name(spec.raw if spec.raw != "test_score:" else "test_score:IELTS")
    assert READ_WHOLE <= RAW_FIELDS


def test_old_raw_files_without_a_layout_still_load():
    record = RawRecord.from_dict({"source": "s", "source_key": "k", "url": "u", "fetched_at": "", "content_hash": "",
                                  "fields": {"title": ["T"]}})
    assert record.layout == "" and RawRecord.from_dict(record.to_dict()) == record


def test_a_record_from_a_parser_result_keeps_its_layout_and_a_plain_dict():
    fields = RawFields("studyportals/E3")
    fields["title"] = ["T"]
    record = RawRecord(source="s", source_key="k", url="u", fetched_at="", content_hash="", fields=fields)
    assert record.layout == "studyportals/E3" and type(record.fields) is dict
    assert record.to_dict()["layout"] == "studyportals/E3" and record.to_dict()["fields"] == {"title": ["T"]}
