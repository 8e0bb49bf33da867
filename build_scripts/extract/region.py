"""The replying agency's region: its code and chain of parents in ``datasets/vocab/regions.yaml``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from build_scripts.extract.fold import HAN, fold
from build_scripts.extract.found import Found
from build_scripts.extract.layout import Letter


def region(agency_found: Found, letter: Letter, regions: Sequence[dict[str, Any]]) -> tuple[Found, list[dict[str, Any]]]:
    """(region_code, the region chain province first) of the agency's place; None when not in the vocabulary.

    When only a parent is known (昆明市五华区民政局, 五华区 not in the vocabulary), the code is None
    but the chain of the known parents is returned, so that “市政协” can still be named.
    """
    name = fold(agency_found.value) if agency_found.value else None
    if not name:
        return Found(warnings=["region_code: no agency, so no region; left empty"]), []
    name = re.sub(r"^(?:中共|中国共产党)", "", name)
    by_code = {r["code"]: r for r in regions}
    best: tuple[int, dict[str, Any]] | None = None
    partial: tuple[int, dict[str, Any]] | None = None
    for r in regions:
        for form in _region_forms(r, by_code):
            if not name.startswith(form) or (best is not None and len(form) <= best[0]):
                continue
            if form == r["name"] and r["level"] == "区县":
                parent = by_code.get(r["parent"])
                if parent and parent["name"] not in letter.text:
                    continue
            if _SUB_PLACE.match(name[len(form):]):
                # 昆明市五华区民政局: a district the vocabulary does not know, not the city itself.
                if partial is None or len(form) > partial[0]:
                    partial = (len(form), r)
                continue
            best = (len(form), r)
    if best is None:
        warning = (f"region_code: the place of “{agency_found.value}” is not in datasets/vocab/regions.yaml; "
                   "left empty (add the region there, never guess a code)")
        return Found(warnings=[warning]), _chain(partial[1], by_code) if partial else []
    return Found(best[1]["code"], agency_found.span), _chain(best[1], by_code)


def _chain(region_: dict[str, Any], by_code: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = []
    current: dict[str, Any] | None = region_
    while current is not None and len(chain) < 5:
        chain.insert(0, current)
        current = by_code.get(current["parent"]) if current["parent"] else None
    return chain


_SUB_PLACE = re.compile(rf"^[{HAN}]{{1,5}}?(?:区|县|旗|镇|街道)")


def _region_forms(r: dict[str, Any], by_code: dict[str, dict[str, Any]]) -> list[str]:
    forms = [r["full_name"], r["name"]]
    if r["level"] == "区县":
        parent = by_code.get(r["parent"])
        if parent:
            forms.append(parent["name"] + r["name"])
    return forms
