"""Where each published thing lives: site-relative URLs of reply pages, their JSON records and the API index.

One place for the rules, so pages, feeds, the API and the search index link to the same URLs.
"""

from __future__ import annotations

API_INDEX = "api/replies.json"
"""The static API's index of every reply (``api``)."""
API_INDEX_FIELDS = ("id", "title", "proposal_kind", "assembly", "term", "session_no", "proposal_number",
                    "proposal_title", "agency", "region_code", "region_name", "doc_number", "reply_date",
                    "published_date", "category", "category_scheme", "topics", "withdrawn_date")
"""The record fields each entry of the API index keeps (people filter by them)."""


def reply_url(reply_id: str) -> str:
    """Site-relative URL of a reply page: the permalink."""
    return f"replies/{reply_id}/"


def record_path(reply_id: str) -> str:
    """Site-relative path of a reply's whole record as JSON (the static API)."""
    return f"api/replies/{reply_id}.json"


DERIVED = "derived"
"""The key of a reply's API file (``record_path``) that holds what the build derives from the reply:
its commitments, figures and threads (``api.derived``). No record field has this name (tested).
It was ``api/derived/<id>.json`` before data version 0.2.0 (issue 13)."""


PROPOSALS = "proposals/"
"""The list of proposals; each proposal's page is below it."""


def proposal_url(proposal_id: str) -> str:
    """Site-relative URL of a proposal's page (every reply to it)."""
    return f"{PROPOSALS}{proposal_id}/"


API_PROPOSALS = "api/proposals.json"
"""The static API's index of every proposal with its replies (``api``)."""

