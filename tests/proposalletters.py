"""Letters written for issue 14: one proposal answered by a lead agency and two co-handling agencies.

The words are ours (no real letter is copied). The lead's letter promises things with every deadline
form the issue names and cites figures in every unit; ``COMMITMENTS`` and ``FIGURES`` say what the
build must find in it. Records are written into a scratch repo, built from a seed record.
"""

from __future__ import annotations

import hashlib
from typing import Any

import yaml

from build_scripts import yamlio
from build_scripts.paths import Paths

SEED = "530000-2021-tian-0079"
PROPOSAL_ID = "530000-12-5-tian-0123"
TITLE = "关于加强老旧小区社区服务设施建设的建议"

LEAD_TEXT = (
    "李明委员：\n\n"
    f"您提出的《{TITLE}》收悉。我厅作为该件提案的主办单位，会同省财政厅、省住房城乡建设厅认真研究，现答复如下："
)
LEAD_SECTIONS: list[dict[str, Any]] = [
    {"heading": None, "level": 0, "text": LEAD_TEXT},
    {"heading": "一、工作情况", "level": 1, "text": (
        "近年来，全省累计投入社区服务设施建设资金3.5亿元，其中省级补助8600万元。"
        "目前已建成社区综合服务站1,250个社区，配备持证社工2300名，服务困难家庭4.2万户。"
        "2021年全省社区服务设施覆盖率达到87.5%，比上年提高12个百分点。"
        "每个站点一次性补助50000元。")},
    {"heading": "二、下一步工作", "level": 1, "text": (
        "下一步，我们将重点做好以下工作。"
        "一是年底前出台老旧小区社区服务设施配置标准。"
        "二是2024年6月底前完成全省城市社区服务站提质改造。"
        "三是力争三年内实现老旧小区养老服务全覆盖。"
        "四是明年启动社区服务人才专项培训计划。"
        "五是下半年开展社区服务设施使用情况专项检查。"
        "六是力争2024年实现城乡社区综合服务设施全覆盖。"
        "我们还将持续加强与相关部门的沟通协调。")},
    {"heading": None, "level": 0, "text": "感谢您对社区建设工作的关心和支持。"},
]
"""The lead's letter (主办): reply date 2022-06-15."""

COMMITMENTS: list[tuple[str, str | None, str | None]] = [
    # (the sentence's words that must be in the commitment, the deadline's words, the deadline date)
    ("年底前出台老旧小区社区服务设施配置标准", "年底前", "2022-12-31"),
    ("2024年6月底前完成全省城市社区服务站提质改造", "2024年6月底前", "2024-06-30"),
    ("力争三年内实现老旧小区养老服务全覆盖", "三年内", "2025-12-31"),
    ("明年启动社区服务人才专项培训计划", "明年", "2023-12-31"),
    ("下半年开展社区服务设施使用情况专项检查", "下半年", "2022-12-31"),
    ("力争2024年实现城乡社区综合服务设施全覆盖", "2024年", "2024-12-31"),
    ("我们还将持续加强与相关部门的沟通协调", None, None),
]

FIGURES: list[tuple[str, str, int | None, str | None]] = [
    # (quote, kind, yuan for money, unit for counts)
    ("3.5亿元", "money", 350_000_000, None),
    ("8600万元", "money", 86_000_000, None),
    ("1,250个社区", "count", None, "个社区"),
    ("2300名", "count", None, "名"),
    ("4.2万户", "count", None, "万户"),
    ("87.5%", "percent", None, None),
    ("50000元", "money", 50_000, None),
]

CO_SECTIONS: dict[str, list[dict[str, Any]]] = {
    "会办": [
        {"heading": None, "level": 0, "text": (
            f"省民政厅：\n\n李明委员提出的《{TITLE}》收悉，现将我厅会办意见函告如下：")},
        {"heading": "一、资金保障情况", "level": 1, "text": (
            "省级财政每年安排社区建设补助资金，按因素法分配到各州市。")},
    ],
    "协办": [
        {"heading": None, "level": 0, "text": (
            f"省民政厅：\n\n关于李明委员提出的《{TITLE}》，我厅系本件提案的协办单位，现提出办理意见如下：")},
        {"heading": "一、老旧小区改造情况", "level": 1, "text": (
            "我厅将社区服务设施纳入老旧小区改造内容，同步设计、同步实施。")},
    ],
}

