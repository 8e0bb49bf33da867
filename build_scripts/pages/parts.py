"""Long letters in parts (分页显示): no reply page over the byte budget, however long the letter.

Load: a checked reply and its dataset. Process: when the reply's page could exceed
``Settings.reply_page_bytes``, its 答复正文 is cut into parts: page 1 (``replies/<id>/``) keeps
everything around the text and the first part; ``replies/<id>/2/``, ``/3/``, … hold the next parts.
Save: nothing here; ``pages`` gives each page's Markdown for the bulk pages.

Where a part may end, best first: between sections; between paragraphs of one section's text
(a blank line); after a sentence end (。！？； and the closing quotes after it); as a last resort
between two characters. Each page takes the latest place of the best kind that still fits, and
"fits" is measured on the page itself: its Markdown rendered and converted to the HTML body the
shell writes, plus the theme's table of contents and chrome (an allowance that is an upper bound,
checked by the tests against the written pages; the build checks every written page again). The
same record always gives the same parts. ``text_parts`` is the split alone, for other steps to say
which page holds a match; ``layout`` gives both, so the bulk pages keep the splits they made for the
search index's result list.

Cost: most letters are far below the budget; a bound computed from the record's own text
(``upper_bound``, no rendering) says so, and only letters above it are rendered and measured.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from build_scripts.dataset import Dataset, Reply
from build_scripts.pages import commitments, figures, related, shell
from build_scripts.pages import reply as reply_page
from build_scripts.pages.facets import scheme_code
from build_scripts.pages.urls import reply_url
from build_scripts.pages.window import Pos, Window
from build_scripts.paths import relative
from build_scripts.problems import BuildError, Problem, Report
from build_scripts.replytext import body_places
from build_scripts.settings import Settings

BUDGET = Settings.reply_page_bytes

CHROME_BYTES = 12_000
"""Upper bound of the theme's bytes around a reply page's article and table of contents, the title
and description aside (measured over 10,099 reply pages at 10,000 letters: 11,053–11,161 bytes)."""
TOC_BYTES, TOC_ITEM_BYTES = 400, 200
"""Upper bound of the theme's table of contents: its frame, and each item besides its title (twice);
measured: at most 131 bytes over 200 per item."""
SCAFFOLD_BYTES = 3_000
"""A reply page's own markup that no other term of ``upper_bound`` covers (the others are generous:
measured, the bound is 5.1–9.4 KB above the page over 10,000 synthetic letters, 4 KB on the seeds;
without the theme's toc on page 1 and with shorter related lists, 10.8–34.2 KB over 1,000 synthetic
letters and 18.8–28.5 KB on the seeds: a looser bound only means more letters are measured)."""
MAX_PARTS = 1000
"""A letter that would need more pages than this is refused (it is far beyond any real letter)."""

_SENTENCE = re.compile(r"[。！？；][”’」』）》〉]*")
_PARAGRAPH = re.compile(r"\n\s*\n")
_ESCAPED = re.compile(r"[&<>\"'\n\r\\`*_{}\[\]()#+\-.!|]")  # characters escaping may lengthen (to 6 bytes)


@dataclass(frozen=True)
class Part:
    """One page of a reply's text: its number (1-based), URL and where its text starts.

    ``start`` and ``end`` are (body field index, character offset): body fields are exactly
    ``build_scripts.replytext.body_fields(reply)``; the offset is a ``str`` index into that
    field's text. The first part starts at (0, 0); the last ends at (len(body fields), 0).
    """

    number: int
    url: str
    start: Pos
    end: Pos


def part_url(reply_id: str, number: int) -> str:
    return reply_url(reply_id) + (f"{number}/" if number > 1 else "")


def md_path(reply_id: str, number: int) -> str:
    """The page's path among the generated pages (``replies/<id>.md``, ``replies/<id>/2.md``)."""
    return f"replies/{reply_id}.md" if number == 1 else f"replies/{reply_id}/{number}.md"


