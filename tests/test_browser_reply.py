"""A reader opens a reply page in a real browser (Debian's chromium via Playwright)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SEED_IDS

pytestmark = pytest.mark.browser

REPLY = "replies/530112-2020-yian-001/"


def _open(page: Any, url: str) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return requests


def test_reply_page_reads_as_a_letter(page: Any, site_url: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests = _open(page, site_url + REPLY)
    assert page.locator("h1").inner_text() == "关于西山区第十六届人大四次会议第001号议案答复的函"
    card = page.locator("dl.reply-card").first
    assert "陆林" in card.inner_text() and "西民函〔2020〕21号" in card.inner_text()
    assert page.locator("#s2").inner_text() == "一、基本情况"
    assert "深入学习贯彻习近平新时代中国特色社会主义思想" in page.locator("#s2 + .letter-text").inner_text()
    assert [u for u in requests if not u.startswith(site_url)] == []
    assert errors == []


@pytest.mark.parametrize("width, height", [(360, 800), (1280, 800)], ids=["phone", "desktop"])
def test_table_of_contents_links_to_sections(browser: Any, site_url: str, width: int, height: int) -> None:
    """Issue 13: the page's own 本页目录 is its only contents (the theme's sidebar is gone): shown on a
    phone and on a desktop, and its links take the reader to the section; the theme's script (toc.follow
    included) runs without error on a page with no theme contents."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _open(page, site_url + REPLY)
        assert page.locator(".md-sidebar--secondary").count() == 0
        contents = page.locator('nav.reply-toc[aria-label="本页目录"]')
        assert contents.is_visible()
        link = contents.locator('a[href="#s5"]')
        assert "截至目前西山区各项社区治理工作推进情况" in link.inner_text()
        link.click()
        page.wait_for_function("location.hash === '#s5'")
        top = page.evaluate("document.getElementById('s5').getBoundingClientRect().top")
        for later in ("#commitments", "#cite", "#related", "#record"):  # the sections after the text too
            assert contents.locator(f'a[href="{later}"]').count() == 1
        contents_right = page.evaluate("document.querySelector('nav.reply-toc').getBoundingClientRect().right")
    finally:
        context.close()
    assert 0 <= top < height / 2, f"the section's heading is not at the top of the screen ({top})"
    assert contents_right <= width
    assert errors == []


def test_home_lists_the_replies_and_links_work(page: Any, site_url: str) -> None:
    _open(page, site_url)
    links = page.locator("table.reply-table tbody td:nth-child(2) > a")  # each reply's title
    assert links.count() == len(SEED_IDS)
    proposals = page.locator("table.reply-table .reply-sub")  # and under it, the proposal it answers (issue 14)
    assert proposals.count() == len(SEED_IDS)
    seed = proposals.filter(has_text="构建“全周期管理”基层社会治理模式的建议")
    assert seed.count() == 1 and seed.locator("a").count() == 0  # answered once: no page of its own (issue 13)
    links.filter(has_text="第0079号提案").first.click()
    page.wait_for_load_state()
    assert page.url == site_url + "replies/530000-2021-tian-0079/"
    assert "云民发〔2021〕118号" in page.locator("dl.reply-card").first.inner_text()


def test_phone_width_has_no_horizontal_scroll(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    _open(page, site_url + REPLY)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    context.close()


@pytest.mark.parametrize("path", ["", REPLY, "browse/agency/", "search/?q=社区"])
def test_no_request_fails(page: Any, site_url: str, path: str) -> None:
    """Issue 13: Material fetched sitemap.xml beside every feed link (/feeds/sitemap.xml, a 404 on every page)."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    _open(page, site_url + path)
    assert failed == []
