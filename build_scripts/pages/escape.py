"""Letter text is data: every way it can reach a page goes through one of these functions.

- ``html``: text inside raw HTML blocks (Markdown leaves those alone; line breaks become character
  references so no value can end the block). ``lines``: the same with each line break a <br>.
- ``md_inline``: text inside a Markdown heading: HTML-escaped, then Markdown's own
  punctuation backslash-escaped so nothing in a letter becomes a link, emphasis or attribute.
- ``meta``: text that MkDocs/Material print *unescaped* into templates (page.meta.title goes
  raw into <title>): characters that could open markup are replaced by their full-width forms.
- ``paragraphs``: a section's text as <p> lines, one per paragraph, with no blank lines so the
  whole block stays one raw HTML block.
- ``letter_name``: the name a raw letter is published under: only ``.txt``, ``.pdf`` and ``.docx``
  keep theirs; a web page (or anything else) received as a letter is served as text, never as a page
  of this site (its scripts and images would run and load here).
"""

from __future__ import annotations

import html as _html
import re

# Python-Markdown's ESCAPED_CHARS plus '|' (tables extension).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_META_MAP = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "{": "｛", "}": "｝", "\n": " ", "\r": " "})


_LINE_BREAKS = str.maketrans({"\n": "&#10;", "\r": "&#13;"})


def html(text: object) -> str:
    """Escaped for HTML, line breaks as character references: a blank line in a value can never
    end the raw HTML block it sits in, so Markdown never sees letter text (``***``, ``# x``)."""
    value = str(text)
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    value = _html.escape(value, quote=True)
    return value.translate(_LINE_BREAKS) if "\n" in value or "\r" in value else value


def lines(text: str) -> str:
    """Escaped, each line break shown as <br>."""
    return "<br>".join(html(line) for line in text.split("\n"))


def md_inline(text: str) -> str:
    escaped = _html.escape(_CONTROL.sub("", text).replace("\n", " "), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def meta(text: str) -> str:
    return _CONTROL.sub("", text).translate(_META_MAP).strip()


def paragraphs(text: str, cls: str = "letter-text") -> str:
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = "".join(f"<p>{lines(p)}</p>" for p in paras)
    return f'<div class="{cls}">{body}</div>'


# The only names a raw letter keeps (compared in lower case): types a browser shows as text, as a
# PDF or offers as a download, never as an active document. An allow-list: anything else (a web
# page, .xhtm, .svgz, .xml, a script, a name with no suffix) is published with ``.txt`` appended,
# served as text/plain (Issue 17: a deny-list missed .xhtm and .svgz).
INERT_SUFFIXES = (".txt", ".pdf", ".docx")


def letter_name(raw_file: str) -> str:
    """``letter.pdf`` keeps its name; ``letter.html`` → ``letter.html.txt``, ``letter.svgz`` → ``letter.svgz.txt``."""
    return raw_file if raw_file.lower().endswith(INERT_SUFFIXES) else raw_file + ".txt"
