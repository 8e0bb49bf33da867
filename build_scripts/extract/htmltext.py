"""HTML to text: the page's visible text, one line per block element (``readers.read_bytes`` uses it).

Chrome is kept (the page metadata 索引号/发布日期/文号 lives there); ``layout`` decides what is letter.
Nesting has no limit here (issue 17): libxml2 stops at 256 levels (2,048 with ``huge_tree``) and
silently drops the rest, so a deeper page goes through the standard library's event parser.
"""

from __future__ import annotations

import re


class HtmlError(ValueError):
    """Not an HTML page (``readers`` reports it as a ReadError)."""


_BLOCK = frozenset(["address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "title"])
_CELL = frozenset(("td", "th"))
_SKIP = ("script", "style", "noscript", "template", "head")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_SOURCE_BREAK = re.compile(rf"(?<=[{_HAN}，。；：、“”（）])[ \t]*\n\s*(?=[{_HAN}，。；：、“”（）])")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def html_text(html: str) -> str:
    """The page's visible text, one line per block element; chrome included (layout leaves it out of the letter).

    libxml2 stops at 256 levels of nesting (2,048 with ``huge_tree``) and silently drops the rest,
    which left a page with a 300-deep ``<div>`` empty (issue 17): a page nested deeper than that is
    read by the standard library's event parser instead, which has no depth limit.
    """
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        if any("depth" in e.message.lower() for e in parser.error_log):
            return _deep_html_text(html)
        raise HtmlError(f"not an HTML page: {exc}") from None
    if any("depth" in e.message.lower() for e in parser.error_log):
        return _deep_html_text(html)
    title = root.findtext(".//title") or ""
    etree.strip_elements(root, *_SKIP, etree.Comment, with_tail=False)
    parts: list[str] = [title.strip(), "\n"] if title.strip() else []
    _walk(root, parts)
    return _lines(parts)


def _lines(parts: list[str]) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(root: object, out: list[str]) -> None:
    """Text in document order, without recursion (a page may nest thousands of elements)."""
    from lxml import etree

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "br" or tag in _BLOCK:
                out.append("\n")
            elif tag in _CELL:
                out.append(" ")
            if el.text:
                out.append(_inline(el.text))
        else:
            if tag in _BLOCK:
                out.append("\n")
            if el.tail and el is not root:
                out.append(_inline(el.tail))


def _deep_html_text(html: str) -> str:
    """``html_text`` by the standard library's parser: the same lines, at any depth of nesting."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.title: list[str] = []
            self.skip = 0
            self.in_title = False

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag in _SKIP:
                self.skip += 1
            elif tag == "title":
                self.in_title = True
            elif tag == "br" or tag in _BLOCK:
                self.parts.append("\n")
            elif tag in _CELL:
                self.parts.append(" ")

        def handle_endtag(self, tag: str) -> None:
            if tag in _SKIP:
                self.skip = max(self.skip - 1, 0)
            elif tag == "title":
                self.in_title = False
            elif tag in _BLOCK:
                self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            if self.in_title:
                self.title.append(data)
            elif not self.skip:
                self.parts.append(_inline(data))

    reader = Text()
    reader.feed(html)
    reader.close()
    title = "".join(reader.title).strip()
    return _lines(([title, "\n"] if title else []) + reader.parts)


def _inline(text: str) -> str:
    """Source line breaks inside a paragraph: dropped between Chinese characters, a space elsewhere."""
    text = _SOURCE_BREAK.sub("", text)
    return _SPACES.sub(" ", text.replace("\xa0", " "))
