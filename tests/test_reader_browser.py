"""Issue 7, reader experience, in a real browser: axe-core, phones, 长者模式, keyboard, sorting, print.

Every check runs over PAGES, one URL per page type. To cover a new page type (the search page),
add one entry. Screenshots go to test-artifacts/ (gitignored) for people to look at.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import proposalletters
import pytest
from conftest import serve

from build_scripts.paths import REPO_ROOT, Paths

pytestmark = pytest.mark.browser

PAGES: dict[str, str] = {
    "home": "",
    "reply": "replies/530112-2020-yian-001/",
    "browse": "browse/",
    "facet": "browse/agency/",
    "region": "browse/region/",
    "value": "browse/region/530100/",
    "data": "data/",
    "dictionary": "data/dictionary/",
    "search": "search/?q=社区",
    "proposals": "proposals/",
    "proposal": f"proposals/{proposalletters.PROPOSAL_ID}/",
    "commitments": "commitments/",
    "speed": "speed/",
}
"""Page type -> URL inside the site."""

ON_PROPOSAL_SITE = {"proposal"}
"""Page types only the proposal build has (a proposal answered by three agencies): the seeds' proposals
are answered once, and their URL only sends the reader to the reply (issue 13)."""


@pytest.fixture(scope="module")
def urls(site_url: str, proposal_built: Paths) -> Iterator[dict[str, str]]:
    """Page type -> its full URL, on the seeds' site or the proposal build's."""
    server, other = serve(proposal_built.site)
    yield {kind: (other if kind in ON_PROPOSAL_SITE else site_url) + path for kind, path in PAGES.items()}
    server.shutdown()

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "reader"
VIEWPORTS = {"phone": (360, 800), "desktop": (1280, 800)}
MODE_KEY = "dafu-gongkai.reader-mode"


def _open(browser: Any, url: str, *, width: int = 1280, height: int = 800, large: bool = False,
          dark: bool = False) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="dark" if dark else "light")
    if large:
        context.add_init_script(f"localStorage.setItem('{MODE_KEY}', 'large')")
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.getAnimations().forEach(a => a.finish())")  # Material fades the tabs in
    return page


def _axe(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )


@pytest.mark.parametrize("mode", ["normal", "large", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_axe_reports_no_serious_or_critical_violation(browser: Any, urls: dict[str, str], kind: str, mode: str) -> None:
    """长者模式 (large) and the dark scheme too: their colours are ours, so they are checked."""
    page = _open(browser, urls[kind], large=mode == "large", dark=mode == "dark")
    try:
        violations = _axe(page)
    finally:
        page.context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_language_and_heading_order(browser: Any, urls: dict[str, str], kind: str) -> None:
    page = _open(browser, urls[kind])
    try:
        lang = page.evaluate("document.documentElement.lang")
        levels = page.evaluate("[...document.querySelectorAll('article h1, article h2, article h3, article h4, "
                               "article h5, article h6')].map(h => +h.tagName[1])")
        landmarks = page.evaluate("['header', 'main', 'nav', 'footer'].filter(t => document.querySelector(t))")
    finally:
        page.context.close()
    assert lang == "zh-CN"
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), f"skipped heading level: {levels}"
    assert landmarks == ["header", "main", "nav", "footer"]


LAYOUT_PROBLEMS = """() => {
  const wide = document.scrollingElement.scrollWidth > window.innerWidth;
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.md-header__title, .visually-hidden, .dg-visually-hidden, .md-sidebar, .md-tabs')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (!['hidden', 'clip'].includes(style.overflowX) && !['hidden', 'clip'].includes(style.overflow)) continue;
    if (!el.textContent.trim() || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) clipped.push(el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 40));
  }
  for (const wrap of document.querySelectorAll('.reply-table-wrap')) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) clipped.push('table scrolls sideways: ' + wrap.textContent.trim().slice(0, 40));
  }
  return {wide, scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth, clipped};
}"""


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_horizontal_scroll_or_cut_text_and_screenshot(browser: Any, urls: dict[str, str], kind: str, viewport: str,
                                                          large: bool) -> None:
    width, height = VIEWPORTS[viewport]
    page = _open(browser, urls[kind], width=width, height=height, large=large)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        mode = "large" if large else "normal"
        shot = ARTIFACTS / f"{kind}-{width}x{height}-{mode}.png"
        page.screenshot(path=str(shot), full_page=True, animations="disabled")
        assert shot.stat().st_size > 0
        found = page.evaluate(LAYOUT_PROBLEMS)
    finally:
        page.context.close()
    assert not found["wide"], f"horizontal scrolling: {found['scrollWidth']} > {found['innerWidth']}"
    assert found["clipped"] == [], found["clipped"]


def test_large_mode_switch_is_in_the_header_and_remembered_across_pages(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url, width=360, height=800)
    try:
        switch = page.locator(".md-header #reader-mode")
        assert switch.get_attribute("aria-pressed") == "false"
        normal_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        switch.click()
        assert switch.get_attribute("aria-pressed") == "true"
        page.goto(site_url + PAGES["reply"])
        assert page.evaluate("document.documentElement.classList.contains('reader-large')")
        assert page.locator("#reader-mode").get_attribute("aria-pressed") == "true"
        large_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert large_size >= normal_size * 1.15
        page.locator("#reader-mode").click()
        page.goto(site_url)
        assert not page.evaluate("document.documentElement.classList.contains('reader-large')")
    finally:
        page.context.close()


def _tab_through(page: Any, presses: int) -> tuple[list[str], list[str]]:
    """Names of the elements Tab reaches, and of those focused outside the viewport (invisible focus)."""
    seen, offscreen = [], []
    for _ in range(presses):
        page.keyboard.press("Tab")
        name, visible = page.evaluate("""() => { const e = document.activeElement; const r = e.getBoundingClientRect();
            const name = e.id || e.getAttribute('href') || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 20);
            return [name, r.right > 0 && r.left < innerWidth]; }""")
        seen.append(name)
        if not visible:
            offscreen.append(name)
    return seen, offscreen


FOCUSABLE_VISIBLE = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), summary, select, textarea, [tabindex]:not([tabindex="-1"])')]
  .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                 const folded = e.closest('details:not([open])') && !(e.tagName === 'SUMMARY' && e.parentNode.tagName === 'DETAILS');
                 return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !folded
                   && !e.closest('[hidden], [inert], .print-footer'); })
  .map(e => e.id || e.getAttribute('href') || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 20))"""


