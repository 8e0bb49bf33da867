"""分页显示: a long letter's text in parts, so that no reply page is over the byte budget.

The long letters (tests/longletters.py) are built beside the seeds once (``long_built``): one with
many sections (cut between sections), one giant paragraph (cut after sentence ends) and one giant
sentence (cut between characters). Every page is read back from the built site.
"""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import longletters
import pytest
from conftest import SEED_IDS, copy_inputs
from longletters import MANY, ONE_PARAGRAPH, ONE_SENTENCE
from sitetree import tree
from test_shell import _mkdocs_reference, _normalise

from build_scripts import linkcheck, pages, records, site
from build_scripts.pages import parts, reply
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.problems import BuildError
from build_scripts.replytext import body_fields, body_places
from build_scripts.search import index as search_index
from build_scripts.settings import Settings

LONG = (MANY, ONE_PARAGRAPH, ONE_SENTENCE)
SEEDS = sorted(SEED_IDS)


class _Letter(HTMLParser):
    """The letter as one page shows it: its section headings (h3–h6) and the text of its paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.text: list[str] = []
        self._depth = 0  # inside div.letter-text
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and ("class", "letter-text") in attrs:
            self._depth = 1
        elif tag == "div" and self._depth:
            self._depth += 1
        elif tag == "br" and self._depth:
            self.text.append("\n")
        elif tag in ("h3", "h4", "h5", "h6") and not self._depth:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag in ("h3", "h4", "h5", "h6") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.text.append(data)
        elif self._heading is not None:
            self._heading.append(data)


def _article(page: str) -> str:
    return page[page.index("<article"):page.index("</article>")]


def _letter(page: str) -> _Letter:
    text = _article(page)
    start = text.index('<h2 id="text">')
    end = text.find('<h2 id="source">')
    parser = _Letter()
    parser.feed(text[start:end if end > 0 else len(text)])
    return parser


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(paths: Paths, reply_id: str) -> list[str]:
    """URLs of a reply's pages found in the site, in order."""
    folder = paths.site / "replies" / reply_id
    numbers = sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit())
    assert numbers == list(range(2, len(numbers) + 2)), numbers
    return [f"replies/{reply_id}/"] + [f"replies/{reply_id}/{n}/" for n in numbers]


def _dataset(paths: Paths) -> records.Dataset:
    dataset = records.load(paths)
    assert dataset.report.ok
    return dataset


def _reply(dataset: records.Dataset, reply_id: str) -> records.Reply:
    return next(r for r in dataset.replies if r.id == reply_id)


# --- the guarantee --------------------------------------------------------------------------

def test_every_reply_page_is_within_the_budget(long_built: Paths) -> None:
    found = sorted((long_built.site / "replies").rglob("index.html"))
    assert len(found) >= len(SEEDS) + 3 + 2 + 2, "the long letters are in parts"
    sizes = {p.relative_to(long_built.site).as_posix(): p.stat().st_size for p in found}
    assert Settings.reply_page_bytes == 60_000
    assert max(sizes.values()) <= Settings.reply_page_bytes, sizes
    assert len(_pages(long_built, MANY)) >= 3  # a page with both 上一页 and 下一页
    for reply_id in LONG:
        assert len(_pages(long_built, reply_id)) >= 2, reply_id


def test_the_long_letters_would_be_over_the_budget_in_one_page(long_built: Paths) -> None:
    """Without the parts the test would prove nothing: each long letter is far over the budget whole."""
    dataset = _dataset(long_built)
    for reply_id in LONG:
        r = _reply(dataset, reply_id)
        whole = parts.estimate(parts.md_path(r.id, 1), reply.render(r, dataset))
        assert whole > Settings.reply_page_bytes * 1.5, reply_id


