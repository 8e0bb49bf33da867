"""Front matter that names a browse page's own feeds (the head partial overrides/partials/feeds.html reads it)."""

from __future__ import annotations

from build_scripts.pages import escape

FEED_FACETS = ("agency", "topic")


def feed_meta(facet_slug: str, value_slug: str, label: str) -> dict[str, str]:
    """``feed`` and ``feed_title`` for agency and topic pages; nothing for the other facets."""
    if facet_slug not in FEED_FACETS:
        return {}
    return {"feed": f"{facet_slug}/{value_slug}", "feed_title": escape.meta(f"答复公开：{label}")}
