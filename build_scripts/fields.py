"""The one field list.

Every field of a reply record, of its nested parts and of the vocabularies is described here
once. The record validator (``records``), the Table Schemas (``package``) and the data
dictionary page (``pages``) are all generated from these tuples; nothing else names a field's
type, constraint, Chinese title or description.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_scripts.fieldbase import ID_PATTERN, REGION_CODE_PATTERN, SHA256_PATTERN, URL_PATTERN, Field
from build_scripts.rulefields import COMMITMENT_FIELDS, FIGURE_FIELDS, THREAD_DECISION_FIELDS, THREAD_FIELDS
from build_scripts.vocabfields import (
    ANSWER_PERIOD_FIELDS,
    CATEGORY_FIELDS,
    CATEGORY_SCHEME_FIELDS,
    REGION_FIELDS,
    SESSION_FIELDS,
    TOPIC_FIELDS,
)

LIST_SEPARATOR = "、"


PROPOSAL_KINDS = ("建议", "议案", "提案")
KIND_SLUGS = {"建议": "jianyi", "议案": "yian", "提案": "tian"}
"""Each kind's slug in a reply id (``<region>-<year>-<slug>-<number>``) and in browse URLs."""


PROPOSER_ROLES = ("代表", "委员", "组织")
DISCLOSURES = ("公开", "依申请公开", "不予公开")
SECTION_LEVELS = (0, 1, 2, 3)
NOTE_KINDS = ("repair", "cleaning", "decision")
HANDLING_ROLES = ("主办", "会办", "协办", "分办", "独办")
"""How the replying agency handled the proposal: the lead (主办), a co-handler (会办, 协办), one of
several agencies each given a part (分办), or alone (独办)."""

SECTION_FIELDS: tuple[Field, ...] = (
    Field("heading", "string", "小标题",
          "Heading as printed, numbering included (一、基本情况); null for untitled text such as the "
          "opening and closing paragraphs. 小标题（含序号），开头和结尾段落为空。",
          nullable=True, example="一、基本情况"),
    Field("level", "integer", "层级",
          "1 for 一、 headings, 2 for （一） headings, 3 below; 0 for untitled text. "
          "标题层级：一、为1，（一）为2，无标题段落为0。",
          minimum=0, example="1"),
    Field("text", "string", "正文",
          "Cleaned text of the section; paragraphs separated by one blank line. "
          "清洗后的正文，段落之间空一行。",
          example="深入学习贯彻……"),
)

NOTE_FIELDS: tuple[Field, ...] = (
    Field("field", "string", "字段",
          "The record field the note is about (body for the text). 说明所涉字段。", example="reply_date"),
    Field("kind", "string", "类型",
          "repair: a damaged value rebuilt; cleaning: extraction damage removed from the text; "
          "decision: an ambiguity resolved by the editor. 修复/清洗/编辑判断。",
          enum=NOTE_KINDS, example="repair"),
    Field("original", "string", "原文",
          "The text as the letter has it, where there is one. 信件原样文字。", nullable=True, example="2023531"),
    Field("value", "string", "采用值",
          "The value the record uses. 记录采用的值。", nullable=True, example="2023-05-31"),
    Field("reason", "string", "理由",
          "Why: the evidence for the repair or decision. 修复或判断的依据。",
          example="日期缺少年月日；页面发布日期为2023-06-16，唯一可能的读法是2023年5月31日。"),
)

EVIDENCE_FIELDS: tuple[Field, ...] = (
    Field("field", "string", "字段", "The record field the span is evidence for. 所涉字段。", example="doc_number"),
    Field("start", "integer", "起点", "Start offset (characters, from 0) in the cleaned text. 起始位置。",
          minimum=0, example="120"),
    Field("end", "integer", "终点", "End offset (exclusive) in the cleaned text. 结束位置（不含）。", minimum=0, example="133"),
    Field("quote", "string", "原文", "The exact span of cleaned text. 该位置的原文。", example="云民发〔2021〕118号"),
)