@pytest.mark.parametrize("reply_id", LONG)
def test_the_parts_reproduce_the_letter_exactly(long_built: Paths, reply_id: str) -> None:
    """All pages' text in order is the record's text (nothing lost, nothing twice), and each page
    holds exactly the text ``text_parts`` says it does."""
    dataset = _dataset(long_built)
    r = _reply(dataset, reply_id)
    fields = body_fields(r)
    found = parts.text_parts(r, dataset)
    urls = _pages(long_built, reply_id)
    assert [p.url for p in found] == urls
    assert found[0].start == (0, 0) and found[-1].end == (len(fields), 0)
    assert all(a.end == b.start for a, b in zip(found, found[1:]))
    shown_text, shown_headings = [], []
    for part in found:
        letter = _letter(longletters.read(long_built.site, part.url))
        expected = _slice([f.text for f in fields], [f.name for f in fields], part.start, part.end)
        assert _bare("".join(letter.text)) == _bare(expected), f"{part.url} does not hold its part"
        shown_text.append("".join(letter.text))
        shown_headings += [h for h in letter.headings if not h.endswith("（续）")]
    assert _bare("".join(shown_text)) == _bare("".join(s["text"] or "" for s in r["sections"]))
    assert shown_headings == [s["heading"] for s in r["sections"] if s["heading"]]


