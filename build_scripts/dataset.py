"""The checked collection as the later stages see it: each reply, the vocabularies, the report.

``records.load`` makes a ``Dataset``; every stage after it (package, pages, site, search, feeds,
api) reads one and never writes to it. What the collection says about itself is here too: its
data date (the date every build stamp comes from) and where its datasets folder is.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson

from build_scripts import background, dates, proposals, threads
from build_scripts import commitments as commitment_rules
from build_scripts import figures as figure_rules
from build_scripts.paths import Paths
from build_scripts.problems import Report
from build_scripts.vocab import Vocabularies

RECORD_NAME = "reply.yaml"
"""Each reply folder's record: ``datasets/replies/<id>/reply.yaml``."""

MAX_RAW_BYTES = 20 * 1024 * 1024
"""The largest raw letter accepted (a web page, Word file or PDF as received), checked before it is read."""

NO_DATA_DATE = dt.date(2020, 1, 1)
"""The build date of a collection with no dated reply (an empty or undated collection)."""


TEXT = "sections"
"""The one field kept out of memory once a collection is loaded (``TextStore``): the letter's text."""


class TextStore:
    """Every reply's ``sections`` (the letter's text: three quarters of a loaded record) and its other
    fields, written once to an unlinked temporary file and read back when asked for, so the build does
    not hold the letters (issue 13: 1.1 GB of text at 100,000 letters, and the fields as dicts ≈ 14 KB a
    letter, which every process the build forks ended up copying, because reading a Python object writes
    its reference count). Reads are positioned (``os.pread``): the build's child processes, forked after
    loading, read the same file without sharing an offset. The last few texts read are kept (a stage asks
    for one reply's text several times in a row); a reply keeps its fields while it is among the last
    read (``_Recent``).

    One process writes a store: ``records.load`` gives each of its two processes a store of its own."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="dafu-text-")
        self._end = 0
        self.load = functools.lru_cache(maxsize=8)(self.read)  # a letter's text, asked for several times in a row

    def put(self, value: Any) -> tuple[int, int]:
        """Write ``value`` as JSON; its place, for ``read`` (or ``load``, which keeps the last few) to read it back."""
        data = orjson.dumps(value)
        where = (self._end, len(data))
        os.pwrite(self._file.fileno(), data, self._end)
        self._end += len(data)
        return where

    def read(self, where: tuple[int, int]) -> Any:
        offset, length = where
        return orjson.loads(os.pread(self._file.fileno(), length, offset))


def release_memory() -> None:
    """Give the memory freed so far back to the system (glibc keeps freed blocks for reuse: after the
    letters' text moved to the ``TextStore`` at 10,000 letters, 200 MB stayed resident, and the
    processes the build forks would have carried them). Elsewhere: nothing."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


LISTED = ("title", "agency", "published_date", "reply_date", "retrieved_date", "topics", "proposers", "region_code",
          "assembly", "category", "category_scheme", "handling_role", "proposal_id", "proposal_kind", "proposal_title",
          "session_id")
"""Fields a stored reply keeps in memory (``Reply.__getitem__`` answers them without reading the store): those the
lists, feeds and facets read of every reply, again and again, in an order no cache of recent replies follows. At
10,000 letters they were 1.5 of the main process's 1.6 million reads from the store (≈ 15 µs each: a read, a
decode, and a dict let go), 55 % of them in the feeds (published date and topics); in memory they are ≈ 700
bytes a letter."""
_LISTED_AT = {key: at for at, key in enumerate(LISTED)}
_ABSENT = object()

PackedReply = tuple[str, str, str, tuple[int, int], tuple[int, int], tuple[Any, ...]]
"""A reply in a ``TextStore`` (``Reply.pack``): its id, folder and listed date, where its fields are, where its
text is, and its ``LISTED`` fields."""


def _listed(fields: Mapping[str, Any]) -> tuple[Any, ...]:
    """The ``LISTED`` fields' values (``_ABSENT`` for a key the record lacks); short strings that repeat
    (agencies, dates, codes) interned, so 100,000 letters hold each once."""
    values = []
    for key in LISTED:
        value = fields.get(key, _ABSENT)
        if isinstance(value, str) and len(value) <= 40:
            value = sys.intern(value)
        elif isinstance(value, list):
            value = [sys.intern(v) if isinstance(v, str) and len(v) <= 40 else v for v in value]
        values.append(value)
    return tuple(values)


def _listed_date(fields: Mapping[str, Any]) -> str:
    return str(fields.get("reply_date") or fields.get("published_date") or "")


