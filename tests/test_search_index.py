"""Search index and reference query against the Ctrl+F oracle on the seed records (issue #4)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts import records
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.replytext import body_fields, head_fields
from build_scripts.search import dictionary, index, oracle, postings, query
from build_scripts.search.encode import csv_many
from build_scripts.search.grams import fnv1a, fnv1a_many, plan
from build_scripts.search.spill import Block
from build_scripts.search.text import normalise_many
from build_scripts.textnorm import normalise

QUERIES = [q["q"] for q in yaml.safe_load((REPO_ROOT / "tests" / "search_queries.yaml").read_text("utf-8"))["queries"]]


def test_query_set_is_big_enough() -> None:
    assert len(QUERIES) >= 30
    for required in ("社工站", "三社联动", "五社联动", "社区减负", "智慧社区", "民政局", "网格化", "陆林",
                     "云民发〔2021〕118号", "2023"):
        assert required in QUERIES


@pytest.fixture(scope="module")
def dataset(seeds_repo: Paths) -> records.Dataset:
    ds = records.load(seeds_repo)
    assert ds.replies
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


def test_common_grams_have_doc_sets_and_no_positions(tmp_path: Path, dataset: records.Dataset) -> None:
    index.write(dataset, tmp_path, index.Options(common=20))
    ix = query.Index(tmp_path / "search" / "idx")
    entry = ix.entry("社区", [])
    assert entry is not None and entry.get("c") == 1 and "p" not in entry and "px" not in entry
    assert ix.doc_sets(entry, [])[0]
    tri = ix.entry("社区减", [])
    assert tri is not None and "c" not in tri and ix.positions(tri, [])
    common_tri = ix.entry("社区治", [])
    assert common_tri is not None and common_tri.get("c") == 1 and ix.doc_sets(common_tri, [])[0]
    assert "p" not in common_tri and "px" not in common_tri
    quad = ix.entry("社区治理", [])  # indexed because 社区治 is common
    assert quad is not None and ((quad.get("c") == 1 and ix.doc_sets(quad, [])[0]) or ix.positions(quad, []))


def test_whole_query_common_gram_reads_no_positions(tmp_path: Path, dataset: records.Dataset) -> None:
    """社区治理 occurs ≈ 15 times per letter: its doc set answers it, never its positions (issue #4, 300 KB)."""
    index.write(dataset, tmp_path, index.Options(common=5))
    ix = query.Index(tmp_path / "search" / "idx")
    result = ix.search("社区治理")
    assert not any(f.endswith("p.json") for f in result.fetched)
    ids = [r.id for r in index.ordered(dataset)]
    assert {ids[d] for d in result.docs} == oracle.search(dataset, "社区治理")


@pytest.mark.parametrize("q", ["社区治", "区治理", "社区治理工作", "的社区"])
def test_common_trigram_queries(built_index: tuple[query.Index, list[str]], dataset: records.Dataset, q: str) -> None:
    ix, ids = built_index
    result = ix.search(q)
    assert {ids[d] for d in result.docs} == oracle.search(dataset, q)
    assert {ids[d] for d in result.head} == oracle.head_matches(dataset, q)


def test_lu_lin_finds_the_xishan_reply(built_index: tuple[query.Index, list[str]]) -> None:
    ix, ids = built_index
    assert [ids[d] for d in ix.search("陆林").docs] == ["530112-2020-yian-001"]


def test_plan_covers_every_character_with_indexed_grams() -> None:
    for q, common in (("社区减负", {"社区"}), ("智慧社区", {"社区"}), ("社区治理", {"社区", "区治", "治理"}),
                      ("abcdef", set()), ("abc", {"ab", "bc"}), ("abcde", set()),
                      ("社区治理工作", {"社区", "社区治", "社区治理"})):
        cons = plan(q, lambda b, common=common: b in common)  # type: ignore[misc]
        assert cons is not None
        covered = set()
        for c in cons:
            assert q[c.offset:c.offset + len(c.gram)] == c.gram
            assert c.gram not in common
            assert len(c.gram) == 2 or c.gram[:-1] in common or c.gram[1:] in common  # an indexed extension
            covered |= set(range(c.offset, c.offset + len(c.gram)))
        assert covered == set(range(len(q)))
    assert len(plan("abcdef", lambda g: False) or []) == 3  # characters, not bigrams: ⌈n/2⌉ grams
    assert plan("社区治", lambda g: g in {"社区", "社区治"}) is None


def test_fnv1a_matches_known_values() -> None:
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8).filter(lambda t: "\x00" not in t), min_size=1, max_size=20))
def test_fnv1a_many_agrees_with_fnv1a(terms: list[str]) -> None:
    """The index hashes a block of terms at once (their shards, x/ names); search.js hashes one."""
    width = max(len(t) for t in terms)
    rows = np.zeros((len(terms), width), dtype=np.uint32)
    for i, t in enumerate(terms):
        rows[i, :len(t)] = [ord(c) for c in t]
    assert fnv1a_many(rows).tolist() == [fnv1a(t) for t in terms]


