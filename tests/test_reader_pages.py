"""Issue 7, reader experience: the generated Markdown of reply, browse and home pages.

Real seed records first; hand-made variants of them for the edge cases (evidence spans, letters
whose first heading is （一）, agencies with hundreds of replies).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from build_scripts import records
from build_scripts.dataset import Dataset, Reply
from build_scripts.pages import browse, home, related, reply, reply_text
from build_scripts.pages.facets import short_hash
from build_scripts.paths import REPO_ROOT, Paths
from tests.conftest import SEED_IDS

SEED_RECORDS = [REPO_ROOT / "datasets" / "replies" / reply_id / "reply.yaml" for reply_id in sorted(SEED_IDS)]
CARD_LABELS = ["提出人", "所提建议", "提出机构与届次", "答复单位", "答复日期", "办理类型", "文号", "来源", "主题"]


@pytest.fixture(scope="module")
def dataset(seeds_repo: Paths) -> Dataset:
    loaded = records.load(seeds_repo)
    assert loaded.report.ok and loaded.replies
    return loaded


def _reply(dataset: Dataset, reply_id: str) -> Reply:
    return next(r for r in dataset.replies if r.id == reply_id)


def _variant(base: Reply, **changes: Any) -> Reply:
    return Reply({**base.data, **changes}, base.folder)


def _synthetic(dataset: Dataset, n: int, *, agency: str = "测试市民政局", topics: tuple[str, ...] = ()) -> Dataset:
    """``n`` copies of a seed reply from one agency, one day apart (newest has the highest number), each
    answering a proposal of its own (their number differs)."""
    base = dataset.replies[0]
    start = dt.date(2020, 1, 1)
    replies = tuple(
        _variant(base, id=f"530100-2020-tian-{i:05d}", agency=agency, title=f"第{i}号提案答复",
                 reply_date=(start + dt.timedelta(days=i)).isoformat(), published_date=None,
                 topics=list(topics or base["topics"]), proposers=[f"委员{i % 7}"],
                 proposal_number=f"{i:05d}", proposal_id=f"{base['proposal_id']}-{i:05d}")
        for i in range(n)
    )
    return Dataset(replies, dataset.vocab, dataset.report)


# --- reply page -------------------------------------------------------------------------------

def test_seed_records_found() -> None:
    assert len(SEED_RECORDS) >= 5


@pytest.mark.parametrize("record", SEED_RECORDS, ids=lambda p: p.parent.name)
def test_card_comes_right_after_the_title_and_answers_every_question(dataset: Dataset, record: Path) -> None:
    text = reply.render(_reply(dataset, record.parent.name), dataset)
    body = text.split("---\n\n", 1)[1].lstrip("\n")
    first_lines = body.split("\n")
    assert first_lines[0].startswith("# ")
    assert first_lines[1] == "" and first_lines[2].startswith('<dl class="reply-card"')
    labels = re.findall(r"<dt>([^<]+)</dt>", first_lines[2])
    assert labels == CARD_LABELS


def test_card_gives_the_category_with_its_meaning_and_who_defines_it(dataset: Dataset) -> None:
    text = reply.render(_reply(dataset, "530112-2020-yian-001"), dataset)
    card = text.split('<dl class="reply-card"', 2)[1]
    assert "A类：已解决或基本解决" in card
    assert "所提问题已经解决或者基本解决的" in card
    assert "按昆明市西山区人民代表大会常务委员会的定义，定义待核实" in card
    assert "西民函〔2020〕21号" in card
    assert "第16届第4次会议" in card and "第001号议案" in card


def test_summary_line_has_the_proposal_title_and_one_sentence_per_top_section(dataset: Dataset) -> None:
    target = _reply(dataset, "530112-2020-yian-001")
    items = reply_text.summary_items(target)
    assert [h for h, _ in items] == ["一、基本情况", "二、意见建议办理情况", "3、下一步工作方向"]
    assert items[1][1] == "首先感谢陆林代表对我区社会治理工作的关心。"
    text = reply.render(target, dataset)
    assert "答复《完善社会化管理体系 优化社区治理能力》。" in text


@pytest.mark.parametrize(("text", "expected"), [
    ("第一句。第二句。", "第一句。"),
    ("没有句号的一段\n\n第二段。", "没有句号的一段"),
    ("长" * 80 + "。", "长" * 59 + "…"),
    ("", ""),
])
def test_first_sentence(text: str, expected: str) -> None:
    assert reply_text.first_sentence(text) == expected


@pytest.mark.parametrize(("levels", "expected"), [
    ([0, 1, 2, 2, 1, 0], [None, 3, 4, 4, 3, None]),
    ([2, 2, 3], [3, 3, 4]),          # a letter that starts at （一）: no skipped level
    ([1, 3], [3, 4]),                # 一、 then a level-3 heading: one level down only
])
def test_heading_depths_never_skip_a_level(dataset: Dataset, levels: list[int], expected: list[int | None]) -> None:
    sections = [{"heading": None if lv == 0 else f"标题{i}", "level": lv, "text": "正文。"} for i, lv in enumerate(levels)]
    assert reply_text.heading_depths(_variant(dataset.replies[0], sections=sections)) == expected


def test_contents_list_every_titled_section(dataset: Dataset) -> None:
    target = _reply(dataset, "610102-2023-jianyi-11")
    toc = reply.render(target, dataset).split('<nav class="reply-toc"', 1)[1].split("</nav>", 1)[0]
    headings = [s["heading"] for s in target["sections"] if s["heading"]]
    assert headings and all(h in toc for h in headings)
    assert '<a href="#source">' in toc and '<a href="#related">' in toc


def test_evidence_spans_show_the_quote_beside_the_card_value_escaped(dataset: Dataset) -> None:
    target = _variant(_reply(dataset, "530112-2020-yian-001"), evidence=[
        {"field": "doc_number", "start": 10, "end": 21, "quote": "西民函〔2020〕21号"},
        {"field": "signer", "start": 900, "end": 903, "quote": "<script>x</script>"},
    ])
    text = reply.render(target, dataset)
    card = text.split('<dl class="reply-card"', 2)[1]
    doc_row = card.split("<dt>文号</dt>", 1)[1].split("</dd>", 1)[0]
    assert '<details class="evidence"><summary>原文' in doc_row
    assert "<q>西民函〔2020〕21号</q>" in doc_row and "原件第 10–21 字" in doc_row
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text
    assert "其余各项信息在原件中的出处" in text  # the signer is not on the card: it is in the table of the rest
    rest = text.split("其余各项信息在原件中的出处", 1)[1].split("</table>", 1)[0]
    assert "签发人" in rest and "西民函〔2020〕21号" not in rest  # the card shows the 文号 quote; the table does not repeat it


def test_no_evidence_no_disclosure(dataset: Dataset) -> None:
    seed = _reply(dataset, "530112-2020-yian-001")
    text = reply.render(type(seed)({**seed.data, "evidence": []}, seed.folder), dataset)
    assert 'class="evidence"' not in text and "其余各项信息在原件中的出处" not in text


def test_seed_page_shows_where_its_values_were_read(dataset: Dataset) -> None:
    """A real seed's own evidence (not a hand-made variant): each card value beside its quote."""
    text = reply.render(_reply(dataset, "530111-2023-tian-102114"), dataset)
    card = text.split('<dl class="reply-card"', 2)[1]
    date_row = card.split("<dt>答复日期</dt>", 1)[1].split("</dd>", 1)[0]
    agency_row = card.split("<dt>答复单位</dt>", 1)[1].split("</dd>", 1)[0]
    assert "<q>2023531</q>" in date_row and "原件第 3222–3229 字" in date_row
    assert "<q>昆明市官渡区民政局</q>" in agency_row
    rest = text.split("其余各项信息在原件中的出处", 1)[1].split("</table>", 1)[0]
    assert "<q>敖华</q>" in rest and "3191–3193" in rest


