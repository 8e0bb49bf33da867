"""What is searchable in a reply; its normalisation in bulk is ``textnorm.normalise_many``.

A reply's searchable text is its fields (``replytext``): the head (title, proposal title, agency,
文号, proposers) and the body (each section's heading and text). Each field is normalised on its own;
the index joins the fields with a separator character that no gram may contain, so a match never
spans two fields. Head fields come first; body positions start at ``BODY_BASE`` so that a
position alone says whether a match is in the head (ranked first) or the body.

The browser recomputes the normalisation of a result's original text to place its snippet, so
nothing here needs to map normalised positions back to the original.
"""

from __future__ import annotations

from build_scripts.textnorm import normalise_many

__all__ = ["BODY_BASE", "SEP", "HeadTooLong", "normalise_many"]

SEP = "\x00"
BODY_BASE = 4096


class HeadTooLong(ValueError):
    pass