class _Recent:
    """The stored replies whose fields were read last keep them decoded (``Reply._fields``), the oldest
    let go as others are read: a stage reads several fields of one reply in a row, and some replies
    again and again (at 10,000 letters the bulk pages read fields 5.8 million times)."""

    def __init__(self, size: int) -> None:
        self._ring: list[Reply | None] = [None] * size
        self._next = 0

    def keep(self, reply: Reply) -> None:
        old = self._ring[self._next]
        if old is not None and old is not reply:
            old._data = None
        self._ring[self._next] = reply
        self._next = (self._next + 1) % len(self._ring)


_RECENT = _Recent(1024)


class Reply(Mapping[str, Any]):
    """A valid record plus what the build derives from it (region name, category scheme).

    A read-only mapping of the whole record (its text read from the ``TextStore`` when asked for,
    once ``stored``); ``data`` is the record as a dict, keys in the record's order; ``fields`` the
    record with its text None when that is stored, for code that needs no text (grouping, dates,
    ids). No stage changes a record.

    Once ``stored``, the fields too are read from the store (issue 13), and the reply in memory is its
    id, folder and places in the store.
    """

    __slots__ = ("_data", "_id", "_folder", "_store", "_where", "_text", "_date", "_listed")

    def __init__(self, data: dict[str, Any], folder: Path, text: tuple[TextStore, tuple[int, int]] | None = None) -> None:
        self._data: dict[str, Any] | None = data
        self._id, self._folder, self._text = data.get("id"), str(folder), text
        self._store: TextStore | None = None
        self._where = (0, 0)
        self._date = _listed_date(data)
        self._listed: tuple[Any, ...] | None = None  # in memory: every field is in ``_data``

    def stored(self, store: TextStore) -> Reply:
        """This reply with its fields and text in ``store``: out of memory."""
        return self if self._store is not None else Reply.unpack(self.pack(store), store)

    def pack(self, store: TextStore) -> PackedReply:
        """Its fields (text None) and its text written to ``store``; ``unpack`` makes the reply from what is returned."""
        fields = {k: (None if k == TEXT else v) for k, v in self._fields.items()}  # its place kept: same key order
        return (self.id, str(self.folder), self._date, store.put(fields), store.put(self._fields[TEXT]),
                _listed(fields))

    @staticmethod
    def unpack(packed: PackedReply, store: TextStore) -> Reply:
        reply_id, folder, date, where, text, listed = packed
        reply = Reply.__new__(Reply)
        reply._data, reply._id, reply._folder, reply._date = None, reply_id, folder, date
        reply._store, reply._where, reply._text, reply._listed = store, where, (store, text), listed
        return reply

    @property
    def _fields(self) -> dict[str, Any]:
        data = self._data
        if data is None:  # stored, and not read lately
            data = self._data = self._store.read(self._where)  # type: ignore[union-attr]
            _RECENT.keep(self)
        return data

    @property
    def listed_date(self) -> str:
        """The date a reply is listed by: signed date, else publication date, else empty (kept in memory:
        every list sorts by it)."""
        return self._date

    @property
    def folder(self) -> Path:
        return Path(self._folder)

    @property
    def data(self) -> dict[str, Any]:
        if self._text is None:
            return self._fields
        return {k: (self[TEXT] if k == TEXT else v) for k, v in self._fields.items()}

    @property
    def fields(self) -> dict[str, Any]:
        return self._fields

    @property
    def id(self) -> str:
        return str(self._id) if self._id is not None else str(self._fields["id"])

    def __getitem__(self, key: str) -> Any:
        if self._listed is not None and key in _LISTED_AT:
            value = self._listed[_LISTED_AT[key]]
            if value is _ABSENT:
                raise KeyError(key)
            return value
        if key == "id" and self._id is not None:
            return self._id
        if key == TEXT and self._text is not None:
            store, where = self._text
            return store.load(where)
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reply) and (self.data, self.folder) == (other.data, other.folder)

    __hash__ = None  # type: ignore[assignment]  # a record is a dict: not hashable, as before

    def __repr__(self) -> str:
        return f"Reply({self.id!r}, {str(self.folder)!r})"

    def __getstate__(self) -> tuple[dict[str, Any], Path]:
        return self.data, self.folder  # to another process: with its text (a store is this process's file)

    def __setstate__(self, state: tuple[dict[str, Any], Path]) -> None:
        data, folder = state
        self.__init__(data, folder)  # type: ignore[misc]

    @property
    def raw_path(self) -> Path:
        return self.folder / str(self._fields["raw_file"])

    @property
    def record_path(self) -> Path:
        return self.folder / RECORD_NAME


