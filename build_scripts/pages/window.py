"""A long letter's page shows one part of its text: which part (``Window``), the 正文分页 links,
and which headings and slices of text fall inside it. ``parts`` decides where parts start."""

from __future__ import annotations

from dataclasses import dataclass

from build_scripts.dataset import Reply
from build_scripts.pages import escape
from build_scripts.pages.common import rel
from build_scripts.replytext import body_places

Pos = tuple[int, int]
"""A place in a reply's text: (index into ``search.text.body_fields(reply)``, character offset in that field)."""


@dataclass(frozen=True)
class Window:
    """Which part of a long letter's text one page shows (see ``parts``): part ``number`` of
    ``len(urls)``, from ``starts[number - 1]`` up to the next part's start."""

    number: int  # 1-based
    starts: tuple[Pos, ...]  # where each part's text starts; starts[0] is (0, 0)
    urls: tuple[str, ...]  # each part's site-relative URL
    fields: int  # how many body fields the reply has: the end of the last part is (fields, 0)

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def start(self) -> Pos:
        return self.starts[self.number - 1]

    @property
    def end(self) -> Pos:
        return self.starts[self.number] if self.number < self.count else (self.fields, 0)


def part_nav(window: Window, label: str) -> str:
    """正文分页: which part this is, links to every part (the current one marked), 上一页 and 下一页."""
    def link(n: int, text: str, cls: str = "") -> str:
        here = ' aria-current="page"' if text == f"第{k}页" else ""
        item = f'<li class="{cls}">' if cls else "<li>"
        return f'{item}<a{here} href="{escape.html(rel(window.url, window.urls[n - 1]))}">{text}</a></li>'

    k, n = window.number, window.count
    items = [link(k - 1, "上一页", "part-prev")] if k > 1 else []
    items += [link(i, f"第{i}页") for i in range(1, n + 1)]
    if k < n:
        items.append(link(k + 1, "下一页", "part-next"))
    return (f'<nav class="reply-parts" aria-label="{label}"><p class="reply-parts-note">正文较长，分 {n} 页显示，'
            f'本页为第 {k} 页。</p><ul>{"".join(items)}</ul></nav>\n')


def headings_shown(reply: Reply, window: Window | None) -> set[int] | None:
    """Indexes of the sections whose heading is in the window (None: no window, all of them)."""
    if window is None:
        return None
    return {i for f, (i, kind) in enumerate(body_places(reply))
            if kind == "heading" and window.start <= (f, 0) < window.end}


def continued(reply: Reply, window: Window, depths: list[int | None]) -> list[int]:
    """Sections whose heading is repeated with （续） at the top of a part: the outline open where it starts.

    That is the last section whose heading came before the part's start, with the sections it
    sits in, less those that a heading at the very start of the part closes: so the part's
    headings never skip a level, and a section cut in two shows its heading again.
    """
    places = body_places(reply)
    before = [i for f, (i, kind) in enumerate(places) if kind == "heading" and (f, 0) < window.start]
    if not before:
        return []
    chain = [before[-1]]
    for j in range(before[-1] - 1, -1, -1):
        depth, top = depths[j], depths[chain[-1]]
        if depth is not None and top is not None and depth < top:
            chain.append(j)
    f, off = window.start
    if off == 0 and f < len(places) and places[f][1] == "heading":
        opening = depths[places[f][0]]
        chain = [j for j in chain if (depths[j] or 0) < (opening or 0)]
    return chain[::-1]


def windowed(reply: Reply, window: Window) -> list[tuple[bool, str]]:
    """(heading shown, the slice of text shown) per section, for one part of the text."""
    shown: list[tuple[bool, str]] = [(False, "")] * len(reply["sections"])
    start, end = window.start, window.end
    for f, (i, kind) in enumerate(body_places(reply)):
        heading, text = shown[i]
        if kind == "heading":
            shown[i] = (start <= (f, 0) < end, text)
            continue
        full = reply["sections"][i]["text"]
        a = 0 if start[0] < f else start[1] if start[0] == f else len(full)
        b = len(full) if end[0] > f else end[1] if end[0] == f else 0
        shown[i] = (heading, full[a:b] if a < b else "")
    return shown
