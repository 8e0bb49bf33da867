"""Bulk pages (one per reply, one per browse value) poured into shells that MkDocs rendered.

Why: MkDocs with Material costs about 28 ms a page (Python-Markdown about 16 ms of it, the theme's
templates most of the rest). At 10,000 letters the reply and browse pages are over 20,000 pages:
ten minutes of a three-minute budget. These pages are generated, all alike, and outside the
navigation, so rendering each through the whole theme buys nothing.

How: ``sources`` gives one shell page per (directory depth, with or without own feeds, with or
without the theme's table of contents) that the bulk pages need. MkDocs renders each shell with the full theme: header, tabs, footer, feeds in the
head, and links to assets relative to that depth, which is all a page's URL changes in the chrome.
After MkDocs, ``Shells.load`` splits each rendered shell at its markers and ``Shells.write`` writes
every bulk page: title, description, feed links, skip link, table of contents (rendered by the
theme's own ``partials/toc.html``) and the article body. The shells are then removed. A page with
``hide: [toc]`` (a reply page: it has its own 本页目录) goes into a shell rendered with it, which
``overrides/main.html`` gives no secondary sidebar at all (Material only marks it ``hidden``).

The bulk pages are still written as the same generated Markdown as the other pages, in a strict
subset: front matter (title, description, feed, feed_title, and ``hide: [toc]``), ATX headings with an explicit
``{ #id }`` (the page's h1 may omit it), and raw HTML blocks. ``convert`` turns that subset into
HTML and refuses anything else, so a page that needs real Markdown fails the build loudly instead
of rendering wrongly. The site generator stays replaceable: a shell is one ordinary page.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from markupsafe import Markup
from markupsafe import escape as escape_attr

from build_scripts.pages import escape

SHELL_DIR = "_shell"
"""Where the shells live in docs/ and the staged site; removed once the pages are written."""

MARKED_KEYS = ("title", "description", "feed", "feed_title")
"""Front matter a shell carries as markers, replaced by each page's own values."""
META_KEYS = (*MARKED_KEYS, "hide")
"""Front matter a bulk page may have; ``hide`` only as ``[toc]`` (``HIDE_TOC``)."""
HIDE_TOC = ["toc"]
MARK = {key: f"QQSHELL{key.upper().replace('_', '')}QQ" for key in MARKED_KEYS}
_MARKS = re.compile("|".join(MARK.values()))
SKIP_ID = "qqshellskip"
BODY = "QQSHELLBODYQQ"
_ARTICLE = re.compile(rf'<h1 id="{SKIP_ID}">QQSHELLH1QQ</h1>\s*<p>{BODY}</p>')
CANONICAL = "QQSHELLCANONICALQQ"
_CANONICAL = re.compile(r'<link rel="canonical" href="[^"]*">')
_TOC_NAV = re.compile(r'<nav class="md-nav md-nav--secondary"[^>]*>.*?</nav>', re.S)
_HEADING = re.compile(r"^(#{1,6}) (.*?)(?: \{ ?#([A-Za-z][A-Za-z0-9_-]*) ?\})?\s*$")
_MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


class NotShellMarkdown(ValueError):
    """A generated page uses Markdown the shell converter does not handle (a build bug)."""


# --- the generated-Markdown subset -------------------------------------------------------------

@dataclass
class Converted:
    meta: dict[str, str]
    body: str
    toc: list[dict[str, Any]] = field(default_factory=list)  # Python-Markdown toc tokens, nested


def _front_matter(markdown: str, path: str) -> tuple[dict[str, str], int]:
    """The page's front matter and where its body starts."""
    if not markdown.startswith("---\n") or "\n---\n" not in markdown[3:]:
        raise NotShellMarkdown(f"{path}: a generated page must start with front matter")
    end = markdown.index("\n---\n", 3)
    front = markdown[4:end]
    meta = (json.loads(front) if front.startswith("{") else yaml.load(front, Loader=yaml.CSafeLoader)) or {}
    unknown = sorted(set(meta) - set(META_KEYS))
    if unknown or not meta.get("title"):
        raise NotShellMarkdown(f"{path}: front matter needs a title and only {', '.join(META_KEYS)} (has {unknown})")
    if meta.get("hide", HIDE_TOC) != HIDE_TOC:
        raise NotShellMarkdown(f"{path}: front matter hide may only be {HIDE_TOC} (has {meta['hide']!r})")
    return {k: "toc" if k == "hide" else str(v) for k, v in meta.items()}, end + 5