Row = TypeVar("Row")


class Packed(Mapping[str, list[Row]]):
    """Reply id -> a list of frozen dataclasses (commitments, figures), each list kept in a ``TextStore``
    and made into objects when read: as objects they took ≈ 11 KB a letter (issue 13)."""

    def __init__(self, kind: Callable[..., Row], store: TextStore, places: dict[str, tuple[int, int]]) -> None:
        self._kind, self._store, self._places = kind, store, places

    @staticmethod
    def rows(found: list[Any]) -> list[list[Any]]:
        """The dataclasses' values, as the store keeps them."""
        return [list(vars(r).values()) for r in found]

    def __getitem__(self, key: str) -> list[Row]:
        return [self._kind(*values) for values in self._store.load(self._places[key])]

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


Found = tuple[dict[str, list[list[Any]]], dict[str, list[list[Any]]]]


def _find(replies: list[Reply]) -> Found:
    """Commitments and figures of each reply, as rows (``Packed.rows``)."""
    return ({r.id: Packed.rows(commitment_rules.find(r["sections"], r["reply_date"] or r["published_date"]))
             for r in replies},
            {r.id: Packed.rows(figure_rules.find(r["sections"])) for r in replies})


@dataclass(frozen=True)
class Dataset:
    replies: tuple[Reply, ...]
    vocab: Vocabularies
    report: Report
    paths: Paths = field(default_factory=Paths)
    """Where the records came from: ``paths.datasets`` holds package.yaml and the releases."""

    @functools.cached_property
    def newest_date(self) -> str:
        """The newest reply or publication date in the collection ('' when none): the data date."""
        return max((str(r["published_date"] or r["reply_date"] or "") for r in self.replies), default="")

    @functools.cached_property
    def by_id(self) -> dict[str, Reply]:
        return {r.id: r for r in self.replies}

    @functools.cached_property
    def by_proposal(self) -> dict[str, tuple[Reply, ...]]:
        """Proposal id -> its replies, by reply id (``proposals``); replies without a proposal left out."""
        by_id = {r.id: r for r in self.replies}
        return {pid: tuple(by_id[d["id"]] for d in group)
                for pid, group in proposals.by_proposal(self.replies).items()}

    @functools.cached_property
    def commitments(self) -> Packed[commitment_rules.Commitment]:
        """Reply id -> what it promises (``commitments``), computed once per build."""
        store, places = self._found
        return Packed(commitment_rules.Commitment, store, places[0])

    @functools.cached_property
    def figures(self) -> Packed[figure_rules.Figure]:
        """Reply id -> its key figures (``figures``), computed once per build."""
        store, places = self._found
        return Packed(figure_rules.Figure, store, places[1])

    @functools.cached_property
    def _found(self) -> tuple[TextStore, tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]]:
        """Commitments and figures of every reply, in a store of their own; a large collection's second half
        in a forked child (issue 13: 2.8 ms a letter, read from each letter's text, on one core while the other
        waited)."""
        replies = list(self.replies)
        if not background.worth_two(len(replies)):
            halves = [_find(replies)]
        else:
            half = len(replies) // 2
            halves = list(background.in_two("commitments, figures", _find, replies[:half], replies[half:]))
        store = TextStore()
        places: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]] = ({}, {})
        for found in halves:
            for kind in (0, 1):
                places[kind].update((reply_id, store.put(rows)) for reply_id, rows in found[kind].items())
        del halves
        release_memory()
        return store, places

    @functools.cached_property
    def threads(self) -> dict[str, list[threads.Link]]:
        """Reply id -> its links to earlier and later replies on the same matter (``threads``)."""
        return threads.links(self.replies)

    @property
    def data_date(self) -> dt.date:
        """The data date as a date (``NO_DATA_DATE`` when no reply is dated)."""
        return dates.parse_iso(self.newest_date) or NO_DATA_DATE

    @property
    def source_date_epoch(self) -> int:
        """A build time that comes from the data (midnight UTC of the data date): rebuilds are byte-identical."""
        return dates.epoch(self.data_date)


def sort_date(reply: Reply) -> str:
    """The date a reply is listed by: signed date, else publication date, else empty."""
    return reply.listed_date


def newest_first(replies: list[Reply] | tuple[Reply, ...]) -> list[Reply]:
    """Newest first by ``sort_date``; ties by id (descending), so every list has one order."""
    return sorted(replies, key=lambda r: (sort_date(r), r.id), reverse=True)