def _slice(texts: list[str], names: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The letter text between two places (headings left out)."""
    out = []
    for i, (text, name) in enumerate(zip(texts, names)):
        if name != "text" or i < start[0] or i > end[0]:
            continue
        a = start[1] if i == start[0] else 0
        b = end[1] if i == end[0] else len(text)
        out.append(text[a:b])
    return "".join(out)


def test_where_each_letter_is_cut(long_built: Paths) -> None:
    """Between sections when it can; else after a sentence end; a sentence with no end, between characters."""
    dataset = _dataset(long_built)
    many = _reply(dataset, MANY)
    places = body_places(many)
    for part in parts.text_parts(many, dataset)[1:]:
        field, offset = part.start
        assert offset == 0 and (field == 0 or places[field - 1][0] != places[field][0]), part
    one = _reply(dataset, ONE_PARAGRAPH)
    text = body_fields(one)[1].text
    for part in parts.text_parts(one, dataset)[1:]:
        assert part.start[0] == 1 and text[part.start[1] - 1] == "。", part
    sentence = _reply(dataset, ONE_SENTENCE)
    text = body_fields(sentence)[0].text
    cuts = parts.text_parts(sentence, dataset)[1:]
    assert cuts and all(p.start[0] == 0 and 0 < p.start[1] < len(text) - 1 for p in cuts)
    assert "。" not in text[:-1], "the giant sentence has no sentence end but its last character"


def test_a_section_cut_in_two_repeats_its_heading(long_built: Paths) -> None:
    page = longletters.read(long_built.site, f"replies/{ONE_PARAGRAPH}/2/")
    assert '<h3 id="s1">一、办理情况（续）</h3>' in page
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", _article(page))]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {levels}"


def test_text_parts_equals_what_the_pages_are_rendered_from(long_built: Paths) -> None:
    dataset = _dataset(long_built)
    for r in dataset.replies:
        found = parts.text_parts(r, dataset)
        rendered = parts.pages(r, dataset)
        assert [parts.md_path(r.id, p.number) for p in found] == [path for path, _ in rendered]


def test_body_field_places_are_the_search_index_body_fields(long_built: Paths) -> None:
    dataset = _dataset(long_built)
    for r in dataset.replies:
        places = body_places(r)
        fields = body_fields(r)
        assert [r["sections"][i][kind] for i, kind in places] == [f.text for f in fields]
        assert [kind for _, kind in places] == [f.name for f in fields]


# --- the navigation between parts -------------------------------------------------------------

_NAV = re.compile(r'<nav class="reply-parts" aria-label="(正文分页[^"]*)"><p class="reply-parts-note">(.*?)</p>'
                  r"<ul>(.*?)</ul></nav>")
_LINK = re.compile(r'<li(?: class="[^"]*")?><a( aria-current="page")? href="([^"]*)">([^<]*)</a></li>')


@pytest.mark.parametrize("reply_id", LONG)
def test_every_page_links_its_parts(long_built: Paths, reply_id: str) -> None:
    urls = _pages(long_built, reply_id)
    n = len(urls)
    for k, url in enumerate(urls, 1):
        page = longletters.read(long_built.site, url)
        navs = _NAV.findall(page)
        assert [label for label, _, _ in navs] == ["正文分页", "正文分页（本页末尾）"], url
        for _, note, items in navs:
            assert note == f"正文较长，分 {n} 页显示，本页为第 {k} 页。"
            links = _LINK.findall(items)
            targets = {text: posixpath.normpath(posixpath.join(url, href)) + "/" for _, href, text in links}
            assert [text for _, _, text in links if text.startswith("第")] == [f"第{i}页" for i in range(1, n + 1)]
            assert [text for current, _, text in links if current] == [f"第{k}页"]
            assert [targets[f"第{i}页"] for i in range(1, n + 1)] == urls
            assert targets.get("上一页") == (urls[k - 2] if k > 1 else None)
            assert targets.get("下一页") == (urls[k] if k < n else None)
            assert all((long_built.site / t / "index.html").is_file() for t in targets.values())
        title = re.search(r"<title>(.*?)</title>", page)
        assert title and f"（第{k}页，共{n}页）" in title[1]
        description = re.search(r'<meta name="description" content="([^"]*)"', page)
        assert description and f"正文第{k}页，共{n}页" in description[1]


def test_a_continuation_page_says_whose_letter_it_is_and_where_the_whole_is(long_built: Paths) -> None:
    dataset = _dataset(long_built)
    r = _reply(dataset, MANY)
    page = longletters.read(long_built.site, f"replies/{MANY}/2/")
    n = len(_pages(long_built, MANY))
    assert f'<h1 id="reply-title">{html.escape(r["title"])}（第2页，共{n}页）</h1>' in page
    assert f'<p class="part-meta">{r["agency"]} · 2020年11月20日 · {r["doc_number"]}</p>' in page
    assert '<a href="../">返回第1页：答复信息、摘要、来源与引用</a>' in page
    assert f'<a href="../../../letters/{MANY}/letter.txt">原件</a>' in page
    assert f'<a href="../../../api/replies/{MANY}.json" type="application/json">JSON 记录</a>' in page
    first = longletters.read(long_built.site, f"replies/{MANY}/")
    for anchor in ("reply-card", 'id="source"', 'id="related"', 'id="record"', "citation"):
        assert anchor in first, anchor  # page 1 keeps everything around the text
    assert 'class="letter-signature"' not in first  # the signature ends the letter, on its last page
    assert 'class="letter-signature"' in longletters.read(long_built.site, f"replies/{MANY}/{n}/")


def test_seed_pages_are_unchanged_and_in_one_part(long_built: Paths) -> None:
    dataset = _dataset(long_built)
    for reply_id in SEEDS:
        r = _reply(dataset, reply_id)
        assert parts.text_parts(r, dataset) == [parts.Part(1, f"replies/{reply_id}/", (0, 0), (len(body_fields(r)), 0))]
        assert parts.pages(r, dataset) == [(f"replies/{reply_id}.md", reply.render(r, dataset))]
        assert _pages(long_built, reply_id) == [f"replies/{reply_id}/"]
        assert "reply-parts" not in longletters.read(long_built.site, f"replies/{reply_id}/")


def test_the_estimates_are_upper_bounds(long_built: Paths) -> None:
    """What ``parts`` measures is never less than the page written, and the cheap bound never less
    than the whole page: so the cut it chooses keeps the budget."""
    dataset = _dataset(long_built)
    for r in dataset.replies:
        for path, markdown in parts.pages(r, dataset):
            written = (long_built.site / path.removesuffix(".md") / "index.html").stat().st_size
            assert parts.estimate(path, markdown) >= written, path
        whole = reply.render(r, dataset)
        assert parts.upper_bound(r, dataset) >= parts.estimate(parts.md_path(r.id, 1), whole), r.id


# --- the build ----------------------------------------------------------------------------------

def test_two_builds_are_byte_identical(long_built: Paths, tmp_path: Path) -> None:
    again = copy_inputs(tmp_path / "again" / "repo")
    longletters.add_all(again)
    site.build(again)
    first, second = tree(long_built.site / "replies"), tree(again.site / "replies")
    assert f"{MANY}/2/index.html" in first
    assert first == second


def test_pages_in_parts_are_what_mkdocs_renders(long_built: Paths, tmp_path: Path) -> None:
    """The continuation pages go through the shells like every reply page: the same HTML as MkDocs'."""
    reference = _mkdocs_reference(tmp_path, long_built)
    written = [f"{url}index.html" for reply_id in LONG for url in _pages(long_built, reply_id)]
    for page in written:
        ours = _normalise((long_built.site / page).read_text(encoding="utf-8"), page)
        theirs = _normalise((reference / page).read_text(encoding="utf-8"), page)
        assert ours == theirs, f"{page} differs from MkDocs' rendering"


def test_the_link_check_follows_the_links_between_parts(long_built: Paths, tmp_path: Path) -> None:
    """A missing part is a broken link on every page that links it (page 1's contents and every part's navigation)."""
    copy = tmp_path / "site"
    shutil.copytree(long_built.site, copy)
    assert linkcheck.broken_links(copy) == []
    shutil.rmtree(copy / "replies" / MANY / "3")
    broken = {(Path(p.file).parent.relative_to(copy).as_posix(), p.message.split(":")[0]) for p in linkcheck.broken_links(copy)}
    n = len(_pages(long_built, MANY))
    assert broken == {(f"replies/{MANY}", "'3/'")} | {(f"replies/{MANY}/{k}", "'../3/'") for k in range(2, n + 1) if k != 3}


def test_a_page_that_cannot_fit_fails_the_build_naming_the_record(tmp_path: Path) -> None:
    paths = copy_inputs(tmp_path / "repo")
    note = {"field": "body", "kind": "decision", "original": None, "value": None, "reason": "说明" * 6_000}
    reply_id = longletters.add(paths, "904", longletters.sections_many()[:3], notes=[note, dict(note)])  # 72 KB of notes
    done = subprocess.run([sys.executable, "-m", "build_scripts", "--root", str(paths.root), "build"],
                          capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (f"datasets/replies/{reply_id}/reply.yaml: sections: [page-too-large] the reply's pages cannot be kept "
            "within 60,000 bytes: page 1 cannot hold any of the text") in done.stderr + done.stdout
    assert not paths.site.exists()


def test_a_written_reply_page_over_the_budget_fails_the_build(long_built: Paths) -> None:
    """The last line of defence: every reply page is measured as it is written (browse pages are not reply pages)."""
    bulk = pages.Bulk(_dataset(long_built), "")
    bulk.check_size(f"replies/{MANY}/2.md", Settings.reply_page_bytes)
    bulk.check_size("browse/agency/index.md", 10 * Settings.reply_page_bytes)
    with pytest.raises(BuildError, match=re.escape(
            f"datasets/replies/{MANY}/reply.yaml: sections: [page-too-large] its page replies/{MANY}/2/index.html "
            "has 60,001 bytes, over the 60,000-byte budget")):
        bulk.check_size(f"replies/{MANY}/2.md", Settings.reply_page_bytes + 1)


def test_the_built_search_docs_are_those_the_index_measures_itself(long_built: Paths, tmp_path: Path) -> None:
    """The build writes the search index's ``i/`` files from the parts its bulk pages cut (``Bulk.parts_of``);
    they are byte for byte those ``search.index.write`` makes measuring every letter again, and the long
    letters' entries do say where their pages 2, 3, … start."""
    dataset = _dataset(long_built)
    search_index.write(dataset, tmp_path, search_index.Options(gzip=False))
    built, measured = long_built.site / "search" / "idx" / "i", tmp_path / "search" / "idx" / "i"
    names = sorted(p.name for p in measured.iterdir())
    assert sorted(p.name for p in built.iterdir()) == names
    for name in names:
        assert gzip.decompress((built / name).read_bytes()) == (measured / name).read_bytes(), name
    entries = [e for name in names for e in json.loads((measured / name).read_text(encoding="utf-8"))]
    in_parts = {e[0]: e[3] for e in entries if len(e) > 3}
    assert set(in_parts) == {r.id for r in dataset.replies if len(parts.text_parts(r, dataset)) > 1} != set()
