"""Issue 6: payloads that are valid text build, and every page built from them is inert in a real
browser: no script ran, no element was injected, no request left the site, the text shows as written.

Each case in inert/ becomes a copy of a seed (id ``inert-<case>``) with its payload in every
free-text field (``corpus.inject``, driven by the field list); one build holds them all.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from conftest import copy_inputs, serve
from corpus import PAYLOAD_ID, Case, apply_payload, inert_cases

from build_scripts import site
from build_scripts.pages import escape
from build_scripts.paths import Paths

CASES = inert_cases()

# Installed in every frame before the page's own scripts (page.add_init_script): records any payload
# that runs while the page is open (the payloads set __pwned; alert, confirm, prompt, print and open are
# recorded too), and tracks the timers the page has set and not yet run. ``__inert.settled()`` waits
# for the load event, then for every such timer to have run once, then for a frame and a task: the
# page has nothing left to run, and a payload delayed by a timer has run by then. Timers set by the
# theme's bundle (its RxJS schedulers, 100 and 250 ms) are not waited for, nor any set beyond 5 s.
HOOK = """(() => {
  const hits = (() => {
    try { if (window.top !== window && window.top.__inert) return window.top.__inert.hits; } catch (e) { /* another origin */ }
    return [];
  })();
  const hit = (what) => hits.push(`${what} (in ${location.href})`);
  let pwned;
  Object.defineProperty(window, "__pwned", {
    get() { return pwned; },
    set(value) { pwned = value; hit(`window.__pwned = ${String(value)}`); },
  });
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = (...args) => { hit(`${name}(${args.map(String).join(", ")})`); return null; };
  }
  const THEME = /\\/assets\\/javascripts\\/bundle\\.[^/]*\\.js/;
  const pending = new Set(), waiting = [], nativeTimeout = window.setTimeout;
  const ran = (id) => { if (pending.delete(id) && !pending.size) waiting.splice(0).forEach((wake) => wake()); };
  for (const [set, clear] of [["setTimeout", "clearTimeout"], ["setInterval", "clearInterval"]]) {
    const nativeSet = window[set], nativeClear = window[clear];
    window[set] = function (handler, delay, ...args) {
      const run = typeof handler === "function" ? handler : () => (0, eval)(String(handler));
      const id = nativeSet.call(window, function () { ran(id); return run.apply(this, args); }, delay);
      if (!(Number(delay) > 5000) && !THEME.test(new Error().stack)) pending.add(id);
      return id;
    };
    window[clear] = (id) => { ran(id); return nativeClear.call(window, id); };
  }
  const flush = () => new Promise((done) => requestAnimationFrame(() => nativeTimeout(done, 0)));
  window.__inert = { hits, settled: async () => {
    if (document.readyState !== "complete") await new Promise((done) => addEventListener("load", done, { once: true }));
    for (let round = 0; round < 100; round++) {
      if (pending.size) await new Promise((wake) => waiting.push(wake));
      await flush();
      if (!pending.size) return true;
    }
    return false;
  } };
})();"""

SETTLED = "async () => (await window.__inert.settled()) ? [] : ['the page kept setting timers: it never settled']"

# Run in every page once it has settled: everything that would show a payload escaped into markup.
FIND_INJECTED = """() => {
  const bad = window.__inert.hits.map((h) => `a payload ran: ${h}`);
  if (window.__pwned !== undefined) bad.push('window.__pwned was set: a payload ran');
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) bad.push(`<${el.localName} ${a.name}>: event handler`);
      if (/^data-pwned/i.test(a.name)) bad.push(`<${el.localName} ${a.name}>: injected element`);
      if (/^\\s*javascript:/i.test(a.value)) bad.push(`<${el.localName} ${a.name}="${a.value}">`);
    }
  }
  for (const s of document.scripts) {
    if (s.src && new URL(s.src).origin !== location.origin) bad.push(`script from ${s.src}`);
    if (/pwned/i.test(s.textContent)) bad.push('script with a payload');
  }
  for (const sel of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]']) {
    if (document.querySelector(sel)) bad.push(`<${sel}> in the page`);
  }
  for (const f of document.forms) {  // the site's own search forms submit to the site; nothing else may
    if (new URL(f.getAttribute('action') || '', location.href).origin !== location.origin) bad.push(`<form action=${f.action}>`);
  }
  for (const a of document.querySelectorAll('a[href*="evil.example"], img[src*="evil.example"]')) {
    bad.push(`<${a.localName}> to another site: ${a.href || a.src}`);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Paths, str, dict[str, Case]]]:
    assert CASES, "no inert payload cases found"
    paths = copy_inputs(tmp_path_factory.mktemp("inert") / "repo")
    ids = {apply_payload(case, paths.root): case for case in CASES}
    site.build(paths)  # valid text: the build must succeed
    server, url = serve(paths.site)
    yield paths, url, ids
    server.shutdown()


