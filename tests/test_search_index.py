"""Search index and reference query against the Ctrl+F oracle on the seed records (issue #4)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts import records
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.search import index, oracle, query
from build_scripts.search.grams import fnv1a, plan
from build_scripts.search.text import BODY_BASE, normalise_with_origin, searchable
from build_scripts.textnorm import normalise

QUERIES = [q["q"] for q in yaml.safe_load((REPO_ROOT / "tests" / "search_queries.yaml").read_text("utf-8"))["queries"]]


def test_query_set_is_big_enough() -> None:
    assert len(QUERIES) >= 30
    for required in ("社工站", "三社联动", "五社联动", "社区减负", "智慧社区", "民政局", "网格化", "陆林",
                     "云民发〔2021〕118号", "2023"):
        assert required in QUERIES


@pytest.fixture(scope="module")
def dataset() -> records.Dataset:
    ds = records.load(Paths())
    assert len(ds.replies) >= 5
    return ds


@pytest.fixture(scope="module", params=[20_000, 20], ids=["all-bigrams-rare", "common-bigrams-as-trigrams"])
def built_index(request: pytest.FixtureRequest, dataset: records.Dataset,
                tmp_path_factory: pytest.TempPathFactory) -> tuple[query.Index, list[str]]:
    site = tmp_path_factory.mktemp(f"idx{request.param}")
    stats = index.write(dataset, site, index.Options(common=request.param))
    assert stats.docs == len(dataset.replies)
    return query.Index(site / "search" / "idx"), [r.id for r in index.ordered(dataset)]


@pytest.mark.parametrize("q", QUERIES)
def test_query_finds_exactly_what_ctrl_f_finds(built_index: tuple[query.Index, list[str]],
                                               dataset: records.Dataset, q: str) -> None:
    ix, ids = built_index
    result = ix.search(q)
    assert {ids[d] for d in result.docs} == oracle.search(dataset, q)
    assert {ids[d] for d in result.head} == oracle.head_matches(dataset, q)


@pytest.mark.parametrize("q", ["社区治理", "民政局", "陆林"])
def test_ranking_head_matches_first_then_newest(built_index: tuple[query.Index, list[str]],
                                                dataset: records.Dataset, q: str) -> None:
    ix, ids = built_index
    result = ix.search(q)
    heads = [d in result.head for d in result.docs]
    assert heads == sorted(heads, reverse=True)
    by_id = {r.id: r for r in dataset.replies}
    for group in (True, False):
        dates = [str(by_id[ids[d]]["reply_date"] or by_id[ids[d]]["published_date"] or "")
                 for d in result.docs if (d in result.head) == group]
        assert dates == sorted(dates, reverse=True)


def test_common_bigrams_have_no_positions(tmp_path: Path, dataset: records.Dataset) -> None:
    index.write(dataset, tmp_path, index.Options(common=20))
    ix = query.Index(tmp_path / "search" / "idx")
    entry = ix.entry("社区", [])
    assert entry is not None and entry.get("c") == 1 and "p" not in entry
    tri = ix.entry("社区减", [])
    assert tri is not None and "p" in tri
    common_tri = ix.entry("社区治", [])
    assert common_tri is not None and common_tri.get("c") == 1 and "p" not in common_tri and common_tri["d"]
    quad = ix.entry("社区治理", [])
    assert quad is not None and "p" in quad


@pytest.mark.parametrize("q", ["社区治", "区治理", "社区治理工作", "的社区"])
def test_common_trigram_queries(built_index: tuple[query.Index, list[str]], dataset: records.Dataset, q: str) -> None:
    ix, ids = built_index
    result = ix.search(q)
    assert {ids[d] for d in result.docs} == oracle.search(dataset, q)
    assert {ids[d] for d in result.head} == oracle.head_matches(dataset, q)


def test_lu_lin_finds_the_xishan_reply(built_index: tuple[query.Index, list[str]]) -> None:
    ix, ids = built_index
    assert [ids[d] for d in ix.search("陆林").docs] == ["530112-2020-yian-001"]


def test_plan_covers_every_bigram() -> None:
    for q, common in (("社区减负", {"社区"}), ("智慧社区", {"社区"}), ("社区治理", {"社区", "区治", "治理"}),
                      ("abcdef", set()), ("abc", {"ab", "bc"})):
        cons = plan(q, lambda b, common=common: b in common)  # type: ignore[misc]
        covered = set()
        for c in cons:
            assert q[c.offset:c.offset + len(c.gram)] == c.gram
            assert c.gram not in common
            covered |= set(range(c.offset, c.offset + len(c.gram) - 1))
        assert covered == set(range(len(q) - 1))


def test_fnv1a_matches_known_values() -> None:
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("社區ＡＢab 　\n\t（一）〔〕2０陸林İﬁ")), max_size=40))
def test_normalise_with_origin_agrees_with_normalise(text: str) -> None:
    norm, origin_array = normalise_with_origin(text)
    origin = origin_array.tolist()
    assert norm == normalise(text)
    assert len(origin) == len(norm)
    assert origin == sorted(origin)
    assert all(0 <= i < len(text) for i in origin)


def test_origin_points_back_to_the_original(dataset: records.Dataset) -> None:
    reply = next(r for r in dataset.replies if r.id == "530112-2020-yian-001")
    doc = searchable(reply)
    at = doc.norm.index("陆林代表", BODY_BASE)
    assert doc.orig[doc.origin[at]:doc.origin[at + 3] + 1] == "陆林代表"
    assert doc.norm[:BODY_BASE].rstrip("\x00").count("\x00") >= 3


def test_block_breakpoints_reconstruct_the_map(dataset: records.Dataset) -> None:
    doc = searchable(dataset.replies[0])
    for k, block in index.blocks(doc):
        for rel in range(0, len(block["n"]), 97):
            bp = [b for b in block["b"] if b[0] <= rel][-1]
            o = bp[1] + rel - bp[0]
            assert block["o"][o] == doc.orig[doc.origin[k * index.BLOCK + rel]]


def test_rebuild_is_byte_identical(tmp_path: Path, dataset: records.Dataset) -> None:
    index.write(dataset, tmp_path / "a", index.Options(common=20))
    index.write(dataset, tmp_path / "b", index.Options(common=20))
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.json"))
    assert a and a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.json"))
    for rel in a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_batches_give_the_same_index(tmp_path: Path, dataset: records.Dataset,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Letters are indexed in batches (memory); one letter per batch must write the same files."""
    index.write(dataset, tmp_path / "one", index.Options(common=20))
    monkeypatch.setattr(index, "BATCH_CHARS", 1)
    assert len(index._batches([searchable(r) for r in dataset.replies])) == len(dataset.replies)
    index.write(dataset, tmp_path / "many", index.Options(common=20))
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.json"))
    assert one == sorted(p.relative_to(tmp_path / "many") for p in (tmp_path / "many").rglob("*.json"))
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "many" / rel).read_bytes(), rel
