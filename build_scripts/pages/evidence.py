"""The reply page's “取值依据” table: where in the cleaned letter each extracted value was read."""

from __future__ import annotations

from build_scripts.fields import REPLY_FIELDS
from build_scripts.pages import escape
from build_scripts.records import Reply

_TITLES = {f.name: f.title for f in REPLY_FIELDS}


def render(reply: Reply) -> str:
    """Nothing for a record without evidence; otherwise a heading and one row per span."""
    if not reply["evidence"]:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{escape.html(_TITLES.get(e['field'], e['field']))}</td>"
        f"<td>{escape.lines(e['quote'])}</td>"
        f"<td class=\"nowrap\">{e['start']}–{e['end']}</td>"
        "</tr>"
        for e in reply["evidence"]
    )
    return (
        "## 取值依据 { #evidence }\n\n"
        "<p>以下字段由程序从清洗后的信件正文中读取并经人工核对；“位置”为该段文字在清洗后正文中的字符位置。</p>\n"
        '<div class="reply-table-wrap"><table class="notes-table"><thead><tr><th scope="col">字段</th>'
        '<th scope="col">原文</th><th scope="col">位置</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>\n"
    )
