"""Deterministic synthetic corpus: N long letters built from the seed records' structure and a real vocabulary.

Each letter copies a seed's assembly, region and category scheme (so it validates), and gets its
own id, proposal number, agency, proposers, dates and 文号; its body has as many paragraphs as a
seed letter drawn at random (9–18, ± 2: version 2 drew 14–22, a third longer than the seeds on
average), each as long as a seed paragraph drawn at random. One proposal in five is answered by
two or three agencies (``SHARED_PROPOSALS``: the lead 主办 and 会办 co-handlers, each with its own
id). One paragraph in five is that seed paragraph (the domain's phrases: 社区, 社工站, …); the others are written from a real Chinese vocabulary: the word
frequencies of jieba's dictionary (349,046 words counted in a large corpus, `jieba/dict.txt`).
Each letter has a subject of its own, 300 words drawn by frequency, and takes 60 % of its words
from it and 40 % from the whole dictionary by frequency, so a letter repeats its subject's words
as real letters on roads, schools, water or pensions do, while the corpus as a whole keeps meeting
new words and new grams as N grows (issue 13: drawing only from the five seeds, 10,000 letters
saw the seeds' vocabulary only). Output: a scratch repo (records + raw letters + vocab + docs +
mkdocs.yml).

    python -m benchmarks.synthetic 1000 build/bench/n1000
"""

from __future__ import annotations

import hashlib
import itertools
import os
import random
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from build_scripts import records, yamlio
from build_scripts.paths import REPO_ROOT, Paths

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红林建国志文斌辉鹏宇浩凯飞雪梅琳晨阳海波"
AGENCIES = ("民政局", "住房和城乡建设局", "财政局", "人力资源和社会保障局", "卫生健康局", "教育体育局",
            "城市管理局", "司法局", "公安分局", "残疾人联合会")


SEED_IDS = ("530000-2021-tian-0079", "530100-2023-tian-142282", "530111-2023-tian-102114",
            "530112-2020-yian-001", "610102-2023-jianyi-11")
"""The five seeds (as in tests/conftest.py): the templates, however many records the repo holds."""


def seed_records() -> list[dict[str, Any]]:
    ds = records.load(Paths())
    out = []
    for r in (r for r in ds.replies if r.id in SEED_IDS):
        data = yamlio.load(r.folder.joinpath("reply.yaml").read_text("utf-8")).data
        out.append(data)
    return out


def paragraphs(seeds: list[dict[str, Any]]) -> list[str]:
    paras = []
    for s in seeds:
        for section in s["sections"]:
            paras += [p for p in section["text"].split("\n\n") if len(p) > 20]
    return paras


class Vocabulary:
    """jieba's dictionary: Chinese words and their frequencies, for drawing words as text has them."""

    SUBJECT_WORDS = 300
    FROM_SUBJECT = 0.6

    def __init__(self) -> None:
        import jieba  # benchmarks only: `pip install jieba` (pyproject's `bench` extra)

        words, weights = [], []
        with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
            for line in f:
                word, freq, _ = line.split(" ")
                if _HAN.fullmatch(word):
                    words.append(word)
                    weights.append(int(freq))
        self.words = words
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)

    def subject(self, rng: random.Random) -> list[str]:
        return self.draw(rng, self.SUBJECT_WORDS)

    def paragraph(self, rng: random.Random, subject: list[str], length: int) -> str:
        """About ``length`` characters of sentences of 6–24 words, each word from the subject or the whole vocabulary."""
        out: list[str] = []
        size = 0
        while size < length:
            for _ in range(rng.randrange(6, 25)):
                word = rng.choice(subject) if rng.random() < self.FROM_SUBJECT else self.draw(rng, 1)[0]
                out.append(word)
                size += len(word)
            out.append(rng.choice("，，，。；") if size < length else "。")
            size += 1
        return "".join(out)


_HAN = re.compile(r"[\u4e00-\u9fff]+")


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def paragraph_counts(seeds: list[dict[str, Any]]) -> list[int]:
    """How many paragraphs each seed letter has (9–18): a synthetic letter is about as long as a real one."""
    return [len(paragraphs([s])) for s in seeds]


SHARED_PROPOSALS = ((1, 0.8), (2, 0.12), (3, 0.08))
"""How many agencies answer one synthetic proposal, and how often: the lead (主办) and co-handlers (会办)."""


@dataclass(frozen=True)
class Proposal:
    """What the replies to one synthetic proposal share."""

    index: int
    year: int
    proposers: tuple[str, ...]
    replies: int
    agency: int  # the lead's, in AGENCIES; the k-th co-handler's is the next k-th


def proposals(rng: random.Random) -> Iterator[Proposal]:
    sizes, weights = zip(*SHARED_PROPOSALS)
    for i in itertools.count():
        year = 2018 + rng.randrange(8)
        proposers = tuple(dict.fromkeys(name(rng) for _ in range(rng.choice((1, 1, 1, 2, 3)))))
        yield Proposal(i, year, proposers, rng.choices(sizes, weights)[0], rng.randrange(len(AGENCIES)))


