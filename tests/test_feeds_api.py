"""Issue #5: feeds (Atom, JSON Feed 1.1), the static JSON API, citations and statistics."""

from __future__ import annotations

import csv
import gzip
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml

from build_scripts import feeds, records, siteurl, svgchart
from build_scripts.dataset import Reply
from build_scripts.fields import REPLY_FIELDS
from build_scripts.pages import citation, stats
from build_scripts.pages.facets import group
from build_scripts.pages.urls import DERIVED
from build_scripts.paths import Paths
from build_scripts.problems import BuildError

JSON_FEED_TOP = ("version", "title", "items")
JSON_FEED_ITEM = ("id",)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def _feed_files(built: Paths, ext: str) -> list[Path]:
    """The reply feeds (the 承诺事项 feed's items are commitments: tests/test_commitments.py)."""
    found = sorted(p for p in (built.site / "feeds").rglob(f"*.{ext}") if p.stem != "commitments")
    assert found, f"no .{ext} feeds were built"
    return found


def _records(built: Paths) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["id"]: r for r in json.loads(gzip.decompress((built.site / "data" / "replies.json.gz").read_bytes()))}


def test_every_agency_and_topic_has_both_feeds(built: Paths) -> None:
    replies = _records(built).values()
    topics = {t for r in replies for t in r["topics"]}
    names = {p.relative_to(built.site / "feeds").as_posix() for p in (built.site / "feeds").rglob("*")}
    for topic in topics:
        assert {f"topic/{topic}.atom", f"topic/{topic}.json"} <= names
    assert len([n for n in names if n.startswith("agency/")]) == 2 * len({r["agency"] for r in replies})
    assert {"replies.atom", "replies.json"} <= names


