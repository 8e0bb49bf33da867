"""How to cite a reply or the dataset: GB/T 7714-2015 ([EB/OL]) and plain English, with a copy button.

The access date (引用日期) is the reader's, not the build's: the page carries a placeholder that
``assets/citation.js`` fills with today's date. Without JavaScript it shows the data date (the
newest reply or publication date in the collection, ``Dataset.data_date``), so rebuilding never
changes a page, and a note says to put in the real access date. The data version is the package version.
"""

from __future__ import annotations

from build_scripts import dates, siteurl
from build_scripts.dataset import Dataset, Reply
from build_scripts.package import data_version
from build_scripts.pages import escape
from build_scripts.pages.urls import reply_url

PORTAL = "答复公开"
PORTAL_EN = "Dafu Gongkai (答复公开)"


def _access(date: str) -> str:
    return f'<span class="access-date" data-access-date>{escape.html(date)}</span>'


def reply_gbt(reply: Reply, version: str, url: str, access: str) -> str:
    """GB/T 7714-2015, the reply as part (//) of the dataset, with its publication date."""
    dated = reply["published_date"] or reply["reply_date"]
    doc = f": {escape.html(reply['doc_number'])}" if reply["doc_number"] else ""
    return (f"{escape.html(reply['agency'])}. {escape.html(reply['title'])}{doc}[EB/OL]//{PORTAL}. "
            f"{PORTAL}数据集: {escape.html(version)}版. "
            + (f"({escape.html(dated)})" if dated else "")
            + f"[{access}]. {escape.html(url)}.")


def reply_english(reply: Reply, version: str, url: str, access: str) -> str:
    dated = reply["published_date"] or reply["reply_date"]
    year = f" ({escape.html(dated[:4])})" if dated else ""
    number = f", No. {escape.html(reply['proposal_number'])}" if reply["proposal_number"] else ""
    return (f"{escape.html(reply['agency'])}{year}. “{escape.html(reply['title'])}”. Reply to "
            f"{escape.html(reply['assembly'])} {escape.html(reply['proposal_kind'])}{number}. "
            f"In {PORTAL_EN}, data version {escape.html(version)}. {escape.html(url)} (accessed {access}).")


def dataset_gbt(title: str, version: str, date: str, url: str, access: str) -> str:
    return (f"{PORTAL}. {escape.html(title)}: {escape.html(version)}版[EB/OL]. "
            f"({escape.html(date)})[{access}]. {escape.html(url)}.")


def dataset_english(title: str, version: str, date: str, url: str, access: str) -> str:
    return (f"{PORTAL_EN} ({escape.html(date[:4])}). {escape.html(title)}, version {escape.html(version)} "
            f"[dataset]. {escape.html(url)} (accessed {access}).")


def block(key: str, gbt: str, english: str, date: str) -> str:
    """The citation box: two citations, each with a copy button (shown only when JS runs)."""
    items = "".join(
        f'<div class="citation-item"><span class="citation-label">{label}</span>'
        f'<p class="citation-text" id="cite-{key}-{kind}"{lang}>{text}</p>'
        f'<button type="button" class="citation-copy" data-copy="cite-{key}-{kind}" hidden>复制</button></div>'
        for label, kind, lang, text in (("GB/T 7714", "gbt", "", gbt), ("English", "en", ' lang="en"', english))
    )
    note = (f'<p class="citation-note" data-access-note>引用日期（访问日期）此处显示为数据日期 {escape.html(date)}；'
            "启用 JavaScript 时自动填为今天，请以实际访问日期为准。</p>")
    return f'<div class="citation">{items}{note}</div>\n'


def section(reply: Reply, dataset: Dataset) -> str:
    """The 引用 section of a reply page."""
    version, _ = data_version(dataset)
    date = dataset.data_date.isoformat()
    url = siteurl.absolute(reply_url(reply.id))
    access = _access(date)
    return ("## 引用 { #cite }\n\n"
            + block("reply", reply_gbt(reply, version, url, access), reply_english(reply, version, url, access), date))


def dataset_section(dataset: Dataset, heading: str = "##") -> str:
    """The 引用 section of the downloads page: the dataset as a whole."""
    version, title = data_version(dataset)
    date = dataset.data_date.isoformat()
    url = siteurl.absolute("data/")
    access = _access(date)
    return (f"{heading} 引用本数据集 {{ #cite }}\n\n"
            + block("dataset", dataset_gbt(title, version, date, url, access),
                    dataset_english(title, version, date, url, access), date))


def plain(reply: Reply) -> str:
    """A plain-text citation, for the printed page: agency, title, 文号, date, site."""
    doc = f"（{reply['doc_number']}）" if reply["doc_number"] else ""
    when = dates.zh_text(reply["reply_date"]) if reply["reply_date"] else "日期未注明"
    return f"{reply['agency']}：《{reply['title']}》{doc}，{when}。答复公开收录"
