"""A streaming XLSX writer for plain tables: text, integer and date cells, a bold header, a frozen first row.

Why not openpyxl or XlsxWriter: both spend 10–25 µs of Python per cell (openpyxl builds a cell
object, XlsxWriter checks and formats each one), which at 10,000 letters (1.6 million cells)
was 55 s, most of the downloads step. Our sheets need none of what those libraries offer beyond
SpreadsheetML's smallest subset, so each row is one string written straight into the zip entry:
about 1 µs per cell. The tests read the result back with openpyxl, cell for cell.

What is written (ECMA-376 Part 1, the parts Excel needs and no more): ``[Content_Types].xml``,
``_rels/.rels``, ``docProps/core.xml`` (title, creator, description, language, version and the
given date), ``xl/workbook.xml`` and its rels, ``xl/styles.xml`` (three cell formats: normal, bold,
and dates as ``yyyy-mm-dd``) and one ``xl/worksheets/sheetN.xml`` per sheet. Text cells are inline
strings (``t="inlineStr"``), so nothing is ever read as a formula, an identifier such as ``0079``
stays text, and no shared-string table has to be held in memory. Date cells are day numbers (days
since 1899-12-30, Excel's 1900 date system) in the date format, so Excel sorts and filters them as dates.
Every zip entry carries the given date and fixed attributes: the file is byte-identical for
the same input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from build_scripts import deflate

CELL_LIMIT = 32767  # Excel keeps at most this many characters in a cell
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0 text
_CONTROL = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def has_illegal(data: bytes) -> bool:
    """Whether UTF-8 ``data`` has a character ``ILLEGAL`` matches (a few fast scans, no regex)."""
    return len(data.translate(None, _CONTROL)) != len(data) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data

def file_has_illegal(path: Path, chunk: int = 1 << 24) -> bool:
    """``has_illegal`` over a file read a chunk at a time (chunks overlap by the two bytes a
    three-byte character may span)."""
    with open(path, "rb") as f:
        tail = b""
        while block := f.read(chunk):
            if has_illegal(tail + block):
                return True
            tail = block[-2:]
    return False


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): ``=HYPERLINK(…)``."""


def neutralise(value: str) -> str:
    """A text cell a spreadsheet shows as text: an apostrophe before a leading ``= + - @``, tab or CR."""
    return "'" + value if value.startswith(FORMULA_START) else value


def neutralise_rows(rows: list[list[str]], integer_columns: Iterable[int] = ()) -> list[list[str]]:
    """``rows`` with every text cell below the header ``neutralise``d (rows with none keep their object)."""
    ints = frozenset(integer_columns)
    out = rows[:1]
    for row in rows[1:]:
        if any(v.startswith(FORMULA_START) for c, v in enumerate(row) if c not in ints):
            row = [v if c in ints else neutralise(v) for c, v in enumerate(row)]
        out.append(row)
    return out


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_BATCH = 2000  # rows joined into one write


