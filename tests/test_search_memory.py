"""Issue 13: the search index is built within a memory budget (batches of replies, postings spilled
to disk by partition and merged), and a tiny budget writes the same bytes as one batch in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from build_scripts import records
from build_scripts.dataset import Dataset, Reply
from build_scripts.paths import Paths
from build_scripts.search import index, oracle, postings, query
from build_scripts.search.text import BODY_BASE, HeadTooLong
from tests.conftest import SEED_IDS

REPEATED = "社区治理服务站" * 40  # common at every level up to the phrase with common=20


def _letter(base: Reply, n: int, sections: list[dict[str, Any]], **changes: Any) -> Reply:
    sections = [{"level": 1 if s["heading"] else 0, **s} for s in sections]
    data = {**base.data, "id": f"530100-2020-tian-9{n:04d}", "title": f"关于第{n}号提案的答复",
            "reply_date": (dt.date(2020, 1, 1) + dt.timedelta(days=n)).isoformat(), "published_date": None,
            "sections": sections, **changes}
    return Reply(data, base.folder)


def _with_letters(seeds: Dataset) -> Dataset:
    """The seeds and hand-made letters: characters beyond the BMP and traditional ones, a phrase
    repeated until its grams are common at several levels, a one-character body, a heading-only
    section, and two letters on the same day."""
    base = next(r for r in seeds.replies if r.id == SEED_IDS[1])
    made = [
        _letter(base, 1, [{"heading": "一、總體情況", "text": "𠀀𬭎鋐社區Ａｂｃ“说”\"引号\"与\\反斜杠" + REPEATED}]),
        _letter(base, 2, [{"heading": "", "text": REPEATED * 50 + "。再次" + REPEATED}]),  # entries over INLINE
        _letter(base, 3, [{"heading": "", "text": "治"}]),
        _letter(base, 4, [{"heading": "只有标题的一节", "text": ""}, {"heading": "", "text": "服务站" * 30}]),
        _letter(base, 5, [{"heading": "", "text": "社区治理与服务站建设"}], reply_date="2020-01-05"),
    ]
    return Dataset(tuple(seeds.replies) + tuple(made), seeds.vocab, seeds.report, seeds.paths)


@pytest.fixture(scope="module")
def dataset(seeds_repo: Paths) -> Dataset:
    seeds = records.load(seeds_repo)
    assert {r.id for r in seeds.replies} == set(SEED_IDS)
    return _with_letters(seeds)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> tuple[Path, index.IndexStats]:
    """The index built with a 4,000-byte budget: one letter per batch, a partition per character,
    and partitions over 500 bytes cut again by their terms' next characters."""
    site = tmp_path_factory.mktemp("tiny")
    return site, index.write(dataset, site, index.Options(common=20, memory=4000))


def test_a_tiny_budget_spills_and_writes_the_same_bytes(tmp_path: Path, dataset: Dataset,
                                                        tiny: tuple[Path, index.IndexStats]) -> None:
    whole = index.write(dataset, tmp_path, index.Options(common=20))
    assert (whole.batches, whole.partitions) == (1, 1)
    site, stats = tiny
    assert stats.batches == len(dataset.replies)  # one letter per batch
    assert stats.partitions > 100                 # about one partition per character
    assert stats.cuts > 10                        # and some cut again when merged
    assert stats.levels >= 4 and stats.terms == whole.terms
    a, b = _files(tmp_path / "search" / "idx"), _files(site / "search" / "idx")
    assert any(name.startswith("x/") for name in a)  # entries moved out of their shards too
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    assert not (site / "search" / ".spill").exists()


@pytest.mark.parametrize("q", ["社区治理服务站社区", "服务站服务", "𠀀𬭎", "社區ａｂ", "治", "与服务站建",
                               '"引号"', "\\反", '"'])
def test_the_spilled_index_answers_as_ctrl_f(tiny: tuple[Path, index.IndexStats], dataset: Dataset,
                                             q: str) -> None:
    ids = [r.id for r in index.ordered(dataset)]
    found = {ids[d] for d in query.Index(tiny[0] / "search" / "idx").search(q).docs}
    assert found == oracle.search(dataset, q) and found


def test_budget_sizes_batches_and_partitions() -> None:
    roomy = postings.Budget.of(10**12, 10**6, 5000)
    assert (roomy.batch_chars, roomy.partitions) == (postings.BATCH_CHARS, 1)
    tiny = postings.Budget.of(1, 10**6, 5000)
    assert (tiny.batch_chars, tiny.partitions, tiny.partition_bytes) == (1, 5000, 0)
    gigabyte = postings.Budget.of(10**9, 600_000_000, 8000)  # 100,000 long letters
    assert gigabyte.batch_chars < postings.BATCH_CHARS and 100 <= gigabyte.partitions <= 8000


def test_a_failed_build_leaves_no_spill(tmp_path: Path, dataset: Dataset) -> None:
    base = dataset.replies[0]
    long_head = _letter(base, 9, [{"heading": "", "text": "正文"}], title="长" * (BODY_BASE + 1))
    with pytest.raises(HeadTooLong):
        index.write(Dataset((long_head,), dataset.vocab, dataset.report, dataset.paths), tmp_path,
                    index.Options(memory=1))
    assert not (tmp_path / "search" / ".spill").exists()
