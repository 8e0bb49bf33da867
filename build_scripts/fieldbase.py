"""What a field is: its name, type, titles and constraints (``Field``); the field lists are in ``fields``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
