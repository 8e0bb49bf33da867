"""Issue 6: the data-quality page (数据质量) is built with the site from the data itself."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from build_scripts import paths as paths_mod
from build_scripts import records
from build_scripts.fields import TABLES, ForeignKey, table
from build_scripts.pages import quality
from build_scripts.paths import Paths


def _csv(paths: Paths, name: str) -> list[dict[str, str]]:
    with (paths.site / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _page_text(paths: Paths) -> str:
    html = (paths.site / "data" / "quality" / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_quality_page_is_in_the_nav_and_counts_every_table(built: Paths) -> None:
    home = (built.site / "index.html").read_text(encoding="utf-8")
    assert 'href="data/quality/"' in home and "数据质量" in home
    text = _page_text(built)
    for t in TABLES:
        assert f" {t.name} {t.title} {len(_csv(built, t.name))} " in text, t.name
    assert "0 个错误" in text


def test_foreign_keys_are_checked_from_the_tables(built: Paths) -> None:
    text = _page_text(built)
    assert text.count("✓ 完整") == sum(len(t.foreign_keys) for t in TABLES)
    rows = {t.name: [dict(r) for r in _csv(built, t.name)] for t in TABLES}
    rows["sections"].append({**rows["sections"][0], "reply_id": "no-such-reply"})
    sections = table("sections")
    assert quality.dangling(sections, quality.table_stats(rows)) == [
        ("sections.reply_id → replies.id", len(rows["sections"]), 1)]
    written = quality.table_stats(quality.csv_rows(built.site / "data"))
    assert all(missing == 0 for t in TABLES for _, _, missing in quality.dangling(t, written))
    assert [written[t.name].rows for t in TABLES] == [len(rows[t.name]) - (t.name == "sections") for t in TABLES]
    assert ForeignKey(("reply_id",), "replies", ("id",)) in sections.foreign_keys


def test_empty_fields_match_the_published_csv(built: Paths) -> None:
    replies = _csv(built, "replies")
    text = _page_text(built)
    for name in ("signer", "doc_number", "published_date"):
        empty = sum(1 for r in replies if r[name] == "")
        assert f"replies.{name} " in text and f" {empty} / {len(replies)} {100 * empty / len(replies):.0f}%" in text


def test_accepted_repairs_and_decisions_are_counted_per_field(built: Paths) -> None:
    notes = _csv(built, "notes")
    counted = Counter((n["field"], n["kind"]) for n in notes if n["kind"] in ("repair", "decision"))
    assert counted
    text = _page_text(built)
    for field in {f for f, _ in counted}:
        repair, decision = counted[(field, "repair")], counted[(field, "decision")]
        assert f" {field} {repair} {decision} {repair + decision} " in text, field


def test_validation_warnings_are_listed(scratch: Paths, built: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """A vocabulary entry no record uses is a warning: the page shows it with file and field."""
    monkeypatch.setattr(paths_mod.relative, "__defaults__", (scratch.root,))
    topics = scratch.vocab / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "- id: weiyong-zhuti\n  name: 未用主题\n"
                      "  description: 没有记录使用。\n  terms: [未用主题]\n  min_hits: 1\n", encoding="utf-8")
    dataset = records.load(scratch)
    page = quality.render(dataset, built.site / "data")
    assert "1 个警告" in page and "<code>datasets/vocab/topics.yaml</code>" in page and "<code>[12].id</code>" in page
