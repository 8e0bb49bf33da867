"""Issue 12: the collection grows. A new reply from a region, agency and topic the repo has never
seen validates and builds beside the seeds, and the tests' scratch repos stay small however many
records the live datasets/replies/ holds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from build_scripts import cli, records
from build_scripts.paths import Paths
from tests.conftest import SEED_IDS, copy_inputs

NEW_ID = "430104-2024-jianyi-0318"
LETTER = """长沙市岳麓区民政局
关于区十八届人大三次会议第0318号建议的答复

周明代表：
您提出的《关于推进社区老年协会规范化建设的建议》收悉，现答复如下：
一、基本情况
全区已有社区老年协会八十六个，会员一万二千余人。
二、下一步工作
我局将指导各街道完善老年协会章程，规范换届与财务公开。
感谢您对民政工作的关心和支持。

长沙市岳麓区民政局
2024年6月12日
"""

TOPIC = """
- id: laonian-xiehui
  name: 老年协会
  description: 社区老年协会的建设与规范管理。
  terms: [老年协会]
  min_hits: 2
"""


def add_new_reply(paths: Paths) -> None:
    """A valid record of a new region (湖南省长沙市岳麓区: a GB/T 2260 division, so nothing is added to
    regions.yaml), agency and topic, written by hand."""
    assert "430104" not in (paths.vocab / "regions.yaml").read_text(encoding="utf-8")
    with (paths.vocab / "topics.yaml").open("a", encoding="utf-8") as f:
        f.write(TOPIC)
    folder = paths.reply_dir(NEW_ID)
    folder.mkdir()
    raw = LETTER.encode("utf-8")
    (folder / "letter.txt").write_bytes(raw)
    seed = yaml.safe_load(paths.reply_record("530112-2020-yian-001").read_text(encoding="utf-8"))
    record = {**seed, "id": NEW_ID, "title": "关于区十八届人大三次会议第0318号建议的答复", "proposal_kind": "建议",
              "assembly": "长沙市岳麓区人民代表大会", "term": 18, "session_no": 3, "proposal_number": "0318",
              "proposers": ["周明"], "proposer_role": "代表", "proposal_title": "关于推进社区老年协会规范化建设的建议",
              "agency": "长沙市岳麓区民政局", "region_code": "430104", "doc_number": None, "reply_date": "2024-06-12",
              "published_date": None, "category": None, "disclosure": None, "signer": None, "contact_name": None,
              "contact_phone": None, "cc": [], "topics": ["laonian-xiehui"], "raw_file": "letter.txt",
              "raw_sha256": hashlib.sha256(raw).hexdigest(), "raw_format": "text", "retrieved_date": "2024-07-01",
              "sections": [
                  {"heading": None, "level": 0, "text": "周明代表：\n\n您提出的《关于推进社区老年协会规范化建设的建议》收悉，现答复如下："},
                  {"heading": "一、基本情况", "level": 1, "text": "全区已有社区老年协会八十六个，会员一万二千余人。"},
                  {"heading": "二、下一步工作", "level": 1, "text": "我局将指导各街道完善老年协会章程，规范换届与财务公开。"}],
              "notes": [], "evidence": []}
    (folder / "reply.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_new_region_agency_and_topic_validate_and_build(tmp_path: Path, capsys: object) -> None:
    paths = copy_inputs(tmp_path / "repo")
    add_new_reply(paths)

    assert cli.main(["--root", str(paths.root), "validate"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert f"{len(SEED_IDS) + 1} record(s) valid." in out
    assert not [line for line in out.splitlines() if "[unused-vocab]" in line and ("4301" in line or "老年协会" in line)]

    assert cli.main(["--root", str(paths.root), "build", "--quiet"]) == 0
    page = (paths.site / "replies" / NEW_ID / "index.html").read_text(encoding="utf-8")
    assert "长沙市岳麓区民政局" in page and "老年协会" in page
    api = yaml.safe_load((paths.site / "api" / "replies" / f"{NEW_ID}.json").read_text(encoding="utf-8"))
    assert api["region_code"] == "430104" and api["topics"] == ["laonian-xiehui"]
    browse = "".join(p.read_text(encoding="utf-8") for p in (paths.site / "browse").rglob("index.html"))
    assert "湖南省长沙市岳麓区" in browse and "长沙市岳麓区民政局" in browse


def test_test_repos_hold_only_the_records_they_name(tmp_path: Path) -> None:
    """A scratch repo never copies the whole live collection: the seeds, or the records asked for."""
    paths = copy_inputs(tmp_path / "repo")
    assert sorted(p.name for p in paths.replies.iterdir()) == sorted(SEED_IDS)
    one = copy_inputs(tmp_path / "one", replies=("610102-2023-jianyi-11",))
    assert [r.id for r in records.load(one).replies] == ["610102-2023-jianyi-11"]
