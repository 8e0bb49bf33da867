"""The flat download (issue 15): one row per reply with every column of ``replies`` and its whole text.

Load: the checked dataset. Process: one row per reply (``fields.FLAT_TABLE``: the replies columns
and ``text``, ``replytext.full_text``), sorted by id as the package is, written as the canonical
CSV is (``package.csv_rows``): UTF-8 without BOM, ``\\n``, quoted only where needed. Save:
``replies_text.csv``, one file per year (``by-year/replies_text-2023.csv``; the year of the date a
reply is listed by, ``dataset.sort_date``; replies without a date in ``replies_text-undated.csv``),
and the Excel 版 of each under ``excel/`` (a UTF-8 BOM, then the same rows, with a cell that starts
like a formula neutralised as in every Excel file: ``xlsx.neutralise_rows``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from build_scripts import package, replytext, xlsx
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
    return f"{YEAR_DIR}/{FLAT_TABLE.name}-{year}.csv"


def flat_row(reply: Reply) -> dict[str, object]:
    return {**reply.data, "text": replytext.full_text(reply)}


def write(dataset: Dataset, out: Path, excel_dir: str) -> dict[str, tuple[Path, int]]:
    """Write the flat files under ``out``; return each one's path under data/ → (where it is, rows)."""
    replies = sorted(dataset.replies, key=lambda r: r.id)
    groups: dict[str, list[Reply]] = {FLAT_FILE: replies}
    for reply in replies:
        groups.setdefault(year_file(year_of(reply)), []).append(reply)
    written: dict[str, tuple[Path, int]] = {}
    for rel_path in sorted(groups):
        rows = groups[rel_path]
        target = out / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        excel = out / excel_dir / rel_path
        excel.parent.mkdir(parents=True, exist_ok=True)
        table = [*package.csv_rows(FLAT_TABLE, []),  # the header
                 *([package.cell(row.get(f.name)) for f in FLAT_TABLE.fields] for row in map(flat_row, rows))]
        with open(target, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(table)
        with open(excel, "w", encoding="utf-8-sig", newline="") as f:  # formulas neutralised, as in every Excel file
            csv.writer(f, lineterminator="\n").writerows(xlsx.neutralise_rows(table, INTEGER_COLUMNS))
        written[rel_path] = (target, len(rows))
        written[f"{excel_dir}/{rel_path}"] = (excel, len(rows))
    return written
