"""The flat download (issue 15): one row per reply with every column of ``replies`` and its whole text.

Load: the checked dataset. Process: one row per reply (``fields.FLAT_TABLE``: the replies columns
and ``text``, ``replytext.full_text``), sorted by id as the package is, written as the canonical
CSV is (``package.csv_rows``): UTF-8 without BOM, ``\\n``, quoted only where needed. Save:
``replies_text.csv``; one file per year, gzipped (``by-year/replies_text-2023.csv.gz``; the year of
the date a reply is listed by, ``dataset.sort_date``; replies without a date in
``replies_text-undated.csv.gz``); and the Excel 版 of each (a UTF-8 BOM, then the same rows, with a
cell that starts like a formula neutralised as in every Excel file: ``xlsx.neutralise_rows``), which
``downloads`` puts in the Excel 版 zip.

Issue 13: the per-year files repeat ``replies_text.csv``, which repeats ``sections.csv``; loose, they
and their Excel copies were 366 MB of the 10,000-letter site. Gzipped (pandas and readr read
``.csv.gz`` as they are) they are about a third of that, and the Excel copies are only in the zip.
"""
from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from build_scripts import deflate, package, replytext, xlsx
from build_scripts.dataset import Dataset, Reply, sort_date
from build_scripts.fields import FLAT_TABLE

INTEGER_COLUMNS = frozenset(i for i, f in enumerate(FLAT_TABLE.fields) if f.kind == "integer")
FLAT_FILE = f"{FLAT_TABLE.name}.csv"
YEAR_DIR = "by-year"
UNDATED = "undated"


def year_of(reply: Reply) -> str:
    """The year a reply is filed under: its listing date's year, else ``undated``."""
    return sort_date(reply)[:4] or UNDATED


def year_file(year: str) -> str:
    return f"{YEAR_DIR}/{FLAT_TABLE.name}-{year}.csv.gz"


def year_of_file(rel_path: str) -> str:
    """The year (or ``undated``) a per-year file holds: ``by-year/replies_text-2023.csv.gz`` → ``2023``."""
    return rel_path.removesuffix(".gz").removesuffix(".csv").rsplit("-", 1)[1]


def flat_row(reply: Reply) -> dict[str, object]:
    return {**reply.fields, "text": replytext.full_text(reply)}


def write(dataset: Dataset, out: Path) -> tuple[dict[str, tuple[Path, int]], dict[str, Path]]:
    """Write the flat files under ``out``. Return each published one's path under data/ → (where it
    is, rows), and the Excel 版 copies (their path in the Excel zip, ``replies_text.csv`` or
    ``by-year/replies_text-2023.csv`` → where each is).

    One pass over the replies in id order: each row is made once and written to ``replies_text.csv``, its
    year's file and both Excel copies, so no file is held whole (issue 13: the whole table as lists was
    ≈ 900 MB at 100,000 letters)."""
    header = next(package.csv_rows(FLAT_TABLE, []))
    written: dict[str, tuple[Path, int]] = {}
    excel_copies: dict[str, Path] = {}
    writers: dict[str, tuple[Any, Any]] = {}
    with contextlib.ExitStack() as files:
        def writers_of(rel_path: str) -> tuple[Any, Any]:
            if rel_path not in writers:
                target, excel_name = out / rel_path, rel_path.removesuffix(".gz")
                excel = out / "excel" / excel_name
                for folder in (target.parent, excel.parent):
                    folder.mkdir(parents=True, exist_ok=True)
                writers[rel_path] = (csv.writer(files.enter_context(_open_text(target)), lineterminator="\n"),
                                     csv.writer(files.enter_context(open(excel, "w", encoding="utf-8-sig", newline="")),
                                                lineterminator="\n"))
                for writer in writers[rel_path]:
                    writer.writerow(header)
                written[rel_path], excel_copies[excel_name] = (target, 0), excel
            return writers[rel_path]

        for reply in sorted(dataset.replies, key=lambda r: r.id):
            row = [package.cell(value) for value in map(flat_row(reply).get, header)]
            excel_row = xlsx.neutralise_rows([header, row], INTEGER_COLUMNS)[1]  # as in every Excel file
            for rel_path in (FLAT_FILE, year_file(year_of(reply))):
                plain, excel_copy = writers_of(rel_path)
                plain.writerow(row)
                excel_copy.writerow(excel_row)
                written[rel_path] = (written[rel_path][0], written[rel_path][1] + 1)
        writers_of(FLAT_FILE)  # with no replies: the header alone
    return dict(sorted(written.items())), dict(sorted(excel_copies.items()))


@contextlib.contextmanager
def _open_text(target: Path) -> Iterator[IO[str]]:
    """A text file for the canonical CSV's rows; gzipped when the name ends in ``.gz`` (no name or time in the
    gzip header: the same bytes every build)."""
    if target.suffix != ".gz":
        with open(target, "w", encoding="utf-8", newline="") as f:
            yield f
        return
    with open(target, "wb") as raw, deflate.gzip_writer(raw, GZIP_LEVEL) as packed, \
            io.TextIOWrapper(packed, encoding="utf-8", newline="") as f:
        yield f


GZIP_LEVEL = 3  # as downloads.GZIP_LEVEL
