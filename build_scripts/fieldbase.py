"""What a field is: its name, type, titles and constraints (``Field``), and the patterns values follow;
the field lists are in ``fields``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
REGION_CODE_PATTERN = r"^[1-8][0-9]{5}$"
_URL_BAD = r"\s<>\"'\\\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
URL_PATTERN = rf"^https?://[^{_URL_BAD}@/?#]+(?:[/?#][^{_URL_BAD}]*)?$"
"""http(s), a host with no user name (``https://example.gov.cn@evil.example/`` goes to evil.example),
and no white space, quotes, backslashes or bidi controls (U+202E shows the text reversed) anywhere."""

Kind = Literal["string", "integer", "date", "list", "objects", "mapping"]


@dataclass(frozen=True)
class Field:
    """One field: how it is written in a record and how it appears in the data package.

    ``nullable`` fields must still be present in a record (written ``null``) so that every
    record says explicitly what its letter does not say.
    """

    name: str
    kind: Kind
    title: str
    description: str
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    max_length: int | None = None
    example: str | None = None
    # Where the field lives: "record" (written by a person), "derived" (computed at build).
    source: Literal["record", "derived"] = "record"
    # For ``objects`` fields: the table the items go to.
    table: str | None = None
    # For ``objects`` fields: the fields of each item.
    items: tuple[Field, ...] = field(default=())

    @property
    def required(self) -> bool:
        return not self.nullable

    @property
    def in_record(self) -> bool:
        return self.source == "record"


def number_slug(number: str) -> str:
    """A proposal number as its reply id writes it: lower case, runs of other characters as one ``-``
    (``0079`` → ``0079``, ``A-12号`` → ``a-12``); empty when nothing ASCII is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", number.lower()).strip("-")
    return slug if slug.isascii() else ""
