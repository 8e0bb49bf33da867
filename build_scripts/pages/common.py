"""Helpers every page type uses: front matter, relative links, reply tables."""

from __future__ import annotations

import posixpath
from typing import Iterable

import yaml

from build_scripts.pages import escape
from build_scripts.pages.model import date_zh, reply_url, sort_date
from build_scripts.records import Reply


def front_matter(title: str, description: str = "", **extra: object) -> str:
    meta: dict[str, object] = {"title": escape.meta(title)}
    if description:
        meta["description"] = escape.meta(description)
    meta.update(extra)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10**9) + "---\n\n"


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two directory-style site URLs ('' is the home page)."""
    base = posixpath.dirname(from_url.rstrip("/") + "/x") if from_url else "."
    target = to_url or "./"
    out = posixpath.relpath(target.rstrip("/") or ".", base or ".")
    return out + ("/" if to_url.endswith("/") or not to_url else "")


def reply_table(replies: Iterable[Reply], page_url: str, *, caption: str = "") -> str:
    """Replies as an HTML table (date, title, agency, kind): letter text escaped."""
    rows = []
    for reply in replies:
        href = escape.html(rel(page_url, reply_url(reply.id)))
        rows.append(
            "<tr>"
            f'<td class="nowrap"><time datetime="{escape.html(sort_date(reply))}">{escape.html(date_zh(sort_date(reply) or None))}</time></td>'
            f'<td><a href="{href}">{escape.html(reply["title"])}</a>'
            f'<div class="reply-sub">{escape.html(reply["proposal_title"] or "")}</div></td>'
            f"<td>{escape.html(reply['agency'])}</td>"
            f"<td>{escape.html(reply['proposal_kind'])}</td>"
            "</tr>"
        )
    cap = f"<caption>{escape.html(caption)}</caption>" if caption else ""
    return (
        f'<div class="reply-table-wrap"><table class="reply-table">{cap}'
        "<thead><tr><th scope=\"col\">日期</th><th scope=\"col\">答复</th><th scope=\"col\">答复单位</th>"
        "<th scope=\"col\">类型</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
