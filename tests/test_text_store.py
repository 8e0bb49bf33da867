"""Issue 13: a loaded collection keeps the letters' text on disk (``dataset.TextStore``), not in memory.

Every stage reads a reply as it did (``reply["sections"]``, ``reply.data``); ``fields`` is the record
without its text. These tests pin what the build relies on: the same values in the same key order (the
downloads are byte-identical), text readable in a process forked after loading (the build's children),
and a reply sent to another process (pickled) carrying its text.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from typing import Any

import yaml

from build_scripts import commitments, figures, records
from build_scripts import dataset as dataset_module
from build_scripts.dataset import TEXT, Reply, TextStore
from build_scripts.paths import Paths

SEED = "530100-2023-tian-142282"  # the longest seed letter


def _seed(paths: Paths) -> Reply:
    return records.load(paths).by_id[SEED]


def test_a_loaded_reply_reads_its_text_from_the_store_in_the_records_order(seeds_repo: Paths) -> None:
    reply = _seed(seeds_repo)
    written = yaml.safe_load(reply.record_path.read_text("utf-8"))
    assert reply.fields[TEXT] is None, "the text is not held in memory"
    assert reply[TEXT] == written["sections"] and len(reply[TEXT]) > 3
    assert list(reply.data) == list(reply.fields) and list(reply.data)[:len(written)] == list(written)
    assert reply.data["sections"] == written["sections"] and reply.get("sections") == written["sections"]
    assert dict(reply) == reply.data


_FORKED: list[Reply] = []  # set before the fork: the child reads the reply it inherited, not a pickled copy


def _text_in_child(_: int) -> tuple[bool, str]:
    reply = _FORKED[0]
    return reply.fields[TEXT] is None, "".join(s["text"] for s in reply[TEXT])


def test_a_forked_process_reads_the_same_text_from_the_store(seeds_repo: Paths) -> None:
    reply = _seed(seeds_repo)
    _FORKED[:] = [reply]
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            stored, text = pool.apply(_text_in_child, (0,))
    finally:
        _FORKED.clear()
    assert stored and text == "".join(s["text"] for s in reply[TEXT]) and len(text) > 1000


def test_a_pickled_reply_carries_its_text_and_equals_the_stored_one(seeds_repo: Paths) -> None:
    reply = _seed(seeds_repo)
    copy = pickle.loads(pickle.dumps(reply))
    assert copy.fields[TEXT] == reply[TEXT] and copy == reply and copy.data == reply.data


def test_the_store_gives_back_what_was_put_whatever_the_order() -> None:
    store = TextStore()
    texts = [[{"heading": None, "level": 0, "text": "第一段" * k}] for k in range(1, 30)]
    places = [store.put(t) for t in texts]
    assert [store.load(p) for p in reversed(places)] == texts[::-1]
    assert Reply({"id": "x", TEXT: texts[3]}, records.Path(".")).stored(store)[TEXT] == texts[3]


def test_a_loaded_reply_holds_neither_its_fields_nor_its_text(seeds_repo: Paths, monkeypatch: Any) -> None:
    """Issue 13: at 100,000 letters the records as dicts took ≈ 1.4 GB, copied into every forked child.
    A loaded reply refers to no list (its text) and, unless among the last read, to no dict (its fields)."""
    monkeypatch.setattr(dataset_module, "_RECENT", dataset_module._Recent(2))
    dataset = records.load(seeds_repo)
    assert len(dataset.replies) > 2
    for reply in dataset.replies:
        assert reply.fields["id"] == reply.id and reply.folder.name == reply.id
        held = [[o for o in gc.get_referents(r) if isinstance(o, dict | list)] for r in dataset.replies]
        assert not [o for objects in held for o in objects if isinstance(o, list)]
        assert 1 <= sum(1 for objects in held if objects) <= 2, "only the last two read hold their fields"
    again = records.load(seeds_repo)
    assert [r.data for r in again.replies] == [r.data for r in dataset.replies]


def test_commitments_and_figures_read_from_their_store_equal_the_rules(seeds_repo: Paths) -> None:
    dataset = records.load(seeds_repo)
    found = 0
    for reply in dataset.replies:
        date = reply["reply_date"] or reply["published_date"]
        assert dataset.commitments[reply.id] == commitments.find(reply[TEXT], date)
        assert dataset.figures[reply.id] == figures.find(reply[TEXT])
        found += len(dataset.commitments[reply.id]) + len(dataset.figures[reply.id])
    assert found and set(dataset.commitments) == set(dataset.figures) == {r.id for r in dataset.replies}


def test_listed_fields_are_answered_from_memory_and_equal_the_stored_ones(seeds_repo: Paths, monkeypatch: Any) -> None:
    """The fields every list and feed reads of every reply (``dataset.LISTED``) come from memory, with the
    values and types the store holds (at 10,000 letters these were 1.5 million store reads); other
    fields are still read from the store."""
    replies = records.load(seeds_repo).replies
    for reply in replies:
        reply._data = None  # as if read long ago
    stored = [reply._store.read(reply._where) for reply in replies]
    reads: list[Any] = []
    real = TextStore.read
    monkeypatch.setattr(TextStore, "read", lambda self, where: reads.append(where) or real(self, where))
    for reply, fields in zip(replies, stored, strict=True):
        for key in dataset_module.LISTED:
            assert (reply.get(key, "absent"), type(reply.get(key))) == (fields.get(key, "absent"), type(fields.get(key)))
        assert reply["id"] == fields["id"]
    assert reads == [], "a listed field was read from the store"
    assert replies[0]["doc_number"] == stored[0]["doc_number"] and len(reads) == 1