def convert(markdown: str, path: str) -> Converted:
    """Front matter + headings + raw HTML blocks → (meta, HTML body, toc tokens), as MkDocs would."""
    meta, start = _front_matter(markdown, path)
    blocks: list[str] = []
    flat: list[dict[str, Any]] = []
    in_block = False
    for number, line in enumerate(markdown[start:].split("\n"), markdown.count("\n", 0, start) + 1):
        if not line.strip():
            in_block = False
            continue
        heading = _HEADING.match(line) if not in_block else None
        if heading:
            level, text = len(heading[1]), _MD_ESCAPED.sub(r"\1", heading[2].strip())
            ident = heading[3] or (_slug(text) if level == 1 else None)
            if ident is None:
                raise NotShellMarkdown(f"{path}: line {number}: a heading below h1 needs an explicit {{ #id }}")
            blocks.append(f'<h{level} id="{ident}">{text}</h{level}>')
            flat.append({"level": level, "id": ident, "name": text, "children": []})
        elif in_block or line.startswith("<"):
            blocks.append(line)
            in_block = True
        else:
            raise NotShellMarkdown(f"{path}: line {number}: neither a heading nor an HTML block: {line[:60]!r}")
    return Converted(meta, "\n".join(blocks), _nest(flat))


def _slug(heading_html: str) -> str:
    """The id Python-Markdown's toc extension gives a heading without one (the first on its page)."""
    from markdown.extensions.toc import slugify, unique

    return unique(slugify(html.unescape(heading_html), "-"), set())


def _nest(flat: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat headings → the nested toc tokens Python-Markdown's toc extension gives."""
    top: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else top).append(token)
        stack.append(token)
    return top


# --- which shells, and where ---------------------------------------------------------------------

def site_path(md_path: str) -> str:
    """``replies/x.md`` → ``replies/x/index.html``; ``browse/agency/index.md`` → ``browse/agency/index.html``."""
    stem = md_path.removesuffix(".md")
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


ShellKey = tuple[int, bool, bool]
"""Which shell a page goes into: (directory depth, has its own feeds, hides the theme's toc)."""


def _key(md_path: str, meta: dict[str, str]) -> ShellKey:
    return site_path(md_path).count("/"), "feed" in meta, "hide" in meta


def shell_key(md_path: str, markdown: str) -> ShellKey:
    """The shell a generated page goes into: (directory depth, has its own feeds, hides the toc)."""
    return _key(md_path, _front_matter(markdown, md_path)[0])


def every_key(max_depth: int) -> list[ShellKey]:
    """Every shell a generated page up to ``max_depth`` directories deep could need: a few pages for
    MkDocs to render, instead of making every bulk page first to learn which it needs (issue 13: 16 s
    of the bulk pages' 40 at 10,000 letters)."""
    return [(depth, feed, no_toc) for depth in range(1, max_depth + 1) for feed in (False, True) for no_toc in (False, True)]


def _shell_md_path(depth: int, feed: bool, no_toc: bool) -> str:
    """A shell page at ``depth`` directories below the site root."""
    name = f"d{depth}{'-feed' if feed else ''}{'-notoc' if no_toc else ''}"
    return "/".join([SHELL_DIR, *["x"] * (depth - 2), name]) + ".md" if depth >= 2 else f"{SHELL_DIR}-{name}.md"


def sources(keys: Iterable[ShellKey]) -> dict[str, str]:
    """Shell Markdown for each (depth, has feeds, hides the toc) the bulk pages need: path in docs → text."""
    out = {}
    for depth, feed, no_toc in sorted(set(keys)):
        meta = {"title": MARK["title"], "description": MARK["description"]}
        if feed:
            meta |= {"feed": MARK["feed"], "feed_title": MARK["feed_title"]}
        if no_toc:
            meta |= {"hide": "[toc]"}
        front = "".join(f"{k}: {v}\n" for k, v in meta.items())
        out[_shell_md_path(depth, feed, no_toc)] = f"---\n{front}---\n\n# QQSHELLH1QQ {{ #{SKIP_ID} }}\n\n<p>{BODY}</p>\n"
    return out


# --- after MkDocs: fill them ---------------------------------------------------------------------

