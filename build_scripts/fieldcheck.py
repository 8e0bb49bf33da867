"""Check one mapping against a field list; yield a Problem for everything wrong, never stop early."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from build_scripts import dates, xlsx
from build_scripts.fields import LIST_SEPARATOR, Field
from build_scripts.problems import Problem


def check_mapping(
    data: Any,
    fields: tuple[Field, ...],
    *,
    file: str,
    lines: Mapping[str, int],
    prefix: str = "",
    extra_keys: tuple[str, ...] = (),
) -> Iterator[Problem]:
    """Problems of ``data`` against ``fields``: missing, unknown, wrong type, bad value."""
    where = prefix or "(record)"
    line_of = lambda key: lines.get(key, lines.get(prefix, 0))  # noqa: E731
    if not isinstance(data, dict):
        yield Problem(file, lines.get(prefix, 0), prefix, "not-a-mapping",
                      f"{where} must be a mapping of field: value, found {_kind(data)}",
                      "write one 'field: value' per line")
        return
    known = {f.name for f in fields if f.in_record} | set(extra_keys)
    for key in data:
        if key not in known:
            path = _join(prefix, str(key))
            yield Problem(file, line_of(path), path, "unknown-field", f"{key!r} is not a field of this format",
                          _close_match_hint(str(key), known))
    for f in fields:
        if not f.in_record:
            continue
        path = _join(prefix, f.name)
        if f.name not in data:
            yield Problem(file, lines.get(prefix, 1) if prefix else 1, path, "missing-field",
                          f"{f.name} ({f.title}) is missing",
                          f"add '{f.name}:'" + (" (write null if the letter does not say)" if f.nullable else ""))
            continue
        yield from check_value(data[f.name], f, file=file, path=path, line=line_of(path), lines=lines)


def check_value(value: Any, f: Field, *, file: str, path: str, line: int,
                lines: Mapping[str, int]) -> Iterator[Problem]:
    if value is None:
        if not f.nullable:
            yield Problem(file, line, path, "null-not-allowed", f"{f.name} ({f.title}) must have a value",
                          f"for example: {f.example}" if f.example else "")
        return
    if f.kind == "objects":
        if not isinstance(value, list):
            yield _wrong_type(file, line, path, f, value, "a list of mappings")
            return
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            yield from check_mapping(item, f.items, file=file, lines=lines, prefix=item_path)
        return
    if f.kind == "list":
        if not isinstance(value, list):
            yield _wrong_type(file, line, path, f, value, "a list (one '- item' per line, or [] when empty)")
            return
        for i, item in enumerate(value):
            item_line = lines.get(f"{path}[{i}]", line)
            if not isinstance(item, str) or not item.strip():
                yield Problem(file, item_line, f"{path}[{i}]", "wrong-type",
                              f"items of {f.name} must be non-empty text, found {_kind(item)}",
                              "quote the item")
            elif LIST_SEPARATOR in item:
                yield Problem(file, item_line, f"{path}[{i}]", "bad-value",
                              f"{item!r} contains {LIST_SEPARATOR}, which separates list items in the CSV",
                              "split it into separate items")
            else:
                yield from _check_text(item, f, file=file, path=f"{path}[{i}]", line=item_line)
        texts = [item for item in value if isinstance(item, str)]
        yield from _check_joined(texts, f, file=file, path=path, line=line)
        if len(set(texts)) != len(texts):
            yield Problem(file, line, path, "duplicate-item", f"{f.name} lists the same item twice",
                          "remove the repeated item")
        return
    if f.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            yield _wrong_type(file, line, path, f, value, "a whole number")
        elif f.minimum is not None and value < f.minimum:
            yield Problem(file, line, path, "bad-value", f"{f.name} is {value}, below {f.minimum}",
                          f"write a number of at least {f.minimum}")
        return
    if not isinstance(value, str):
        hint = "quote it" + (f", e.g. '{value:03d}'" if isinstance(value, int) and f.name == "proposal_number" else "")
        yield _wrong_type(file, line, path, f, value, "text", hint)
        return
    if f.kind == "date":
        yield from _check_date(value, file=file, path=path, line=line)
        return
    yield from _check_text(value, f, file=file, path=path, line=line)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
"""Control characters other than newline and tab: extraction damage."""


def _check_text(value: str, f: Field, *, file: str, path: str, line: int) -> Iterator[Problem]:
    if not value.strip():
        yield Problem(file, line, path, "empty-value", f"{f.name} is empty text",
                      "write null if the letter does not say" if f.nullable else "give the value")
        return
    if _invisible(value):
        yield Problem(file, line, path, "empty-value", f"{f.name} has no visible character (only "
                      f"{_describe(value)})", "write the value as the letter prints it")
        return
    yield from _check_limits(value, f, file=file, path=path, line=line)
    if value != value.strip():
        yield Problem(file, line, path, "bad-value", f"{f.name} has spaces at its start or end",
                      "remove the leading/trailing spaces")
    if _CONTROL.search(value):
        yield Problem(file, line, path, "bad-value", f"{f.name} contains control characters",
                      "remove them; they are extraction damage")
    if f.enum is not None and value not in f.enum:
        yield Problem(file, line, path, "bad-enum", f"{value!r} is not one of {', '.join(f.enum)}",
                      f"use one of: {', '.join(f.enum)}")
    if f.pattern is not None and not re.fullmatch(f.pattern, value):
        yield Problem(file, line, path, "bad-pattern", f"{value!r} does not have the form of {f.name} ({f.title})",
                      f"for example: {f.example}" if f.example else f"it must match {f.pattern}")
    if f.max_length is not None and len(value) > f.max_length:
        yield Problem(file, line, path, "too-long", f"{f.name} is {len(value)} characters, more than {f.max_length}",
                      "shorten it")


def _check_date(value: str, *, file: str, path: str, line: int) -> Iterator[Problem]:
    day = dates.parse_iso(value)
    if day is None:
        wide = any(c.isdigit() and not c.isascii() for c in value)
        yield Problem(file, line, path, "bad-date", f"{value!r} is not a date",
                      "write it as YYYY-MM-DD, a day that exists" + ("; with the digits 0-9 (not full-width or other "
                                                                     "scripts' digits)" if wide else ""))
    elif not dates.EARLIEST <= day <= dates.LATEST:
        yield Problem(file, line, path, "bad-date", f"{value} is outside {dates.EARLIEST.year}–{dates.LATEST.year}",
                      "check the year against the letter: a mistyped year?")


def _check_joined(texts: list[str], f: Field, *, file: str, path: str, line: int) -> Iterator[Problem]:
    """A list is one cell of the tables (items joined by 、): it must fit a spreadsheet cell too."""
    joined = sum(map(len, texts)) + max(len(texts) - 1, 0)
    if joined > CELL_LIMIT:
        yield Problem(file, line, path, "too-long", f"{f.name} is {joined:,} characters joined, more than a "
                      f"spreadsheet cell holds ({CELL_LIMIT:,})", "shorten the items")


CELL_LIMIT = xlsx.CELL_LIMIT - 1
"""The longest text a field may hold: a spreadsheet cell's limit (the Excel files hold every value),
less one for the apostrophe that neutralises a formula there. A longer section is split at a
paragraph into two sections."""

_NONCHARACTER = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                           + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
                           + "]")
"""Surrogates and Unicode noncharacters (U+FFFE, …): not text, and no XML file may hold them."""

_BLANKS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
"""Letters and symbols that print as nothing (Hangul fillers, the blank Braille pattern)."""


def _invisible(value: str) -> bool:
    """Only white space, format characters (zero-width, bidi controls), combining marks or blanks."""
    return all(c.isspace() or c in _BLANKS or unicodedata.category(c) in ("Cf", "Cc", "Mn", "Me", "Zs")
               for c in value)


def _describe(value: str) -> str:
    names = dict.fromkeys(f"U+{ord(c):04X}" for c in value if not c.isspace())
    return ", ".join(list(names)[:4]) or "white space"


def _check_limits(value: str, f: Field, *, file: str, path: str, line: int) -> Iterator[Problem]:
    """What the build's files cannot hold, caught here (the build once failed naming a CSV row)."""
    bad = _NONCHARACTER.search(value)
    if bad:
        yield Problem(file, line, path, "bad-value", f"{f.name} contains U+{ord(bad.group()):04X}, which is not a "
                      "character (a noncharacter or half a surrogate pair)", "remove it; it is encoding damage")
    if f.max_length is None and len(value) > CELL_LIMIT:
        hint = ("split the section at a paragraph into two sections (the second with heading: null, level: 0)"
                if path.endswith(".text") and path.startswith("sections") else "shorten it")
        yield Problem(file, line, path, "too-long", f"{f.name} is {len(value):,} characters, more than a spreadsheet "
                      f"cell holds ({CELL_LIMIT:,})", hint)


def _wrong_type(file: str, line: int, path: str, f: Field, value: Any, want: str, hint: str = "") -> Problem:
    return Problem(file, line, path, "wrong-type", f"{f.name} must be {want}, found {_kind(value)}",
                   hint or (f"for example: {f.example}" if f.example else f"write {f.name} as {want}"))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _close_match_hint(key: str, known: set[str]) -> str:
    import difflib

    match = difflib.get_close_matches(key, sorted(known), n=1)
    return f"did you mean {match[0]!r}?" if match else "remove it; the format has no such field"
