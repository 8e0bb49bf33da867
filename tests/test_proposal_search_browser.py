"""Issue 14 in a real browser: search narrowed to one proposal and by 办理方式 shows exactly its replies.

The site holds the seeds and one proposal answered by a lead (主办) and two co-handling agencies (会办,
协办) (tests/proposalletters.py). A reader gets to the filter from a result's "同一建议提案的全部答复"
link or from the proposal's page, and lifts it with one button; axe-core checks the pages involved.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import proposalletters
import pytest
from conftest import serve

from build_scripts import records
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.search import oracle

pytestmark = pytest.mark.browser

PID = proposalletters.PROPOSAL_ID
LEAD, CO, ASSIST = "530000-2022-tian-0123-mzt", "530000-2022-tian-0123-czt", "530000-2022-tian-0123-zjt"
THREE = {LEAD, CO, ASSIST}
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def base(proposal_built: Paths) -> Iterator[str]:
    server, url = serve(proposal_built.site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def dataset(proposal_built: Paths) -> records.Dataset:
    return records.load(proposal_built)


def _results(page: Any) -> list[str]:
    """Every result's reply id, after the search is done (all pages of results shown)."""
    page.wait_for_selector("#dg-search[data-state=done]")
    while page.is_visible(".dg-more"):
        page.click(".dg-more")
        page.wait_for_selector("#dg-search[data-state=done]")
    hrefs = page.eval_on_selector_all(".dg-result h3 a", "els => els.map(e => e.getAttribute('href'))")
    return [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]


def _serious(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}))
            .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_a_proposal_filter_without_a_query_lists_exactly_its_replies(page: Any, base: str) -> None:
    page.goto(f"{base}search/?proposal={PID}")
    got = _results(page)
    assert sorted(got) == sorted(THREE) and len(got) == 3
    assert proposalletters.TITLE in page.inner_text(".dg-status") and "共 3 件答复" in page.inner_text(".dg-status")
    link = page.locator(".dg-facet-proposal a")
    assert link.inner_text() == f"《{proposalletters.TITLE}》" and link.get_attribute("href").endswith(f"/proposals/{PID}/")


def test_a_query_within_the_proposal_finds_only_its_replies_that_hold_it(page: Any, base: str,
                                                                           dataset: records.Dataset) -> None:
    for q in ("资金", "社区", "同步设计"):
        want = oracle.search(dataset, q) & THREE
        assert want, q
        page.goto(f"{base}search/?q={quote(q)}&proposal={PID}")
        assert set(_results(page)) == want, q
        assert oracle.search(dataset, q) - THREE or q == "同步设计"  # the filter left other replies out


def test_by_handling_role_from_the_select_and_from_a_link(page: Any, base: str, dataset: records.Dataset) -> None:
    page.goto(f"{base}search/?proposal={PID}")
    _results(page)
    options = page.eval_on_selector_all("#dg-facet-role option", "os => os.map(o => o.value)")
    assert sorted(options) == sorted(["", "主办", "会办", "协办"])
    page.select_option("#dg-facet-role", "会办")
    assert _results(page) == [CO]
    assert parse_qs(urlparse(page.url).query) == {"proposal": [PID], "role": ["会办"]}
    page.goto(f"{base}search/?q={quote('社区')}&role={quote('协办')}")
    assert _results(page) == [ASSIST]
    assert ASSIST in oracle.search(dataset, "社区") and len(oracle.search(dataset, "社区")) > 1


def test_a_results_same_proposal_link_opens_search_filtered_to_it(page: Any, base: str, dataset: records.Dataset) -> None:
    page.goto(f"{base}search/?q={quote('财政')}")
    got = _results(page)
    assert set(got) == oracle.search(dataset, "财政") and CO in got
    row = page.locator(".dg-result").nth(got.index(CO))
    assert row.locator(".dg-role").inner_text() == "会办"
    assert row.locator(".dg-proposal a").first.get_attribute("href").endswith(f"/proposals/{PID}/")
    seed = "530112-2020-yian-001"  # answered once: its proposal is named, not linked (no page of its own)
    page.goto(f"{base}search/?q={quote('陆林')}")
    assert _results(page) == [seed]
    assert page.locator(".dg-result .dg-proposal").count() == 1
    assert page.locator(".dg-result .dg-proposal a").count() == 0 and page.locator(".dg-same").count() == 0

    page.goto(f"{base}search/?q={quote('财政')}")
    _results(page)
    same = page.locator(".dg-result").nth(got.index(CO)).locator(".dg-same")
    assert same.inner_text() == "同一建议提案的全部 3 件答复"
    same.click()
    assert sorted(_results(page)) == sorted(THREE)
    assert parse_qs(urlparse(page.url).query) == {"proposal": [PID]}


def test_the_proposal_page_searches_within_its_replies_and_the_filter_lifts(page: Any, base: str,
                                                                             dataset: records.Dataset) -> None:
    page.goto(f"{base}proposals/{PID}/")
    page.fill("#proposal-q", "资金")
    page.click(".proposal-search button")
    assert set(_results(page)) == oracle.search(dataset, "资金") & THREE
    page.fill("#dg-q", "社区")  # a new query stays within the proposal
    page.press("#dg-q", "Enter")
    assert set(_results(page)) == oracle.search(dataset, "社区") & THREE
    page.click(".dg-clear")
    assert set(_results(page)) == oracle.search(dataset, "社区")
    assert "proposal" not in parse_qs(urlparse(page.url).query)
    page.goto(f"{base}proposals/{PID}/")
    page.click(".proposal-search button")  # nothing typed: every reply to it
    assert sorted(_results(page)) == sorted(THREE)


def test_an_unknown_proposal_says_so_and_shows_nothing(page: Any, base: str) -> None:
    page.goto(f"{base}search/?proposal=530000-12-4-tian-0079")  # a seed's proposal, answered once: no p/ file
    assert _results(page) == []
    assert "没有这件建议提案的多件答复" in page.inner_text(".dg-status")
    assert page.locator(".dg-clear").count() == 1


@pytest.mark.parametrize("dark", [False, True], ids=["normal", "dark"])
@pytest.mark.parametrize("url", [f"search/?q=社区&proposal={PID}", f"proposals/{PID}/", "browse/", "browse/proposal/",
                                 "browse/role/huiban/"])
def test_axe_on_the_pages_that_show_the_proposal(browser: Any, base: str, url: str, dark: bool) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark" if dark else "light")
    page = context.new_page()
    try:
        page.goto(base + url)
        page.wait_for_load_state("load")
        if url.startswith("search/"):
            page.wait_for_selector("#dg-search[data-state=done]")
        page.evaluate("document.getAnimations().forEach(a => a.finish())")
        assert _serious(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("url", [f"search/?q=社区&proposal={PID}", f"proposals/{PID}/", "browse/role/huiban/"])
def test_no_horizontal_scroll_on_a_phone(browser: Any, base: str, url: str, large: bool) -> None:
    from test_reader_browser import LAYOUT_PROBLEMS, MODE_KEY

    context = browser.new_context(viewport={"width": 360, "height": 800})
    if large:
        context.add_init_script(f"localStorage.setItem('{MODE_KEY}', 'large')")
    page = context.new_page()
    try:
        page.goto(base + url)
        page.wait_for_load_state("load")
        if url.startswith("search/"):
            page.wait_for_selector("#dg-search[data-state=done]")
        found = page.evaluate(LAYOUT_PROBLEMS)
    finally:
        context.close()
    assert not found["wide"], f"horizontal scrolling: {found['scrollWidth']} > {found['innerWidth']}"
    assert found["clipped"] == [], found["clipped"]