@dataclass(frozen=True)
class Shell:
    head: str  # up to the skip link's href value
    chrome: str  # from after it up to the table of contents (up to the article body without one)
    middle: str  # from after the table of contents up to the article body ("" without one)
    tail: str  # after the article body
    toc: bool = True  # has the theme's table of contents


def _split(html: str, where: Path, toc_expected: bool = True) -> Shell:
    skip = html.find(f'href="#{SKIP_ID}"')
    toc = _TOC_NAV.search(html)
    article = _ARTICLE.search(html)
    if skip < 0 or article is None or (toc is not None) != toc_expected or (
            toc is not None and not skip < toc.start() < article.start()):
        raise NotShellMarkdown(f"{where}: the rendered shell lacks its markers (did the theme change?)")
    start = skip + len('href="')
    head = _CANONICAL.sub(f'<link rel="canonical" href="{CANONICAL}">', html[:start], count=1)  # the shell's own URL
    after_skip = start + len(SKIP_ID) + 1
    chrome, middle = ((html[after_skip:toc.start()], html[toc.end():article.start()]) if toc is not None
                      else (html[after_skip:article.start()], ""))
    return Shell(squeeze(head), squeeze(chrome), squeeze(middle), squeeze(html[article.end():]), toc=toc is not None)


_INDENT = re.compile(r"\s*\n\s*")


def squeeze(theme_html: str) -> str:
    """The theme's indentation and blank lines as one newline each (a third of the chrome's bytes).

    Only for the theme's own markup (no <pre> in it): a run of white space that holds a newline
    renders as one space either way.
    """
    return _INDENT.sub("\n", theme_html)


class TocMarkup:
    """The theme's table of contents for a page, as ``partials/toc.html`` renders it.

    Rendering the partial through Jinja costs about 2 ms a page (one include per item). The
    markup of one item depends only on its id, title and children, so it is learnt once from an
    example the partial renders, and checked against the partial on a second, deeper example; if
    the theme ever renders differently, every page goes through the partial instead.
    """

    _ID, _NAME, _LABEL, _KIDS = "qqtocid", "QQTOCNAME", "QQTOCLABEL", "QQTOCCHILDREN"

    def __init__(self, config: Any) -> None:
        self._partial = config.theme.get_env().from_string(
            '{% import "partials/language.html" as lang with context %}{% include "partials/toc.html" %}')
        self._config = config
        self.learnt = False
        try:
            self._learn()
            check = [_token(1, "t", "T", [_token(2, "a", 'A &amp; "B"  \'C\' <b>D</b>', [_token(3, "b", "B", [])]),
                                          _token(2, "c", "C", []), _token(2, "d", "D", [_token(3, "e", "E", [])])])]
            self.learnt = self._from_parts(check) == self._via_partial(check)
        except ValueError:
            self.learnt = False

    def render(self, tokens: list[dict[str, Any]]) -> str:
        return self._from_parts(tokens) if self.learnt else self._via_partial(tokens)

    def _via_partial(self, tokens: list[dict[str, Any]]) -> str:
        from mkdocs.structure.toc import get_toc

        return squeeze(self._partial.render(page=SimpleNamespace(toc=get_toc(tokens)),  # type: ignore[arg-type]
                                            config=self._config).strip())

    def _learn(self) -> None:
        leaf_id, parent_id = self._ID + "2", self._ID + "1"
        example = self._via_partial([_token(1, "t", "T", [_token(2, parent_id, self._NAME + "1", [
            _token(3, leaf_id, self._NAME + "2", [])])])])
        empty = self._via_partial([_token(1, "t", "T", [])])
        leaf_start = example.rindex("<li", 0, example.index(f'"#{leaf_id}"'))
        leaf_end = example.index("</li>", leaf_start) + len("</li>")
        parent_start = example.rindex("<li", 0, example.index(f'"#{parent_id}"'))
        parent_end = example.rindex("</li>") + len("</li>")
        leaf = example[leaf_start:leaf_end]
        parent = example[parent_start:parent_end].replace(leaf, self._KIDS)
        self._frame = (example[:parent_start], example[parent_end:])
        self._leaf = leaf.replace(leaf_id, self._ID).replace(self._NAME + "2", self._NAME)
        label = f'aria-label="{self._NAME}1"'
        if parent.count(label) != 1:
            raise ValueError("the theme's toc item has no aria-label of its title")
        parent = parent.replace(label, f'aria-label="{self._LABEL}"')
        self._parent = parent.replace(parent_id, self._ID).replace(self._NAME + "1", self._NAME)
        self._empty = empty

    def _item(self, token: dict[str, Any]) -> str:
        values = {self._ID: token["id"], self._NAME: token["name"],
                  self._LABEL: str(escape_attr(Markup(token["name"]).striptags())),  # as `| striptags | e`
                  self._KIDS: "\n".join(self._item(t) for t in token["children"])}
        template = self._parent if token["children"] else self._leaf
        return _TOC_MARKS.sub(lambda m: values[m[0]], template)

    def _from_parts(self, tokens: list[dict[str, Any]]) -> str:
        items = tokens[0]["children"] if len(tokens) == 1 and tokens[0]["level"] == 1 else tokens
        if not items:
            return self._empty
        return self._frame[0] + "\n".join(self._item(t) for t in items) + self._frame[1]


