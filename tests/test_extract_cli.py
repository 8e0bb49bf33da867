"""Issue #3: `portal extract` and `portal add` through their real entry point, and `add` on a scratch repo."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from build_scripts import add, records
from build_scripts.fields import record_fields
from build_scripts.paths import REPO_ROOT, Paths
from tests.conftest import SEED_IDS
from tests.extract_corpus.corpus import LETTERS

SEED = REPO_ROOT / "datasets" / "replies" / "530111-2023-tian-102114" / "letter.txt"
DOCX = LETTERS / "03-docx-joint-names.docx"
PDF = LETTERS / "05-pdf-linebreaks.pdf"


def portal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_extract_json_in_input_order_with_evidence() -> None:
    run = portal("extract", str(SEED), str(DOCX), "--format", "json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert [o["file"] for o in out] == [str(SEED), str(DOCX)]
    first = out[0]
    for key in ("proposal_kind", "assembly", "term", "session_no", "session", "proposal_number", "proposers",
                "proposer_role", "proposal_title", "agency", "region_code", "doc_number", "reply_date",
                "published_date", "category", "disclosure", "signer", "contact_name", "contact_phone", "cc",
                "index_number", "sections", "warnings", "evidence", "text"):
        assert key in first
    assert first["reply_date"] == "2023-05-31"
    start, end = first["evidence"]["reply_date"]
    assert first["text"][start:end] == "2023531"
    start, end = first["evidence"]["agency"]
    assert first["text"][start:end] == "昆明市官渡区民政局"


def test_unreadable_file_gives_an_error_object_and_exit_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a pdf")
    missing = tmp_path / "missing.txt"
    run = portal("extract", str(broken), str(SEED), str(missing))
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert [o["file"] for o in out] == [str(broken), str(SEED), str(missing)]
    assert set(out[0]) == {"file", "error"} and "PDF" in out[0]["error"]
    assert out[1]["proposal_number"] == "102114"
    assert "cannot read the file" in out[2]["error"]
    assert f"portal extract: {missing}: cannot read the file" in run.stderr


def test_extract_yaml_is_the_draft_record_in_field_order() -> None:
    run = portal("extract", str(PDF), "--format", "yaml")
    assert run.returncode == 0, run.stderr
    import yaml

    record = yaml.safe_load(run.stdout)
    assert list(record) == [f.name for f in record_fields()]
    assert record["id"] == "530000-2023-jianyi-0312"
    assert record["raw_file"] == "letter.pdf" and record["raw_format"] == "pdf"
    assert record["raw_sha256"] == hashlib.sha256(PDF.read_bytes()).hexdigest()
    evidence = {e["field"]: e["quote"] for e in record["evidence"]}
    assert evidence["doc_number"] == "云民函〔2023〕21号"
    assert evidence["assembly"] == "省十四届人大"


def test_cli_add_reports_a_duplicate_and_writes_nothing() -> None:
    before = sorted(p.name for p in (REPO_ROOT / "datasets" / "replies").iterdir())
    run = portal("add", str(SEED))
    assert run.returncode == 1
    assert "not added: already in the collection: 530111-2023-tian-102114 keeps the same letter" in run.stdout
    assert "found:" in run.stdout and "not found" in run.stdout and "repaired:" in run.stdout
    assert sorted(p.name for p in (REPO_ROOT / "datasets" / "replies").iterdir()) == before


def test_cli_add_rejects_a_bad_retrieved_date() -> None:
    run = portal("add", str(PDF), "--retrieved", "2023-02-30")
    assert run.returncode == 1
    assert "--retrieved '2023-02-30' is not a date; write it as YYYY-MM-DD" in run.stdout


def test_add_keeps_bytes_and_sha256(scratch: Paths) -> None:
    result = add.add(scratch, DOCX, url="https://example.gov.cn/a.html", retrieved="2024-01-02")
    assert result.written, result.errors
    folder = scratch.reply_dir("530111-2021-tian-091")
    assert result.folder == folder
    assert (folder / "letter.docx").read_bytes() == DOCX.read_bytes()
    import yaml

    record = yaml.safe_load((folder / "reply.yaml").read_text(encoding="utf-8"))
    assert record["raw_sha256"] == hashlib.sha256(DOCX.read_bytes()).hexdigest()
    assert record["source_url"] == "https://example.gov.cn/a.html" and record["retrieved_date"] == "2024-01-02"
    assert record["doc_number"] == "官民函[2021]33号"


def test_add_refuses_to_overwrite_without_force(scratch: Paths) -> None:
    assert add.add(scratch, PDF).written
    record = scratch.reply_record("530000-2023-jianyi-0312")
    record.write_text(record.read_text(encoding="utf-8") + "# reviewed by hand\n", encoding="utf-8")
    again = add.add(scratch, PDF)
    assert not again.written
    assert any("already exists; use --force" in e for e in again.errors)
    assert record.read_text(encoding="utf-8").endswith("# reviewed by hand\n")
    forced = add.add(scratch, PDF, force=True)
    assert forced.written
    assert not record.read_text(encoding="utf-8").endswith("# reviewed by hand\n")


def test_add_reports_same_proposal_from_another_copy(scratch: Paths, tmp_path: Path) -> None:
    copy = tmp_path / "mirror.txt"
    copy.write_bytes(SEED.read_bytes() + "\n（转载）\n".encode())
    result = add.add(scratch, copy)
    assert not result.written
    assert result.duplicates == [("530111-2023-tian-102114 answers the same proposal "
                                 "(same assembly, session, number and agency)")]


def test_add_without_an_id_is_refused(scratch: Paths) -> None:
    result = add.add(scratch, LETTERS / "16-text-missing-parts.txt")
    assert not result.written
    assert result.errors[0].startswith("cannot make an id")
    assert "title" in result.missing and result.found["proposal_title"] == "关于加强社区心理服务的建议"


def test_added_draft_validates_when_the_letter_says_everything(scratch: Paths) -> None:
    result = add.add(scratch, LETTERS / "12-text-category-glued.txt")
    assert result.written
    dataset = records.load(scratch)
    mine = [p for p in dataset.report.problems if "530000-2022-tian-0211" in p.file]
    assert mine == []


@pytest.mark.parametrize("folder", [REPO_ROOT / "datasets" / "replies" / s for s in sorted(SEED_IDS)], ids=lambda p: p.name)
def test_seed_evidence_is_what_the_extractor_confirms(folder: Path) -> None:
    """The evidence in each seed record is the extractor's spans whose value equals the hand-read value."""
    import yaml

    record = yaml.safe_load((folder / "reply.yaml").read_text(encoding="utf-8"))
    assert record["evidence"], "seed without evidence"
    assert record["evidence"] == add.confirmed_evidence(Paths(), folder)


def test_add_names_the_raw_file_by_what_it_is(scratch: Paths, tmp_path: Path) -> None:
    nameless = tmp_path / "download"
    nameless.write_bytes(PDF.read_bytes())
    result = add.add(scratch, nameless)
    assert result.written
    assert result.record["raw_file"] == "letter.pdf"
    assert (scratch.reply_dir("530000-2023-jianyi-0312") / "letter.pdf").read_bytes() == PDF.read_bytes()
