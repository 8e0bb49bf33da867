"""Issue 13: every page flat in N; the site's size, file count and budgets.

Lists that grow with the records (statistics by agency or proposer, the changelog's ids, sources)
show their top entries and link to the full list (browse pages, CSV). The limits are lowered here
so the seeds exceed them; the benchmark (`benchmarks/bench_build.py`) measures the pages at scale.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_scripts import records, site, sitesize
from build_scripts.pages import changelog, stats
from build_scripts.pages.facets import facets, group, value_url
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from build_scripts.releases import Diff
from build_scripts.settings import Settings

SEEDS = ("530000-2021-tian-0079", "530112-2020-yian-001")


def test_stats_show_the_top_values_and_link_to_all(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = records.load(Paths())
    agencies = group(dataset.replies, next(f for f in facets(dataset) if f.slug == "agency"))
    assert len(agencies) > 2
    monkeypatch.setattr(stats, "TOP", 2)
    page = stats.render(dataset)
    section = page.split("{ #agency }", 1)[1].split("\n## ", 1)[0]
    assert section.count("<tr><td>") == 2
    assert f"共 {len(agencies)} 个" in section and 'href="../browse/agency/"' in section
    assert 'href="counts.csv" download' in section
    years = page.split("{ #year }", 1)[1].split("\n## ", 1)[0]  # one row per year, all shown
    assert years.count("<tr><td>") == len({(r["reply_date"] or r["published_date"])[:4] for r in dataset.replies})


def test_counts_csv_has_every_value_of_every_facet() -> None:
    dataset = records.load(Paths())
    rows = list(csv.DictReader(io.StringIO(stats.counts_csv(dataset))))
    for facet in stats.counted(dataset):
        groups = group(dataset.replies, facet)
        got = {r["page"]: int(r["replies"]) for r in rows if r["facet"] == facet.slug}
        assert got == {value_url(facet.slug, slug, replies): len(replies) for slug, (_, replies) in groups.items()}
    proposers = {r["value"]: r["page"] for r in rows if r["facet"] == "proposer"}
    assert proposers["陆林"] == "replies/530112-2020-yian-001/"  # one reply: no page of their own


def test_changelog_lists_the_first_ids_and_the_csv_all(monkeypatch: pytest.MonkeyPatch) -> None:
    added = sorted(SEEDS) + ["530111-2023-tian-102114"]
    diff = Diff(version="0.2.0", previous="0.1.0", released=False, data_date="2024-01-01", added=added)
    monkeypatch.setattr(changelog, "TOP", 2)
    page = changelog.render([diff])
    assert page.count("<li>") == 2 and "共 3 件" in page and 'href="changes.csv" download' in page
    rows = list(csv.reader(io.StringIO(changelog.changes_csv([diff]))))
    assert rows == [["version", "change", "id", "detail"]] + [["0.2.0", "added", rid, ""] for rid in added]


def test_built_site_links_to_the_csvs(built: Paths) -> None:
    assert (built.site / "stats" / "counts.csv").is_file()
    assert (built.site / "changelog" / "changes.csv").is_file()
    changes = (built.site / "changelog" / "changes.csv").read_text(encoding="utf-8")
    for seed in SEEDS:
        assert f",added,{seed}," in changes


def test_page_kinds() -> None:
    assert sitesize.kind("index.html") == "index.html"
    assert sitesize.kind("replies/x/index.html") == "replies/*"
    assert sitesize.kind("browse/agency/x/2/index.html") == "browse/*/*/*"


def test_measure_counts_every_file_and_the_largest_page_of_each_kind(built: Paths) -> None:
    size = sitesize.measure(built.site)
    files = [p for p in built.site.rglob("*") if p.is_file()]
    assert size.files == len(files) and size.bytes == sum(p.stat().st_size for p in files)
    replies = [p for p in (built.site / "replies").glob("*/index.html")]
    path, n = size.largest["replies/*"]
    assert n == max(p.stat().st_size for p in replies) and (built.site / path).stat().st_size == n
    assert size.over == []


def test_the_site_measured_in_two_parts_is_the_site_measured_whole(built: Paths) -> None:
    """Issue 13: the build measures all but the folders its children fill while they run, and those last
    (``sitesize.Early``): the parts add up to the whole, the data page (rendered again last) in the second."""
    whole = sitesize.measure(built.site)
    first, last = sitesize.measure(built.site, skip=site.PENDING), sitesize.measure(built.site, only=site.PENDING)
    assert first.files and last.files and first.files + last.files == whole.files
    assert first + last == whole
    assert not any(rel.startswith(site.PENDING) for rel, _ in first.largest.values())
    assert last.largest["data"] == whole.largest["data"] == ("data/index.html", (built.site / "data/index.html").stat().st_size)


def test_a_page_over_the_budget_fails_the_build_naming_it(scratch: Paths) -> None:
    with pytest.raises(BuildError) as err:
        site.build(scratch, settings=Settings(page_bytes=40_000))
    report = err.value.report
    assert report is not None and {p.code for p in report.errors} == {"page-too-large"}
    assert any(p.file.startswith("replies/") for p in report.errors)
    assert all(re.search(r"has [0-9,]+ bytes, over the 40,000-byte budget", p.message) for p in report.errors)
    assert not scratch.site.exists()


def test_a_site_over_the_budget_fails_the_build_with_its_size(scratch: Paths) -> None:
    with pytest.raises(BuildError) as err:
        site.build(scratch, settings=Settings(site_bytes=1_000_000))
    report = err.value.report
    assert report is not None and [p.code for p in report.errors] == ["site-too-large"]
    message = report.errors[0].message
    assert "over the 1 MB budget" in message and "Settings.site_bytes" in message and " files" in message
    assert "MB as a tar)" in message
    assert not scratch.site.exists()


def test_cli_build_prints_the_site_size(scratch: Paths) -> None:
    result = subprocess.run([sys.executable, "-m", "build_scripts", "--root", str(scratch.root), "build", "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    size = sitesize.measure(scratch.site)
    assert f"site: {size.summary()}" in result.stdout.splitlines()


@pytest.mark.parametrize("name_length", [95, 96, 120])
def test_tar_size_is_what_gnu_tar_makes(built: Paths, tmp_path: Path, name_length: int) -> None:
    """The site budget is on the tar GitHub Pages receives: headers, padding and long names counted
    (a name over 100 bytes, multibyte ones too, gets an entry of its own)."""
    site_dir = tmp_path / "site"
    shutil.copytree(built.site, site_dir)
    for i in range(30):
        folder = site_dir / f"{i:03d}{'a' * name_length}"
        folder.mkdir()
        (folder / "index.html").write_text("x" * (1000 + 37 * i), encoding="utf-8")
        (site_dir / "中文").mkdir(exist_ok=True)
        (site_dir / "中文" / f"{i}{'文' * 33}").write_text("y" * i, encoding="utf-8")
    archive = tmp_path / "site.tar"
    subprocess.run(["tar", "--directory", str(site_dir), "-cf", str(archive), "."], check=True)
    assert sitesize.measure(site_dir).tar == archive.stat().st_size