def letter(proposal: Proposal, nth: int, seeds: list[dict[str, Any]], paras: list[str], rng: random.Random,
           vocab: Vocabulary | None = None, counts: tuple[int, ...] = (14, 22)) -> dict[str, Any]:
    """The ``nth`` reply (0: the lead) to ``proposal``."""
    i = proposal.index
    t = dict(seeds[i % len(seeds)])
    year = proposal.year
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    kind = {"建议": "jianyi", "议案": "yian", "提案": "tian"}[t["proposal_kind"]]
    number = f"{i:05d}"
    region_prefix = t["agency"].split("民政")[0]
    agency = region_prefix + AGENCIES[(proposal.agency + nth) % len(AGENCIES)]
    proposers = list(proposal.proposers)
    body = [rng.choice(paras) for _ in range(max(5, rng.choice(counts) + rng.randrange(-2, 3)))]
    if vocab is not None:  # four paragraphs in five written from the vocabulary, each as long as the seed's
        subject = vocab.subject(rng)
        body = [p if rng.random() < 0.2 else vocab.paragraph(rng, subject, len(p)) for p in body]
    salutation = f"{proposers[0]}{'委员' if kind == 'tian' else '代表'}：\n\n您提出的《{t['proposal_title']}》收悉，现答复如下："
    sections = [{"heading": None, "level": 0, "text": salutation}]
    heads = [s["heading"] for s in t["sections"] if s["heading"]] or ["一、基本情况"]
    per = max(1, len(body) // len(heads))
    for k, heading in enumerate(heads):
        chunk = body[k * per:(k + 1) * per] if k < len(heads) - 1 else body[k * per:]
        if chunk:
            level = next(s["level"] for s in t["sections"] if s["heading"] == heading) if t["sections"] else 1
            sections.append({"heading": heading, "level": level, "text": "\n\n".join(chunk)})
    prefix = t["doc_number"].split("〔")[0] if t["doc_number"] else "民函"
    rec = dict(t)
    rec.update({
        "id": f"{t['region_code']}-{year}-{kind}-{number}" + (f"-h{nth}" if nth else ""), "proposal_number": number,
        "handling_role": (("主办" if nth == 0 else "会办") if proposal.replies > 1 else None),
        "title": f"关于{t['assembly']}第{number}号{t['proposal_kind']}答复的函", "agency": agency,
        "proposers": proposers, "doc_number": f"{prefix}〔{year}〕{rng.randrange(1, 400)}号",
        "reply_date": f"{year}-{month:02d}-{day:02d}", "published_date": None, "sections": sections,
        "contact_name": name(rng), "notes": [], "source_url": None, "retrieved_date": None,
        "evidence": [],  # the seed's spans quote the seed's values
    })
    return rec


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter where PyYAML has it: the pure-Python one took half of the 100,000 letters' 40 minutes."""

VERSION = "3: jieba vocabulary, letters as long as the seeds, proposals answered by several agencies"
"""Written to <repo>/synthetic.txt: a corpus of an older version is generated anew."""


def generate(n: int, dest: Path) -> Paths:
    """Write a scratch repo with n synthetic letters (and nothing else) under dest."""
    if dest.exists():
        shutil.rmtree(dest)
    sync_sources(dest)
    return add_records(n, Paths(dest))


KEPT = ("replies", "releases")
"""What ``sync_sources`` leaves in a scratch repo's datasets/: its own letters, and no release history."""


def sync_sources(dest: Path) -> None:
    """Copy this checkout's docs/, overrides/, mkdocs.yml and datasets/ (its vocabularies and package
    metadata, not its letters) into a scratch repo, replacing what an older checkout put there: a corpus
    is reused across commits, the theme and pages it is built with must be the code's own."""
    for item in ("docs", "overrides", "mkdocs.yml"):
        src, target = REPO_ROOT / item, dest / item
        if target.is_dir():
            shutil.rmtree(target)
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, target)
    (dest / "datasets").mkdir(parents=True, exist_ok=True)
    for src in (REPO_ROOT / "datasets").iterdir():
        target = dest / "datasets" / src.name
        if src.name in KEPT:
            continue
        if target.is_dir():
            shutil.rmtree(target)
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, target)


def add_records(n: int, paths: Paths) -> Paths:
    """Write n synthetic letters with their records into ``paths``' datasets/replies/, beside what is there."""
    seeds = seed_records()
    paras = paragraphs(seeds)
    counts = tuple(paragraph_counts(seeds))
    rng = random.Random(20260423)
    vocab = Vocabulary()
    replies = ((p, k) for p in proposals(rng) for k in range(p.replies))
    for proposal, k in itertools.islice(replies, n):
        rec = letter(proposal, k, seeds, paras, rng, vocab, counts)
        folder = paths.reply_dir(rec["id"])
        folder.mkdir(parents=True)
        raw = (rec["title"] + "\n\n" + "\n\n".join((s["heading"] + "\n" if s["heading"] else "") + s["text"]
                                                   for s in rec["sections"]) + "\n").encode("utf-8")
        (folder / "letter.txt").write_bytes(raw)
        rec["raw_file"] = "letter.txt"
        rec["raw_sha256"] = hashlib.sha256(raw).hexdigest()
        (folder / "reply.yaml").write_text(yaml.dump(rec, Dumper=DUMPER, allow_unicode=True, sort_keys=False,
                                                     width=10**6), "utf-8")
    (paths.root / "synthetic.txt").write_text(VERSION, "utf-8")
    return paths


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