def text_parts(reply: Reply, dataset: Dataset, *, budget: int = BUDGET) -> list[Part]:
    """Where the reply's text is cut into pages (one Part when it is not); writes nothing."""
    return _layout(reply, dataset, budget)[0]


def pages(reply: Reply, dataset: Dataset, *, budget: int = BUDGET) -> list[tuple[str, str]]:
    """(generated page path, Markdown) of every page of the reply: the page renderer's one entry."""
    return layout(reply, dataset, budget=budget)[1]


def layout(reply: Reply, dataset: Dataset, *, budget: int = BUDGET) -> tuple[list[Part], list[tuple[str, str]]]:
    """The reply's parts and (generated page path, Markdown) of each: ``text_parts`` and ``pages`` at once, for a
    step that writes the pages and keeps where they cut (the bulk pages, for the search index's ``i/`` files)."""
    found, markdown = _layout(reply, dataset, budget)
    return found, [(md_path(reply.id, p.number), md) for p, md in zip(found, markdown or [reply_page.render(reply, dataset)])]


# --- measuring --------------------------------------------------------------------------------

def estimate(path: str, markdown: str) -> int:
    """Bytes the finished page can at most have: the body the shell writes, exactly, plus
    upper bounds of the theme's table of contents (none on a page that hides it: page 1 of a reply)
    and chrome (its title and description included)."""
    converted = shell.convert(markdown, path)
    tokens = [] if "hide" in converted.meta else _flat(converted.toc)
    toc = TOC_BYTES * bool(tokens) + sum(TOC_ITEM_BYTES + 2 * len(t["name"].encode()) for t in tokens if t["level"] > 1)
    meta = 3 * len(converted.meta["title"].encode()) + 2 * len(converted.meta.get("description", "").encode())
    return len(converted.body.encode()) + toc + CHROME_BYTES + meta


def _flat(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for token in tokens for t in [token, *_flat(token["children"])]]


def _escaped(text: str | None) -> int:
    """Bytes of ``text`` once escaped for HTML or Markdown, at most."""
    if not text:
        return 0
    return len(text.encode()) + 5 * len(_ESCAPED.findall(text))


MANY_TIMES = {"title": 8, "agency": 8}
"""Record values a reply page shows more than four times (<title>, header, h1, citations, …)."""


def upper_bound(reply: Reply, dataset: Dataset) -> int:
    """Bytes the unsplit page can at most have, from the record's text alone (no rendering).

    The letter text is on the page once; a heading five times (page, contents, the theme's
    contents twice, the summary; page 1 no longer has the theme's contents, so this is generous);
    notes and evidence once; the title and agency eight times, every other value four; topic names
    and the 办理类型's definition from the vocabularies; the related replies' titles and agencies
    once each, and the browse pages the related lists link. ``SCAFFOLD_BYTES`` is the rest (measured; the tests
    check that the bound holds).
    """
    sections = reply["sections"]
    total = CHROME_BYTES + TOC_BYTES + SCAFFOLD_BYTES + (2 * TOC_ITEM_BYTES + 250) * len(sections)
    texts = [s["text"] or "" for s in sections]
    total += _escaped("".join(texts)) + 8 * sum(t.count("\n\n") for t in texts)  # a <p> per paragraph
    total += 5 * _escaped("".join(s["heading"] or "" for s in sections))
    notes, spans = reply["notes"], reply.fields.get("evidence") or []
    total += _escaped("".join(str(v) for note in notes for v in note.values() if v)) + 300 * len(notes)
    total += _escaped("".join(str(span["quote"]) for span in spans)) + 250 * len(spans)
    values: dict[int, list[str]] = {}
    for key, value in reply.fields.items():
        if key not in _APART and value:
            items = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            values.setdefault(MANY_TIMES.get(key, 4), []).extend(items)
            total += 10 * len(items)
    total += sum(times * _escaped("".join(items)) for times, items in values.items())
    names = {t["id"]: t["name"] for t in dataset.vocab.topics}
    total += 2 * _escaped("".join(reply["topics"])) + _escaped("".join(names.get(t, "") for t in reply["topics"]))
    total += 120 * len(reply["topics"])
    category = scheme_code(dataset, reply)
    if category:
        total += _escaped("".join(str(category.get(k, "")) for k in ("code", "label", "definition")))
        total += _escaped(str(category["scheme"].get("issuer", ""))) + 200
    shown = dataset.commitments[reply.id][:commitments.ON_REPLY_PAGE]
    total += _escaped("".join(c.sentence[:commitments.REPLY_CHARS] for c in shown)) + 600 * len(shown) + 800
    listed = dataset.figures[reply.id][:figures.ON_REPLY_PAGE]
    total += sum(_escaped(f.quote) + 3 * figures.PHRASE_CHARS + 200 for f in listed) + 800
    found = related.links(dataset, reply)
    others = [*found.same_topics, *found.same_agency, *found.same_proposer, *[r for r in (found.older, found.newer) if r]]
    others += list(dataset.by_proposal.get(reply["proposal_id"] or "", ())) + [reply]  # the proposal's replies, its link
    threads = dataset.threads[reply.id][:reply_page.THREAD_LINKS]
    others += [dataset.by_id[link.other_id] for link in threads]
    total += sum(_escaped(link.detail) + 300 for link in threads)
    total += _escaped("".join(r["title"] + r["agency"] for r in others)) + 400 * len(others)
    more = "".join([reply["agency"], *reply["topics"], *(names.get(t, "") for t in reply["topics"]), *reply["proposers"]])
    total += 1_000 + 2 * _escaped(more)  # the related lists' links to the browse pages (``reply._more``)
    return total


