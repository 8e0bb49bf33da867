"""The notice on a withdrawn reply's page: the permalink stays, and says why the reply was withdrawn."""

from __future__ import annotations

from build_scripts import dates
from build_scripts.dataset import Reply
from build_scripts.pages import escape


def is_withdrawn(reply: Reply) -> bool:
    return reply["withdrawn_date"] is not None


def notice(reply: Reply) -> str:
    """An HTML notice for a withdrawn reply; empty for a reply that stands."""
    if not is_withdrawn(reply):
        return ""
    return (
        '<div class="withdrawn-notice" role="note"><p><strong>本答复已于'
        f'{escape.html(dates.zh_text(reply["withdrawn_date"]))}撤回。</strong>'
        f'理由：{escape.html(reply["withdrawn_reason"])}</p>'
        "<p>页面和永久链接保留，供核对既有引用；撤回记录仍在数据包中（withdrawn_date、withdrawn_reason 字段）。</p></div>\n"
    )
