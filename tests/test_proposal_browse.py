"""Issue 14: browse pages and search facets gain the proposal and the 办理方式.

On the seeds (each answers its own proposal, none says its 办理方式) and on one proposal answered by a
lead and two co-handling agencies (tests/proposalletters.py): a proposal's page is its own
(``proposals/<id>/``, no browse page per proposal), the browse list of proposals holds those answered
by several agencies, every reply table links each reply's proposal and shows its role, and the search
index filters to one proposal through its own small file and by 办理方式 through facets.json.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import proposalletters
import pytest
from conftest import copy_inputs

from build_scripts import records
from build_scripts.dataset import Reply
from build_scripts.pages import browse, stats
from build_scripts.pages.common import proposal_line
from build_scripts.pages.facets import facets, group, has_page, value_url
from build_scripts.paths import Paths
from build_scripts.search import index

PID = proposalletters.PROPOSAL_ID
LEAD, CO, ASSIST = "530000-2022-tian-0123-mzt", "530000-2022-tian-0123-czt", "530000-2022-tian-0123-zjt"
SEED = "530000-2021-tian-0079"
SEED_PID = "530000-12-4-tian-0079"
SEED_LABEL = "《构建“全周期管理”基层社会治理模式的建议》"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> records.Dataset:
    return records.load(copy_inputs(tmp_path_factory.mktemp("seeds") / "repo"))


def _facet(dataset: records.Dataset, slug: str) -> Any:
    return next(f for f in facets(dataset) if f.slug == slug)


def _html(paths: Paths, url: str) -> str:
    return (paths.site / url / "index.html").read_text(encoding="utf-8")


def _idx(paths: Paths, name: str) -> Any:
    return json.loads(gzip.decompress((paths.site / "search" / "idx" / name).read_bytes()))


def _entries(paths: Paths) -> list[Any]:
    """Every doc's entry in the search index's ``i/`` files, in doc order: [reply id, category, proposal, …]."""
    manifest = _idx(paths, "manifest.json")
    chunks = range(-(-manifest["docs"] // manifest["chunk"]))
    return [e for k in chunks for e in _idx(paths, f"i/{k}.json")]


def _docs(paths: Paths) -> dict[str, int]:
    """Reply id -> its doc id in the search index."""
    return {e[0]: d for d, e in enumerate(_entries(paths))}


def _record(paths: Paths, reply_id: str) -> Any:
    return json.loads((paths.site / "api" / "replies" / f"{reply_id}.json").read_text("utf-8"))


# ---------------------------------------------------------------- the facets, on the seeds


def test_a_seed_has_its_proposal_as_a_facet_value_whose_page_is_the_proposals_own(seeds: records.Dataset) -> None:
    reply = seeds.by_id[SEED]
    proposal = _facet(seeds, "proposal")
    assert proposal.values(reply) == [(SEED_PID, SEED_LABEL)]
    replies = group(seeds.replies, proposal)[SEED_PID][1]
    assert [r.id for r in replies] == [SEED]
    assert value_url("proposal", SEED_PID, replies) == f"replies/{SEED}/"  # answered once: no page of its own
    assert value_url("proposal", SEED_PID, replies * 2) == f"proposals/{SEED_PID}/"
    assert not has_page("proposal", 3)  # never a browse page per proposal, however many replies
    assert _facet(seeds, "role").values(reply) == []  # seed 001 does not say 主办 or 会办 (its evidence says why)


def test_seed_browse_pages_make_no_page_per_proposal_and_say_none_is_listed(seeds: records.Dataset) -> None:
    pages = dict(browse.pages(seeds))
    assert not [p for p in pages if p.startswith("browse/proposal/") and p != "browse/proposal/index.md"]
    assert "尚无由两个以上单位分别答复的建议提案" in pages["browse/proposal/index.md"]
    assert 'href="../../proposals/"' in pages["browse/proposal/index.md"]
    assert browse.NONE_LISTED["role"] in pages["browse/role/index.md"]
    overview = pages["browse/index.md"]
    block = overview.split("{ #proposal }", 1)[1].split("\n## ", 1)[0]
    assert SEED_PID not in block and 'href="../proposals/"' in block  # one reply each: the list of all proposals


def test_statistics_count_by_role_but_not_by_proposal(seeds: records.Dataset) -> None:
    counted = [f.slug for f in stats.counted(seeds)]
    assert "role" in counted and "proposal" not in counted
    assert "{ #proposal }" not in stats.render(seeds)
    assert "\nproposal," not in stats.counts_csv(seeds)


def test_reply_table_line_escapes_the_proposal_and_links_its_page(seeds: records.Dataset) -> None:
    seed = seeds.by_id[SEED]
    line = proposal_line(seed, "../../proposals/", frozenset({SEED_PID}))
    assert line == f'<a href="../../proposals/{SEED_PID}/">构建“全周期管理”基层社会治理模式的建议</a>'
    assert proposal_line(seed, "../../proposals/") == "构建“全周期管理”基层社会治理模式的建议"  # no page: not linked
    hostile = Reply({**seed.data, "proposal_title": '<img src=x onerror="alert(1)">', "handling_role": "会办"}, seed.folder)
    line = proposal_line(hostile, "")
    assert "<img" not in line and "&lt;img src=x" in line and line.endswith(' <span class="reply-role">会办</span>')
    bare = Reply({**seed.data, "proposal_id": None, "proposal_title": None}, seed.folder)
    assert proposal_line(bare, "") == ""


# ---------------------------------------------------------------- one proposal, a lead and two co-handlers


def test_browse_list_of_proposals_holds_the_one_answered_by_three_agencies(proposal_built: Paths) -> None:
    listing = _html(proposal_built, "browse/proposal")
    rows = listing.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 1 and f'href="../../proposals/{PID}/"' in rows[0] and '<td class="num" data-sort-value="3">3</td>' in rows[0]
    assert SEED_PID not in listing  # answered once: in proposals/, not here
    assert not (proposal_built.site / "browse" / "proposal" / PID).exists()
    assert '其中 <a href="../browse/proposal/">1 件有多个单位答复</a>' in _html(proposal_built, "proposals")
    overview = _html(proposal_built, "browse").split('id="proposal"', 1)[1].split("<h2", 1)[0]
    assert f'href="../proposals/{PID}/"' in overview and f"《{proposalletters.TITLE}》" in overview


@pytest.mark.parametrize(("slug", "reply_id"), [("zhuban", LEAD), ("huiban", CO), ("xieban", ASSIST)])
def test_each_role_has_a_page_with_exactly_its_reply(proposal_built: Paths, slug: str, reply_id: str) -> None:
    html = _html(proposal_built, f"browse/role/{slug}")
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 1 and f'href="../../../replies/{reply_id}/"' in body
    assert f'href="../../../proposals/{PID}/"' in body


def test_agency_listing_shows_the_proposal_and_the_role(proposal_built: Paths) -> None:
    dataset = records.load(proposal_built)
    agency = _facet(dataset, "agency")
    (slug,) = [s for s, (label, _) in group(dataset.replies, agency).items() if label == "云南省财政厅"]
    html = _html(proposal_built, f"browse/agency/{slug}")
    row = html.split("<tbody>")[1].split("</tbody>")[0]
    assert (f'<div class="reply-sub"><a href="../../../proposals/{PID}/">{proposalletters.TITLE}</a>'
            ' <span class="reply-role">会办</span></div>') in row
    home = _html(proposal_built, "")  # the home page's newest replies too
    assert f'href="proposals/{PID}/"' in home


def test_proposal_page_searches_within_its_replies_only_when_several(proposal_built: Paths) -> None:
    html = _html(proposal_built, f"proposals/{PID}")
    assert '<form class="proposal-search" role="search" action="../../search/" method="get">' in html
    assert f'<input type="hidden" name="proposal" value="{PID}">' in html and "在这 3 件答复中检索" in html
    assert "proposal-search" not in _html(proposal_built, f"proposals/{SEED_PID}")


def test_search_index_filters_to_the_proposal_through_its_own_file(proposal_built: Paths) -> None:
    docs = _docs(proposal_built)
    got = _idx(proposal_built, f"p/{PID}.json")
    assert got == {"label": f"《{proposalletters.TITLE}》", "url": f"proposals/{PID}/",
                   "docs": sorted(docs[r] for r in (LEAD, CO, ASSIST))}
    assert not (proposal_built.site / "search" / "idx" / "p" / f"{SEED_PID}.json").exists()  # answered once
    entries = _entries(proposal_built)  # a result shows the role and proposal id from the API record, the rest from i/
    assert entries[docs[CO]][2] == [3, f"proposals/{PID}/"]
    assert _record(proposal_built, CO)["handling_role"] == "会办" and _record(proposal_built, CO)["proposal_id"] == PID
    assert entries[docs[SEED]][2] == [1, None]  # answered once: no page of its own
    assert _record(proposal_built, SEED)["handling_role"] is None


def test_search_facets_have_the_role_and_no_list_of_proposals(proposal_built: Paths) -> None:
    table = _idx(proposal_built, "facets.json")
    slugs = [f["slug"] for f in table["facets"]] + [c["slug"] for c in table["columns"]]
    assert "proposal" not in slugs and "proposer" not in slugs and "agency" in slugs
    (role,) = [c for c in table["columns"] if c["slug"] == "role"]  # a column beside the tuples
    assert role["title"] == "办理方式" and sorted(role["values"]) == sorted(["主办", "会办", "协办"])
    docs = _docs(proposal_built)
    assert len(role["docs"]) == len(docs)
    by_role = {rid: role["docs"][d] for rid, d in docs.items()}
    assert [role["values"][ord(by_role[r]) - 48] for r in (LEAD, CO, ASSIST)] == ["主办", "会办", "协办"]
    assert by_role[SEED] == index.COLUMN_NONE


def test_the_p_files_hold_the_doc_ids_of_every_shared_proposal(tmp_path: Path) -> None:
    """A second shared proposal (two replies): each p/ file holds its own replies and no other."""
    paths = copy_inputs(tmp_path / "repo")
    proposalletters.add_all(paths)
    later = {"term": 13, "session_no": 1, "proposal_number": "0045", "proposal_title": proposalletters.LATER_TITLE,
             "title": "对政协云南省委员会第十三届一次会议第0045号提案的答复", "published_date": "2023-06-10"}
    other = proposalletters.add_reply(paths, "主办", proposalletters.LATER_SECTIONS, id=proposalletters.LATER_ID,
                                      doc_number="云民函〔2023〕45号", reply_date="2023-06-01", **later)
    second = proposalletters.add_reply(paths, "会办", proposalletters.CO_SECTIONS["会办"], id="530000-2023-tian-0045-czt",
                                       doc_number="云财函〔2023〕9号", reply_date="2023-06-02", **later)
    dataset = records.load(paths)
    replies = index.ordered(dataset)
    files = index.proposal_files(replies, dataset)
    doc = {r.id: d for d, r in enumerate(replies)}
    later_pid = "530000-13-1-tian-0045"
    assert not dataset.report.errors
    assert set(files) == {f"p/{PID}.json", f"p/{later_pid}.json"}
    assert json.loads(files[f"p/{later_pid}.json"])["docs"] == sorted([doc[other], doc[second]])
    assert json.loads(files[f"p/{PID}.json"])["docs"] == sorted(doc[r] for r in (LEAD, CO, ASSIST))


def test_proposal_list_pages_stay_under_the_page_budget_with_long_titles(seeds: records.Dataset) -> None:
    """Issue 13: 300 proposals a page, each with a long title, made 119 KB pages at 10,000 letters."""
    seed = seeds.by_id[SEED]
    title = "关于进一步加强和完善城乡社区治理体系建设推进基层治理现代化提升居民获得感幸福感安全感的建议"
    groups = {}
    for i in range(400):  # each answered by two agencies
        pid = f"530000-12-4-tian-{i:05d}"
        pair = [Reply({**seed.data, "id": f"530000-2021-tian-{i:05d}{s}", "proposal_id": pid,
                       "proposal_title": f"{title}（{i}）"}, seed.folder) for s in ("", "-h1")]
        groups[pid] = (f"《{title}（{i}）》", pair)
    pages = browse._facet_pages(_facet(seeds, "proposal"), groups, sorted(groups), len(groups))
    assert sorted(pages) == ["browse/proposal/index.md", "browse/proposal/page-2.md", "browse/proposal/page-3.md"]
    assert all(len(md.encode()) < 85_000 for md in pages.values())  # the shell adds ~13 KB of theme: < 100 KB