REPLY_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "编号",
          "Stable ASCII id and permalink (region code, year, kind, proposal number). Never changes. "
          "稳定的英文编号，即永久链接，永不更改。",
          pattern=ID_PATTERN, max_length=64, example="530112-2020-yian-001"),
    Field("title", "string", "答复标题",
          "Title of the reply as printed, or as the page names it. 答复函标题（照录）。",
          example="关于西山区第十六届人大四次会议第001号议案答复的函"),
    # The proposal the reply answers.
    Field("proposal_kind", "string", "建议类型",
          "建议 (deputy's suggestion), 议案 (motion) or 提案 (CPPCC proposal). 人大代表建议、议案或政协提案。",
          enum=PROPOSAL_KINDS, example="提案"),
    Field("assembly", "string", "提出机构",
          "Full name of the people's congress or CPPCC committee. 人民代表大会或政协委员会全称。",
          example="政协云南省委员会"),
    Field("term", "integer", "届次",
          "Term (届) as an integer; null when the letter does not say. 第几届，信中未写为空。",
          nullable=True, minimum=1, example="12"),
    Field("session_no", "integer", "会议次数",
          "Session (次会议) as an integer; null when the letter does not say. 第几次会议，信中未写为空。",
          nullable=True, minimum=1, example="4"),
    Field("proposal_number", "string", "建议编号",
          "Proposal number as written, leading zeros kept. 建议/提案编号（照录，保留前导零）。",
          nullable=True, max_length=32, example="0079"),
    Field("proposers", "list", "提出人",
          "People or organisations who made the proposal, as the letter names them. 提出人或提出单位。",
          example="九三学社云南省委"),
    Field("proposer_role", "string", "提出人身份",
          "代表 (deputy), 委员 (CPPCC member) or 组织 (organisation). 代表、委员或组织。",
          nullable=True, enum=PROPOSER_ROLES, example="组织"),
    Field("proposal_title", "string", "建议标题",
          "Title of the proposal, without 《》. 建议/提案标题（不含书名号）。",
          nullable=True, example="构建“全周期管理”基层社会治理模式的建议"),
    Field("proposal_id", "string", "建议编号（本站）",
          "Id of the proposal answered (proposals.id): the assembly's region, term, session, kind and number; "
          "null when the letter gives no proposal number. 所答复建议/提案在本站的编号，无建议编号时为空。",
          nullable=True, source="derived", pattern=ID_PATTERN, example="530000-12-4-tian-0079"),
    # The reply.
    Field("agency", "string", "答复单位",
          "The department that replied, full name. 答复单位全称。", example="云南省民政厅"),
    Field("handling_role", "string", "办理方式",
          "The agency's part in handling the proposal as the letter states it: 主办 (lead), 会办 or 协办 "
          "(co-handling), 分办 (a part assigned), 独办 (alone); null when the letter does not say. A website "
          "footer's “主办单位” names the site's owner and is not it. "
          "答复单位的办理方式（以信中明示为准）：主办、会办、协办、分办、独办；信中未写为空。网站页脚的“主办单位”不是办理方式。",
          nullable=True, enum=HANDLING_ROLES, example="主办"),
    Field("region_code", "string", "行政区划代码",
          "6-digit GB/T 2260 code of the agency's area; see the regions table. 答复单位所在行政区划代码。",
          pattern=REGION_CODE_PATTERN, example="530000"),
    Field("region_name", "string", "行政区划",
          "Name of the region, from the regions vocabulary. 行政区划名称（取自区划表）。",
          source="derived", example="云南省"),
    Field("doc_number", "string", "文号",
          "The reply's own document number (文号), verbatim; null when none is printed. 答复函文号（照录）。",
          nullable=True, max_length=64, example="云民发〔2021〕118号"),
    Field("reply_date", "date", "答复日期",
          "Date the reply was signed (YYYY-MM-DD). 落款日期。", nullable=True, example="2021-05-28"),
    Field("published_date", "date", "公开日期",
          "Date the reply was published online, from the page. 网上公开日期。",
          nullable=True, example="2021-06-04"),
    Field("category", "string", "办理类型",
          "办理类型/类别 code as printed (A, B, C, …); its meaning depends on the issuer, see categories. "
          "办理类型代码（照录），含义见类别表。",
          nullable=True, pattern=r"^[A-Z]$", example="A"),
    Field("category_scheme", "string", "类别体系",
          "Which issuer's category definitions apply; key into the categories table. 适用的类别定义体系。",
          nullable=True, source="derived", pattern=ID_PATTERN, example="yunnan-cppcc"),
    Field("disclosure", "string", "公开属性",
          "Disclosure status printed on the letter. 公开属性。",
          nullable=True, enum=DISCLOSURES, example="公开"),
    Field("signer", "string", "签发人", "Signing official (签发人), when printed. 签发人。",
          nullable=True, example="朱增理"),
    Field("contact_name", "string", "联系人", "Contact person printed on the letter. 联系人。",
          nullable=True, example="张筱兰"),
    Field("contact_phone", "string", "联系电话",
          "Contact phone(s) printed on the letter, several separated by 、. Site-footer numbers are not it. "
          "联系电话（多个以、分隔，网站页脚电话不算）。",
          nullable=True, pattern=r"^[0-9+()（） —–-]+(、[0-9+()（） —–-]+)*$", example="0871-65732120"),
    Field("cc", "list", "抄送", "Copied to (抄送), as printed. 抄送单位。", example="省政府办公厅"),
    Field("source_url", "string", "来源网址",
          "Web page the letter was taken from; null for letters received as files. 来源网页。",
          nullable=True, pattern=URL_PATTERN, example="https://example.gov.cn/a.html"),
    Field("index_number", "string", "索引号",
          "Government-information index number (索引号) from the page. 政府信息公开索引号。",
          nullable=True, example="5300000161102/20210020"),
    Field("topics", "list", "主题",
          "Topic ids from the topics vocabulary, assigned by the rules in datasets/vocab/topics.yaml. "
          "主题（取自主题词表）。",
          example="sanshe-liandong"),
    # Provenance.
    Field("raw_file", "string", "原件文件",
          "File name of the raw letter kept beside the record, byte for byte. 原件文件名。",
          pattern=r"^[A-Za-z0-9._-]+$", max_length=128, example="letter.txt"),
    Field("raw_sha256", "string", "原件SHA256", "sha256 of the raw letter. 原件哈希值。",
          pattern=SHA256_PATTERN, example="3f5a…"),
    Field("raw_format", "string", "原件格式",
          "How the letter arrived: web page text, Word export, PDF text, plain text. 原件来源格式。",
          enum=("html", "html-text", "docx", "docx-text", "pdf", "pdf-text", "text"), example="pdf-text"),
    Field("retrieved_date", "date", "获取日期",
          "Date the raw letter was retrieved, when known. 获取日期。", nullable=True, example="2023-06-20"),
    Field("withdrawn_date", "date", "撤回日期",
          "Date the reply was withdrawn from the collection (e.g. the issuer retracted it); null while it stands. "
          "The permalink stays, with a notice. 撤回日期，未撤回为空；永久链接保留并加注说明。",
          nullable=True, example="2024-03-01"),
    Field("withdrawn_reason", "string", "撤回理由",
          "Why the reply was withdrawn; given exactly when withdrawn_date is. 撤回理由，与撤回日期同时填写。",
          nullable=True, example="答复单位已撤下原文并发布更正答复"),
    Field("days_to_publication", "integer", "答复至公开天数",
          "Days from the reply's date to its publication online; null when either date is unknown. "
          "从答复日期到网上公开的天数。", nullable=True, source="derived", example="7"),
    Field("session_id", "string", "会议编号",
          "The session the proposal was made at (sessions.id), when its dates are in the sessions vocabulary. "
          "提出建议的会议（取自会议表），会议日期未收录时为空。",
          nullable=True, source="derived", pattern=ID_PATTERN, example="yunnan-cppcc-12-4"),
    Field("days_from_session", "integer", "会议至答复天数",
          "Days from the session's opening to the reply's date; null when either is unknown. "
          "从会议开幕到答复日期的天数。", nullable=True, source="derived", example="123"),
    Field("thread_decisions", "objects", "关联判断",
          "A maintainer's confirmations and rejections of links to earlier or later replies on the same matter. "
          "维护者对前后相关答复的确认或否定。", table="thread_decisions", items=THREAD_DECISION_FIELDS),
    Field("sections", "objects", "正文段落", "The cleaned text as ordered sections. 正文分节。",
          table="sections", items=SECTION_FIELDS),
    Field("notes", "objects", "修复说明",
          "Every repair, cleaning and editorial decision, with its reason. 修复、清洗与判断说明。",
          table="notes", items=NOTE_FIELDS),
    Field("evidence", "objects", "取值依据",
          "Where each extracted value was read: a character span of the cleaned letter text. 各字段取值在清洗后正文中的位置。",
          table="evidence", items=EVIDENCE_FIELDS),
)


