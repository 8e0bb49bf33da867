"""Helpers every page type uses: front matter, relative links, reply tables."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Container, Iterable

from build_scripts import dates
from build_scripts.dataset import Reply, sort_date
from build_scripts.pages import escape
from build_scripts.pages.urls import PROPOSALS, proposal_url, reply_url


def front_matter(title: str, description: str = "", **extra: object) -> str:
    meta: dict[str, object] = {"title": escape.meta(title)}
    if description:
        meta["description"] = escape.meta(description)
    meta.update(extra)
    # JSON is YAML (a flow mapping of double-quoted strings): MkDocs reads it, and the shells read
    # it back with json, ten times faster than a YAML round trip (22,000 pages at 10,000 letters).
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n"


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two directory-style site URLs ('' is the home page)."""
    base = [p for p in from_url.split("/") if p]
    target = [p for p in to_url.split("/") if p]
    if ".." in base or "." in base or ".." in target or "." in target:
        return _rel_general(from_url, to_url)
    common = 0
    while common < min(len(base), len(target)) and base[common] == target[common]:
        common += 1
    out = "/".join([".."] * (len(base) - common) + target[common:]) or "."
    return out + ("/" if to_url.endswith("/") or not to_url else "")


def _rel_general(from_url: str, to_url: str) -> str:
    base = posixpath.dirname(from_url.rstrip("/") + "/x") if from_url else "."
    target = to_url or "./"
    out = posixpath.relpath(target.rstrip("/") or ".", base or ".")
    return out + ("/" if to_url.endswith("/") or not to_url else "")


_DESCENDING = ' aria-sort="descending"'


def sortable_table(columns: list[tuple[str, str]], rows: list[str], *, caption: str = "", cls: str = "reply-table",
                   sorted_by: int = 0) -> str:
    """A table reader.js can sort: each column is (header, type) with type text, number or date.

    A cell sorts by its ``data-sort-value``, else its ``<time datetime>``, else the text of the link it
    starts with (a reply's title, not the line under it), else its text: a row of a reply list carries
    each value once (issue 13: 130 bytes a row, in lists that hold every reply several times). The
    build writes the rows already sorted descending by
    column ``sorted_by`` (marked with aria-sort), so without JavaScript that order is what shows.
    """
    head = "".join(
        f'<th scope="col" data-sort-type="{escape.html(kind)}"{_DESCENDING if i == sorted_by else ""}>'
        f"{escape.html(title)}</th>"
        for i, (title, kind) in enumerate(columns)
    )
    cap = f"<caption>{escape.html(caption)}</caption>" if caption else ""
    return (
        f'<div class="reply-table-wrap"><table class="{cls}" data-sortable>{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def proposal_line(reply: Reply, to_proposals: str, paged: Container[str] = frozenset()) -> str:
    """Under a reply's title: the proposal it answers (linked to the proposal's page when it has one:
    ``paged``, the proposals answered by several agencies) and the reply's 办理方式 where the letter
    says; ``to_proposals`` is the relative link to ``proposals/``."""
    pid, role = reply["proposal_id"], reply["handling_role"]
    title = reply["proposal_title"] or (f"第{reply['proposal_number']}号{reply['proposal_kind']}" if pid else "")
    text = escape.html(title)
    if pid in paged:
        text = f'<a href="{escape.html(to_proposals + proposal_url(pid).removeprefix(PROPOSALS))}">{text}</a>'
    if role:
        text += f' <span class="reply-role">{escape.html(role)}</span>'
    return text


def reply_table(replies: Iterable[Reply], page_url: str, *, caption: str = "",
                paged: Container[str] = frozenset()) -> str:
    """Replies as a sortable HTML table (date, title with the proposal and 办理方式, agency, kind), newest
    first: letter text escaped."""
    rows = []
    to_replies = rel(page_url, reply_url("x"))[: -len("x/")]  # one relpath per table, not per row
    to_proposals = rel(page_url, PROPOSALS)
    for reply in replies:
        href = escape.html(to_replies + reply_url(reply.id).removeprefix("replies/"))
        date = escape.html(sort_date(reply))
        rows.append(
            "<tr>"
            f'<td class="nowrap"><time datetime="{date}">{escape.html(dates.zh_text(sort_date(reply) or None))}</time></td>'
            f'<td><a href="{href}">{escape.html(reply["title"])}</a>'
            f'<div class="reply-sub">{proposal_line(reply, to_proposals, paged)}</div></td>'
            f"<td>{escape.html(reply['agency'])}</td>"
            f"<td>{escape.html(reply['proposal_kind'])}</td>"
            "</tr>"
        )
    return sortable_table([("日期", "date"), ("答复", "text"), ("答复单位", "text"), ("类型", "text")], rows,
                          caption=caption)


def breadcrumb(page_url: str, crumbs: list[tuple[str, str]]) -> str:
    """A breadcrumb trail of (label, site URL), linked relative to ``page_url``."""
    links = " › ".join(f'<a href="{escape.html(rel(page_url, to))}">{escape.html(label)}</a>' for label, to in crumbs)
    return f'<nav class="breadcrumb" aria-label="位置">{links}</nav>\n\n'


def pager(urls: list[str], current: int, page_url: str) -> str:
    """Links to numbered pages 1..n (``current`` is 1-based); nothing when there is one page."""
    if len(urls) < 2:
        return ""
    items = "".join(
        f'<li><a aria-current="page" href="{escape.html(rel(page_url, u))}">{n}</a></li>' if n == current
        else f'<li><a href="{escape.html(rel(page_url, u))}">{n}</a></li>'
        for n, u in enumerate(urls, 1)
    )
    return f'\n<nav class="pager" aria-label="分页"><p>共 {len(urls)} 页：</p><ol>{items}</ol></nav>\n'


def card_row(label: str, value: str, evidence: str = "") -> str:
    """One row of a card (a ``<dl>``): the label escaped, the value already HTML."""
    return f"<div class=\"card-row\"><dt>{escape.html(label)}</dt><dd>{value}{evidence}</dd></div>"
