"""Issue 4, bulk pages in shells: a reply or browse page written into a shell is the page MkDocs
would have rendered from the same Markdown, and letter text never reaches the shell's markers."""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path

import pytest
import yaml

from build_scripts import pages, records, site
from build_scripts.pages import shell
from build_scripts.paths import Paths

_NEWLINE_SPACE = re.compile(r"\s*\n\s*")
_HREF = re.compile(r'(href|src)="([^"#:]*)(#[^"]*)?"')


# --- the converter ------------------------------------------------------------------------------

def test_convert_gives_headings_ids_nested_toc_and_html_blocks() -> None:
    md = ('---\ntitle: 标题\ndescription: 说明\n---\n\n# 标题 \\[一\\] { #top }\n\n<p>甲</p>\n\n'
          "## 答复正文 { #text }\n\n### 一、情况 { #s1 }\n\n<div>乙\n丙</div>\n\n## 来源 { #source }\n")
    out = shell.convert(md, "replies/x.md")
    assert out.meta == {"title": "标题", "description": "说明"}
    assert out.body.split("\n") == ['<h1 id="top">标题 [一]</h1>', "<p>甲</p>", '<h2 id="text">答复正文</h2>',
                                    '<h3 id="s1">一、情况</h3>', "<div>乙", "丙</div>", '<h2 id="source">来源</h2>']
    [top] = out.toc
    assert [(t["id"], [c["id"] for c in t["children"]]) for t in top["children"]] == [("text", ["s1"]), ("source", [])]


@pytest.mark.parametrize("body, why", [
    ("Plain **Markdown** text\n", "neither a heading nor an HTML block"),
    ("## 没有 id 的标题\n", "explicit { #id }"),
    ("- a list item\n", "neither a heading nor an HTML block"),
])
def test_convert_refuses_markdown_it_does_not_render(body: str, why: str) -> None:
    with pytest.raises(shell.NotShellMarkdown, match=re.escape(why)):
        shell.convert(f"---\ntitle: t\n---\n\n# t\n\n{body}", "browse/x.md")


@pytest.mark.parametrize("front, why", [
    ("template: other.html", "template"),
    ("hide: [navigation]", "hide may only be"),
    ("hide: [toc, navigation]", "hide may only be"),
])
def test_convert_refuses_unknown_front_matter(front: str, why: str) -> None:
    with pytest.raises(shell.NotShellMarkdown, match=re.escape(why)):
        shell.convert(f"---\ntitle: t\n{front}\n---\n\n# t\n", "browse/x.md")


def test_hide_toc_gives_a_shell_without_the_themes_toc() -> None:
    """Issue 13: a reply page hides the theme's toc (it has its own 本页目录): it goes into a shell of its own."""
    md = '---\n{"title": "t", "hide": ["toc"]}\n---\n\n# t\n\n## 正文 { #text }\n'
    assert shell.convert(md, "replies/x.md").meta == {"title": "t", "hide": "toc"}
    assert shell.shell_key("replies/x.md", md) == (2, False, True)
    assert shell.shell_key("replies/x.md", "---\ntitle: t\n---\n") == (2, False, False)
    [(path, source)] = shell.sources([(2, False, True)]).items()
    assert path.endswith("-notoc.md") and "hide: [toc]" in source


@pytest.mark.parametrize("md_path, site_path", [
    ("replies/530112-2020-yian-001.md", "replies/530112-2020-yian-001/index.html"),
    ("browse/agency/index.md", "browse/agency/index.html"),
    ("browse/topic/shegong-zhan/2.md", "browse/topic/shegong-zhan/2/index.html"),
    ("browse/proposer/page-2.md", "browse/proposer/page-2/index.html"),
])
def test_site_path_matches_mkdocs_directory_urls(md_path: str, site_path: str) -> None:
    assert shell.site_path(md_path) == site_path


# --- the filled pages against MkDocs ------------------------------------------------------------

def _normalise(text: str, page: str) -> str:
    """White space holding a newline dropped (shells squeeze it), every relative link resolved from
    the page's own URL (a shell lives elsewhere: its links are spelled differently, same target)."""
    base = posixpath.dirname(page)

    def absolute(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(base, html.unescape(m[2]))) if m[2] else page
        return f'{m[1]}="/{target}{m[3] or ""}"'

    return _HREF.sub(absolute, _NEWLINE_SPACE.sub("", text))


def _mkdocs_reference(tmp: Path, paths: Paths) -> Path:
    """The same pages rendered the old way: every bulk page through MkDocs itself."""
    reference = Paths(tmp / "repo")
    for name in ("datasets", "docs", "overrides"):
        shutil.copytree(paths.root / name, reference.root / name)
    shutil.copyfile(paths.mkdocs_yml, reference.mkdocs_yml)
    site.build(reference, shells=False)
    return reference.site