def _reply_field(name: str) -> Field:
    return next(f for f in REPLY_FIELDS if f.name == name)


PROPOSAL_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "建议编号（本站）",
          "Stable id of the proposal: the assembly's region code, term, session (x when unknown), kind and number. "
          "建议/提案在本站的编号：提出机构所在区划代码、届次、会议次数（未知为x）、类型和编号。",
          pattern=ID_PATTERN, max_length=96, example="530000-12-4-tian-0079"),
    *(_reply_field(name) for name in ("proposal_kind", "assembly", "term", "session_no", "proposal_number",
                                      "proposal_title", "proposers", "proposer_role")),
    Field("reply_count", "integer", "答复件数",
          "How many replies to the proposal the collection holds (a lead agency's and each co-handler's). "
          "本站收录的该建议/提案的答复件数（主办与会办、协办单位各一件）。", minimum=1, source="derived", example="3"),
)


def record_fields() -> tuple[Field, ...]:
    """Fields a person writes in ``reply.yaml``, in the order records are written."""
    return tuple(f for f in REPLY_FIELDS if f.in_record)


def by_name(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.name: f for f in fields}


# --- tables of the data package ------------------------------------------------------------

REPLY_ID = Field("reply_id", "string", "答复编号", "Id of the reply (replies.id). 答复编号。",
                 pattern=ID_PATTERN, example="530112-2020-yian-001")