_APART = frozenset({"sections", "notes", "evidence", "topics"})
"""Record values ``upper_bound`` counts on their own."""


# --- cutting ----------------------------------------------------------------------------------

def _layout(reply: Reply, dataset: Dataset, budget: int) -> tuple[list[Part], list[str] | None]:
    """The parts and, when they were rendered to measure them, each page's Markdown."""
    fields = len(body_places(reply))
    whole = [Part(1, reply_url(reply.id), (0, 0), (fields, 0))]
    if upper_bound(reply, dataset) <= budget:
        return whole, None
    markdown = reply_page.render(reply, dataset)
    if estimate(md_path(reply.id, 1), markdown) <= budget:
        return whole, [markdown]
    return _split(reply, dataset, budget)


def _split(reply: Reply, dataset: Dataset, budget: int) -> tuple[list[Part], list[str]]:
    """Cut greedily, page after page, assuming ``guess`` pages in the navigation; again with more
    pages when the cut needs more (the navigation grows with them), until it holds."""
    guess = 2
    while True:
        starts = _cut(reply, dataset, budget, guess)
        if len(starts) <= guess:
            break
        guess = len(starts)
    fields = len(body_places(reply))
    urls = tuple(part_url(reply.id, n) for n in range(1, len(starts) + 1))
    found, markdown = [], []
    for n in range(1, len(starts) + 1):
        window = Window(n, tuple(starts), urls, fields)
        md = _render(reply, dataset, window)
        size = estimate(md_path(reply.id, n), md)
        if size > budget:  # not expected: fewer pages only shorten the navigation
            _fail(reply, dataset, budget, f"part {n} of {len(starts)} measures {size:,} bytes")
        found.append(Part(n, window.url, window.start, window.end))
        markdown.append(md)
    return found, markdown


def _render(reply: Reply, dataset: Dataset, window: Window) -> str:
    return reply_page.render(reply, dataset, window) if window.number == 1 else reply_page.continuation(reply, window)