_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)">')


def pages_with_payloads(site_dir: Path) -> list[str]:
    """Every built page that shows a payload record or payload text: its own page, indexes,
    browse pages, the data-quality page."""
    found = [p.relative_to(site_dir).as_posix() for p in sorted(site_dir.rglob("*.html"))
             if PAYLOAD_ID in (text := p.read_text(encoding="utf-8")) or "pwned" in text]
    return found


def test_every_payload_record_built(payload_site: tuple[Paths, str, dict[str, Case]]) -> None:
    paths, _, ids = payload_site
    for reply_id in ids:
        assert (paths.site / "replies" / reply_id / "index.html").is_file()
    assert len(pages_with_payloads(paths.site)) > len(ids)


def test_forbidden_results_never_appear(payload_site: tuple[Paths, str, dict[str, Case]]) -> None:
    """Template syntax is text: {{ 12345*6789 }} never becomes 83810205 anywhere in the site."""
    paths, _, ids = payload_site
    forbidden = [(case.name, text) for case in ids.values() for text in case.spec.get("forbid") or ()]
    assert forbidden
    for page in paths.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for name, text in forbidden:
            assert text not in html, f"{name}: {text!r} in {page}"


def _watch(page: Any, base: str) -> dict[str, list[str]]:
    """Install the hook in every page to come; collect dialogs, script errors and requests that leave the site."""
    seen: dict[str, list[str]] = {"dialogs": [], "errors": [], "requests": []}
    page.add_init_script(HOOK)

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    def on_route(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            seen["requests"].append(route.request.url)
            route.abort()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.route("**/*", on_route)
    return seen


@pytest.mark.browser
def test_pages_built_from_payloads_are_inert(payload_site: tuple[Paths, str, dict[str, Case]], page: Any) -> None:
    paths, url, _ = payload_site
    seen = _watch(page, url)
    targets = pages_with_payloads(paths.site)
    assert targets
    problems: list[str] = []
    for rel in targets:
        # a page that only sends the reader on (a proposal answered once) must land where it says, in the site
        sends_to = _REFRESH.search((paths.site / rel).read_text(encoding="utf-8"))
        expected = urljoin(url + rel, html.unescape(sends_to.group(1))) if sends_to else url + rel
        if sends_to:
            page.goto(url + rel, wait_until="commit")
            page.wait_for_url(expected, wait_until="load")
        else:
            page.goto(url + rel, wait_until="load")
        try:
            found = page.evaluate(SETTLED) + page.evaluate(FIND_INJECTED)
        except Exception as exc:  # noqa: BLE001 - a payload that navigates destroys the page's context
            found = [f"the page could not be inspected: {exc}"]
        if page.url != expected or not expected.startswith(url):
            found.append(f"navigated away to {page.url}")
        problems += [f"{rel}: {p}" for p in found]
    problems += [f"dialog: {d}" for d in seen["dialogs"]]
    problems += [f"script error: {e}" for e in seen["errors"]]
    problems += [f"request left the site: {r}" for r in seen["requests"]]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_payload_text_shows_as_written(payload_site: tuple[Paths, str, dict[str, Case]], page: Any) -> None:
    """Escaped, not swallowed: each reply page's heading is the payload, character for character."""
    _, url, ids = payload_site
    for reply_id, case in ids.items():
        page.goto(f"{url}replies/{reply_id}/", wait_until="load")
        heading = page.locator("article h1").first.text_content() or ""
        assert _squash(heading) == _squash(str(case.spec["payload"])), f"{case.name}: h1 is {heading!r}"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.browser
def test_raw_letters_are_published_as_text(payload_site: tuple[Paths, str, dict[str, Case]], page: Any) -> None:
    """A raw letter that is a web page, XHTML or SVG (issue 17: .xhtm, .svgz) is kept byte for byte but
    never served as a page of this site: Chromium shows it as text, nothing in it runs or loads."""
    paths, url, ids = payload_site
    letters_cases = {i: c for i, c in ids.items() if c.spec.get("letter")}
    assert {c.spec["letter"]["name"] for c in letters_cases.values()} >= {"letter.html", "letter.xhtm", "letter.svgz"}
    seen = _watch(page, url)
    for reply_id, case in letters_cases.items():
        name = case.spec["letter"]["name"]
        letters = paths.site / "letters" / reply_id
        assert not (letters / name).exists()
        published = letters / escape.letter_name(name)
        assert published.name == name + ".txt"
        assert published.read_bytes() == (paths.replies / reply_id / name).read_bytes()
        response = page.goto(f"{url}letters/{reply_id}/{published.name}", wait_until="load")
        assert response is not None and response.headers["content-type"].startswith("text/plain"), case.name
        assert page.evaluate(SETTLED) == []
        assert page.evaluate("() => window.__inert.hits") == [], case.name
        assert page.evaluate("() => window.__pwned === undefined && !document.querySelector('[data-pwned], script, svg')")
        assert "__pwned" in (page.text_content("body") or ""), f"{case.name}: the letter is not shown as text"
        html = (paths.site / "replies" / reply_id / "index.html").read_text(encoding="utf-8")
        assert f'href="../../letters/{reply_id}/{published.name}"' in html
    assert not seen["requests"] and not seen["dialogs"]


def test_formulas_are_neutralised_in_the_excel_files_only(payload_site: tuple[Paths, str, dict[str, Case]]) -> None:
    """Issue 17: a payload that starts like a formula is verbatim in the canonical CSV and begins with an
    apostrophe in every cell of the Excel 版 CSVs and the workbook."""
    import csv
    import io
    import zipfile

    import openpyxl

    paths, _, ids = payload_site
    payloads = {str(c.spec["payload"]) for c in ids.values() if c.spec.get("formula")}
    assert len(payloads) >= 2
    data = paths.site / "data"
    canonical = {t.name: list(csv.reader(io.StringIO(t.read_text(encoding="utf-8"), newline="")))
                 for t in data.glob("*.csv")}
    excel = {str(t): list(csv.reader(io.StringIO(t.read_text(encoding="utf-8-sig"), newline="")))
             for t in (data / "excel").rglob("*.csv")}  # the flat files' Excel 版
    for archive in (data / "excel").glob("*.zip"):  # the tables' Excel 版 CSVs, zipped (issue 13)
        with zipfile.ZipFile(archive) as z:
            excel |= {n: list(csv.reader(io.StringIO(z.read(n).decode("utf-8-sig"), newline="")))
                      for n in z.namelist() if n.endswith(".csv")}
    assert len(excel) > len(list(data.glob("*.csv")))
    book = openpyxl.load_workbook(next((data / "excel").glob("*.xlsx")), read_only=True)
    sheets = {ws.title: [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
              for ws in book}
    for payload in payloads:
        assert sum(row.count(payload) for rows in canonical.values() for row in rows) >= 5, payload
        for name, tables in (("Excel CSV", excel), ("workbook", sheets)):
            cells = [c for rows in tables.values() for row in rows[1:] for c in row]
            assert payload not in cells, f"{name}: {payload!r} verbatim"
            assert cells.count("'" + payload) >= 5, f"{name}: {payload!r} not neutralised"
            assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))], name
