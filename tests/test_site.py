"""The built site: a page per reply, bounded page size, no third-party requests, escaped text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from build_scripts import records, siteurl
from build_scripts.paths import Paths
from tests.conftest import SEED_IDS

LOCAL = re.compile(r"^(?!https?:|//)", re.I)  # relative, absolute-path or data: URLs
CSS_URL = re.compile(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)|url\(\s*['\"]?([^'\")]+)", re.I)


class _Refs(HTMLParser):
    """Every URL an element makes the browser fetch, and every outgoing anchor."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.anchors: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.canonical: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.anchors.append((a["href"], a.get("rel", "")))
        for key in ("src", "srcset", "poster", "data"):
            if key in a:
                self.loads.extend(u.split()[0] for u in a[key].split(",") if u.strip())
        if tag == "link" and a.get("rel") == "canonical":  # names the page, never fetched
            self.canonical.append(a.get("href", ""))
        elif tag in ("link", "base", "form", "iframe", "embed") and ("href" in a or "action" in a):
            self.loads.append(a.get("href") or a.get("action", ""))
        if "style" in a:
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _refs(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_a_page_per_reply(built: Paths) -> None:
    dataset = records.load(built)
    assert [r.id for r in dataset.replies] == sorted(SEED_IDS)
    for reply in dataset.replies:
        page = built.site / "replies" / reply.id / "index.html"
        assert page.is_file(), reply.id
        html = page.read_text(encoding="utf-8")
        assert reply["agency"] in html and reply["raw_sha256"] in html
        letter = built.site / "letters" / reply.id / reply["raw_file"]
        assert letter.read_bytes() == reply.raw_path.read_bytes()


def test_index_pages_exist(built: Paths) -> None:
    for facet in ("agency", "region", "year", "kind", "category", "topic"):
        assert (built.site / "browse" / facet / "index.html").is_file(), facet
    assert (built.site / "browse" / "region" / "530112" / "index.html").is_file()
    assert (built.site / "browse" / "year" / "2023" / "index.html").is_file()
    assert (built.site / "browse" / "kind" / "tian" / "index.html").is_file()
    assert (built.site / "data" / "index.html").is_file() and (built.site / "data" / "dictionary" / "index.html").is_file()


def test_no_third_party_requests(built: Paths) -> None:
    offenders = []
    for page in built.site.rglob("*.html"):
        refs = _refs(page)
        offenders += [(page.name, u) for u in refs.loads if not LOCAL.match(u)]
        offenders += [(page.name, u) for u in refs.canonical if not u.startswith(siteurl.site_url())]
        for style in refs.styles:
            offenders += [(page.name, u) for m in CSS_URL.finditer(style) for u in m.groups() if u and not LOCAL.match(u)]
        # Outgoing anchors are navigation, not requests; every one we generate (a letter's source, the
        # licence) is marked rel="noopener", so an external link from anywhere else shows up here.
        offenders += [(page.name, h) for h, rel in refs.anchors if not LOCAL.match(h) and "noopener" not in rel]
    for sheet in built.site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        offenders += [(sheet.name, u) for m in CSS_URL.finditer(text) for u in m.groups() if u and not LOCAL.match(u)]
    assert offenders == []


def test_no_google_fonts(built: Paths) -> None:
    for page in built.site.rglob("*.html"):
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8")


def test_reply_pages_stay_out_of_global_nav(built: Paths) -> None:
    home = (built.site / "index.html").read_text(encoding="utf-8")
    assert "replies/" in home  # the newest replies are listed in the page body …
    nav_links = re.findall(r'<a href="([^"]*)"[^>]*class="md-(?:nav|tabs)__link', home)
    assert len(nav_links) >= 4 and not [h for h in nav_links if "replies/" in h]  # … but not in the navigation


def test_reply_page_html_size_is_bounded(built: Paths) -> None:
    sizes = [p.stat().st_size for p in (built.site / "replies").rglob("index.html")]
    assert max(sizes) < 60_000


def test_letter_text_is_escaped(scratch: Paths) -> None:
    from build_scripts import site, yamlio

    payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> [x](javascript:alert(1)) *em* {{ x }}'
    record_path = scratch.reply_record("530000-2021-tian-0079")
    record = yamlio.load(record_path.read_text(encoding="utf-8")).data
    record["title"] = "标题" + payload
    record["sections"][1]["heading"] = "一、" + payload
    record["sections"][1]["text"] = payload + "\n\n---\n\n# 不是标题"
    record["evidence"] = [e for e in record["evidence"] if e["field"] != "title"]  # it quoted the old title
    record_path.write_text(yamlio.dump(record), encoding="utf-8")
    site.build(scratch)
    html = (scratch.site / "replies" / "530000-2021-tian-0079" / "index.html").read_text(encoding="utf-8")
    refs = _refs(scratch.site / "replies" / "530000-2021-tian-0079" / "index.html")
    assert "x" not in refs.loads  # no <img src=x> element
    assert not [h for h, _ in refs.anchors if h.lower().startswith("javascript:")]
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<em>em</em>" not in html
    assert "<h1>不是标题" not in html and "<hr" not in html.split('class="letter-text"', 1)[1].split("</div>")[0]
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "<" not in title.group(1) and "＜script＞" in title.group(1)