def test_every_bulk_page_is_what_mkdocs_renders(built: Paths, tmp_path: Path) -> None:
    reference = _mkdocs_reference(tmp_path, built)
    bulk = sorted(p.relative_to(built.site).as_posix() for folder in ("replies", "browse")
                  for p in (built.site / folder).rglob("index.html"))
    assert len(bulk) >= 50, "the seed site has reply and browse pages"
    assert "browse/index.html" in bulk  # the overview: rendered by MkDocs both ways
    for page in bulk:
        ours = _normalise((built.site / page).read_text(encoding="utf-8"), page)
        theirs = _normalise((reference / page).read_text(encoding="utf-8"), page)
        assert ours == theirs, f"{page} differs from MkDocs' rendering"


def test_no_shell_is_left_in_the_site(built: Paths) -> None:
    assert not list(built.site.glob(f"{shell.SHELL_DIR}*"))
    assert "QQSHELL" not in "".join(p.read_text(encoding="utf-8") for p in built.site.rglob("*.html"))


def test_marker_text_in_a_letter_stays_as_it_is(scratch: Paths) -> None:
    """A record whose title and text carry the shells' marker strings: shown literally, no swap."""
    record = scratch.replies / "530112-2020-yian-001" / "reply.yaml"
    text = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M)
    assert title
    marked = yaml.safe_load(text.replace(title[0], "title: 关于QQSHELLDESCRIPTIONQQ的函QQSHELLBODYQQ", 1))
    marked["evidence"] = [e for e in marked["evidence"] if e["field"] != "title"]  # it quoted the old title
    record.write_text(yaml.safe_dump(marked, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site.build(scratch)
    page = (scratch.site / "replies" / "530112-2020-yian-001" / "index.html").read_text(encoding="utf-8")
    assert "<title>关于QQSHELLDESCRIPTIONQQ的函QQSHELLBODYQQ - 答复公开</title>" in page
    assert '<h1 id="reply-title">关于QQSHELLDESCRIPTIONQQ的函QQSHELLBODYQQ</h1>' in page
    assert page.count("<article") == 1


def test_toc_markup_is_learnt_from_the_theme_and_escapes_like_it(built: Paths) -> None:
    """The toc is written from item markup learnt from Material's partial; a heading with quotes
    and markup-like text gives exactly what the partial gives (no attribute can be broken out of)."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(built.mkdocs_yml), docs_dir=str(built.docs))
    toc = shell.TocMarkup(config)
    assert toc.learnt
    tokens = [{"level": 1, "id": "t", "name": "T", "children": [
        {"level": 2, "id": "s1", "name": '一、" onmouseover="alert(1)', "children": [
            {"level": 3, "id": "s2", "name": "&lt;script&gt;", "children": []}]},
        {"level": 2, "id": "s3", "name": "三、QQTOCNAME qqtocid", "children": []}]}]
    ours = toc.render(tokens)
    assert ours == toc._via_partial(tokens)
    assert 'aria-label="一、&#34; onmouseover=&#34;alert(1)"' in ours
    assert "三、QQTOCNAME qqtocid" in ours


@pytest.mark.parametrize("reply_id", ["530000-2021-tian-0079", "530112-2020-yian-001"])
def test_reply_page_has_its_own_contents_and_not_the_themes(built: Paths, reply_id: str) -> None:
    """Issue 13: the theme's toc duplicated the page's 本页目录 (≈ 2 KB a page): gone from reply pages,
    the navigation (the phone's menu) kept; the 本页目录 links every section of the page."""
    page = (built.site / "replies" / reply_id / "index.html").read_text(encoding="utf-8")
    assert "md-sidebar--secondary" not in page and 'data-md-component="toc"' not in page
    assert page.count('<div class="md-sidebar md-sidebar--primary"') == 1
    contents = page.split('<nav class="reply-toc" aria-label="本页目录">', 1)[1].split("</nav>", 1)[0]
    linked = re.findall(r'href="#([^"]+)"', contents)
    assert [h for h in re.findall(r'<h2 id="([^"]+)"', page)] == [h for h in linked if not re.fullmatch(r"s\d+", h)]
    assert {"text", "source", "cite", "related", "record"} <= set(linked)
    browse = (built.site / "browse" / "agency" / "index.html").read_text(encoding="utf-8")
    assert "md-sidebar--secondary" in browse  # other pages keep the theme's toc


def test_shells_are_made_for_every_depth_and_a_deeper_page_is_named(scratch: Paths,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the shells are every (depth, feeds, toc) up to ``pages.BULK_DEPTH``, not learnt by making
    every bulk page first; a page deeper than that stops the build, naming it."""
    assert set(pages.Bulk(records.load(scratch), "").keys()) == {
        (d, f, t) for d in range(1, pages.BULK_DEPTH + 1) for f in (False, True) for t in (False, True)}
    monkeypatch.setattr(pages, "BULK_DEPTH", 2)
    with pytest.raises(shell.NotShellMarkdown, match=r"browse/.*: no shell for a page 3 folders deep"):
        site.build(scratch)
    assert not scratch.site.exists()