@pytest.mark.parametrize("kind", ["home", "reply", "facet"])
def test_every_visible_control_is_reachable_by_keyboard_with_visible_focus(browser: Any, urls: dict[str, str], kind: str) -> None:
    page = _open(browser, urls[kind], width=360, height=800)
    try:
        wanted = set(page.evaluate(FOCUSABLE_VISIBLE))
        reached, offscreen = _tab_through(page, len(wanted) + 15)
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    finally:
        page.context.close()
    assert "reader-mode" in wanted and "reader-menu" in wanted
    assert wanted - set(reached) == set(), f"not reachable by Tab: {sorted(wanted - set(reached))}"
    assert offscreen == [], f"focus went off screen (closed drawer?): {offscreen}"
    assert outline != "none"


def test_phone_menu_opens_and_closes_from_the_keyboard(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + PAGES["reply"], width=360, height=800)
    try:
        menu = page.locator("#reader-menu")
        menu.focus()
        page.keyboard.press("Enter")
        opened = page.evaluate("document.getElementById('__drawer').checked")
        focused = page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
        expanded = menu.get_attribute("aria-expanded")
        page.keyboard.press("Escape")
        closed = not page.evaluate("document.getElementById('__drawer').checked")
        back = page.evaluate("document.activeElement.id")
    finally:
        page.context.close()
    assert opened and focused and expanded == "true"
    assert closed and back == "reader-menu"


def test_home_search_box_submits_to_search_page(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url)
    try:
        page.fill("#home-q", "社区减负")
        with page.expect_navigation():
            page.press("#home-q", "Enter")
        url = page.url
    finally:
        page.context.close()
    assert url.startswith(site_url + "search/?q=")
    assert "%E7%A4%BE%E5%8C%BA" in url  # 社区, URL-encoded


def test_reply_table_sorts_by_date_both_ways(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + "browse/kind/tian/")
    try:
        dates = ("[...document.querySelectorAll('table.reply-table tbody tr td:first-child time')]"
                 ".map(t => t.getAttribute('datetime'))")
        before = page.evaluate(dates)
        page.get_by_role("button", name="按日期排序").click()
        after = page.evaluate(dates)
        sort_state = page.locator("table.reply-table th").first.get_attribute("aria-sort")
        page.get_by_role("button", name="按答复排序").click()  # by the title link, not the proposal line under it
        titles = page.evaluate("[...document.querySelectorAll('table.reply-table tbody tr td:nth-child(2) > a')]"
                               ".map(a => a.textContent)")
        collated = page.evaluate("t => t.slice().sort((x, y) => x.localeCompare(y, 'zh-CN'))", titles)
    finally:
        page.context.close()
    assert len(before) >= 3
    assert before == sorted(before, reverse=True), "the build writes newest first"
    assert after == sorted(before) and sort_state == "ascending"
    assert len(titles) == len(before) and titles in (collated, collated[::-1])


def test_reply_prints_without_navigation_with_card_first_and_permalink_last(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + PAGES["reply"])
    try:
        page.emulate_media(media="print")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "reply-print.png"), full_page=True, animations="disabled")
        hidden = page.evaluate("""['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer',
            '.reply-toc', '.related-block', '.record-json', '#reader-mode'].filter(s => { const e = document.querySelector(s);
            return e && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 0; })""")
        order = page.evaluate("""() => { const top = s => document.querySelector(s).getBoundingClientRect().top;
            return {h1: top('article h1'), card: top('.reply-card'), text: top('#text'), footer: top('.print-footer')}; }""")
        footer = page.locator(".print-footer").inner_text()
    finally:
        page.context.close()
    assert hidden == [], f"shown on paper: {hidden}"
    assert order["h1"] < order["card"] < order["text"] < order["footer"]
    assert site_url + PAGES["reply"] in footer
    assert "引用：" in footer and "西山区" in footer


def test_browse_pages_outside_the_navigation_mark_the_browse_tab(browser: Any, site_url: str) -> None:
    page = _open(browser, site_url + PAGES["value"])
    try:
        active = page.locator(".md-tabs__item--active").inner_text().strip()
    finally:
        page.context.close()
    assert active == "浏览"
