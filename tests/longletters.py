"""Long letters for the tests of 分页显示: records written into a scratch repo, built from a seed."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from build_scripts import yamlio
from build_scripts.paths import Paths

SEED = "530112-2020-yian-001"
SENTENCE = "社区工作者队伍建设是基层治理的基础工作，各街道要按照“一社区一方案”的要求落实经费保障和人员配备"


def paragraph(n: int, sentences: int = 6) -> str:
    """A paragraph of ``sentences`` numbered sentences (so every part of the text is distinct)."""
    return "".join(f"{SENTENCE}（第{n}段第{k}句）。" for k in range(1, sentences + 1))


def sections_many() -> list[dict[str, Any]]:
    """An ordinary long letter: a salutation, titled sections and subsections, about 150 KB of text."""
    out: list[dict[str, Any]] = [{"heading": None, "level": 0, "text": "陆林代表：\n\n您提出的建议收悉，现答复如下："}]
    number = 0
    for top in range(1, 7):
        out.append({"heading": f"{'一二三四五六'[top - 1]}、第{top}部分的办理情况", "level": 1,
                    "text": "\n\n".join(paragraph(number := number + 1) for _ in range(3))})
        for sub in range(1, 4):
            out.append({"heading": f"（{'一二三'[sub - 1]}）第{top}.{sub}项工作", "level": 2,
                        "text": "\n\n".join(paragraph(number := number + 1) for _ in range(8))})
    return out


def sections_one_paragraph() -> list[dict[str, Any]]:
    """One section whose text is a single paragraph of about 90 KB (sentences, no blank line; a cell of the
    spreadsheet download holds at most 32,767 characters, so one text stays below that)."""
    return [{"heading": "一、办理情况", "level": 1, "text": "".join(paragraph(n) for n in range(1, 91))}]


def sections_one_sentence() -> list[dict[str, Any]]:
    """A single sentence of about 90 KB: no blank line, no sentence end until the last character."""
    return [{"heading": None, "level": 0, "text": "，".join(f"第{n}项{SENTENCE[:20]}" for n in range(1, 1150)) + "。"}]


def add(paths: Paths, number: str, sections: list[dict[str, Any]], **fields: Any) -> str:
    """Write a record (a copy of the seed with its own id, number, 文号, text and letter); return its id."""
    seed = paths.replies / SEED
    data = yamlio.load((seed / "reply.yaml").read_text(encoding="utf-8")).data
    reply_id = f"530112-2020-yian-{number}"
    raw = "\n\n".join((s["heading"] + "\n" if s["heading"] else "") + s["text"] for s in sections).encode("utf-8") + b"\n"
    data.update({"id": reply_id, "proposal_number": number, "title": f"关于第{number}号议案答复的函",
                 "doc_number": f"西民函〔2020〕{number}号", "sections": sections, "raw_file": "letter.txt",
                 "raw_sha256": hashlib.sha256(raw).hexdigest(), "notes": [], "evidence": [], **fields})
    folder = paths.replies / reply_id
    folder.mkdir()
    (folder / "letter.txt").write_bytes(raw)
    (folder / "reply.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6),
                                       encoding="utf-8")
    return reply_id


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


MANY, ONE_PARAGRAPH, ONE_SENTENCE = "530112-2020-yian-901", "530112-2020-yian-902", "530112-2020-yian-903"


def add_all(paths: Paths) -> list[str]:
    """The three long letters: many sections, one giant paragraph, one giant sentence."""
    return [add(paths, "901", sections_many()), add(paths, "902", sections_one_paragraph()),
            add(paths, "903", sections_one_sentence())]
