"""The data package: schemas from the one field list, valid per frictionless, canonical bytes."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from build_scripts import package, records
from build_scripts.fields import REPLY_FIELDS, TABLES, Table, record_fields
from build_scripts.paths import Paths
from tests.conftest import copy_inputs

TABLE_NAMES = ["replies", "proposals", "sections", "notes", "evidence", "commitments", "figures", "thread_decisions", "threads", "topics", "reply_topics", "regions", "sessions", "answer_periods", "category_schemes",
               "categories"]


def descriptor(built: Paths) -> dict:
    return json.loads((built.site / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_tables(built: Paths) -> None:
    assert [r["name"] for r in descriptor(built)["resources"]] == TABLE_NAMES


def test_package_metadata(built: Paths) -> None:
    meta = descriptor(built)
    for key in ("name", "title", "licenses", "sources", "version"):
        assert meta[key], key
    assert meta["version"].count(".") == 2


def test_replies_columns_are_the_record_fields(built: Paths) -> None:
    schema = descriptor(built)["resources"][0]["schema"]
    names = [f["name"] for f in schema["fields"]]
    assert names == [f.name for f in REPLY_FIELDS if f.kind != "objects"]
    issue_fields = ["proposal_kind", "assembly", "term", "session_no", "proposal_number", "proposers", "proposer_role",
                    "proposal_title", "agency", "region_name", "region_code", "doc_number", "reply_date",
                    "published_date", "category", "disclosure", "signer", "contact_name", "contact_phone", "cc",
                    "source_url", "index_number", "id"]
    assert set(issue_fields) <= set(names)


def test_every_field_has_chinese_title_description_and_type(built: Paths) -> None:
    for resource in descriptor(built)["resources"]:
        for field in resource["schema"]["fields"]:
            assert any("\u4e00" <= c <= "\u9fff" for c in field["title"]), (resource["name"], field["name"])
            assert field["description"] and field["type"] in {"string", "integer", "date"}
        assert resource["schema"]["primaryKey"]


def test_schema_constraints_come_from_the_field_list(built: Paths) -> None:
    fields = {f["name"]: f for f in descriptor(built)["resources"][0]["schema"]["fields"]}
    assert fields["proposal_kind"]["constraints"]["enum"] == ["建议", "议案", "提案"]
    assert fields["region_code"]["constraints"]["pattern"] == "[1-8][0-9]{5}"
    assert fields["reply_date"]["type"] == "date"
    assert fields["term"]["type"] == "integer" and fields["term"]["constraints"]["required"] is False
    assert fields["agency"]["constraints"]["required"] is True
    assert {f.name for f in record_fields()} <= set(fields) | {f.name for f in record_fields() if f.kind == "objects"}


def test_foreign_keys(built: Paths) -> None:
    resources = {r["name"]: r for r in descriptor(built)["resources"]}
    fks = resources["sections"]["schema"]["foreignKeys"]
    assert fks == [{"fields": ["reply_id"], "reference": {"resource": "replies", "fields": ["id"]}}]
    assert resources["reply_topics"]["schema"]["primaryKey"] == ["reply_id", "topic_id"]


def test_frictionless_cli_reports_valid(built: Paths) -> None:
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", "--json", "datapackage.json"], cwd=built.site / "data",
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"] is True, result.stdout[:2000]


def test_csv_is_canonical(built: Paths) -> None:
    for name in TABLE_NAMES:
        data = (built.site / "data" / f"{name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        text = data.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        table = next(t for t in TABLES if t.name == name)
        keys = [tuple(row[rows[0].index(k)] for k in table.primary_key) for row in rows[1:]]
        numeric = [tuple(int(v) if v.isdigit() and k == "position" else v for k, v in zip(table.primary_key, key))
                   for key in keys]
        assert numeric == sorted(numeric), name
        assert text.endswith("\n")


def test_sections_rows_match_records(built: Paths) -> None:
    dataset = records.load(built)
    rows = list(csv.DictReader(io.StringIO((built.site / "data" / "sections.csv").read_text(encoding="utf-8"))))
    assert len(rows) == sum(len(r["sections"]) for r in dataset.replies)
    first = next(r for r in rows if r["reply_id"] == "530112-2020-yian-001" and r["position"] == "2")
    assert first["heading"] == "一、基本情况" and first["level"] == "1"


def test_lists_are_joined_with_dunhao(built: Paths) -> None:
    rows = list(csv.DictReader(io.StringIO((built.site / "data" / "replies.csv").read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["id"] == "530112-2020-yian-001")
    assert row["cc"] == "区人大常委会人事代表工委、区政府办公室"


def test_package_hashes_match_files(built: Paths) -> None:
    import hashlib

    for resource in descriptor(built)["resources"]:
        data = (built.site / "data" / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_invalid_package_fails_the_build(tmp_path: Path) -> None:
    """The build's own frictionless validation catches what the record checks cannot."""
    from build_scripts.problems import BuildError

    paths = copy_inputs(tmp_path / "repo")
    dataset = records.load(paths)
    out = tmp_path / "data"
    package.write(dataset, paths, out)
    (out / "replies.csv").write_text((out / "replies.csv").read_text(encoding="utf-8").replace(",A,", ",Z,", 1),
                                     encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        package.validate(out / "datapackage.json", paths.root)
    assert "foreign-key" in str(caught.value) or "hash" in str(caught.value)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    from build_scripts import site

    trees = []
    for name in ("a", "b"):
        paths = copy_inputs(tmp_path / name)
        site.build(paths)
        trees.append({p.relative_to(paths.site).as_posix(): p.read_bytes() for p in paths.site.rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    different = [k for k in trees[0] if trees[0][k] != trees[1][k]]
    assert different == []


def _pandas_csv(table: Table, rows: list[dict]) -> bytes:
    """How the canonical CSV was written before issue #4 (pandas): released packages hash these bytes."""
    import pandas as pd

    columns = [f.name for f in table.fields]
    frame = pd.DataFrame([[package.cell(r.get(c)) for c in columns] for r in rows], columns=columns, dtype="string")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def test_csv_bytes_are_what_pandas_wrote_for_the_seeds(built: Paths) -> None:
    rows = package.table_rows(records.load(built))
    for table in TABLES:
        assert package.csv_bytes(table, rows[table.name]) == _pandas_csv(table, rows[table.name]), table.name


def test_csv_bytes_quote_like_pandas_on_awkward_cells() -> None:
    table = next(t for t in TABLES if t.name == "topics")
    awkward = ['a,b', 'say "hi"', "two\nlines", "cr\r\nlf", " padded ", "", "、", "=1+1", "'quote", "tab\there", "#"]
    rows: list[dict[str, object]] = [{f.name: awkward[(i + j) % len(awkward)] for j, f in enumerate(table.fields)}
                                     for i in range(len(awkward))]
    rows.append({f.name: None for f in table.fields})
    rows.append({f.name: ["x", "y"] for f in table.fields})
    assert package.csv_bytes(table, rows) == _pandas_csv(table, rows)


def test_write_without_check_leaves_validation_to_the_caller(scratch: Paths, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from build_scripts.problems import BuildError

    dataset = records.load(scratch)
    checked = package.write(dataset, scratch, tmp_path / "checked")

    def refuse(*_: object) -> None:
        raise BuildError("validated")

    monkeypatch.setattr(package, "validate", refuse)
    assert package.write(dataset, scratch, tmp_path / "unchecked", check=False) == checked
    for name in [r["path"] for r in checked["resources"]] + ["datapackage.json"]:
        assert (tmp_path / "unchecked" / name).read_bytes() == (tmp_path / "checked" / name).read_bytes()
    with pytest.raises(BuildError, match="validated"):
        package.write(dataset, scratch, tmp_path / "again")


def test_rows_come_in_key_order_reply_by_reply_whatever_order_the_replies_are_in(built: Paths) -> None:
    """``package.rows`` makes a table reply by reply (never whole) and must give what sorting the whole table
    by its primary key gives, even when the dataset's replies are not in id order."""
    dataset = records.load(built)
    shuffled = dataclasses.replace(dataset, replies=tuple(reversed(dataset.replies)))
    for table in TABLES:
        def key(row: dict[str, object], table: Table = table) -> tuple[tuple[int, object], ...]:
            return tuple((0, row[k]) if isinstance(row[k], int) else (1, str(row[k])) for k in table.primary_key)

        made = list(package.rows(shuffled, table))
        assert made == sorted(made, key=key), table.name
        assert made == list(package.rows(dataset, table)), table.name
    sections = list(package.rows(shuffled, next(t for t in TABLES if t.name == "sections")))
    assert {r["reply_id"] for r in sections} == {r.id for r in dataset.replies}
    assert [r["position"] for r in sections if r["reply_id"] == sections[0]["reply_id"]][:3] == [1, 2, 3]
