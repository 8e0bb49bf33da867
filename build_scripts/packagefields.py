"""The fields of datasets/package.yaml, the data package's own metadata: checked like a record
(``records.check_package_meta``), so a license or source link is never a ``javascript:`` URL."""

from __future__ import annotations

from build_scripts.fieldbase import Field
from build_scripts.fields import ID_PATTERN, URL_PATTERN

LICENSE_FIELDS: tuple[Field, ...] = (
    Field("name", "string", "许可代码", "SPDX id of the license. 许可的SPDX代码。", pattern=r"^[A-Za-z0-9.+-]+$",
          example="CC-BY-4.0"),
    Field("title", "string", "许可名称", "The license's name for a reader. 许可名称。",
          example="知识共享 署名 4.0 国际（数据整理部分）"),
    Field("path", "string", "许可网址", "Where the license text is (a link on the data page). 许可文本网址。",
          pattern=URL_PATTERN, example="https://creativecommons.org/licenses/by/4.0/"),
)


SOURCE_FIELDS: tuple[Field, ...] = (
    Field("title", "string", "来源", "What the source is. 来源说明。", example="各答复单位公开的答复函"),
    Field("path", "string", "来源位置", "A web address, or a folder of this repository. 来源网址或仓库中的目录。",
          pattern=rf"{URL_PATTERN}|^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._/-]*$", example="datasets/replies/"),
)


PACKAGE_FIELDS: tuple[Field, ...] = (
    Field("name", "string", "数据包名称", "ASCII name of the data package. 数据包英文名。", pattern=ID_PATTERN,
          max_length=100, example="dafu-gongkai-community-governance"),
    Field("title", "string", "数据包标题", "Title of the data package. 数据包标题。", example="答复公开：社区治理建议提案答复函数据集"),
    Field("description", "string", "说明", "What the package holds. 数据包说明。", example="……"),
    Field("version", "string", "版本", "Semantic version (see README: when to bump which part). 语义化版本号。",
          pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$", example="0.2.0"),
    Field("licenses", "objects", "许可", "The licenses of the curated data. 数据整理部分的许可。", items=LICENSE_FIELDS),
    Field("sources", "objects", "来源", "Where the data comes from. 数据来源。", items=SOURCE_FIELDS),
)