AGENCIES = {"主办": ("云南省民政厅", "mzt"), "会办": ("云南省财政厅", "czt"), "协办": ("云南省住房和城乡建设厅", "zjt")}
DOC_PREFIX = {"mzt": "云民函", "czt": "云财函", "zjt": "云建函"}

LATER_ID = "530000-2023-tian-0045"
LATER_TITLE = "关于进一步加强老旧小区社区服务设施建设的提案"
LATER_SECTIONS: list[dict[str, Any]] = [
    {"heading": None, "level": 0, "text": f"李明委员：\n\n您提出的《{LATER_TITLE}》收悉，现答复如下："},
    {"heading": "一、办理情况", "level": 1, "text": (
        "去年我厅在第0123号提案的答复（云民函〔2022〕12号）中提出的配置标准已经印发。"
        "今年将继续推进社区服务站提质改造。")},
]
"""A later session's reply to the same proposer on a similar matter, citing the earlier reply twice."""


def letter_bytes(sections: list[dict[str, Any]]) -> bytes:
    return "\n\n".join((s["heading"] + "\n" if s["heading"] else "") + s["text"] for s in sections).encode("utf-8") + b"\n"


def add_reply(paths: Paths, role: str, sections: list[dict[str, Any]], **fields: Any) -> str:
    """Write one reply to the proposal (a copy of the seed with its own agency, text and letter); return its id."""
    seed = yamlio.load((paths.replies / SEED / "reply.yaml").read_text(encoding="utf-8")).data
    agency, suffix = AGENCIES[role]
    reply_id = fields.pop("id", f"530000-2022-tian-0123-{suffix}")
    raw = letter_bytes(sections)
    seed.update({
        "id": reply_id, "title": "对政协云南省委员会第十二届五次会议第0123号提案的答复", "term": 12, "session_no": 5,
        "proposal_number": "0123", "proposers": ["李明"], "proposer_role": "委员", "proposal_title": TITLE,
        "agency": agency, "handling_role": role, "doc_number": f"{DOC_PREFIX[suffix]}〔2022〕12号", "reply_date": "2022-06-15",
        "published_date": "2022-07-20", "category": "B", "sections": sections, "raw_file": "letter.txt",
        "raw_sha256": hashlib.sha256(raw).hexdigest(), "notes": [], "evidence": [], "topics": [], "cc": [],
        **fields,
    })
    folder = paths.replies / reply_id
    folder.mkdir()
    (folder / "letter.txt").write_bytes(raw)
    (folder / "reply.yaml").write_text(yaml.safe_dump(seed, allow_unicode=True, sort_keys=False, width=10**6),
                                       encoding="utf-8")
    return reply_id


def add_later(paths: Paths, decisions: list[dict[str, str]] | None = None) -> str:
    """The later reply (13th committee, 1st session), with the maintainer's ``thread_decisions``."""
    return add_reply(paths, "主办", LATER_SECTIONS, id=LATER_ID, title="对政协云南省委员会第十三届一次会议第0045号提案的答复",
                     term=13, session_no=1, proposal_number="0045", proposal_title=LATER_TITLE, handling_role=None,
                     doc_number="云民函〔2023〕45号", reply_date="2023-06-01", published_date="2023-06-10",
                     thread_decisions=decisions or [])


def add_all(paths: Paths) -> list[str]:
    """The lead's reply and the two co-handlers' replies; their ids, lead first."""
    return [add_reply(paths, "主办", LEAD_SECTIONS)] + [add_reply(paths, role, CO_SECTIONS[role]) for role in ("会办", "协办")]
