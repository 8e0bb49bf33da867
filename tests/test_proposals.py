"""Issue 14, part 1: proposals as data. One proposal answered by a lead and two co-handling agencies
(tests/proposalletters.py): one row in the proposals table, three replies pointing to it, a page that
lists all three lead first, reply pages that link to it; replies that disagree on the proposal are
reported naming the field and both files; the handling role is read from the letter with its span."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import proposalletters
import pytest
import yaml
from conftest import copy_inputs, unzip_database

from build_scripts import records, vocab
from build_scripts.dataset import Reply
from build_scripts.extract import draft
from build_scripts.pages.proposals import redirects
from build_scripts.pages.urls import DERIVED
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.proposals import assembly_region, proposal_id


def _csv(paths: Paths, name: str) -> list[dict[str, str]]:
    with open(paths.site / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_one_row_per_proposal_and_replies_point_to_it(proposal_built: Paths) -> None:
    proposals = {r["id"]: r for r in _csv(proposal_built, "proposals")}
    row = proposals[proposalletters.PROPOSAL_ID]
    assert row["reply_count"] == "3" and row["proposal_title"] == proposalletters.TITLE and row["proposers"] == "李明"
    replies = {r["id"]: r for r in _csv(proposal_built, "replies")}
    ours = [r for r in replies.values() if r["proposal_id"] == proposalletters.PROPOSAL_ID]
    assert sorted(r["handling_role"] for r in ours) == sorted(["主办", "会办", "协办"])
    # seed 001 answers its own proposal, made at the 4th session of the 12th CPPCC Yunnan committee
    assert replies["530000-2021-tian-0079"]["proposal_id"] == "530000-12-4-tian-0079"
    assert proposals["530000-12-4-tian-0079"]["reply_count"] == "1"
    assert replies["530000-2021-tian-0079"]["handling_role"] == ""


def test_foreign_key_in_the_descriptor_and_sqlite(proposal_built: Paths, tmp_path: Path) -> None:
    package = json.loads((proposal_built.site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    replies = next(r for r in package["resources"] if r["name"] == "replies")
    assert {"fields": ["proposal_id"], "reference": {"resource": "proposals", "fields": ["id"]}} in replies["schema"]["foreignKeys"]
    db = unzip_database(proposal_built.site / "data", tmp_path)
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT reply_count FROM proposals WHERE id = ?", (proposalletters.PROPOSAL_ID,)).fetchone()
        joined = conn.execute("SELECT count(*) FROM replies JOIN proposals ON replies.proposal_id = proposals.id "
                              "WHERE proposals.id = ?", (proposalletters.PROPOSAL_ID,)).fetchone()
    assert count == (3,) and joined == (3,)


def test_proposal_page_lists_every_reply_lead_first(proposal_built: Paths) -> None:
    html = (proposal_built.site / "proposals" / proposalletters.PROPOSAL_ID / "index.html").read_text(encoding="utf-8")
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [next(role for role in ("主办", "会办", "协办") if f"<td>{role}</td>" in row) for row in rows] == ["主办", "会办", "协办"]
    assert "云南省民政厅" in rows[0] and "../../replies/530000-2022-tian-0123-mzt/" in rows[0]
    assert "B类" in rows[0] and "2022年6月15日" in rows[0]
    listing = (proposal_built.site / "proposals" / "index.html").read_text(encoding="utf-8")
    assert f'href="{proposalletters.PROPOSAL_ID}/"' in listing
    assert 'href="../replies/530000-2021-tian-0079/"' in listing  # one reply: the list links to it


def test_a_proposal_with_one_reply_sends_the_reader_to_it(proposal_built: Paths) -> None:
    """Issue 13: one-row proposal pages were 143 MB at 10,000 letters; the URL still answers."""
    html = (proposal_built.site / "proposals" / "530000-12-4-tian-0079" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../replies/530000-2021-tian-0079/">' in html
    assert '<a href="../../replies/530000-2021-tian-0079/">' in html and 'content="noindex"' in html
    assert 'rel="canonical" href="' in html and '/replies/530000-2021-tian-0079/"' in html
    assert "《构建“全周期管理”基层社会治理模式的建议》" in html and len(html.encode()) < 1500
    sitemap = (proposal_built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/proposals/530000-12-4-tian-0079/" not in sitemap
    assert f"/proposals/{proposalletters.PROPOSAL_ID}/" in sitemap


def test_the_page_that_sends_the_reader_on_escapes_the_title(tmp_path: Path) -> None:
    dataset = records.load(copy_inputs(tmp_path / "repo"))
    reply = dataset.by_id["530000-2021-tian-0079"]
    hostile = Reply({**reply.data, "proposal_title": '<script>alert(1)</script>"'}, reply.folder)
    html = next(iter(redirects(replace(dataset, replies=(hostile,))).values())).decode("utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in html


def test_reply_page_links_to_its_proposal_and_the_other_replies(proposal_built: Paths) -> None:
    html = (proposal_built.site / "replies" / "530000-2022-tian-0123-czt" / "index.html").read_text(encoding="utf-8")
    assert f'href="../../proposals/{proposalletters.PROPOSAL_ID}/"' in html and "本站收录答复 3 件" in html
    others = html.split('id="related-proposal"')[1].split("</ul>")[0]
    assert "../530000-2022-tian-0123-mzt/" in others and "../530000-2022-tian-0123-zjt/" in others
    assert "../530000-2022-tian-0123-czt/" not in others and "云南省民政厅（主办）" in others
    # issue 13: listed there once; not again as a thread (same proposal, its only reason) nor as related
    related = html.split('<div class="related-block">')[1].split("</div>\n")[0]
    for sibling in ("../530000-2022-tian-0123-mzt/", "../530000-2022-tian-0123-zjt/"):
        assert related.count(f'href="{sibling}"') == 1, sibling
    seed = (proposal_built.site / "replies" / "530000-2021-tian-0079" / "index.html").read_text(encoding="utf-8")
    assert 'id="related-proposal"' not in seed and "本站只收录了对本件建议的这一件答复" in seed
    assert 'href="../../proposals/530000-12-4-tian-0079/"' not in seed  # that URL only sends the reader back here


def test_replies_that_disagree_on_the_proposal_are_reported(tmp_path: object) -> None:
    paths = copy_inputs(tmp_path / "repo")  # type: ignore[operator]
    ids = proposalletters.add_all(paths)
    record = paths.replies / ids[2] / "reply.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["proposal_title"] = "关于老旧小区服务设施的建议"
    data["proposers"] = ["李明", "王芳"]
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    found = [p for p in records.load(paths).report.problems if p.code == "proposal-mismatch"]
    assert sorted(p.field for p in found) == ["proposal_title", "proposers"]
    title = next(p for p in found if p.field == "proposal_title")
    assert title.file == f"datasets/replies/{ids[2]}/reply.yaml" and f"datasets/replies/{ids[1]}/reply.yaml" in title.message
    assert "关于老旧小区服务设施的建议" in title.message and proposalletters.TITLE in title.message
    assert title.line == record.read_text(encoding="utf-8").splitlines().index(f"proposal_title: {data['proposal_title']}") + 1
    run = subprocess.run([sys.executable, "-m", "build_scripts", "--root", str(paths.root), "validate"],
                         capture_output=True, text=True, cwd=REPO_ROOT)
    assert run.returncode == 1 and "proposal-mismatch" in run.stdout + run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(("assembly", "code"), [
    ("政协云南省委员会", "530000"), ("政协昆明市官渡区委员会", "530111"), ("昆明市西山区人民代表大会", "530112"),
    ("某某省人民代表大会", None),
])
def test_assembly_region(assembly: str, code: str | None) -> None:
    regions = vocab.load(Paths())[0].regions
    assert assembly_region(assembly, regions) == code


def test_proposal_id_needs_a_number_and_falls_back_to_a_hash() -> None:
    region_of = vocab.load(Paths())[0].assembly_region
    base = {"proposal_kind": "建议", "assembly": "某某省人民代表大会", "term": None, "session_no": 3, "proposal_number": "12"}
    pid = proposal_id(base, region_of)
    assert pid is not None and pid.startswith("a") and pid.endswith("-x-3-jianyi-12")
    assert proposal_id({**base, "assembly": "政协昆明市官渡区委员会"}, region_of) == "530111-x-3-jianyi-12"
    assert proposal_id({**base, "proposal_number": None}, region_of) is None
    assert proposal_id({**base, "proposal_number": "第十二号"}, region_of) is None


@pytest.mark.parametrize(("sentence", "role"), [
    ("我局作为该件提案的主办单位，现答复如下：", "主办"),
    ("现将我委会办意见函告如下：", "会办"),
    ("由我厅牵头主办，现答复如下：", "主办"),
    ("办理方式：协办", "协办"),
    ("本件建议由我局独办。", "独办"),
    ("由我局会同有关单位研究办理，现答复如下：", None),
    ("综合各协办单位意见，现答复如下：", None),
])
def test_handling_role_is_read_with_its_span(sentence: str, role: str | None) -> None:
    regions = vocab.load(Paths())[0].regions
    text = "关于某事的答复\n张三代表：\n" + sentence + "\n此复。\n某市民政局\n2024年5月1日\n"
    found = draft.extract_text(text, "text", regions)
    assert found.values["handling_role"] == role
    if role:
        start, end = found.spans["handling_role"]
        assert found.text[start:end] == role


@pytest.mark.parametrize("reply_id", ["530000-2021-tian-0079", "530111-2023-tian-102114", "530112-2020-yian-001"])
def test_seed_letters_do_not_say_their_role(reply_id: str) -> None:
    """Seeds 001 and 102114 carry “主办单位：…” in the site footer: the site's owner, not a handling role."""
    regions = vocab.load(Paths())[0].regions
    letter = REPO_ROOT / "datasets" / "replies" / reply_id / "letter.txt"
    assert draft.extract_bytes(letter.read_bytes(), letter.name, regions).values["handling_role"] is None


def test_api_has_proposals_and_what_is_derived(proposal_built: Paths) -> None:
    index = json.loads((proposal_built.site / "api" / "proposals.json").read_text(encoding="utf-8"))
    ours = next(p for p in index["proposals"] if p["id"] == proposalletters.PROPOSAL_ID)
    assert ours["reply_count"] == 3 and [r["handling_role"] for r in ours["replies"]] == ["会办", "主办", "协办"]
    record = json.loads((proposal_built.site / "api" / "replies" / "530000-2021-tian-0079.json").read_text(encoding="utf-8"))
    derived = record[DERIVED]
    assert any(c["deadline"] == "2021-06-30" for c in derived["commitments"])
    assert any(f["quote"] == "4000万元" and f["yuan"] == 40_000_000 for f in derived["figures"])
