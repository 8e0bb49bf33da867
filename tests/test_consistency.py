"""Issue 12: a record that contradicts itself is refused. Each test names the problem of the issue
it answers; the invalid corpus (tests/reliability/invalid/id-conflict--*, date-range--*,
stale-evidence--*) proves the build refuses them too."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from build_scripts import consistency, evidencecheck, records, vocab
from build_scripts.paths import Paths
from build_scripts.problems import Problem


def _edit(paths: Paths, reply_id: str, **changes: object) -> str:
    record = paths.reply_record(reply_id)
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data.update(changes)
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"datasets/replies/{reply_id}/reply.yaml"


def _problems(paths: Paths, file: str) -> list[Problem]:
    return [p for p in records.load(paths).report.problems if p.file == file]


def test_id_and_fields_must_agree(scratch: Paths) -> None:
    file = _edit(scratch, "530100-2023-tian-142282", proposal_number="142228", proposal_kind="议案",
                 region_code="530111", reply_date="2022-05-25")
    found = {(p.field, p.code) for p in _problems(scratch, file) if p.code == "id-conflict"}
    assert found == {("proposal_number", "id-conflict"), ("proposal_kind", "id-conflict"),
                     ("region_code", "id-conflict"), ("reply_date", "id-conflict")}


def test_id_conflict_says_what_the_id_says_and_how_to_fix_it(scratch: Paths) -> None:
    file = _edit(scratch, "530111-2023-tian-102114", proposal_number="101214")
    problem = next(p for p in _problems(scratch, file) if p.code == "id-conflict")
    assert problem.message == "proposal_number is '101214', but the id 530111-2023-tian-102114 says 102114"
    assert "copy the number exactly as the letter gives it" in problem.hint and problem.line > 0


def test_an_id_not_in_the_form_is_a_warning(scratch: Paths) -> None:
    folder = scratch.reply_dir("530112-2020-yian-001")
    shutil.move(folder, scratch.replies / "xishan-001")
    file = _edit(scratch, "xishan-001", id="xishan-001")
    assert [(p.code, p.severity) for p in _problems(scratch, file)] == [("id-form", "warning")]


@pytest.mark.parametrize(("changes", "field", "severity"), [
    ({"reply_date": "2018-05-15"}, "reply_date", "warning"),  # three years before publication: suspect
    ({"reply_date": "2002-05-14", "published_date": "2021-06-04"}, "reply_date", "error"),  # the typo
    ({"retrieved_date": "2030-01-01"}, "retrieved_date", "error"),
])
def test_dates_out_of_range(scratch: Paths, changes: dict[str, str], field: str, severity: str) -> None:
    file = _edit(scratch, "530000-2021-tian-0079", **{"published_date": "2021-06-04", **changes})
    ranges = [p for p in _problems(scratch, file) if p.code == "date-range"]
    assert [(p.field, p.severity) for p in ranges] == [(field, severity)]
    assert ranges[0].hint


def test_the_future_is_measured_from_today() -> None:
    data = {"reply_date": "2026-01-02", "published_date": None, "retrieved_date": None, "withdrawn_date": None}
    assert [p.code for p in consistency.check_dates(data, "f", {}, today=dt.date(2026, 1, 1))] == ["date-range"]
    assert list(consistency.check_dates(data, "f", {}, today=dt.date(2026, 1, 2))) == []


def test_a_reply_to_a_later_session_signed_long_before_an_earlier_one(scratch: Paths) -> None:
    shutil.copytree(scratch.reply_dir("530112-2020-yian-001"), scratch.reply_dir("530112-2019-yian-002"))
    file = _edit(scratch, "530112-2019-yian-002", id="530112-2019-yian-002", proposal_number="002", session_no=5,
                 reply_date="2019-03-01", evidence=[])
    orders = [p for p in _problems(scratch, file) if p.code == "date-order"]
    assert [(p.field, p.severity) for p in orders] == [("reply_date", "warning")]
    assert "530112-2020-yian-001 answers session 4 on 2020-11-20" in orders[0].message


def test_stale_evidence_is_an_error_that_says_update_or_drop(scratch: Paths) -> None:
    """Issue 12: agency corrected to 五家渠市民政局, the evidence still quoted 师市民政局, validate passed."""
    file = _edit(scratch, "610102-2023-jianyi-11", agency="西安市新城区人民政府")
    stale = [p for p in _problems(scratch, file) if p.code == "stale-evidence"]
    assert [p.field for p in stale] == ["evidence[12].quote"]  # the agency's span; region_code's still names 新城区
    assert stale[0].severity == "error" and "西安市新城区民政局" in stale[0].message
    assert "update the span" in stale[0].hint and "drop it" in stale[0].hint


def test_every_seed_evidence_span_gives_its_value(seeds_repo: Paths) -> None:
    assert not [p for p in records.load(seeds_repo).report.problems if p.code == "stale-evidence"]


@pytest.mark.parametrize(("field", "value", "quote", "ok"), [
    ("agency", "昆明市西山区民政局", "昆明市西山區民政局", True),  # a traditional mirror
    ("proposal_title", "完善社会化管理体系 优化社区治理能力", "完善社会化管理体系\n优化社区治理能力", True),
    ("proposers", ["陆林", "王芳"], "陆林代表", True),
    ("proposers", ["王芳"], "陆林代表", False),
    ("term", 16, "十六", True),
    ("term", 15, "十六", False),
    ("reply_date", "2020-11-20", "二〇二〇年十一月二十日", True),
    ("reply_date", "2023-05-31", "2023531", True),
    ("reply_date", "2023-05-30", "2023年5月31日", False),
    ("region_code", "530112", "西山区民政局", True),
    ("region_code", "530111", "西山区民政局", False),
    ("assembly", "政协昆明市委员会", "市政协", True),
    ("assembly", "昆明市人民代表大会", "市政协", False),
    ("proposer_role", "组织", "九三学社云南省委", True),
    ("proposer_role", "委员", "陆林代表", False),
    ("disclosure", "公开", "是", True),
    ("contact_phone", "0871-65732120、18587208612", "0871-65732120", True),
    ("signer", None, "朱增理", False),
    ("proposal_number", "412", "第0412号", False),
    ("proposal_number", "0412", "第0412号", True),
    ("category", "A", "办理类别：A类", True),
])
def test_the_evidence_rule(field: str, value: object, quote: str, ok: bool) -> None:
    vocabularies = vocab.load(Paths())[0]
    assert evidencecheck.supports(field, value, quote, vocabularies) is ok


def test_did_you_mean_a_topic_by_its_name_or_a_near_miss(scratch: Paths) -> None:
    """Issue 12: typing a topic's name (养老服务) instead of its id got no "did you mean yanglao-fuwu"."""
    file = _edit(scratch, "530112-2020-yian-001", topics=["养老服务", "sanshe-liandon"])
    hints = {p.field: p.hint for p in _problems(scratch, file) if p.code == "unknown-topic"}
    assert hints["topics[0]"].startswith("did you mean yanglao-fuwu (养老服务)?")
    assert hints["topics[1]"].startswith("did you mean sanshe-liandong")