def test_atom_feeds_parse_with_item_dates_from_the_data(built: Paths) -> None:
    records_by_id = _records(built)
    for path in _feed_files(built, "atom"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.title and parsed.entries, path
        for entry in parsed.entries:
            rid = entry.link.rstrip("/").rsplit("/", 1)[1]
            record = records_by_id[rid]
            assert entry.link == siteurl.DEFAULT + f"replies/{rid}/"
            assert entry.updated[:10] == (record["published_date"] or record["reply_date"])
            assert entry.title == record["title"]


def test_json_feeds_follow_the_1_1_spec(built: Paths) -> None:
    for path in _feed_files(built, "json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all(k in data for k in JSON_FEED_TOP), path
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert data["feed_url"] == siteurl.DEFAULT + path.relative_to(built.site).as_posix()
        assert data["items"]
        for item in data["items"]:
            assert all(k in item for k in JSON_FEED_ITEM)
            assert isinstance(item["id"], str) and ("content_text" in item or "content_html" in item)
            assert RFC3339.match(item["date_published"])
            assert item["url"].startswith("http") and all(isinstance(a["name"], str) for a in item["authors"])
            assert all(k.startswith("_") or k in JSON_FEED_ITEM_KEYS for k in item)


JSON_FEED_ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
                       "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments"}


def test_feeds_use_portal_site_url(built: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = records.load(built)
    monkeypatch.setenv(siteurl.ENV, "https://dafu.example.org/portal")
    files = feeds.files(dataset)
    parsed = feedparser.parse(files["feeds/replies.atom"])
    assert all(e.link.startswith("https://dafu.example.org/portal/replies/") for e in parsed.entries)


def test_bad_site_url_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(siteurl.ENV, "javascript:alert(1)")
    with pytest.raises(BuildError) as err:
        siteurl.site_url()
    assert err.value.report is not None and err.value.report.errors[0].code == "bad-site-url"


def test_feed_links_are_in_the_page_head(built: Paths) -> None:
    home = (built.site / "index.html").read_text(encoding="utf-8")
    head = home.split("</head>", 1)[0]
    assert 'type="application/atom+xml"' in head and 'href="feeds/replies.atom"' in head
    topic_pages = sorted((built.site / "browse" / "topic").glob("*/index.html"))
    assert topic_pages
    for page in topic_pages:
        slug = page.parent.name
        assert f"feeds/topic/{slug}.atom" in page.read_text(encoding="utf-8").split("</head>", 1)[0]


def test_api_index_and_records(built: Paths) -> None:
    index = json.loads((built.site / "api" / "replies.json").read_text(encoding="utf-8"))
    records_by_id = _records(built)
    assert index["count"] == len(records_by_id) == len(index["replies"]) > 0
    for entry in index["replies"]:
        record = json.loads((built.site / "api" / "replies" / f"{entry['id']}.json").read_text(encoding="utf-8"))
        derived = record.pop(DERIVED)  # every key of the record as it is, and what is derived beside them
        assert record == records_by_id[entry["id"]]
        assert sorted(derived) == ["commitments", "figures", "threads"]
        assert entry["json"] == siteurl.DEFAULT + f"api/replies/{entry['id']}.json"
        assert entry["title"] == record["title"]
    page = (built.site / "api" / "index.html").read_text(encoding="utf-8")
    assert "curl -s" in page and "import pandas as pd" in page and "urlopen" in page


def _csv_rows(built: Paths, table: str, reply_id: str) -> list[dict[str, str]]:
    with (built.site / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["reply_id"] == reply_id]


def _as_csv(value: object) -> str:
    return "" if value is None else str(value)


SEED_DERIVED = {  # a commitment (its deadline words, deadline) and a figure (quote, yuan) each seed's letter holds
    "530000-2021-tian-0079": (("6月底", "2021-06-30"), ("4000万元", 40_000_000)),
    "530112-2020-yian-001": (("年内", "2020-12-31"), ("200万元", 2_000_000)),
}


@pytest.mark.parametrize("reply_id", sorted(SEED_DERIVED))
def test_seed_reply_api_file_holds_its_commitments_and_figures(built: Paths, reply_id: str) -> None:
    """Issue 13: what api/derived/<id>.json held is in the reply's own file, row for row as the tables have it."""
    record = json.loads((built.site / "api" / "replies" / f"{reply_id}.json").read_text(encoding="utf-8"))
    derived = record[DERIVED]
    for table in ("commitments", "figures"):
        rows = _csv_rows(built, table, reply_id)
        assert rows and derived[table], f"seed {reply_id} has {table}"
        assert [{k: _as_csv(v) for k, v in item.items()} for item in derived[table]] == [
            {k: v for k, v in row.items() if k in derived[table][0]} for row in rows]
    (words, deadline), (quote, yuan) = SEED_DERIVED[reply_id]
    assert any(c["deadline_words"] == words and c["deadline"] == deadline for c in derived["commitments"])
    assert any(f["quote"] == quote and f["yuan"] == yuan for f in derived["figures"])


def test_no_api_derived_file_is_written(built: Paths) -> None:
    """Issue 13: one API file per reply; api/derived/ is gone, nothing links into it, the API page says so."""
    assert sorted(p.stem for p in (built.site / "api" / "replies").glob("*.json")) == sorted(_records(built))
    assert not (built.site / "api" / "derived").exists()
    hrefs = [h for p in built.site.rglob("*.html") for h in re.findall(r'href="([^"]*)"', p.read_text(encoding="utf-8"))]
    assert hrefs and not [h for h in hrefs if "api/derived" in h]
    page = (built.site / "api" / "index.html").read_text(encoding="utf-8")
    assert 'id="changes"' in page and "<code>/api/derived/&lt;编号&gt;.json</code> 已并入" in page
    assert 'href="../api/#changes"' in (built.site / "changelog" / "index.html").read_text(encoding="utf-8")


def test_no_record_field_is_named_like_the_derived_key() -> None:
    assert DERIVED not in {f.name for f in REPLY_FIELDS}


def test_citation_formats() -> None:
    reply = Reply({"agency": "云南省民政厅", "title": "对<提案>的答复", "doc_number": "云民发〔2021〕118号",
                   "published_date": "2021-06-04", "reply_date": "2021-05-28", "assembly": "政协云南省委员会",
                   "proposal_kind": "提案", "proposal_number": "0079"}, Path("."))
    gbt = citation.reply_gbt(reply, "0.2.0", "https://x.org/replies/a/", "ACCESS")
    assert gbt == ("云南省民政厅. 对&lt;提案&gt;的答复: 云民发〔2021〕118号[EB/OL]//答复公开. 答复公开数据集: 0.2.0版. "
                   "(2021-06-04)[ACCESS]. https://x.org/replies/a/.")
    english = citation.reply_english(reply, "0.2.0", "https://x.org/replies/a/", "ACCESS")
    assert "data version 0.2.0" in english and "(accessed ACCESS)" in english


def test_reply_page_citation_has_no_build_time(built: Paths) -> None:
    dataset = records.load(built)
    page = (built.site / "replies" / "530000-2021-tian-0079" / "index.html").read_text(encoding="utf-8")
    assert "[EB/OL]" in page and "数据版本" not in page.split("GB/T 7714", 1)[0]
    assert f'data-access-date>{dataset.data_date.isoformat()}</span>' in page
    assert page.index('id="cite"') < page.index('id="record"')


@pytest.mark.browser
def test_copy_button_copies_citation_with_todays_date(browser: object, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(site_url + "replies/530100-2023-tian-142282/")
    today = page.evaluate("(() => { const d = new Date(); return d.getFullYear() + '-' + "
                          "String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()")
    assert page.locator("[data-access-date]").first.text_content() == today
    page.locator("button[data-copy='cite-reply-gbt']").click()
    page.wait_for_selector("button[data-copied]")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("昆明市民政局. ") and f"[{today}]" in copied and "[EB/OL]" in copied
    context.close()


@pytest.mark.browser
def test_stats_chart_labels_render(page: object, site_url: str, built: Paths) -> None:
    page.goto(site_url + "stats/")  # type: ignore[attr-defined]
    widths = page.evaluate(  # type: ignore[attr-defined]
        "Array.from(document.querySelectorAll('svg.bar-chart text')).map(t => t.getComputedTextLength())")
    assert widths and all(w > 0 for w in widths)
    dataset = records.load(built)
    charted = [f for f in stats.counted(dataset) if group(dataset.replies, f)]  # the seeds name no 办理方式
    assert page.locator("svg.bar-chart").count() == len(charted)  # one chart per counted facet with values; type: ignore[attr-defined]


def test_svg_chart_escapes_labels_and_is_well_formed() -> None:
    svg = svgchart.bar_chart([svgchart.Bar('<script>alert("x")</script> & 局', 3), svgchart.Bar("民政局", 1)],
                             title="a<b", chart_id="c")
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == '<script>alert("x")</script> & 局' and "<script>" not in svg


def test_stats_numbers_match_the_records(built: Paths) -> None:
    html = (built.site / "stats" / "index.html").read_text(encoding="utf-8")
    years = {}
    for r in _records(built).values():
        y = (r["reply_date"] or r["published_date"])[:4]
        years[y] = years.get(y, 0) + 1
    for year, count in years.items():
        assert re.search(rf'{year}年</a></td><td class="num">{count}</td>', html)


def test_letter_text_is_escaped_in_feeds_api_svg_and_pages(scratch: Paths) -> None:
    from build_scripts import site

    nasty_title = '关于<script>alert("t")</script>&amp;]]>的答复'
    nasty_agency = "云南省民政厅<b>&"
    path = scratch.reply_record("530000-2021-tian-0079")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", "title: '" + nasty_title + "'", text)
    text = re.sub(r"(?m)^agency: .*$", "agency: " + nasty_agency, text)
    record = yaml.safe_load(text)
    record["evidence"] = [e for e in record["evidence"] if e["field"] not in ("title", "agency")]  # old values
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site.build(scratch)
    parsed = feedparser.parse((scratch.site / "feeds" / "replies.atom").read_bytes())
    assert not parsed.bozo
    entry = next(e for e in parsed.entries if e.link.endswith("530000-2021-tian-0079/"))
    assert entry.title == nasty_title and entry.author == nasty_agency
    feed = json.loads((scratch.site / "feeds" / "replies.json").read_text(encoding="utf-8"))
    assert any(i["title"] == nasty_title for i in feed["items"])
    record = json.loads((scratch.site / "api" / "replies" / "530000-2021-tian-0079.json").read_text(encoding="utf-8"))
    assert record["title"] == nasty_title
    for rel in ("stats/index.html", "data/index.html", "replies/530000-2021-tian-0079/index.html", "api/index.html",
                "browse/agency/index.html"):
        html = (scratch.site / rel).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>&" not in html, rel
    stats = (scratch.site / "stats" / "index.html").read_text(encoding="utf-8")
    for svg in re.findall(r"<svg .*?</svg>", stats, flags=re.DOTALL):
        ET.fromstring(svg)
    assert "云南省民政厅&lt;b&gt;&amp;" in stats


def test_api_page_pandas_example_runs(built: Paths, site_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import html as html_mod
    import urllib.request

    page = (built.site / "api" / "index.html").read_text(encoding="utf-8")
    code = next(html_mod.unescape(re.sub(r"<[^>]+>", "", block))
                for block in re.findall(r"<pre.*?</pre>", page, flags=re.DOTALL) if "import pandas" in block)
    real = urllib.request.urlopen

    def local(url: str) -> object:  # the built site's URLs point at PORTAL_SITE_URL; serve them locally
        return real(url.replace(siteurl.DEFAULT, site_url))

    monkeypatch.setattr(urllib.request, "urlopen", local)
    scope: dict[str, object] = {}
    exec(compile(code, "api-example", "exec"), scope)  # noqa: S102 - our own generated example
    assert len(scope["replies"]) == len(_records(built))  # type: ignore[arg-type]
    assert list(scope["sections"].columns) == ["heading", "level", "text"]  # type: ignore[attr-defined]
    assert {"sentence", "deadline", "start", "end"} <= set(scope["commitments"].columns)  # type: ignore[attr-defined]
