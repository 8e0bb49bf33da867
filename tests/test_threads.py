"""Issue 14, part 5: threads. A later reply to the same proposer on a similar matter that cites the
earlier reply's 文号 and proposal number is linked as a suggestion with its reasons; a maintainer's
rejection or confirmation in the record is kept in the data and changes what the reply page shows."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import proposalletters
import pytest
from conftest import copy_inputs, unzip_database

from build_scripts import records, site, threads
from build_scripts.paths import REPO_ROOT, Paths

LEAD, CO, LATER = "530000-2022-tian-0123-mzt", "530000-2022-tian-0123-czt", proposalletters.LATER_ID


@pytest.fixture(scope="module")
def thread_built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    paths = copy_inputs(tmp_path_factory.mktemp("threads") / "repo")
    proposalletters.add_all(paths)
    proposalletters.add_later(paths, [{"other_id": CO, "decision": "rejected", "note": "财政厅的答复只谈资金。"}])
    site.build(paths)
    return paths


def _threads(paths: Paths) -> dict[tuple[str, str], dict[str, str]]:
    with open(paths.site / "data" / "threads.csv", encoding="utf-8", newline="") as f:
        return {(r["reply_id"], r["other_id"]): r for r in csv.DictReader(f)}


def test_suggested_links_with_reasons(thread_built: Paths) -> None:
    rows = _threads(thread_built)
    later = rows[(LATER, LEAD)]
    assert later["reasons"] == "same-proposer、cites" and later["status"] == "suggested"
    assert "同一提出人“李明”" in later["detail"] and "云民函〔2022〕12号" in later["detail"]
    assert rows[(LEAD, LATER)]["status"] == "suggested"  # both directions
    assert rows[(LEAD, CO)]["reasons"] == "same-proposal"
    # the seeds have other proposers and other titles: no link between a seed and these letters
    assert not any(a.startswith("530000-2021") or b.startswith("530000-2021") for a, b in rows)


def test_a_rejected_link_is_kept_marked_and_not_shown(thread_built: Paths) -> None:
    rows = _threads(thread_built)
    assert rows[(LATER, CO)]["status"] == rows[(CO, LATER)]["status"] == "rejected"
    assert "财政厅的答复只谈资金" in rows[(LATER, CO)]["detail"]
    html = (thread_built.site / "replies" / LATER / "index.html").read_text(encoding="utf-8")
    block = html.split('id="related-thread"')[1].split("</ul>")[0]
    assert f"../{LEAD}/" in block and "建议关联" in block and f"../{CO}/" not in block


def test_a_confirmed_link_is_labelled(tmp_path: Path) -> None:
    paths = copy_inputs(tmp_path / "repo")
    proposalletters.add_all(paths)
    proposalletters.add_later(paths, [{"other_id": LEAD, "decision": "confirmed", "note": "同一事项的后续提案。"}])
    dataset = records.load(paths)
    link = next(link for link in dataset.threads[LATER] if link.other_id == LEAD)
    assert link.status == "confirmed" and "同一事项的后续提案" in link.detail
    assert next(link for link in dataset.threads[LEAD] if link.other_id == LATER).status == "confirmed"


def test_a_decision_naming_no_reply_is_an_error(tmp_path: Path) -> None:
    paths = copy_inputs(tmp_path / "repo")
    proposalletters.add_later(paths, [{"other_id": "530000-1999-tian-0001", "decision": "confirmed", "note": "x"}])
    found = [p for p in records.load(paths).report.problems if p.code == "unknown-reply"]
    assert [(p.field, p.severity) for p in found] == [("thread_decisions[0].other_id", "error")]
    assert found[0].file == f"datasets/replies/{LATER}/reply.yaml" and "530000-1999-tian-0001" in found[0].message


@pytest.mark.parametrize(("a", "b", "similar"), [
    ("关于加强老旧小区社区服务设施建设的建议", "关于进一步加强老旧小区社区服务设施建设的提案", True),
    ("关于加强老旧小区社区服务设施建设的建议", "关于推进乡村振兴产业发展的建议", False),
])
def test_similarity(a: str, b: str, similar: bool) -> None:
    assert (threads.similarity(a, b) >= threads.SIMILAR) == similar


def test_threads_reach_the_sqlite_file(thread_built: Paths, tmp_path: Path) -> None:
    import sqlite3

    db = unzip_database(thread_built.site / "data", tmp_path)
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("SELECT other_id, status FROM threads WHERE reply_id = ?", (LATER,)).fetchall())
        decisions = conn.execute("SELECT other_id, decision FROM thread_decisions").fetchall()
    assert statuses[LEAD] == "suggested" and statuses[CO] == "rejected" and decisions == [(CO, "rejected")]


CITED = ["见云民函〔2022〕12号", "民政 〔2021〕 118 号与财政【2020】5号", "号民政〔2020〕5号民〔2019〕7号",
         "一二三四五六七八九十甲乙丙丁[2023]1号", "（2023）9号", "abc民政(2022)12号", "民政\u3000（２０２２）12号",
         "民 \n〔2024〕3号", "云民发〔2021〕118号云民发〔2021〕118号", "〔2021〕118号", "民〔1999〕1号民〔2020〕123456号"]


@pytest.mark.parametrize("text", CITED)
def test_cited_doc_numbers_is_the_regex(text: str) -> None:
    """Issue 13: the 文号 a letter cites, found from its brackets back, are exactly the regex's matches
    (the regex alone took 15 s at 10,000 letters)."""
    assert threads.cited_doc_numbers(text) == [m.group() for m in threads._DOC.finditer(text)]


def _citation_like(rng: random.Random) -> str:
    """Pieces that are, or nearly are, a cited 文号, side by side: CJK runs of 0–14, white space, the
    brackets, years that do and do not qualify, numbers of 1–6 digits, 号 or not."""
    def ws() -> str:
        return rng.choice(["", "", " ", "\u3000", "\n", " \t"])

    def piece() -> str:
        return ("".join(rng.choice("民政发函云昆号一") for _ in range(rng.randint(0, 14))) + ws()
                + rng.choice("〔[【(（") + ws() + rng.choice(["2021", "1999", "1899", "202"]) + ws()
                + rng.choice("〕]】)）") + ws() + str(rng.randint(1, 999999))[:rng.randint(1, 6)] + ws()
                + rng.choice(["号", "号", "", "號"]) + rng.choice(["", "", "a", " ", "，"]))
    return "".join(piece() for _ in range(rng.randint(1, 4)))


def test_cited_doc_numbers_is_the_regex_on_random_text_and_the_seeds() -> None:
    rng = random.Random(13)
    texts = [_citation_like(rng) for _ in range(20_000)]
    texts += [threads._text(r) for r in records.load(Paths(REPO_ROOT)).replies]
    matches = [len(threads._DOC.findall(t)) for t in texts]
    assert sum(m > 0 for m in matches) > 5_000 and sum(m > 1 for m in matches) > 500  # adjacent ones among them
    for text in texts:
        assert threads.cited_doc_numbers(text) == [m.group() for m in threads._DOC.finditer(text)], text
