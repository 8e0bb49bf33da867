"""Search in a real browser on the built seed site: the query set against the oracle (issue #4)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from build_scripts import records, site, siteurl
from build_scripts.pages.facets import facets
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.search import index, oracle, query
from build_scripts.textnorm import normalise
from tests.conftest import serve

pytestmark = pytest.mark.browser
QUERIES = [q["q"] for q in yaml.safe_load((REPO_ROOT / "tests" / "search_queries.yaml").read_text("utf-8"))["queries"]]
XSS = '<img src=x onerror="window.__pwned=1">'
# Counts the questions the page sends the search engine (a Worker) and the answers it gets back:
# when every question has its answer, the page has all it asked for (init script, before any page script).
COUNT_ENGINE_MESSAGES = """(() => {
  const Native = window.Worker;
  if (!Native) return;
  const engine = window.__engine = { asked: 0, answered: 0 };
  window.Worker = class extends Native {
    constructor(...args) { super(...args); this.addEventListener("message", () => { engine.answered += 1; }); }
    postMessage(...args) { engine.asked += 1; return super.postMessage(...args); }
  };
})();"""
ENGINE_IDLE = "() => window.__engine.answered >= 1 && window.__engine.answered === window.__engine.asked"
FLUSH = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"


@pytest.fixture(scope="module")
def dataset(built: Paths) -> records.Dataset:
    return records.load(built)


@pytest.fixture(scope="module")
def common_grams_site(built: Paths, tmp_path_factory: pytest.TempPathFactory, dataset: records.Dataset) -> Path:
    """The seed site with an index where frequent bigrams are indexed as trigrams (as at 10,000)."""
    copy = tmp_path_factory.mktemp("common") / "site"
    shutil.copytree(built.site, copy)
    shutil.rmtree(copy / "search" / "idx")
    index.write(dataset, copy, index.Options(common=20))
    return copy


@pytest.fixture(scope="module")
def common_grams_url(common_grams_site: Path) -> Iterator[str]:
    server, url = serve(common_grams_site)
    yield url
    server.shutdown()


def search(page: Any, base: str, q: str, *, link: bool = True) -> list[str]:
    """Run a query: by opening its ?q= link, or (link=False) by typing it into the page's box."""
    if link or not page.url.startswith(f"{base}search/"):
        page.goto(f"{base}search/?q={quote(q)}")
    else:
        page.fill("#dg-q", q)
        page.press("#dg-q", "Enter")
    page.wait_for_selector("#dg-search[data-state=done]")
    while page.is_visible(".dg-more"):
        page.click(".dg-more")
        page.wait_for_selector("#dg-search[data-state=done]")
    hrefs = page.eval_on_selector_all(".dg-result h3 a", "els => els.map(e => e.getAttribute('href'))")
    return [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]


@pytest.mark.parametrize("variant", ["default", "common-grams"])
def test_query_set_matches_oracle(page: Any, site_url: str, common_grams_url: str,
                                  dataset: records.Dataset, variant: str) -> None:
    base = site_url if variant == "default" else common_grams_url
    assert len(QUERIES) >= 30
    wrong = {}
    for q in QUERIES:
        got = search(page, base, q, link=False)
        want = oracle.search(dataset, q)
        if set(got) != want or len(got) != len(set(got)):
            wrong[q] = (sorted(got), sorted(want))
    assert wrong == {}


def test_lu_lin_finds_the_xishan_reply(page: Any, site_url: str) -> None:
    assert search(page, site_url, "陆林") == ["530112-2020-yian-001"]
    mark = page.inner_text(".dg-result .dg-snippet mark")
    assert mark == "陆林"


def test_ranking_head_first_then_newest(page: Any, site_url: str, dataset: records.Dataset) -> None:
    got = search(page, site_url, "社区治理")
    head = oracle.head_matches(dataset, "社区治理")
    flags = [g in head for g in got]
    assert flags == sorted(flags, reverse=True)
    by_id = {r.id: r for r in dataset.replies}
    for group in (True, False):
        dates = [str(by_id[g]["reply_date"] or by_id[g]["published_date"]) for g in got if (g in head) == group]
        assert dates == sorted(dates, reverse=True)


