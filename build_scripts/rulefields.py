"""The fields of the tables derived by rule from a reply's text: commitments and key figures.

Each row points to the exact span it was read from: a section (``sections.position``) and offsets in
that section's text.
"""

from __future__ import annotations

from build_scripts.fieldbase import Field

SECTION_POSITION = Field("section", "integer", "段落序号",
                         "Which section of the reply (sections.position) the span is in. 所在段落的序号。",
                         minimum=1, example="4")
SPAN_FIELDS: tuple[Field, ...] = (
    SECTION_POSITION,
    Field("start", "integer", "起点", "Start offset (characters, from 0) in that section's text. 在该段正文中的起始位置。",
          minimum=0, example="812"),
    Field("end", "integer", "终点", "End offset (exclusive) in that section's text. 结束位置（不含）。",
          minimum=0, example="876"),
)

COMMITMENT_FIELDS: tuple[Field, ...] = (
    *SPAN_FIELDS,
    Field("sentence", "string", "承诺原文",
          "The sentence that promises, exactly as the section's text has it (text[start:end]). 承诺语句原文。",
          example="6月底全省1410个乡镇(街道)将实现社工站全覆盖。"),
    Field("agency", "string", "承诺单位", "The agency that replied and so promised. 作出承诺的答复单位。",
          example="云南省民政厅"),
    Field("deadline_words", "string", "时限原文",
          "The words that set the deadline, as written (年底前, 2024年6月底前, 三年内, 明年, 下半年); null when none. "
          "信中表示时限的原文，无时限为空。", nullable=True, example="6月底"),
    Field("deadline", "date", "时限",
          "The last day of the period the words name, resolved against the reply date; null when no deadline. "
          "按答复日期推算的时限截止日。", nullable=True, example="2021-06-30"),
)


FIGURE_KINDS = ("money", "count", "percent")
FIGURE_FIELDS: tuple[Field, ...] = (
    *SPAN_FIELDS,
    Field("quote", "string", "原文", "The figure exactly as written (text[start:end]). 数字原文。", example="4000万元"),
    Field("kind", "string", "类别", "money (金额), count (数量) or percent (百分比). 金额、数量或百分比。",
          enum=FIGURE_KINDS, example="money"),
    Field("amount", "string", "数值", "The number as written, thousands separators removed; a range keeps its dash. "
          "数值（去掉千位分隔符；区间照录）。", example="4000"),
    Field("unit", "string", "单位",
          "The unit: 元, 千元, 万元 or 亿元 for money; the measure word and the counted noun for a count (个社区, 名); "
          "% for a percentage. 单位：金额为元/万元/亿元，数量为量词及所计名词，百分比为%。", example="万元"),
    Field("yuan", "integer", "金额（元）",
          "Money normalised to yuan as stated by the agency (400余万元 counts 4,000,000); null for a range and for "
          "counts and percentages. 折合人民币元（按答复单位所述；区间和非金额为空）。",
          nullable=True, minimum=0, example="40000000"),
    Field("phrase", "string", "所在语句",
          "The clause the figure stands in, between punctuation: what it counts. 数字所在分句。",
          example="2021年省发改委已安排4000万元前期工作经费"),
)


THREAD_DECISIONS = ("confirmed", "rejected")
THREAD_DECISION_FIELDS: tuple[Field, ...] = (
    Field("other_id", "string", "相关答复", "The other reply (replies.id). 另一件答复的编号。",
          pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", example="530000-2021-tian-0079"),
    Field("decision", "string", "判断", "confirmed: the two are on the same matter; rejected: they are not. "
          "confirmed 确认为同一事项；rejected 否定。", enum=THREAD_DECISIONS, example="confirmed"),
    Field("note", "string", "说明", "Why, in the maintainer's words. 理由。", example="两件提案均要求增加社工站经费。"),
)
"""A maintainer's decision on a link between two replies, kept in the record (``thread_decisions``)."""

THREAD_REASONS = ("same-proposal", "same-proposer", "cites", "maintainer")
THREAD_STATUSES = ("suggested", "confirmed", "rejected")
THREAD_FIELDS: tuple[Field, ...] = (
    Field("other_id", "string", "相关答复", "The earlier or later reply on the same matter (replies.id). 相关答复的编号。",
          pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", example="530000-2021-tian-0079"),
    Field("reasons", "list", "关联理由",
          "same-proposal: answers the same proposal; same-proposer: the same proposer with a similar title; cites: "
          "one names the other's proposal number or 文号; maintainer: set in the record. 同一建议；同一提出人的相近标题；"
          "引用编号或文号；维护者指定。", example="same-proposer"),
    Field("detail", "string", "依据", "What the reasons rest on: the words cited, the titles' similarity. 关联依据。",
          example="标题相似度0.62"),
    Field("status", "string", "状态", "suggested (derived by rule, not checked), confirmed or rejected by a maintainer. "
          "建议（规则推断，未经核对）、已确认、已否定。", enum=THREAD_STATUSES, example="suggested"),
)
