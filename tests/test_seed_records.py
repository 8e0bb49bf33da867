"""The five seed records against their letters: values read by hand must stand in the letters."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from build_scripts import records, topics, yamlio
from build_scripts.paths import Paths
from build_scripts.textnorm import normalise
from tests.conftest import SEED_IDS, SEEDS

PATHS = Paths()

# Field by field, as read from each letter (the records must say exactly this).
EXPECTED = {
    "530112-2020-yian-001": dict(
        proposal_kind="议案", assembly="昆明市西山区人民代表大会", term=16, session_no=4, proposal_number="001",
        proposers=["陆林"], proposer_role="代表", agency="昆明市西山区民政局", region_code="530112",
        doc_number="西民函〔2020〕21号", reply_date="2020-11-20", published_date=None, category="A",
        disclosure="公开", signer=None, contact_name="李淳", contact_phone="68220583",
        cc=["区人大常委会人事代表工委", "区政府办公室"], index_number=None, source_url=None),
    "530000-2021-tian-0079": dict(
        proposal_kind="提案", assembly="政协云南省委员会", term=12, session_no=4, proposal_number="0079",
        proposers=["九三学社云南省委"], proposer_role="组织", agency="云南省民政厅", region_code="530000",
        doc_number="云民发〔2021〕118号", reply_date="2021-05-28", published_date="2021-06-04", category="A",
        disclosure="公开", signer=None, contact_name="张筱兰", contact_phone="0871-65732120、18587208612",
        cc=["省政府办公厅", "省政协提案委员会"], index_number="5300000161102/20210020", source_url=None),
    "530111-2023-tian-102114": dict(
        proposal_kind="提案", assembly="政协昆明市官渡区委员会", term=10, session_no=2, proposal_number="102114",
        proposers=["王丽芬"], proposer_role="委员", agency="昆明市官渡区民政局", region_code="530111",
        doc_number=None, reply_date="2023-05-31", published_date="2023-06-16", category=None,
        disclosure=None, signer=None, contact_name="敖华", contact_phone="0871-67210221", cc=[],
        index_number="015117762-202306-707714", source_url=None),
    "610102-2023-jianyi-11": dict(
        proposal_kind="建议", assembly="西安市新城区人民代表大会", term=19, session_no=2, proposal_number="11",
        proposers=["陈军"], proposer_role="代表", agency="西安市新城区民政局", region_code="610102",
        doc_number="新民函函〔2023〕108号", reply_date="2023-04-26", published_date=None, category="B",
        disclosure=None, signer="朱增理", contact_name=None, contact_phone=None, cc=[], index_number=None,
        source_url=None),
    "530100-2023-tian-142282": dict(
        proposal_kind="提案", assembly="政协昆明市委员会", term=None, session_no=None, proposal_number="142282",
        proposers=["梁源原"], proposer_role="委员", agency="昆明市民政局", region_code="530100",
        doc_number=None, reply_date="2023-05-25", published_date=None, category=None, disclosure=None,
        signer=None, contact_name="木青", contact_phone="0871-63179789", cc=[], index_number=None,
        source_url=None),
}


def _record(reply_id: str) -> dict:
    return yamlio.load(PATHS.reply_record(reply_id).read_text(encoding="utf-8")).data


def _letter(reply_id: str) -> str:
    record = _record(reply_id)
    return (PATHS.reply_dir(reply_id) / record["raw_file"]).read_text(encoding="utf-8")


def test_the_five_seeds_are_in_the_collection() -> None:
    """Issue 12: the seeds are named; other records may sit beside them."""
    assert sorted(EXPECTED) == sorted(SEED_IDS)
    assert all(PATHS.reply_record(reply_id).is_file() for reply_id in SEED_IDS)


def test_seed_records_are_valid(seeds_repo: Paths) -> None:
    dataset = records.load(seeds_repo)
    assert dataset.report.errors == ()
    assert [r.id for r in dataset.replies] == sorted(EXPECTED)


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_fields_as_read_from_the_letter(reply_id: str) -> None:
    record = _record(reply_id)
    for field, value in EXPECTED[reply_id].items():
        assert record[field] == value, field


SEED_LETTERS = {  # reply -> (file in shared/seeds, its sha256), read off the seeds once
    "530112-2020-yian-001": ("000_7277e7e265d0bf28.txt", "679c7f067046b588c46c3274d63ba9ace3c5962a4a654ea33cd677a5b957cb95"),
    "530000-2021-tian-0079": ("001_fa2a3990dfbdb31e.txt", "34309dc1d7e991ade4094670198da4a686cc7fdaae06d47fde22c504f3b01a7e"),
    "530111-2023-tian-102114": ("002_aa8be4c909c4f0d9.txt", "9d5a5d8f099d3d135a729b94fddc86c1d340f8f483911ab0022e5c94ddabba8f"),
    "610102-2023-jianyi-11": ("003_1c287ac07f1839c9.txt", "17a72e58eba4ec65b4b7bdb8b0581d8d6b3781d1bf21f77f2613a9c3a0d35e95"),
    "530100-2023-tian-142282": ("004_73a9ccdeb8283676.txt", "9c9ada4a40d313769563e15433bd00aa53dd2c9a5cb87bf6123f0220ee37ae49"),
}


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_raw_letter_has_the_seed_sha256(reply_id: str) -> None:
    """Runs in any clone: the kept letter hashes to the seed's sha256, and the record says so."""
    record = _record(reply_id)
    raw = (PATHS.reply_dir(reply_id) / record["raw_file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SEED_LETTERS[reply_id][1] == record["raw_sha256"]


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_raw_letter_is_the_seed_byte_for_byte(reply_id: str) -> None:
    """Where the shared seeds sit beside the repo (as in CI): the same bytes, and one seed each."""
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not beside this clone (CI clones the repo beside shared/)")
    record = _record(reply_id)
    raw = (PATHS.reply_dir(reply_id) / record["raw_file"]).read_bytes()
    seed = [p for p in SEEDS.iterdir() if hashlib.sha256(p.read_bytes()).hexdigest() == record["raw_sha256"]]
    assert len(seed) == 1, "the record's sha256 names exactly one seed letter"
    assert seed[0].name == SEED_LETTERS[reply_id][0]
    assert raw == seed[0].read_bytes()


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_values_stand_in_the_letter(reply_id: str) -> None:
    """Every verbatim value occurs in the letter (spaces and width folded)."""
    letter = normalise(_letter(reply_id))
    record = _record(reply_id)
    verbatim = [record["title"], record["doc_number"], record["proposal_number"], record["signer"],
                record["contact_name"], record["index_number"], *record["proposers"], *record["cc"]]
    for value in filter(None, verbatim):
        assert normalise(value) in letter, value
    for phone in filter(None, (record["contact_phone"] or "").split("、")):
        assert normalise(phone) in letter, phone
    if record["proposal_title"]:
        assert normalise(record["proposal_title"]) in letter


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_sections_are_the_letter_text_cleaned(reply_id: str) -> None:
    """Cleaning removes damage, never adds text: each paragraph stands in the letter."""
    letter = normalise(_letter(reply_id).replace("[bookmark: _GoBack]", ""))
    record = _record(reply_id)
    for section in record["sections"]:
        if section["heading"]:
            assert normalise(section["heading"]) in letter
        for paragraph in section["text"].split("\n\n"):
            assert normalise(paragraph) in letter, paragraph[:40]


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_boilerplate_and_artefacts_are_gone(reply_id: str) -> None:
    text = "\n".join(f"{s['heading'] or ''}\n{s['text']}" for s in _record(reply_id)["sections"])
    for junk in ("[bookmark", "ICP备", "主办单位", "公网安备", "浏览次数", "上一篇", "网站地图", "0871—6717373"):
        assert junk not in text
    if reply_id != "530112-2020-yian-001":  # 000 keeps the real space between two title phrases
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", text), "no spaces inside words"


def test_pdf_spaces_repaired_in_004() -> None:
    text = "".join(s["text"] for s in _record("530100-2023-tian-142282")["sections"])
    assert "提案收悉" in text and "“村改居”" in text and "综合窗口" in text
    assert "提案 收悉" not in text and "村 改居" not in text


def test_dropped_date_repair_is_noted() -> None:
    record = _record("530111-2023-tian-102114")
    assert record["reply_date"] == "2023-05-31"
    repair = [n for n in record["notes"] if n["field"] == "reply_date"]
    assert repair and repair[0]["kind"] == "repair" and repair[0]["original"] == "2023531"
    assert "2023531" in _letter("530111-2023-tian-102114")


def test_ambiguous_kind_of_000_is_a_recorded_decision() -> None:
    record = _record("530112-2020-yian-001")
    decision = [n for n in record["notes"] if n["field"] == "proposal_kind"]
    assert decision and decision[0]["kind"] == "decision" and decision[0]["value"] == "议案"


def test_cited_document_numbers_are_not_the_reply_doc_number() -> None:
    """002 cites 昆办通〔201849 and 官办通〔201839号 in its body; the reply itself has no 文号."""
    assert "官办通〔201839号" in _letter("530111-2023-tian-102114")
    assert _record("530111-2023-tian-102114")["doc_number"] is None


def test_footer_phone_is_not_the_contact() -> None:
    assert "0871—6717373" in _letter("530111-2023-tian-102114")
    assert _record("530111-2023-tian-102114")["contact_phone"] == "0871-67210221"


@pytest.mark.parametrize("reply_id", sorted(EXPECTED))
def test_topics_are_what_the_rules_assign(reply_id: str, seeds_repo: Paths) -> None:
    dataset = records.load(seeds_repo)
    reply = next(r for r in dataset.replies if r.id == reply_id)
    assert reply["topics"] == topics.assign(reply.data, dataset.vocab.topics)
    assert reply["topics"], "every seed is about community governance"


def test_records_carry_no_build_output(tmp_path: Path) -> None:
    """A build never rewrites records: hash every record file, build, hash again."""
    from build_scripts import site
    from tests.conftest import copy_inputs

    paths = copy_inputs(tmp_path / "repo")
    before = {p: p.read_bytes() for p in paths.datasets.rglob("*") if p.is_file()}
    site.build(paths)
    after = {p: p.read_bytes() for p in paths.datasets.rglob("*") if p.is_file()}
    assert before == after