def text(value: str) -> str:
    """Escape a string for XML element content (``\\r`` kept as a character reference)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def column_letters(n: int) -> list[str]:
    """A, B, …, Z, AA, … for the first ``n`` columns."""
    out = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


class Workbook:
    """Sheets are added in the order named at creation; close (or leave the ``with``) to finish.

    ``when`` is the document date and every zip entry's date; ``level`` the deflate level.
    """

    def __init__(self, path: Path, sheets: Sequence[str], *, title: str, creator: str, description: str,
                 version: str, language: str, when: dt.datetime, level: int) -> None:
        self.sheets = list(sheets)
        self.when, self.level = when, level
        self._done = 0
        self._zip = deflate.zip_writer(path, level)
        self._put("[Content_Types].xml", _content_types(len(self.sheets)))
        self._put("_rels/.rels", _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
                  f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                  f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
                  "</Relationships>")
        self._put("docProps/core.xml", _core(title, creator, description, version, language, when))
        self._put("xl/workbook.xml", _workbook(self.sheets))
        self._put("xl/_rels/workbook.xml.rels", _workbook_rels(len(self.sheets)))
        self._put("xl/styles.xml", _STYLES)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def add_sheet(self, name: str, rows: Sequence[Sequence[str]], integer_columns: Iterable[int] = (),
                  date_columns: Iterable[int] = ()) -> None:
        """The next sheet: ``rows[0]`` is the (bold) header; ``""`` leaves a cell empty.

        Cells in ``integer_columns`` (0-based) below the header are numbers, cells in ``date_columns``
        (``YYYY-MM-DD``) are dates; every other cell is text.
        """
        width = max((len(r) for r in rows), default=0)
        with self.sheet(name, len(rows), width, integer_columns, date_columns) as sheet:
            for start in range(0, len(rows), _BATCH):
                sheet.write(rows[start:start + _BATCH])

    @contextlib.contextmanager
    def sheet(self, name: str, rows: int, width: int, integer_columns: Iterable[int] = (),
              date_columns: Iterable[int] = ()) -> Iterator[Sheet]:
        """The next sheet, written a batch of rows at a time (``Sheet.write``): ``rows`` (the header
        included) and ``width`` are what its dimension says, so a table need not be held whole."""
        if self._done >= len(self.sheets) or self.sheets[self._done] != name:
            raise ValueError(f"xlsx: sheet {name!r} out of order; expected {self.sheets[self._done:]}")
        self._done += 1
        cols = column_letters(max(width, 1))
        with self._zip.open(self._entry(f"xl/worksheets/sheet{self._done}.xml"), "w") as out:
            out.write((_HEAD + f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:{cols[-1]}{max(rows, 1)}"/>'
                       '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                       'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
                       '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>').encode("utf-8"))
            sheet = Sheet(out, cols, frozenset(integer_columns), frozenset(date_columns))
            yield sheet
            if sheet.written != rows:
                raise ValueError(f"xlsx: sheet {name!r} was to have {rows} rows and has {sheet.written}")
            out.write(b"</sheetData></worksheet>")

    def _entry(self, name: str) -> zipfile.ZipInfo:
        return entry(name, self.when, self.level)

    def _put(self, name: str, xml: str) -> None:
        self._zip.writestr(self._entry(name), xml.encode("utf-8"))


class Sheet:
    """A sheet being written (``Workbook.sheet``): rows in order, the first the header."""

    def __init__(self, out: IO[bytes], cols: list[str], ints: frozenset[int], days: frozenset[int]) -> None:
        self._out, self._cols, self._ints, self._days = out, cols, ints, days
        self.written = 0

    def write(self, rows: Sequence[Sequence[str]]) -> None:
        start = self.written
        self._out.write("".join(_row(start + i + 1, row, self._cols, self._ints, self._days)
                                for i, row in enumerate(rows)).encode("utf-8"))
        self.written += len(rows)


def entry(name: str, when: dt.datetime, level: int) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, mode 644 and the given deflate level."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    setattr(info, "compress_level" if sys.version_info >= (3, 13) else "_compresslevel", level)
    return info


_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (day 60, 1900-02-29, never existed)


def day_number(value: str) -> int:
    """A ``YYYY-MM-DD`` date as Excel's day number (1900 date system), for dates after 1900-02-28."""
    return (dt.date.fromisoformat(value) - _EPOCH).days


def _row(r: int, row: Sequence[str], cols: list[str], ints: frozenset[int], days: frozenset[int] = frozenset()) -> str:
    if r == 1:
        cells = "".join(f'<c r="{cols[c]}1" s="1" t="inlineStr"><is><t xml:space="preserve">{text(v)}</t></is></c>'
                        for c, v in enumerate(row) if v)
    else:
        cells = "".join(f'<c r="{cols[c]}{r}"><v>{int(v)}</v></c>' if c in ints else
                        f'<c r="{cols[c]}{r}" s="2"><v>{day_number(v)}</v></c>' if c in days else
                        f'<c r="{cols[c]}{r}" t="inlineStr"><is><t xml:space="preserve">{text(v)}</t></is></c>'
                        for c, v in enumerate(row) if v)
    return f'<row r="{r}">{cells}</row>'


def _content_types(sheets: int) -> str:
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                        for i in range(1, sheets + 1))
    return (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f"{overrides}</Types>")


def _core(title: str, creator: str, description: str, version: str, language: str, when: dt.datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{text(title)}</dc:title><dc:creator>{text(creator)}</dc:creator>"
            f"<cp:lastModifiedBy>{text(creator)}</cp:lastModifiedBy><dc:description>{text(description)}</dc:description>"
            f"<dc:language>{text(language)}</dc:language><cp:version>{text(version)}</cp:version>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')


def _workbook(sheets: list[str]) -> str:
    entries = "".join(f'<sheet name="{text(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, name in enumerate(sheets, 1))
    return (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{entries}</sheets></workbook>")


def _workbook_rels(sheets: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, sheets + 1))
    return (_HEAD + f'<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')


DATE_FORMAT = "yyyy-mm-dd"

_STYLES = (_HEAD + f'<styleSheet xmlns="{_MAIN}">'
           f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
