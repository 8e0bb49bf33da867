"""The checked collection as the later stages see it: each reply, the vocabularies, the report.

``records.load`` makes a ``Dataset``; every stage after it (package, pages, site, search, feeds,
api) reads one and never writes to it. What the collection says about itself is here too: its
data date (the date every build stamp comes from) and where its datasets folder is.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts import commitments as commitment_rules
from build_scripts import dates, proposals, threads
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


@dataclass(frozen=True)
class Reply:
    """A valid record plus what the build derives from it (region name, category scheme)."""

    data: dict[str, Any]
    folder: Path

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def raw_path(self) -> Path:
        return self.folder / str(self.data["raw_file"])

    @property
    def record_path(self) -> Path:
        return self.folder / RECORD_NAME


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
                for pid, group in proposals.by_proposal(r.data for r in self.replies).items()}

    @functools.cached_property
    def commitments(self) -> dict[str, list[commitment_rules.Commitment]]:
        """Reply id -> what it promises (``commitments``), computed once per build."""
        return {r.id: commitment_rules.find(r["sections"], r["reply_date"] or r["published_date"]) for r in self.replies}

    @functools.cached_property
    def figures(self) -> dict[str, list[figure_rules.Figure]]:
        """Reply id -> its key figures (``figures``), computed once per build."""
        return {r.id: figure_rules.find(r["sections"]) for r in self.replies}

    @functools.cached_property
    def threads(self) -> dict[str, list[threads.Link]]:
        """Reply id -> its links to earlier and later replies on the same matter (``threads``)."""
        return threads.links(r.data for r in self.replies)

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
    return str(reply["reply_date"] or reply["published_date"] or "")


def newest_first(replies: list[Reply] | tuple[Reply, ...]) -> list[Reply]:
    """Newest first by ``sort_date``; ties by id (descending), so every list has one order."""
    return sorted(replies, key=lambda r: (sort_date(r), r.id), reverse=True)