def test_result_shows_title_agency_date_category_and_highlighted_snippet(page: Any, site_url: str) -> None:
    search(page, site_url, "社区减负")
    first = page.locator(".dg-result").first
    assert first.locator("h3 a").inner_text()
    meta = first.locator(".dg-meta").inner_text()
    assert "民政" in meta and "20" in meta
    assert first.locator(".dg-snippet mark").inner_text().replace(" ", "") == "社区减负"


def test_header_box_opens_search_with_q(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.fill("header .dg-header-search input[name=q]", "三社联动")
    page.keyboard.press("Enter")
    page.wait_for_selector("#dg-search[data-state=done]")
    assert "/search/?q=" in page.url
    assert page.input_value("#dg-q") == "三社联动"
    assert page.locator(".dg-result").count() == 2


def test_q_link_and_facet_are_in_the_url(page: Any, site_url: str) -> None:
    got = search(page, site_url, "民政局")
    assert len(got) == 4
    page.click(".dg-open-facets")
    page.wait_for_selector("#dg-facet-year")
    page.select_option("#dg-facet-year", "2023年")
    page.wait_for_selector("#dg-search[data-state=done]")
    assert "year=2023" in page.url
    linked = page.url
    page.goto("about:blank")
    page.goto(linked)
    page.wait_for_selector("#dg-search[data-state=done]")
    years = page.eval_on_selector_all(".dg-meta", "els => els.map(e => e.textContent)")
    assert years and all("2023-" in y for y in years)


def test_keyboard_only(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}search/")
    page.wait_for_selector("#dg-search[data-state=done]")
    page.keyboard.press("Tab")  # whatever has focus, "/" returns to the box
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "dg-q"
    page.keyboard.type("网格化")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('q=')")
    page.wait_for_selector("#dg-search[data-state=done]")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.dg-result') !== null"):
            break
    assert page.evaluate("document.activeElement.tagName") == "A"
    page.keyboard.press("Enter")
    page.wait_for_url("**/replies/**")


def test_phone_width_has_no_horizontal_scroll(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    pg = context.new_page()
    search(pg, site_url, "社区")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    assert pg.is_visible("header .dg-header-search button")  # on phones the header keeps the button; the page has the box
    context.close()


@pytest.fixture(scope="module")
def xss_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A record whose text carries markup: it must show as text and never run."""
    from tests.conftest import copy_inputs

    paths = copy_inputs(tmp_path_factory.mktemp("xss") / "repo")
    record = paths.reply_record("530112-2020-yian-001")
    text = record.read_text("utf-8").replace("陆林代表：", f"陆林代表：{XSS}", 1)
    assert XSS in text
    record.write_text(text, "utf-8")
    site.build(paths)
    server, url = serve(paths.site)
    yield url
    server.shutdown()


def test_snippet_escapes_letter_text(page: Any, xss_url: str) -> None:
    search(page, xss_url, "陆林代表")
    snippet = page.locator(".dg-result .dg-snippet").first
    assert XSS in snippet.inner_text()
    assert page.locator(".dg-result img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_snippet_found_through_normalisation(page: Any, site_url: str, dataset: records.Dataset) -> None:
    """The letter has 代表： and a line break before 您提出; the snippet still marks the match."""
    got = search(page, site_url, "代表：您提出")
    assert got and set(got) == oracle.search(dataset, "代表：您提出")
    marks = page.eval_on_selector_all(".dg-snippet mark", "els => els.map(e => e.textContent)")
    assert len(marks) == len(got)
    assert all("".join(m.split()).replace(":", "：") == "代表：您提出" for m in marks), marks


@pytest.mark.parametrize("q", ["社区治理工作", "昆明市西山区民政局", "云民发〔2021〕118号", "陆林"])
def test_browser_reads_the_files_the_reference_engine_reads(browser: Any, common_grams_url: str,
                                                            common_grams_site: Path, dataset: records.Dataset,
                                                            q: str) -> None:
    """The client makes the reference engine's requests, no more: the plan from the manifest, one shard
    per planned gram, their positions, then page 1: the ``i/`` files of its docs and their API records
    (what the 300 KB and 500 ms figures are measured on)."""
    context = browser.new_context()
    pg = context.new_page()
    requested: list[str] = []
    api: list[str] = []
    pg.on("request", lambda r: requested.append(r.url.split("/search/idx/", 1)[1]) if "/search/idx/" in r.url else None)
    pg.on("request", lambda r: api.append(r.url.split("/api/", 1)[1]) if "/api/" in r.url else None)
    pg.goto(f"{common_grams_url}search/?q={quote(q)}")
    pg.wait_for_selector("#dg-search[data-state=done]")
    context.close()
    ix = query.Index(common_grams_site / "search" / "idx")
    result = ix.search(q)
    chunk = ix.manifest["chunk"]
    page1 = {f"i/{d // chunk}.json" for d in result.docs[:10]}
    ids = [r.id for r in index.ordered(dataset)]
    assert result.docs
    assert sorted(requested) == sorted(set(requested))  # nothing fetched twice
    assert set(requested) == set(result.fetched) | page1 | {"manifest.json", "t2s.json"}  # facets.json: when asked
    assert sorted(api) == sorted(f"replies/{ids[d]}.json" for d in result.docs[:10])  # page 1's API records, once


def test_facets_are_fetched_when_the_reader_opens_them_or_a_filter_is_set(page: Any, site_url: str,
                                                                          dataset: records.Dataset) -> None:
    """facets.json grows with the collection (≈ 110 KB gzip at 100,000 letters, issue 13): a query does
    not fetch it; the filters button does, once a visit; with a filter in the URL it is needed first."""
    held: list[Any] = []
    page.add_init_script(COUNT_ENGINE_MESSAGES)
    page.route("**/search/idx/facets.json", lambda route: held.append(route))
    page.goto(f"{site_url}search/?q={quote('社区治理')}")
    page.wait_for_selector("#dg-search[data-state=done]")
    assert len(page.locator(".dg-result").all()) == min(10, len(oracle.search(dataset, "社区治理")))
    assert not held, "a query fetched facets.json"
    assert page.locator(".dg-facets select").count() == 0
    with page.expect_request("**/search/idx/facets.json"):
        page.click(".dg-open-facets")
    for _ in range(100):  # the route handler runs as Playwright dispatches the request
        if held:
            break
        page.wait_for_timeout(20)
    assert len(held) == 1 and page.get_attribute("#dg-search", "data-state") == "searching"
    assert page.locator(".dg-open-facets").is_disabled()  # one click, one request
    held[0].continue_()
    page.wait_for_selector("#dg-search[data-state=done]")
    assert page.locator(".dg-facets select").count() >= 5
    assert page.evaluate("document.activeElement.tagName") == "SELECT"  # the keyboard lands on the first filter
    page.fill("#dg-q", "三社联动")
    page.keyboard.press("Enter")
    page.wait_for_selector("#dg-search[data-state=done]")
    assert page.input_value("#dg-q") == "三社联动" and page.locator(".dg-facets select").count() >= 5  # kept for the visit
    assert len(held) == 1, "facets.json fetched twice in one visit"

    held.clear()
    page.goto(f"{site_url}search/?q={quote('社区治理')}&year=2023年")
    page.wait_for_function(ENGINE_IDLE)  # the search ran: the engine answered every question the page asked
    page.evaluate(FLUSH)  # and the page has handled the answers
    assert page.evaluate(ENGINE_IDLE)
    assert held, "facets.json was requested"
    assert page.get_attribute("#dg-search", "data-state") == "searching"
    assert page.locator(".dg-result").count() == 0  # filtered results need the facets
    held[0].continue_()
    page.wait_for_selector("#dg-search[data-state=done]")
    years = page.eval_on_selector_all(".dg-meta", "els => els.map(e => e.textContent)")
    assert years and all("2023-" in y for y in years)


def test_search_works_without_workers(browser: Any, site_url: str, dataset: records.Dataset) -> None:
    """The engine runs in a Worker; where none can be made, the same engine runs on the page."""
    context = browser.new_context()
    context.add_init_script("delete window.Worker;")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    for q in ("社区减负", "陆林", "云民发〔2021〕118号"):
        assert set(search(pg, site_url, q)) == oracle.search(dataset, q)
    assert pg.evaluate("typeof window.Worker") == "undefined"
    assert pg.locator(".dg-snippet mark").count() >= 1
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def long_url(long_built: Paths) -> Iterator[str]:
    server, url = serve(long_built.site)
    yield url
    server.shutdown()


def test_result_links_to_the_page_of_a_long_letter_that_holds_the_match(page: Any, long_url: str,
                                                                       long_built: Paths) -> None:
    """A long letter's text is on several pages (分页显示): a match on page k links to page k."""
    from longletters import MANY

    from build_scripts.pages import parts
    from build_scripts.replytext import body_fields

    dataset = records.load(long_built)
    reply = next(r for r in dataset.replies if r.id == MANY)
    found = parts.text_parts(reply, dataset)
    assert len(found) >= 3
    fields = [f.text for f in body_fields(reply)]
    for part in (found[0], found[1], found[-1]):
        field, offset = part.start
        text = next(t for t in [fields[field][offset:]] + fields[field + 1:] if "（第" in t)  # a part may open on a heading
        at = text.index("（第")
        phrase = text[at + 1:text.index("）", at)]  # e.g. 第61段第1句: in this letter once
        assert MANY in oracle.search(dataset, phrase)  # and in 902, whose paragraphs are alike
        page.goto(f"{long_url}search/?q={quote(phrase)}")
        page.wait_for_selector("#dg-search[data-state=done]")
        result = page.locator(".dg-result", has=page.locator(f'h3 a[href*="/{MANY}/"]'))
        assert result.count() == 1
        link = result.locator("h3 a")
        assert link.get_attribute("href").endswith("/" + part.url), (phrase, part.url)
        label = result.locator(".dg-part")
        if part.number > 1:
            assert label.inner_text() == f"正文第{part.number}页（共{len(found)}页）"
        else:
            assert label.count() == 0
        link.click()
        page.wait_for_load_state()
        assert phrase in page.locator("article").inner_text()


def test_search_page_starts_its_engine_before_any_stylesheet(built: Paths) -> None:
    """The Worker is made first thing in <head> (issue #4, first results): before the theme's styles
    can hold the parser up; other pages do not start it."""
    html = (built.site / "search" / "index.html").read_text("utf-8")
    head = html[:html.index("</head>")]
    assert head.count("new Worker(") == 1
    assert head.index("new Worker(") < head.index('rel="stylesheet"')
    assert '"../assets/search/search.js"' in head[head.index("new Worker("):][:80]
    for other in ("index.html", "about/index.html", "replies/530112-2020-yian-001/index.html"):
        assert "new Worker(" not in (built.site / other).read_text("utf-8")


SEEDS = ("530000-2021-tian-0079", "530100-2023-tian-142282", "530111-2023-tian-102114", "530112-2020-yian-001",
         "610102-2023-jianyi-11")


def _cards(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(".dg-result", """els => els.map(li => ({
        href: li.querySelector("h3 a").getAttribute("href"), title: li.querySelector("h3 a").textContent,
        meta: li.querySelector(".dg-meta").textContent,
        snippet: li.querySelector(".dg-snippet") && li.querySelector(".dg-snippet").textContent,
        mark: li.querySelector(".dg-snippet mark") && li.querySelector(".dg-snippet mark").textContent}))""")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("q", ["社区", "感谢", "民政"])
def test_result_cards_say_what_the_api_records_say(page: Any, site_url: str, built: Paths,
                                                   dataset: records.Dataset, q: str) -> None:
    """Issue 13: a result's card and snippet come from the reply's record in the public API
    (``api/replies/<id>.json``) and the index's ``i/`` files: for each seed the card shows that record's
    title, agency, date and kind (and the 办理类型 label the facets give it), and its snippet is a piece
    of that record's text with the query marked."""
    assert set(search(page, site_url, q)) >= set(SEEDS)  # each query finds every seed
    category = next(f for f in facets(dataset) if f.slug == "category")
    cards = _cards(page)
    assert {c["href"].rstrip("/").rsplit("/", 1)[-1] for c in cards} >= set(SEEDS)
    for card in cards:
        reply_id = card["href"].rstrip("/").rsplit("/", 1)[-1]
        record = json.loads((built.site / "api" / "replies" / f"{reply_id}.json").read_text("utf-8"))
        assert card["href"].endswith(f"/replies/{reply_id}/")
        assert card["title"] == record["title"]
        labels = [label for _, label in category.values(dataset.by_id[reply_id])]
        assert card["meta"].split(" · ") == [record["agency"], record["reply_date"] or record["published_date"],
                                             record["proposal_kind"], *labels[:1]]
        text = [record["title"], record["proposal_title"] or "", record["agency"], record["doc_number"] or "",
                *record["proposers"], *(s[k] or "" for s in record["sections"] for k in ("heading", "text"))]
        assert card["mark"] is not None and normalise(card["mark"]) == normalise(q), (reply_id, card)
        piece = _flat(card["snippet"]).strip("…")
        assert any(piece in _flat(t) for t in text), (reply_id, card["snippet"])


@pytest.fixture(scope="module")
def sub_path_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeds built with ``site_url`` under a sub-path and served there (as GitHub Pages serves a
    project site: https://owner.github.io/repo/)."""
    from tests.conftest import copy_inputs

    paths = copy_inputs(tmp_path_factory.mktemp("subpath") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(siteurl.ENV, "https://example.org/portal/")
        site.build(paths)
    host = tmp_path_factory.mktemp("host")
    (host / "portal").symlink_to(paths.site, target_is_directory=True)
    server, url = serve(host)
    yield url + "portal/"
    server.shutdown()


def test_search_works_under_a_sub_path(page: Any, sub_path_url: str) -> None:
    """The index and the API records are found relative to the script, so under the site's sub-path."""
    failed: list[str] = []
    fetched: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("request", lambda r: fetched.append(r.url) if "/api/" in r.url or "/search/idx/" in r.url else None)
    assert search(page, sub_path_url, "陆林") == ["530112-2020-yian-001"]
    assert page.inner_text(".dg-result .dg-snippet mark") == "陆林"
    assert page.get_attribute(".dg-result h3 a", "href") == f"{sub_path_url}replies/530112-2020-yian-001/"
    assert failed == []
    assert f"{sub_path_url}api/replies/530112-2020-yian-001.json" in fetched
    assert fetched and all(u.startswith(sub_path_url) for u in fetched)


def test_a_match_inside_a_long_sections_text_links_to_its_page(page: Any, long_url: str, long_built: Paths) -> None:
    """The body fields the page derives from the API record's ``sections`` are in ``replytext.body_places``'
    order (a section's heading, then its text): 902 is one heading and one 90 KB paragraph, cut into pages
    inside the text, so a match on page k links to page k only when the order is the index's."""
    from longletters import ONE_PARAGRAPH

    from build_scripts.pages import parts
    from build_scripts.replytext import body_fields

    dataset = records.load(long_built)
    reply = dataset.by_id[ONE_PARAGRAPH]
    found = parts.text_parts(reply, dataset)
    fields = [f.text for f in body_fields(reply)]
    assert len(found) >= 3 and len(fields) == 2 and all(p.start[0] == 1 for p in found[1:])  # cut inside the text
    for part in found[1:]:
        at = fields[1].index("（第", part.start[1])
        phrase = fields[1][at + 1:fields[1].index("）", at)]
        assert fields[1].index(phrase) == at + 1  # its first occurrence is on this page
        page.goto(f"{long_url}search/?q={quote(phrase)}")
        page.wait_for_selector("#dg-search[data-state=done]")
        result = page.locator(".dg-result", has=page.locator(f'h3 a[href*="/{ONE_PARAGRAPH}/"]'))
        assert result.count() == 1, phrase
        assert result.locator("h3 a").get_attribute("href").endswith("/" + part.url), (phrase, part.url)
        assert result.locator(".dg-part").inner_text() == f"正文第{part.number}页（共{len(found)}页）"