POSITION = Field("position", "integer", "序号", "Order within the reply, from 1. 在答复中的顺序。",
                 minimum=1, example="1")
TOPIC_ID = Field("topic_id", "string", "主题编号", "Id of the topic (topics.id). 主题编号。",
                 pattern=ID_PATTERN, example="sanshe-liandong")
SCHEME = CATEGORY_SCHEME_FIELDS[0]


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource of the data package: its columns come from the field lists above."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()


def _columns(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    return tuple(f for f in fields if f.kind != "objects")


TABLES: tuple[Table, ...] = (
    Table("replies", "答复", "One row per reply letter. 每封答复函一行。", _columns(REPLY_FIELDS), ("id",),
          (ForeignKey(("region_code",), "regions", ("code",)),
           ForeignKey(("proposal_id",), "proposals", ("id",)),
           ForeignKey(("session_id",), "sessions", ("id",)),
           ForeignKey(("category_scheme", "category"), "categories", ("scheme", "code")))),
    Table("proposals", "建议提案",
          "One row per proposal answered: a proposal answered by several agencies has one row and several replies. "
          "每件建议/提案一行；由多个单位答复的建议/提案只有一行、多件答复。",
          PROPOSAL_FIELDS, ("id",)),
    Table("sections", "正文段落", "The cleaned text of each reply, in order. 各答复的正文，按顺序。",
          (REPLY_ID, POSITION) + SECTION_FIELDS, ("reply_id", "position"),
          (ForeignKey(("reply_id",), "replies", ("id",)),)),
    Table("notes", "修复说明", "Repairs, cleaning and editorial decisions, with reasons. 修复、清洗与判断说明。",
          (REPLY_ID, POSITION) + NOTE_FIELDS, ("reply_id", "position"),
          (ForeignKey(("reply_id",), "replies", ("id",)),)),
    Table("evidence", "取值依据", "Where each extracted value was read in the cleaned text. 各字段取值的原文位置。",
          (REPLY_ID, POSITION) + EVIDENCE_FIELDS, ("reply_id", "position"),
          (ForeignKey(("reply_id",), "replies", ("id",)),)),
    Table("commitments", "承诺事项",
          "What each reply promises, with the exact span of the sentence and its deadline (derived by rule; "
          "measured, not perfect). 各答复中的承诺事项、原文位置与时限（按规则提取）。",
          (REPLY_ID, POSITION) + COMMITMENT_FIELDS, ("reply_id", "position"),
          (ForeignKey(("reply_id",), "replies", ("id",)),
           ForeignKey(("reply_id", "section"), "sections", ("reply_id", "position")))),
    Table("figures", "关键数字",
          "Amounts of money, counts and percentages in each reply, with their exact span (derived by rule). "
          "各答复中的金额、数量与百分比及其原文位置（按规则提取）。",
          (REPLY_ID, POSITION) + FIGURE_FIELDS, ("reply_id", "position"),
          (ForeignKey(("reply_id",), "replies", ("id",)),
           ForeignKey(("reply_id", "section"), "sections", ("reply_id", "position")))),
    Table("thread_decisions", "关联判断", "Maintainers' decisions on links between replies. 维护者对答复关联的判断。",
          (REPLY_ID, POSITION) + THREAD_DECISION_FIELDS, ("reply_id", "position"),
          (ForeignKey(("reply_id",), "replies", ("id",)), ForeignKey(("other_id",), "replies", ("id",)))),
    Table("threads", "前后相关", "Links from each reply to earlier and later replies on the same matter, with reasons. "
          "各答复与前后相关答复的关联及理由。", (REPLY_ID,) + THREAD_FIELDS, ("reply_id", "other_id"),
          (ForeignKey(("reply_id",), "replies", ("id",)), ForeignKey(("other_id",), "replies", ("id",)))),
    Table("topics", "主题", "The community-governance topic vocabulary and its rules. 社区治理主题词表及归类规则。",
          TOPIC_FIELDS, ("id",)),
    Table("reply_topics", "答复主题", "Which reply has which topic. 答复与主题的对应。",
          (REPLY_ID, TOPIC_ID), ("reply_id", "topic_id"),
          (ForeignKey(("reply_id",), "replies", ("id",)), ForeignKey(("topic_id",), "topics", ("id",)))),
    Table("regions", "行政区划", "Regions of the replying agencies (GB/T 2260). 答复单位所在行政区划。",
          REGION_FIELDS, ("code",), (ForeignKey(("parent",), "regions", ("code",)),)),
    Table("sessions", "会议", "Sessions whose dates are known, with their source. 已知日期的人大、政协会议及出处。",
          SESSION_FIELDS, ("id",)),
    Table("answer_periods", "答复期限", "The answer period each kind of proposal has by rule, with the rule cited. "
          "各类建议、提案的法定答复期限及依据。", ANSWER_PERIOD_FIELDS, ("id",)),
    Table("category_schemes", "类别体系", "Who defines 办理类型 codes and where. 办理类型的定义机构与出处。",
          _columns(CATEGORY_SCHEME_FIELDS), ("scheme",)),
    Table("categories", "办理类型", "Each issuer's category codes with their definitions. 各体系的办理类型定义。",
          (SCHEME,) + CATEGORY_FIELDS, ("scheme", "code"),
          (ForeignKey(("scheme",), "category_schemes", ("scheme",)),)),
)


FULL_TEXT = Field("text", "string", "全文",
                  "The whole cleaned text: each section's heading on a line of its own above its text; sections "
                  "separated by one blank line. 答复全文：各节小标题单独一行，其下为正文，节与节之间空一行。",
                  source="derived", example="深入学习贯彻……")

FLAT_TABLE = Table("replies_text", "答复全文",
                   "Not a table of the data package but a download made from it: one row per reply, every column "
                   "of replies and the whole text, for people who want one file (also split by year). "
                   "下载用的宽表（不属于数据包）：每件答复一行，含答复表全部字段和全文，另按年份分文件。",
                   _columns(REPLY_FIELDS) + (FULL_TEXT,), ("id",))
"""replies_text.csv: one row per reply with its text (``downloads``); documented in the data dictionary."""


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)