def test_print_footer_has_permalink_and_citation(dataset: Dataset) -> None:
    text = reply.render(_reply(dataset, "530000-2021-tian-0079"), dataset)
    footer = text.split('<div class="print-footer">', 1)[1]
    assert "/replies/530000-2021-tian-0079/" in footer
    assert "引用：云南省民政厅：《" in footer and "云民发〔2021〕118号" in footer


def test_record_section_stays_after_related_for_the_citation_block(dataset: Dataset) -> None:
    text = reply.render(_reply(dataset, "530000-2021-tian-0079"), dataset)
    assert text.index("## 相关答复 { #related }") < text.index("## 记录数据 { #record }")


# --- related replies and the agency's previous/next ---------------------------------------------

def test_related_on_seeds_share_topics_and_never_point_to_itself(dataset: Dataset) -> None:
    for r in dataset.replies:
        found = related.links(dataset, r)
        ids = [x.id for x in found.same_topics + found.same_agency + found.same_proposer]
        assert r.id not in ids and len(ids) == len(set(ids))
        assert all(set(x["topics"]) & set(r["topics"]) for x in found.same_topics)
    assert related.links(dataset, dataset.replies[0]).same_topics, "seed replies share topics"


def test_agency_neighbours_by_date_and_lists_capped(dataset: Dataset) -> None:
    big = _synthetic(dataset, 300)
    by_id = {r.id: r for r in big.replies}
    middle = related.links(big, by_id["530100-2020-tian-00150"])
    assert middle.older is not None and middle.older.id == "530100-2020-tian-00149"
    assert middle.newer is not None and middle.newer.id == "530100-2020-tian-00151"
    assert len(middle.same_agency) == related.RELATED  # the nearest besides the pager's two (issue 13)
    assert [r.id for r in middle.same_agency] == [f"530100-2020-tian-{i:05d}" for i in (152, 148, 153)]
    newest = related.links(big, by_id["530100-2020-tian-00299"])
    assert newest.newer is None and newest.older is not None
    oldest = related.links(big, by_id["530100-2020-tian-00000"])
    assert oldest.older is None
    assert all(len(x.same_topics) <= related.RELATED and len(x.same_proposer) <= related.RELATED
               for x in related.compute(big.replies).values())


