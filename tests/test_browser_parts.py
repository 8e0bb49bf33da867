"""分页显示 in a real browser (Debian's chromium via Playwright): a reader goes from page 1 of a long
letter to its page 2 and on, by mouse and by keyboard, on a desktop and a phone; axe finds nothing
serious on either page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import serve
from longletters import MANY, ONE_PARAGRAPH
from test_reader_browser import LAYOUT_PROBLEMS, _axe, _open, _tab_through

from build_scripts import records
from build_scripts.pages import parts
from build_scripts.paths import Paths

pytestmark = pytest.mark.browser

FIRST = f"replies/{ONE_PARAGRAPH}/"


@pytest.fixture(scope="module")
def long_url(long_built: Paths) -> Iterator[str]:
    server, url = serve(long_built.site)
    yield url
    server.shutdown()


def test_next_page_leads_to_the_second_part(browser: Any, long_url: str, long_built: Paths) -> None:
    dataset = records.load(long_built)
    reply = next(r for r in dataset.replies if r.id == ONE_PARAGRAPH)
    found = parts.text_parts(reply, dataset)
    text = reply["sections"][0]["text"]
    second = text[found[1].start[1]:found[1].end[1]] if found[1].end[0] == 1 else text[found[1].start[1]:]
    page = _open(browser, long_url + FIRST)
    try:
        nav = page.locator('nav[aria-label="正文分页"]')
        assert f"正文较长，分 {len(found)} 页显示" in nav.inner_text()
        assert nav.locator('a[aria-current="page"]').inner_text() == "第1页"
        nav.get_by_role("link", name="下一页").click()
        page.wait_for_url(long_url + found[1].url)
        assert page.locator("h1").inner_text() == f"{reply['title']}（第2页，共{len(found)}页）"
        assert page.locator("article h3").first.inner_text() == "一、办理情况（续）"
        shown = page.locator("article .letter-text").first.inner_text()
        assert shown.strip().startswith(second.strip()[:40]) and shown.strip().endswith(second.strip()[-40:])
        assert page.locator('nav[aria-label="正文分页"] a[aria-current="page"]').inner_text() == "第2页"
        page.locator('nav[aria-label="正文分页（本页末尾）"]').get_by_role("link", name="上一页").click()
        page.wait_for_url(long_url + FIRST)
    finally:
        page.context.close()


def test_the_part_links_work_from_the_keyboard(browser: Any, long_url: str) -> None:
    page = _open(browser, long_url + f"replies/{MANY}/2/", width=360, height=800)
    try:
        reached, offscreen = _tab_through(page, 60)
        assert "../3/" in reached and "../" in reached, reached  # 下一页 and 上一页 / 第1页
        assert offscreen == []
        page.locator('nav[aria-label="正文分页"]').get_by_role("link", name="下一页").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(long_url + f"replies/{MANY}/3/")
        assert "（第3页，共" in page.locator("h1").inner_text()
    finally:
        page.context.close()


@pytest.mark.parametrize("url", [FIRST, FIRST + "2/"])
@pytest.mark.parametrize("width, mode", [(360, "normal"), (1280, "normal"), (1280, "large"), (1280, "dark")])
def test_parts_fit_a_phone_and_axe_finds_nothing_serious(browser: Any, long_url: str, url: str, width: int,
                                                          mode: str) -> None:
    """On a phone and a desktop, in 长者模式 and the dark scheme too (the current part's colours are ours)."""
    page = _open(browser, long_url + url, width=width, large=mode == "large", dark=mode == "dark")
    try:
        layout = page.evaluate(LAYOUT_PROBLEMS)
        violations = _axe(page)
    finally:
        page.context.close()
    assert not layout["wide"], f"horizontal scrolling: {layout['scrollWidth']} > {layout['innerWidth']}"
    assert layout["clipped"] == []
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