@given(st.lists(st.text(alphabet=st.sampled_from(list("社區ＡＢabΣς 　\n\t（一）〔〕2０陸林İﬁ乾燥e\u0301ㅏ한\ue000𠀀俓儣")),
                        max_size=30), max_size=8))
def test_normalise_many_agrees_with_normalise(texts: list[str]) -> None:
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_normalise_many_on_every_seed_field(dataset: records.Dataset) -> None:
    texts = [f.text for r in dataset.replies for f in head_fields(r) + body_fields(r)]
    assert texts
    assert normalise_many(texts) == [normalise(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=10 ** 12 - 1), max_size=20), max_size=10))
def test_csv_many_writes_what_str_writes(arrays: list[list[int]]) -> None:
    import numpy as np

    values = [np.array(a, dtype=np.int64) for a in arrays]
    assert csv_many(values) == [",".join(map(str, a)) for a in arrays]
    sorted_values = [np.sort(v) for v in values]
    flags = [i % 2 == 0 for i in range(len(values))]
    want = [",".join(map(str, np.diff(v, prepend=0).tolist() if f else v.tolist())) for v, f in zip(sorted_values, flags)]
    assert csv_many(sorted_values, flags) == want


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
    monkeypatch.setattr(postings, "BATCH_CHARS", 1)
    stats = index.write(dataset, tmp_path / "many", index.Options(common=20))
    assert stats.batches == len(dataset.replies)
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.json"))
    assert one == sorted(p.relative_to(tmp_path / "many") for p in (tmp_path / "many").rglob("*.json"))
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "many" / rel).read_bytes(), rel


