"""Issue 14, part 3: key figures. Precision and recall on labelled sentences we wrote
(tests/figures/sentences.yaml); money normalised to yuan; exact spans on the seeds and on the
letter written for the purpose (every unit); the statistics page sums money by agency and year."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import proposalletters
import yaml

from build_scripts import figures
from build_scripts.paths import Paths

LABELLED: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "figures" / "sentences.yaml").read_text(encoding="utf-8"))
PRECISION = 0.95
RECALL = 0.9
"""What the rules must keep on the labelled sentences (the test prints what they get)."""


def _found(text: str) -> set[tuple[str, str, Any]]:
    return {(f.quote, f.kind, f.yuan if f.kind == "money" else f.unit) for f in figures.in_text(text, 1)}


def test_labelled_sentences() -> None:
    assert len(LABELLED) >= 20 and any(not s["figures"] for s in LABELLED)
    assert {f[1] for s in LABELLED for f in s["figures"]} == {"money", "count", "percent"}
    expected = {(i, tuple(f)) for i, s in enumerate(LABELLED) for f in s["figures"]}
    got = {(i, f) for i, s in enumerate(LABELLED) for f in _found(s["text"])}
    precision, recall = len(expected & got) / max(1, len(got)), len(expected & got) / max(1, len(expected))
    print(f"figures on labelled sentences: precision {precision:.2f}, recall {recall:.2f} ({len(expected)} figures)")
    print("missed:", sorted(expected - got), "wrong:", sorted(got - expected))
    assert precision >= PRECISION and recall >= RECALL


def test_money_in_yuan() -> None:
    assert {f.quote: f.yuan for f in figures.in_text("投入3.5亿元、8600万元、2千元和1,050元，另有20-30万元。", 1)} == {
        "3.5亿元": 350_000_000, "8600万元": 86_000_000, "2千元": 2_000, "1,050元": 1_050, "20-30万元": None}


def _rows(paths: Paths, name: str) -> list[dict[str, str]]:
    with open(paths.site / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_spans_match_the_text_exactly(proposal_built: Paths) -> None:
    texts = {(r["reply_id"], r["position"]): r["text"] for r in _rows(proposal_built, "sections")}
    rows = _rows(proposal_built, "figures")
    assert {"530000-2021-tian-0079", "530100-2023-tian-142282", "530000-2022-tian-0123-mzt"} <= {r["reply_id"] for r in rows}
    for row in rows:
        text = texts[(row["reply_id"], row["section"])]
        assert text[int(row["start"]):int(row["end"])] == row["quote"]
        assert row["quote"] in row["phrase"] and row["phrase"] in text
    seed = {r["quote"]: r for r in rows if r["reply_id"] == "530000-2021-tian-0079"}
    assert seed["1410个乡镇"]["unit"] == "个乡镇" and seed["4000万元"]["yuan"] == "40000000"


def test_written_letter_has_every_unit(proposal_built: Paths) -> None:
    rows = {r["quote"]: r for r in _rows(proposal_built, "figures") if r["reply_id"] == "530000-2022-tian-0123-mzt"}
    for quote, kind, yuan, unit in proposalletters.FIGURES:
        assert rows[quote]["kind"] == kind
        if kind == "money":
            assert rows[quote]["yuan"] == str(yuan)
        if unit:
            assert rows[quote]["unit"] == unit


def test_reply_page_shows_figures_beside_their_text(proposal_built: Paths) -> None:
    html = (proposal_built.site / "replies" / "530000-2021-tian-0079" / "index.html").read_text(encoding="utf-8")
    section = html.split('id="figures"')[1].split('id="source"')[0]
    assert "<mark>4000万元</mark>" in section and "40,000,000" in section and "<mark>1410个乡镇</mark>" in section


def test_statistics_page_sums_money_by_agency_and_year(proposal_built: Paths) -> None:
    html = (proposal_built.site / "stats" / "index.html").read_text(encoding="utf-8")
    block = html.split('id="money"')[1]
    assert "金额均为答复单位所述" in block
    money = [r for r in _rows(proposal_built, "figures") if r["reply_id"] == "530000-2022-tian-0123-mzt" and r["yuan"]]
    total = sum(int(r["yuan"]) for r in money)
    assert f"{total:,}" in block  # 云南省民政厅, 2022: the written letter's amounts
