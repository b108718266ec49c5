"""The typed outputs open with their types (sqlite3, pyarrow, openpyxl, DuckDB when installed), agree with the
CSV row for row, keep accents, and the CSV can leave last_seen out. The mirror is a black box: only "same ids"
and "N rows = N programmes in JSON" are asserted."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import MIRROR

from output.columns import COLUMNS
from output.tables import read_csv
from programme_scout.pipeline import run
from programme_scout.settings import PublishSettings, Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def latest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("outputs") / "data"
    code, _ = run(Settings(offline=True, mirror_dir=MIRROR, data_dir=data, workers=1))
    assert code == 0
    return data / "latest"


def test_csv_json_and_jsonl_agree(latest: Path):
    rows = read_csv(latest / "programmes.csv")
    records = json.loads((latest / "programmes.json").read_text(encoding="utf-8"))  # streamed, still one array
    lines = [json.loads(line) for line in (latest / "programmes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records == lines and len(rows) == len(records) > 0
    assert [r["programme_id"] for r in rows] == [r["programme_id"] for r in records]


def test_sqlite_has_typed_tables(latest: Path):
    db = sqlite3.connect(latest / "programmes.sqlite")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"programmes", "conflicts", "review", "changes", "runs"} <= tables
    declared = {row[1]: row[2] for row in db.execute("PRAGMA table_info(programmes)")}
    expected = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "BOOLEAN", "date": "DATE",
                "datetime": "TEXT"}
    assert declared == {c.name: expected[c.table_type] for c in COLUMNS}
    rows = read_csv(latest / "programmes.csv")
    assert db.execute("SELECT count(*) FROM programmes").fetchone()[0] == len(rows)
    for column in COLUMNS:  # stored values have the column's type, never text standing for a number
        kinds = {k for (k,) in db.execute(f'SELECT DISTINCT typeof("{column.name}") FROM programmes')} - {"null"}
        allowed = {"string": {"text"}, "date": {"text"}, "datetime": {"text"}, "integer": {"integer"}, "number": {"real"},
                   "boolean": {"integer"}}[column.table_type]
        assert kinds <= allowed, (column.name, kinds)
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM changes WHERE change = 'added'").fetchone()[0] == len(rows)


def test_duckdb_reads_the_sqlite_database(latest: Path):
    duckdb = pytest.importorskip("duckdb", reason="DuckDB is not installed")
    con = duckdb.connect(config={"autoinstall_known_extensions": False})  # never a download from a test
    try:
        con.execute(f"ATTACH '{latest / 'programmes.sqlite'}' AS scout (TYPE sqlite)")
    except Exception as exc:  # the sqlite extension is installed separately: without it, nothing to check
        pytest.skip(f"DuckDB's sqlite extension is unavailable: {exc}")
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_catalog = 'scout' AND table_name = 'programmes'").fetchall())
    assert types["duration_months"] == "BIGINT" and types["first_seen"] == "DATE"


def test_parquet_has_arrow_types(latest: Path):
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    table = pq.read_table(latest / "programmes.parquet")
    expected = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
                "date": pa.date32(), "datetime": pa.timestamp("ms", tz="UTC")}
    assert [(f.name, f.type) for f in table.schema] == [(c.name, expected[c.table_type]) for c in COLUMNS]
    rows = read_csv(latest / "programmes.csv")
    assert table.num_rows == len(rows)
    assert table.column("programme_id").to_pylist() == [r["programme_id"] for r in rows]


def test_xlsx_keeps_accents_and_types(latest: Path):
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(latest / "programmes.xlsx", read_only=True)["programmes"]
    values = list(sheet.values)
    header, body = list(values[0]), values[1:]
    rows = read_csv(latest / "programmes.csv")
    assert header == [c.name for c in COLUMNS] and len(body) == len(rows)
    for row, csv_row in zip(body, rows):
        record = dict(zip(header, row))
        assert record["title"] == csv_row["title"]  # the same text, accents included
        assert record["university"] == (csv_row["university"] or None)
        for column in COLUMNS:
            value = record[column.name]
            if value is not None and column.table_type in ("integer", "number"):
                assert isinstance(value, (int, float)), column.name
            if value is not None and column.table_type == "boolean":
                assert isinstance(value, bool)


def test_xlsx_text_is_never_a_formula(tmp_path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    from output.xlsx import write_xlsx

    write_xlsx(tmp_path / "x.xlsx", ["programme_id", "title"], [{"programme_id": "p1", "title": "=1+1 Université"}])
    cell = openpyxl.load_workbook(tmp_path / "x.xlsx")["programmes"]["B2"]
    assert cell.data_type == "s" and cell.value == "=1+1 Université"


def test_datapackage_validates_without_last_seen(tmp_path: Path):
    """[publish] csv_last_seen = false: the CSV and its schema leave it out; frictionless still validates."""
    from frictionless import validate

    data = tmp_path / "data"
    settings = Settings(offline=True, mirror_dir=MIRROR, data_dir=data, workers=1,
                        publish=PublishSettings(csv_last_seen=False), sources=("studyportals",))
    assert run(settings)[0] == 0
    header = (data / "latest" / "programmes.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "last_seen" not in header and "first_seen" in header
    report = validate(data / "latest" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    db = sqlite3.connect(data / "history.sqlite")  # the history still knows the date
    assert db.execute("SELECT count(*) FROM programmes WHERE last_seen IS NOT NULL").fetchone()[0] > 0


def test_changes_name_each_programme(tmp_path: Path):
    from output.diff import compare, render_detail, write_changes

    old = [{"programme_id": "a", "title": "Data Science", "university": "Université de Lyon", "country": "FR",
            "ects": "120", "last_seen": "2026-11-24"},
           {"programme_id": "b", "title": "Law", "university": "U", "country": "DE", "ects": "", "last_seen": "2026-11-24"}]
    new = [{**old[0], "ects": "90", "last_seen": "2026-11-25"},
           {"programme_id": "c", "title": "Art", "university": "V", "country": "IT", "ects": "60", "last_seen": "2026-11-25"}]
    diff = compare(old, new)
    write_changes(diff, tmp_path)
    rows = read_csv(tmp_path / "changes.csv")
    assert rows[0].keys() >= {"programme_id", "title", "university", "country", "change", "field", "old", "new"}
    changed = next(r for r in rows if r["change"] == "changed")
    assert (changed["title"], changed["university"], changed["country"], changed["old"], changed["new"]) == (
        "Data Science", "Université de Lyon", "FR", "120", "90")
    text = render_detail(diff)
    assert '1 row changed\n\n  programme_id: a\n  title: Data Science\n' in text and 'ects: "120" => "90"' in text
    assert "1 row added" in text and "title: Art" in text and "1 row removed" in text and "title: Law" in text


def test_duckdb_reads_the_parquet_with_types(latest: Path):
    duckdb = pytest.importorskip("duckdb", reason="DuckDB is not installed")
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{latest / 'programmes.parquet'}')").fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert types["ects"] == "BIGINT" and types["ielts_min"] == "DOUBLE" and types["stale"] == "BOOLEAN"
    assert types["first_seen"] == "DATE" and types["title"] == "VARCHAR"


def test_parquet_leaves_a_mistyped_cell_empty(tmp_path: Path):
    pq = pytest.importorskip("pyarrow.parquet")
    from output.parquet import write_parquet

    columns = ["programme_id", "ects", "first_seen", "stale"]
    write_parquet(tmp_path / "p.parquet", columns, [{"programme_id": "a", "ects": "120", "first_seen": "2026-11-24",
                                                     "stale": "false"},
                                                    {"programme_id": "b", "ects": "about 90", "first_seen": "soon",
                                                     "stale": "false"}])
    table = pq.read_table(tmp_path / "p.parquet").to_pylist()
    assert [r["ects"] for r in table] == [120, None] and table[1]["first_seen"] is None
    write_parquet(tmp_path / "empty.parquet", columns, [])
    assert pq.read_table(tmp_path / "empty.parquet").schema.names == columns