def test_step_writes_only_the_index_folder(tmp_path: Path, dataset: records.Dataset) -> None:
    """The step may run in its own process beside MkDocs: it writes site/search/idx and nothing else."""
    index.step(dataset, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["search"]
    assert [p.name for p in (tmp_path / "search").iterdir()] == ["idx"]
    assert (tmp_path / "search" / "idx" / "manifest.json").is_file()


def test_step_reads_the_records_alone_not_the_commitments(tmp_path: Path, seeds_repo: Paths,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The build forks the search child before it finds the commitments and figures (issue 13: at 100,000
    letters that is 127 s the child would otherwise wait): the step must never ask for them."""
    def asked(_: object) -> None:
        raise AssertionError("the search step read the commitments or figures")

    monkeypatch.setattr(records.Dataset, "_found", property(asked))
    dataset = records.load(seeds_repo)  # its own: nothing found before is cached in it
    with pytest.raises(AssertionError, match="read the commitments"):
        dataset.commitments  # noqa: B018 - the guard itself works
    index.step(dataset, tmp_path)
    assert (tmp_path / "search" / "idx" / "manifest.json").is_file()


def test_manifest_lists_exactly_the_common_grams(tmp_path: Path, dataset: records.Dataset) -> None:
    """Format 3: the plan is made from the manifest, so its list must be the shards' c flags, both ways."""
    index.write(dataset, tmp_path, index.Options(common=20))
    root = tmp_path / "search" / "idx"
    flagged = set()
    for shard in (root / "s").glob("*.json"):
        flagged |= {t for t, e in query.read_json(shard).items() if isinstance(e, dict) and e.get("c") == 1}
    listed = query.read_json(root / "manifest.json")["commonGrams"]
    assert len(flagged) > 20 and any(len(g) >= 3 for g in flagged)  # levels above bigrams exist here
    assert listed == sorted(flagged)


def test_rare_grams_are_bare_position_lists(tmp_path: Path, dataset: records.Dataset) -> None:
    """Format 5 (issue 13): an entry with positions only is stored as the bare list (most entries are;
    the wrapper cost 3 MB gzip at 10,000 letters) and read as ``{"p": …}`` by both engines."""
    index.write(dataset, tmp_path, index.Options(common=20))
    root = tmp_path / "search" / "idx"
    entries = [e for shard in (root / "s").glob("*.json") for e in query.read_json(shard).values()]
    bare = [e for e in entries if isinstance(e, list)]
    assert bare and all(isinstance(e, dict) and set(e) != {"p"} for e in entries if not isinstance(e, list))
    ix = query.Index(root)
    rare = next(t for shard in sorted((root / "s").glob("*.json"))
                for t, e in query.read_json(shard).items() if isinstance(e, list) and len(t) == 2)
    assert ix.positions(ix.entry(rare, []) or {}, [])
    assert ix.search(rare).docs


@pytest.mark.parametrize("total, shards", [(0, 64), (64 * dictionary.SHARD_CHARS, 64), (64 * dictionary.SHARD_CHARS + 1, 128),
                                           (10**12, dictionary.MAX_SHARDS)])
def test_shards_grow_with_the_dictionary(total: int, shards: int) -> None:
    """Issue 13: a query reads one shard per gram, so shards keep their size as the dictionary grows."""
    assert dictionary.shard_count(total) == shards


@pytest.mark.parametrize("q", ["社区治理工作", "昆明市西山区民政局", "云民发〔2021〕118号", "代表：您提出"])
def test_phrase_reads_only_the_shards_of_its_plan(tmp_path: Path, dataset: records.Dataset, q: str) -> None:
    """No level-by-level exploration: one shard read per planned gram, then positions (issue #4, 500 ms)."""
    index.write(dataset, tmp_path, index.Options(common=20))
    ix = query.Index(tmp_path / "search" / "idx")
    cons = plan(normalise(q), ix.common.__contains__)
    assert cons is not None and len(cons) >= 2
    shards = {f"s/{fnv1a(c.gram) % ix.manifest['shards']}.json" for c in cons}
    result = ix.search(q)
    assert {f for f in result.fetched if f.startswith("s/")} == shards
    assert all(f.startswith(("s/", "x/")) for f in result.fetched)


def test_normalise_many_when_opencc_leaves_the_bmp() -> None:
    """Issue 13 regression: OpenCC maps 俓 to 𠇹 (U+201F9), outside the per-character table; the
    jieba-vocabulary corpus crashed the index build on it. Bulk and one-by-one must agree."""
    texts = ["俓 ABC 儣\u3000x", "社区 Ａ 勣", " 塸z ", "", "no change"]
    assert any(ord(c) >= 0x10000 for c in normalise("俓"))
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_doc_chunks_map_every_doc_to_its_reply_and_no_reply_gets_a_file(tmp_path: Path, dataset: records.Dataset) -> None:
    """Issue 13: the result list reads a reply's text from the public API (``api/replies/<id>.json``);
    the index only maps doc ids to reply ids (with what the API record does not say) in ``i/`` files of
    ``chunk`` docs each, so it writes no file per reply."""
    index.write(dataset, tmp_path, index.Options(common=20, chunk=2))
    root = tmp_path / "search" / "idx"
    manifest = query.read_json(root / "manifest.json")
    assert manifest["chunk"] == 2
    assert manifest["replyUrl"] == "replies/{id}/" and manifest["recordUrl"] == "api/replies/{id}.json"
    chunks = sorted(root.glob("i/*.json"), key=lambda p: int(p.stem))
    assert [p.stem for p in chunks] == [str(k) for k in range(-(-len(dataset.replies) // 2))]
    entries = [e for p in chunks for e in query.read_json(p)]
    assert all(len(query.read_json(p)) <= 2 for p in chunks)
    assert [e[0] for e in entries] == [r.id for r in index.ordered(dataset)]
    assert not (root / "d").exists()
    by_id = {e[0]: e for e in entries}
    assert by_id["530112-2020-yian-001"][1] == "A类 已解决或基本解决（昆明市西山区人民代表大会常务委员会）"
    assert by_id["530100-2023-tian-142282"][1] is None  # no 办理类型 given
    assert by_id["530112-2020-yian-001"][2] == [1, None]  # its proposal is answered once: no page of its own
    for seed in ("530112-2020-yian-001", "530000-2021-tian-0079"):  # one page each: no parts (tests/longletters.py)
        assert len(by_id[seed]) == 3


def _block(terms: list[tuple[str, dict[int, str], bool]]) -> Block:
    """A dictionary block as ``Spill.blocks`` hands it out: each term with its groups (kind → postings text)."""
    width = max(len(t) for t, _, _ in terms)
    chars = np.zeros((len(terms), width), dtype=np.uint32)
    for j, (term, _, _) in enumerate(terms):
        chars[j, :len(term)] = [ord(c) for c in term]
    kinds = [k for _, groups, _ in terms for k in sorted(groups)]
    pieces = [groups[k] for _, groups, _ in terms for k in sorted(groups)]
    return Block(chars=chars, hashes=fnv1a_many(chars), common=np.array([c for _, _, c in terms]),
                 groups=np.cumsum([0] + [len(g) for _, g, _ in terms]), kinds=np.array(kinds, dtype=np.uint8),
                 offsets=np.cumsum([0] + [len(p) for p in pieces]),
                 text=np.frombuffer("".join(pieces).encode("ascii"), dtype=np.uint8))


def test_dictionary_lines_made_from_arrays_are_the_format(tmp_path: Path) -> None:
    """Issue 13: most terms' shard members are assembled from the block's arrays, not a term at a time.
    Every kind of entry, written as FORMAT.md says term by term (``_entry``), must come out the same: bare
    positions, doc sets, common grams, entries too big for a shard (``x/``), terms JSON escapes (``"``, ``\\``,
    a control character), characters outside the BMP and of two and three UTF-8 bytes, over two blocks."""
    long = ",".join(["123456"] * 600)
    blocks = [
        [("社区", {2: "5,3"}, False), ('a"b', {2: "7"}, False), ("c\\", {2: "1,1"}, False),
         ("\x01z", {2: "2"}, False), ("𠇹甲", {2: "9"}, False), ("é", {2: "4"}, False),
         ("治理", {0: "1,2", 2: "10,4"}, False), ("工作", {0: "0,1", 1: "1"}, True), ("居民", {2: long}, False)],
        [("代表", {0: long, 2: long}, False), ("z", {2: "0"}, False), ("议案", {0: "3"}, True)],
    ]
    root = tmp_path / "idx"
    put = dictionary.Writer(root, compress=False)
    terms, shards, common = dictionary.save(put, [_block(b) for b in blocks], 64, tmp_path / "work")
    put.close()

    expected: dict[str, dict[str, object]] = {}
    side = dictionary.Writer(tmp_path / "expected", compress=False)
    for n, (term, key, h, sets, positions, flag) in enumerate(
            item for b in blocks for item in _block(b).items(range(len(b)))):
        assert key == json.dumps(term, ensure_ascii=False)
        entry = dictionary._entry(side, f"{h:08x}-{n}", sets, positions, flag)
        expected.setdefault(f"s/{h % shards}.json", {})[term] = json.loads(entry)
    side.close()
    assert (terms, shards, common) == (12, 64, ["工作", "议案"])
    written = {f"s/{p.name}": json.loads(p.read_text("utf-8")) for p in (root / "s").iterdir()}
    assert written == expected
    assert [list(d) for _, d in sorted(written.items())] == [list(d) for _, d in sorted(expected.items())]  # term order
    assert sorted(p.name for p in (root / "x").iterdir()) == sorted(p.name for p in (tmp_path / "expected" / "x").iterdir())
    assert written[f"s/{fnv1a('社区') % shards}.json"]["社区"] == [5, 3]


@pytest.mark.parametrize("size", [1, 50, 5_000])
def test_membership_of_many_grams_agrees_with_isin(size: int) -> None:
    """Issue 13: the common grams of a level above bigrams are looked up through a hashed table first."""
    rng = np.random.default_rng(size)
    members = np.unique(rng.integers(-(1 << 62), 1 << 62, size=size))
    keys = np.concatenate((rng.integers(-(1 << 62), 1 << 62, size=100_000), members, members[:1] + 1))
    rng.shuffle(keys)
    grams = postings.Grams(chars=np.zeros(1, np.int64), table=np.zeros(1, np.uint16), v=5_000, part=np.zeros(1, np.int64))
    member = grams.member(3, members)  # 5,000³ grams: past a dense table
    assert (member(keys) == np.isin(keys, members)).all()
    assert member(members).all()