_TOC_MARKS = re.compile(f"{TocMarkup._ID}|{TocMarkup._NAME}|{TocMarkup._LABEL}|{TocMarkup._KIDS}")


def _token(level: int, ident: str, name: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {"level": level, "id": ident, "name": name, "children": children}


def page_url(md_path: str) -> str:
    """The page's URL below the site root: ``replies/x.md`` → ``replies/x/``."""
    return site_path(md_path).removesuffix("index.html")


class Shells:
    """The rendered shells of one build, and the theme's table-of-contents markup."""

    def __init__(self, site_dir: Path, config: Any) -> None:
        self.site_dir = site_dir
        self.site_url = str(config["site_url"] or "")  # each page's canonical link is its own URL
        self.shells: dict[ShellKey, Shell] = {}
        self.toc = TocMarkup(config)

    @classmethod
    def load(cls, site_dir: Path, config: Any, keys: Iterable[ShellKey]) -> Shells:
        shells = cls(site_dir, config)
        for key in sorted(set(keys)):
            rendered = site_dir / site_path(_shell_md_path(*key))
            shells.shells[key] = _split(rendered.read_text(encoding="utf-8"), rendered, toc_expected=not key[2])
        return shells

    def render(self, md_path: str, converted: Converted) -> str:
        """The finished page: the shell's parts with this page's meta, toc and body between them.

        Markers are replaced in the shell's own parts only, never in the body or the toc: a letter
        that happens to contain a marker's text shows it as it is.
        """
        meta = converted.meta
        key = _key(md_path, meta)
        if key not in self.shells:
            raise NotShellMarkdown(f"{md_path}: no shell for a page {key[0]} folders deep (the deepest has "
                                   f"{max(k[0] for k in self.shells)}): raise pages.BULK_DEPTH")
        shell = self.shells[key]
        values = {MARK[k]: escape.html(meta[k]) if k.startswith("feed") else meta[k] for k in MARKED_KEYS if k in meta}

        def fill(part: str) -> str:  # one pass: a value is never scanned for markers again
            return _MARKS.sub(lambda m: values.get(m[0], m[0]), part)

        nav = self.toc.render(converted.toc) if shell.toc else ""
        first = converted.toc[0]["id"] if converted.toc else ""
        head = fill(shell.head).replace(CANONICAL, escape.html(self.site_url + page_url(md_path)), 1)
        return "".join([head, f"#{first}", fill(shell.chrome), nav,
                        fill(shell.middle), converted.body, fill(shell.tail)])

    def write(self, pages: Iterable[tuple[str, str]], check: Callable[[str, int], None] | None = None) -> int:
        """Write each (docs path, generated Markdown) as a finished page; return how many.

        ``check(docs path, bytes)`` sees each page's size before it is written (and may raise)."""
        count = 0
        for md_path, markdown in pages:
            target = self.site_dir / site_path(md_path)
            data = self.render(md_path, convert(markdown, md_path)).encode("utf-8")
            if check:
                check(md_path, len(data))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
        return count

    def remove(self) -> None:
        """Take the shells out of the site (MkDocs' sitemap, which lists them, is replaced by ``sitemap``)."""
        for shells in self.site_dir.glob(f"{SHELL_DIR}*"):  # _shell/ and _shell-d1/
            shutil.rmtree(shells)