def test_related_looks_only_at_a_bounded_window(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """O(N·k): with one topic shared by all, a reply's candidates are its WINDOW neighbours on each side."""
    big = _synthetic(dataset, 200, topics=("shequ-jianfu",))
    seen: list[int] = []
    original = related._window

    def counting(items: list[Reply], at: int) -> list[Reply]:
        out = original(items, at)
        seen.append(len(out))
        return out

    monkeypatch.setattr(related, "_window", counting)
    related.compute(big.replies)
    assert max(seen) == 2 * related.WINDOW


def test_reply_page_links_to_the_agency_neighbours(dataset: Dataset) -> None:
    big = _synthetic(dataset, 3)
    text = reply.render(big.replies[1], big)
    assert 'rel="prev" href="../530100-2020-tian-00000/"' in text
    assert 'rel="next" href="../530100-2020-tian-00002/"' in text


def test_related_lists_are_short_and_link_the_browse_pages_that_hold_them_all(dataset: Dataset) -> None:
    """Issue 13: RELATED entries a kind (5 were ≈ 1.4 KB on every page), none the pager already shows,
    and under each list the browse pages with every reply of that kind (pages that exist)."""
    big = _synthetic(dataset, 300)
    target = next(r for r in big.replies if r.id == "530100-2020-tian-00150")
    block = reply.render(target, big).split('<div class="related-block">', 1)[1].split("\n", 1)[0]
    lists = {key: block.split(f'<h3 id="related-{key}">', 1)[1].split("<h3", 1)[0].split("<nav", 1)[0]
             for key in ("topics", "agency", "proposer")}
    assert all(part.count("<li>") == related.RELATED for part in lists.values()), lists
    pager = re.findall(r'rel="(?:prev|next)" href="([^"]+)"', block)
    assert pager == ["../530100-2020-tian-00149/", "../530100-2020-tian-00151/"]
    assert not any(href in lists["agency"] for href in pager)
    pages = dict(browse.pages(big))
    for key, part in lists.items():
        more = part.split('<p class="related-more">', 1)[1]
        hrefs = re.findall(r'href="\.\./\.\./(browse/[^"]+)/"', more)
        assert hrefs and all(f"{h}.md" in pages for h in hrefs), (key, hrefs)
    assert f"browse/proposer/{short_hash('委员3')}" in lists["proposer"]  # 150 % 7
    assert "<li>" not in block.split('<nav class="agency-pager"', 1)[1]


# --- browsing -------------------------------------------------------------------------------------

def test_browse_has_every_facet_with_counts(dataset: Dataset) -> None:
    pages = dict(browse.pages(dataset))
    for facet in ("agency", "region", "year", "kind", "category", "topic", "session", "proposer"):
        assert f"browse/{facet}/index.md" in pages, facet
    # 陆林 has one reply: no page of their own (issue 13), the list links to the reply
    assert f"browse/proposer/{short_hash('陆林')}.md" not in pages
    assert '<a href="../../replies/530112-2020-yian-001/">陆林</a>' in pages["browse/proposer/index.md"]
    session = pages["browse/session/index.md"]
    assert "政协云南省委员会第12届第4次会议" in session and 'data-sort-value="1"' in session
    assert 'aria-sort="descending"' in session


def test_region_page_shows_province_city_county(dataset: Dataset) -> None:
    page = dict(browse.pages(dataset))["browse/region/index.md"]
    yunnan = page.index("云南省</a>")
    kunming = page.index("昆明市</a>", yunnan)
    xishan = page.index("西山区</a>", kunming)
    assert yunnan < kunming < xishan
    assert page.count('<ul class="region-tree">') == 1 + 2 + 2  # root, 2 provinces, 2 cities
    city = dict(browse.pages(dataset))["browse/region/530100.md"]
    assert "## 下级地区" in city and "官渡区" in city and "云南省</a>" in city  # children and breadcrumb


def test_value_pages_are_paginated_and_newest_first(dataset: Dataset) -> None:
    big = _synthetic(dataset, 450)
    pages = dict(browse.pages(big))
    agency = [p for p in pages if p.startswith("browse/agency/") and p != "browse/agency/index.md"]
    full, rest = divmod(450, browse.ROWS_PER_PAGE)
    assert len(agency) == full + (rest > 0) and len(agency) >= 3
    first = next(p for p in agency if p.count("/") == 2)
    rows = [pages[p].count("<tr>") - 1 for p in sorted(agency)]
    assert sorted(rows) == sorted([browse.ROWS_PER_PAGE] * full + ([rest] if rest else []))
    dates = re.findall(r'<time datetime="([0-9-]+)"', pages[first])
    assert dates == sorted(dates, reverse=True) and dates[0] == "2021-03-25"
    assert '<nav class="pager" aria-label="分页">' in pages[first]
    assert all(len(text) < 200_000 for text in pages.values())


def test_a_proposer_with_several_replies_has_a_page_and_the_card_links_it(dataset: Dataset) -> None:
    """Issue 13: a proposer page only from two replies up; the card links a proposer only when it exists."""
    big = _synthetic(dataset, 20)  # proposers 委员0 … 委员6, each on several replies
    pages = dict(browse.pages(big))
    assert f"browse/proposer/{short_hash('委员3')}.md" in pages
    card = reply.render(big.replies[3], big)
    assert f'browse/proposer/{short_hash("委员3")}/">委员3</a>' in card
    seed = reply.render(_reply(dataset, "530112-2020-yian-001"), dataset)
    assert "browse/proposer/" not in seed and "陆林" in seed


def test_facet_pages_are_paginated_above_the_value_limit(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "VALUES_PER_PAGE", 2)
    pages = dict(browse.pages(dataset))
    assert "browse/agency/page-2.md" in pages and "browse/agency/page-3.md" in pages
    assert pages["browse/agency/index.md"].count("<tr>") == 1 + 2


# --- home -----------------------------------------------------------------------------------------

def test_home_says_what_this_is_how_much_and_where_to_go(dataset: Dataset) -> None:
    page = home.render(dataset)
    assert '<form class="home-search" role="search" action="search/" method="get">' in page
    assert 'name="q"' in page
    assert "<strong>5</strong> 件答复" in page and "<strong>5</strong> 个答复单位" in page
    assert 'href="browse/"' in page and 'href="data/"' in page and 'href="browse/region/"' in page
    assert page.count("<tr>") == 1 + len(dataset.replies)