def _cut(reply: Reply, dataset: Dataset, budget: int, guess: int) -> list[Pos]:
    places = body_places(reply)
    texts = [reply["sections"][i]["heading" if kind == "heading" else "text"] for i, kind in places]
    starts: list[Pos] = [(0, 0)]

    def measure(window: Window) -> int:
        return estimate(md_path(reply.id, window.number), _render(reply, dataset, window))

    def urls(count: int) -> tuple[str, ...]:
        return tuple(part_url(reply.id, n) for n in range(1, count + 1))

    while True:
        number = len(starts)
        if number > MAX_PARTS:
            _fail(reply, dataset, budget, f"the text would need more than {MAX_PARTS} pages")
        if measure(Window(number, tuple(starts), urls(number), len(places))) <= budget:
            return starts  # the rest of the text fits on this page: the last one
        count = max(guess, number + 1)

        def fits(stop: Pos, number: int = number, count: int = count) -> bool:
            return measure(Window(number, (*starts, stop), urls(count), len(places))) <= budget

        stop = _furthest(starts[-1], places, texts, fits)
        if stop is None:
            _fail(reply, dataset, budget, f"page {number} cannot hold any of the text: what is on it besides the text "
                                 "is already over the budget")
        starts.append(stop)


def _furthest(start: Pos, places: list[tuple[int, str]], texts: list[str],
              fits: Callable[[Pos], bool]) -> Pos | None:
    """The latest place after ``start`` where this page may end, of the best kind that fits."""
    for candidates in _candidates(start, places, texts):
        best = _last_true(candidates, fits)
        if best is not None:
            return best
    return None


def _candidates(start: Pos, places: list[tuple[int, str]], texts: list[str]) -> list[list[Pos]]:
    """Places after ``start`` where a part may end, by kind, best kind first, each in order:
    section starts; paragraph starts in the current section's text; sentence ends in the current
    paragraph; characters in the current sentence. Never right after a heading."""
    f, off = start
    sections = [(g, 0) for g, (i, kind) in enumerate(places)
                if (g, 0) > start and (g == 0 or places[g - 1][0] != i)]
    kinds = [sections]
    section = places[f][0]
    text_at = next((g for g in range(f, len(places)) if places[g] == (section, "text")), None)
    if text_at is None:
        return kinds
    text = texts[text_at]
    begin = off if text_at == f else 0
    paragraph_ends = [m.end() for m in _PARAGRAPH.finditer(text, begin)]
    kinds.append([(text_at, p) for p in paragraph_ends if begin < p < len(text)])
    para_end = next((p for p in paragraph_ends if p > begin), len(text))
    sentence_ends = [m.end() for m in _SENTENCE.finditer(text, begin, para_end)]
    kinds.append([(text_at, p) for p in sentence_ends if begin < p < para_end])
    sentence_end = next((p for p in sentence_ends if p > begin), para_end)
    kinds.append([(text_at, p) for p in range(begin + 1, sentence_end) if not _inside_pair(text, p)])
    return kinds


def _inside_pair(text: str, p: int) -> bool:
    """A cut inside a CR LF pair, or before a joiner, variation selector or combining mark, would
    break what reads as one character."""
    return (text[p - 1] == "\r" and text[p] == "\n") or unicodedata.combining(text[p]) > 0 or text[p] in "\u200d\ufe0e\ufe0f"


def _last_true(items: list[Pos], test: Callable[[Pos], bool]) -> Pos | None:
    """The last item that passes a test that holds for a prefix of ``items`` (a binary search)."""
    lo, hi = 0, len(items)  # items[:lo] pass, items[hi:] fail
    while lo < hi:
        mid = (lo + hi) // 2
        if test(items[mid]):
            lo = mid + 1
        else:
            hi = mid
    return items[lo - 1] if lo else None


def _fail(reply: Reply, dataset: Dataset, budget: int, what: str) -> NoReturn:
    raise too_large(reply, dataset, f"the reply's pages cannot be kept within {budget:,} bytes: {what}",
                    "shorten the notes, evidence or other values shown on the page, or raise Settings.reply_page_bytes")


def too_large(reply: Reply, dataset: Dataset, message: str, hint: str) -> BuildError:
    """The build error for a reply whose page is over the budget, naming its record."""
    return BuildError(Report.of([Problem(relative(reply.record_path, dataset.paths.root), 0, "sections",
                                         "page-too-large", message, hint)]))