def test_did_you_mean_the_region_the_agency_names(scratch: Paths) -> None:
    file = _edit(scratch, "530111-2023-tian-102114", region_code="530119")
    problem = next(p for p in _problems(scratch, file) if p.code == "unknown-region")
    assert problem.hint.startswith("did you mean 530111 (云南省昆明市官渡区)?")


def test_one_bad_date_gives_no_false_unused_vocab_warning(scratch: Paths) -> None:
    """Issue 12: one bad date also printed [unused-vocab] warnings for that record's regions."""
    file = _edit(scratch, "610102-2023-jianyi-11", reply_date="2023-02-30")
    report = records.load(scratch).report
    assert [p.code for p in report.problems if p.file == file] == ["bad-date"]
    assert not [p for p in report.problems if p.code == "unused-vocab" and "610" in p.message]


def test_unused_vocab_is_still_reported_beside_an_error(scratch: Paths) -> None:
    _edit(scratch, "610102-2023-jianyi-11", reply_date="2023-02-30")
    with (scratch.vocab / "topics.yaml").open("a", encoding="utf-8") as f:
        f.write("- id: kongzhi-zhuti\n  name: 空置主题\n  description: 无记录使用。\n  terms: [空置主题]\n  min_hits: 1\n")
    unused = [p.message for p in records.load(scratch).report.problems if p.code == "unused-vocab"]
    assert unused == ["topic kongzhi-zhuti (空置主题) is used by no record"]


def test_an_error_found_by_the_checks_gives_no_false_unused_vocab_warning(scratch: Paths) -> None:
    file = _edit(scratch, "610102-2023-jianyi-11", category="Z")
    report = records.load(scratch).report
    assert "unknown-category" in [p.code for p in report.problems if p.file == file]
    assert not [p for p in report.problems if p.code == "unused-vocab"]
