"""Proposal pages (建议提案): one per proposal with every reply to it, and the list of proposals.

A proposal is often answered by several agencies, each with its own letter: the lead (主办) and
co-handling agencies (会办, 协办). Its page lists them with agency, 办理方式, date and 办理类型, lead
first. The list (``proposals/``, in the navigation) shows ``PER_PAGE`` proposals a page, those with
the newest replies first, so every page stays small however many proposals there are; all of them
are in ``data/proposals.csv``.

A proposal with one reply in the collection has no page of its own: its reply page already shows the
proposal (title, proposers, sitting, number), and at 10,000 letters those one-row pages were
143 MB of the site (issue 13). Its URL still answers, so that it never changes when a second reply
arrives: ``redirects`` writes a small page there that sends the reader to the reply (``page_url``).
"""

from __future__ import annotations

from collections.abc import Iterator

from build_scripts import dates, siteurl
from build_scripts import proposals as proposal_rules
from build_scripts.dataset import Dataset, Reply, sort_date
from build_scripts.fields import HANDLING_ROLES
from build_scripts.pages import escape
from build_scripts.pages.common import breadcrumb, card_row, front_matter, pager, rel, sortable_table
from build_scripts.pages.facets import is_listed, proposal_label, scheme_code, session_text
from build_scripts.pages.urls import PROPOSALS, proposal_url, reply_url

PER_PAGE = 150
"""Proposals per list page."""
SEARCHABLE_FROM = proposal_rules.PAGE_FROM
"""A proposal with at least this many replies can be searched on its own (the search index's ``p/`` files)."""
OVERVIEW = "proposals/index.md"
"""The list's first page: in the navigation, so MkDocs renders it."""


def title(reply: Reply) -> str:
    """What a proposal is called: its title, else its number and kind."""
    return proposal_label(reply)


def where(reply: Reply) -> str:
    """The assembly, sitting and number the proposal was made with."""
    return f"{reply['assembly']}{session_text(reply)}第{reply['proposal_number']}号{reply['proposal_kind']}"


def _role_order(reply: Reply) -> tuple[int, str, str]:
    role = reply["handling_role"]
    rank = HANDLING_ROLES.index(role) if role in HANDLING_ROLES else len(HANDLING_ROLES)
    return (rank, sort_date(reply), reply.id)


def replies_table(replies: tuple[Reply, ...], dataset: Dataset, url: str, *, caption: str) -> str:
    """The replies to one proposal: lead first, then by date."""
    rows = []
    for reply in sorted(replies, key=_role_order):
        category = scheme_code(dataset, reply)
        label = f"{category['code']}类 {category['label']}" if category else "未标注"
        date = sort_date(reply)
        rows.append(
            f'<tr><td><a href="{escape.html(rel(url, reply_url(reply.id)))}">{escape.html(reply["agency"])}</a></td>'
            f"<td>{escape.html(reply['handling_role'] or '未注明')}</td>"
            f'<td class="nowrap" data-sort-value="{escape.html(date)}">{escape.html(dates.zh_text(date or None))}</td>'
            f"<td>{escape.html(label)}</td></tr>"
        )
    return sortable_table([("答复单位", "text"), ("办理方式", "text"), ("答复日期", "date"), ("办理类型", "text")],
                          rows, caption=caption, sorted_by=-1)


def has_page(replies: tuple[Reply, ...]) -> bool:
    """A proposal has a page of its own when the collection holds enough replies to it (``proposals.has_page``)."""
    return proposal_rules.has_page(len(replies))


def with_pages(dataset: Dataset) -> frozenset[str]:
    """The proposals that have a page of their own (``has_page``)."""
    return frozenset(pid for pid, replies in dataset.by_proposal.items() if has_page(replies))


def page_url(pid: str, replies: tuple[Reply, ...]) -> str:
    """Where a link to the proposal goes (site-relative): its page, or its only reply's page."""
    return proposal_url(pid) if has_page(replies) else reply_url(replies[0].id)


def redirected(dataset: Dataset) -> dict[str, Reply]:
    """Site path of each page ``redirects`` writes -> the reply it sends the reader to."""
    return {f"{proposal_url(pid)}index.html": replies[0]
            for pid, replies in dataset.by_proposal.items() if not has_page(replies)}


def redirects(dataset: Dataset, base: str | None = None) -> dict[str, bytes]:
    """Site path -> the small page at the URL of a proposal with one reply, sending the reader to it.

    No JavaScript: a meta refresh, the canonical address of the reply page, ``noindex``, and a link
    for a browser that does not follow the refresh. The title is letter text, escaped.
    """
    out = {}
    for path, reply in redirected(dataset).items():
        url = path.removesuffix("index.html")
        target = rel(url, reply_url(reply.id))
        name = escape.html(title(reply))
        out[f"{url}index.html"] = (
            '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{name} - 答复公开</title>\n"
            f'<link rel="canonical" href="{escape.html(siteurl.absolute(reply_url(reply.id), base))}">\n'
            '<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={escape.html(target)}">\n</head>\n'
            f'<body>\n<p>本站只收录了对{name}的一件答复：<a href="{escape.html(target)}">查看这件答复</a>。</p>\n'
            "</body>\n</html>\n"
        ).encode()
    return out


