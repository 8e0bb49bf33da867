"""Issue #5: the downloads page and the data dictionary tell a journalist everything about each file."""

from __future__ import annotations

import json
import re

import pytest

from build_scripts import package, records, site, sqlitedb
from build_scripts.fields import FLAT_TABLE, TABLES
from build_scripts.pages import data
from build_scripts.paths import Paths
from build_scripts.problems import BuildError


def test_downloads_page_lists_every_file_with_size_rows_and_hash(built: Paths) -> None:
    page = (built.site / "data" / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((built.site / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert {"replies_text.csv", "by-year/replies_text-2021.csv.gz"} <= {f["path"] for f in manifest["files"]}
    assert not any(f["path"].startswith("excel/") and f["path"].endswith(".csv") for f in manifest["files"])
    for f in manifest["files"]:
        row = re.search(rf'<tr><td><a href="{re.escape(f["path"])}" download>.*?</tr>', page)
        assert row, f["path"]
        assert f["sha256"] in row.group(0)
        assert (str(f["rows"]) if f["rows"] is not None else "—") in row.group(0)
    assert "Excel 版" in page and "无 BOM" in page and "replies_search match" in page


def test_downloads_page_states_license_and_where_each_records_source_is(built: Paths) -> None:
    """Issue 13: the page counts sources by site (flat in N); each record's source is in replies.csv."""
    page = (built.site / "data" / "index.html").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in page and "著作权法》第五条" in page
    assert 'href="replies.csv" download' in page and "raw_sha256" in page
    csv_text = (built.site / "data" / "replies.csv").read_text(encoding="utf-8")
    replies = records.load(built).replies
    for reply in replies:
        assert reply["raw_sha256"] in csv_text
    hosts = data.source_hosts(records.load(built))
    assert sum(count for _, count in hosts) == len(replies)
    for host, count in hosts:
        assert f'<tr><td>{host or "原件不是从网页获取"}</td><td class="num">{count}</td></tr>' in page
    assert "[EB/OL]" in page and 'id="cite"' in page


def test_dictionary_gives_an_example_from_the_data_for_every_field(built: Paths) -> None:
    page = (built.site / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    dataset = records.load(built)
    rows = {t.name: r for t, r in package.rows_of(dataset)}
    for table in TABLES:
        section = page.split(f'id="{table.name}"', 1)[1].split("<h2", 1)[0]
        for f in table.fields:
            cells = re.search(rf"<tr><td><code>{f.name}</code></td>(.*?)</tr>", section, flags=re.DOTALL)
            assert cells, (table.name, f.name)
            example = re.findall(r"<td>(.*?)</td>", cells.group(1))[-1]
            first = next((package.cell(r.get(f.name)) for r in rows[table.name] if package.cell(r.get(f.name))), "")
            if first:
                assert example.startswith("<code>") and "格式示例" not in example, (table.name, f.name)
            else:
                assert "格式示例" in example or "暂无数据" in example, (table.name, f.name)
    assert "答复单位所在行政区划代码" in page


def test_dictionary_has_each_issuers_category_definitions(built: Paths) -> None:
    page = (built.site / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    section = page.split('id="category-definitions"', 1)[1].split("<h2", 1)[0]
    for scheme in records.load(built).vocab.category_schemes:
        assert scheme["issuer"] in section and scheme["scheme"] in section
        for code in scheme["codes"]:
            assert code["definition"] in section
    assert "待核实" in section


def test_downloads_page_gives_both_dates_and_says_what_each_is(built: Paths) -> None:
    """Issue 15: the date the data last changed (from the changelog) and, separately, the newest reply."""
    page = (built.site / "data" / "index.html").read_text(encoding="utf-8")
    descriptor = json.loads((built.site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    dates = descriptor["dates"]
    dataset = records.load(built)
    assert dates["newest_reply"] == dataset.newest_date == "2023-06-16"  # the seed 530111-2023-tian-102114
    assert re.search(rf'<time id="newest-reply">{dates["newest_reply"]}</time>', page)
    assert re.search(rf'<time id="last-changed">{dates["last_changed"]}</time>（版本 {dates["last_changed_version"]}）', page)
    assert "数据最近变更" in page and "最新答复" in page
    changelog = json.loads((built.site / "data" / "changelog.json").read_text(encoding="utf-8"))
    newest = next(r for r in changelog["releases"] if r["added"] or r["changed"] or r["withdrawn"])
    assert dates["last_changed_version"] == newest["version"]
    by_id = {r.id: r for r in dataset.replies}
    assert dates["last_changed"] == max(str(by_id[i]["retrieved_date"] or by_id[i]["published_date"] or by_id[i]["reply_date"])
                                        for i in newest["added"] + [c["id"] for c in newest["changed"]])


def test_dictionary_documents_the_flat_file(built: Paths) -> None:
    page = (built.site / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    section = page.split('id="replies_text"', 1)[1].split("<h2", 1)[0]
    for f in FLAT_TABLE.fields:
        assert f"<code>{f.name}</code>" in section, f.name
    assert "全文" in section


def test_a_release_asset_is_linked_at_its_url() -> None:
    """Issue 13: a download too large for the site is linked where the release publishes it."""
    url = "https://github.com/o/r/releases/download/data-1.0/x.sqlite.gz"
    link = data._file_link({"path": "x.sqlite.gz", "url": url})
    assert link.startswith(f'<a href="{url}" rel="noopener noreferrer">x.sqlite.gz</a>') and "发布附件" in link
    assert data._file_link({"path": "x.csv"}) == '<a href="x.csv" download>x.csv</a>'


def test_the_sources_link_replies_csv_where_it_is_published(built: Paths) -> None:
    """Issue 13: at 100,000 letters replies.csv is a release asset, and the sources paragraph linked the
    file in the site that was not there (the link check failed the build)."""
    dataset = records.load(built)
    manifest = json.loads((built.site / "data" / "manifest.json").read_text(encoding="utf-8"))
    descriptor = json.loads((built.site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert '<a href="replies.csv" download>replies.csv</a>' in data.downloads(descriptor, manifest, dataset)
    url = "https://github.com/o/r/releases/download/data-1.0/replies.csv"
    released = {**manifest, "files": [{**f, "url": url} if f["path"] == "replies.csv" else f for f in manifest["files"]]}
    page = data.downloads(descriptor, released, dataset)
    assert 'href="replies.csv"' not in page and page.count(f'href="{url}"') >= 2  # its row and the sources


def test_only_the_data_page_waits_for_the_downloads(scratch: Paths) -> None:
    """Issue 13: the downloads child is the build's critical path (53 minutes at 100,000 letters), so
    every page but 数据下载 is made while it works, and that page is rendered again once its manifest is in:
    the same page MkDocs renders with the site's navigation, listing every file."""
    said: list[str] = []
    site.build(scratch, log=said.append)
    started = [m.removesuffix(" …") for m in said if m.endswith(" …")]
    waits = min(started.index("downloads, package check (wait)"), started.index("database (wait)"))
    assert {"mkdocs", "bulk pages", "publish-files", "api", "feeds"} <= set(started[:waits])
    assert started.index("data page") > waits
    page = (scratch.site / "data" / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((scratch.site / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert all(f'href="{f["path"]}"' in page for f in manifest["files"]) and manifest["files"]
    home = (scratch.site / "index.html").read_text(encoding="utf-8")
    assert _tabs(page) == _tabs(home) and len(_tabs(home)) > 3  # the site's navigation, as on every page


def test_a_failed_short_gram_index_fails_the_build_with_its_own_error(scratch: Paths,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the database's short-gram index is made in a child of its own, which the database child
    waits for. When it fails, the build stops with that child's error (not the database's "not made", and
    no wait for ever), and the site is not touched."""
    def fails(*_: object) -> None:
        raise BuildError("the short grams failed here")

    monkeypatch.setattr(sqlitedb, "write_short_index", fails)
    with pytest.raises(BuildError, match="the short grams failed here"):
        site.build(scratch)
    assert not scratch.site.exists()


def _tabs(html: str) -> list[str]:
    nav = re.search(r'<nav class="md-tabs".*?</nav>', html, flags=re.DOTALL)
    return [" ".join(t.split()) for t in re.findall(r'class="md-tabs__link[^"]*">(.*?)</a>', nav.group(0) if nav else "",
                                                   flags=re.DOTALL)]