def page(pid: str, replies: tuple[Reply, ...], dataset: Dataset) -> str:
    url = proposal_url(pid)
    first = replies[0]
    proposers = "、".join(first["proposers"]) or "未注明"
    role = f"（{first['proposer_role']}）" if first["proposer_role"] else ""
    card = "".join([
        card_row("提出人", escape.html(proposers + role)),
        card_row("提出机构与届次", escape.html(where(first))),
        card_row("建议编号（本站）", f"<code>{escape.html(pid)}</code>"),
    ])
    count = (f"本站收录对本件{escape.html(first['proposal_kind'])}的答复 {len(replies)} 件"
             + ("（主办、会办、协办单位各自答复）。" if len(replies) > 1 else "；其他单位的答复本站尚未收录。"))
    return (
        front_matter(f"{title(first)}（{first['proposal_kind']}）", f"{where(first)}及其答复")
        + f"# {escape.md_inline(title(first))} {{ #proposal-title }}\n\n"
        + breadcrumb(url, [("建议提案", PROPOSALS)])
        + f'<dl class="reply-card" aria-label="建议信息">{card}</dl>\n\n'
        + "## 答复 { #replies }\n\n"
        + f"<p>{count}</p>\n\n"
        + replies_table(replies, dataset, url, caption=f"对{title(first)}的答复")
        + "\n\n" + search_form(pid, len(replies), url)
    )


def search_form(pid: str, count: int, url: str) -> str:
    """A proposal answered by several agencies: search within its replies (the search page filtered to it)."""
    if count < SEARCHABLE_FROM:
        return ""
    action = escape.html(rel(url, "search/"))
    return (
        f'<form class="proposal-search" role="search" action="{action}" method="get">'
        f'<label for="proposal-q">在这 {count} 件答复中检索</label>'
        '<input id="proposal-q" type="search" name="q" placeholder="留空则列出全部">'
        f'<input type="hidden" name="proposal" value="{escape.html(pid)}"><button type="submit">检索</button></form>\n'
    )


def _newest(replies: tuple[Reply, ...]) -> str:
    return max(sort_date(r) for r in replies)


def pages(dataset: Dataset) -> Iterator[tuple[str, str]]:
    """(Markdown path, content): the list's pages (the first is ``OVERVIEW``), then every proposal page,
    made as they are asked for."""
    groups = dataset.by_proposal
    ordered = sorted(groups, key=lambda pid: (_newest(groups[pid]), pid), reverse=True)
    chunks = [ordered[i:i + PER_PAGE] for i in range(0, len(ordered), PER_PAGE)] or [[]]
    urls = [PROPOSALS] + [f"{PROPOSALS}page-{n}/" for n in range(2, len(chunks) + 1)]
    several = sum(1 for replies in groups.values() if is_listed("proposal", len(replies)))  # browse/proposal/ lists them
    for n, (chunk, url) in enumerate(zip(chunks, urls), 1):
        md_path = OVERVIEW if n == 1 else f"{PROPOSALS}page-{n}.md"
        rows = "".join(_row(pid, groups[pid], url) for pid in chunk)
        table = sortable_table([("建议/提案", "text"), ("答复件数", "number"), ("最新答复", "date")], [rows],
                               caption="建议提案及其答复", cls="values-table", sorted_by=2)
        yield md_path, (
            front_matter("建议提案" + (f"（第{n}页）" if n > 1 else ""), "每件建议、提案及其全部答复")
            + "# 建议提案\n\n"
            + f"<p>共 <strong>{len(groups)}</strong> 件建议、议案和提案，其中"
            f' <a href="{escape.html(rel(url, "browse/proposal/"))}">{several} 件有多个单位答复</a>'
            "（主办与会办、协办单位各自答复）。按最新答复日期从新到旧排列；全部建议提案见"
            f'<a href="{escape.html(rel(url, "data/"))}">数据下载</a>中的 <code>proposals.csv</code>。</p>\n\n'
            + table + pager(urls, n, url) + "\n"
        )
    for pid, replies in groups.items():
        if has_page(replies):
            yield f"{proposal_url(pid).rstrip('/')}.md", page(pid, replies, dataset)


def _row(pid: str, replies: tuple[Reply, ...], url: str) -> str:
    first, newest = replies[0], _newest(replies)
    return (
        f'<tr><td data-sort-value="{escape.html(title(first))}"><a href="{escape.html(rel(url, page_url(pid, replies)))}">'
        f'{escape.html(title(first))}</a><div class="reply-sub">{escape.html(where(first))}</div></td>'
        f'<td class="num" data-sort-value="{len(replies)}">{len(replies)}</td>'
        f'<td class="nowrap" data-sort-value="{escape.html(newest)}">{escape.html(dates.zh_text(newest or None))}</td></tr>'
    )
