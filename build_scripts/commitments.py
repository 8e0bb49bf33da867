"""What a reply promises: each commitment sentence, its deadline resolved against the reply date.

A reply promises things mostly in its 下一步 section (下一步工作打算, 今后工作, …), also elsewhere
(“6月底全省1410个乡镇（街道）将实现社工站全覆盖”). A sentence is a commitment when it says what
the agency *will* do: in a next-steps section any sentence that states an action, elsewhere a
sentence with a marker of a promise (``_PROMISE``). The sentence is kept with its exact span in its
section's text, so ``sections[section].text[start:end] == sentence``.

Deadlines: the time expressions of the sentence are found and resolved by jionlp's time parser
against the reply date (年底前 → the end of that year, 三年内, 明年, 下半年, 2024年6月底前); the
deadline is the end of the period the words name, and the words are kept. Only periods that end on
or after the reply date count: “2021年以来” is history, not a deadline. jionlp does not read 年内;
that one form is resolved here.

Measured on the labelled sentences in ``tests/commitments/sentences.yaml`` (see that test).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SENTENCE_END = re.compile(r"[。！？；!?;]+|\n+")
NEXT_STEPS = re.compile(r"下一步|下步|今后|工作打算|工作计划|工作安排|努力方向|工作思路|工作措施|下阶段")
"""Headings of sections whose sentences are what the agency will do."""
_PROMISE = re.compile(
    r"(?:我们|我[厅局委办院部处室会]|本[厅局委办]|全省|全市|全区|各地)?将(?=继续|进一步|加快|持续|积极|认真|按照|全面|"
    r"实现|完成|建成|出台|启动|开展|推动|推进|加强|建立|健全|完善|制定|研究|会同|组织|落实|加大|提高|提升|强化|深化|于|在|重点|着力|"
    r"充分|统筹|指导|督促|结合|把|以|坚持|不断)"
    r"|明年|年内|力争|争取|计划于|计划在|计划到|拟于|拟在|拟安排|拟将|下一步|今后|确保.{0,20}(?:前|年内|年底)|年底前|月底前|年内完成"
)
_NOT_A_PROMISE = re.compile(r"(?:如下|以下[^，,。]{0,10})[:：]?$|答复如下|现答复|感谢|欢迎|希望|期待|如有不妥|批评指正")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[一二三四五六七八九十]+、)")
_ACTION = re.compile(r"^(?:深入|大力|持续|积极|进一步|全面|不断|切实|着力|继续|常态化|广泛|严格|重点|加快|统筹|认真)?"
                     r"[推加建完健强落开实提深制出启组统做抓培引规优扩发构保探积持督指研整用争力打创树形优鼓宣动]")
_AHEAD = re.compile(r"明年|下半年|上半年|年底|月底|年内|季度")
"""Words of a time ahead that make a next-steps sentence a commitment even when it starts with them."""
_TIME_HINT = re.compile(r"[\d一二三四五六七八九十两]\s*(?:年|个?月|季度)|明年|今年|本年|年底|年内|年末|下半年|上半年|今后")
"""A sentence without one of these has no time expression worth the parser's time (老年人 is not one)."""
_DEADLINE_WORDS = re.compile(r"底|前|内|末|以前|之前|明年|下半年|上半年|今后")
_YEAR_WITHIN = re.compile(r"(?<![一二三四五六七八九十两\d])(?:今年|本年度?)?年内")
_HISTORY = re.compile(r"以来|至今|以前")


@dataclass(frozen=True)
class Commitment:
    """One promise: its sentence, where it is (section position from 1, offsets in its text), its deadline."""

    section: int
    start: int
    end: int
    sentence: str
    deadline_words: str | None
    deadline: str | None  # YYYY-MM-DD: the end of the period the words name


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, its end mark included, surrounding space left out."""
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end() if not m.group().isspace() else m.start()
        yield from _trimmed(text, start, end)
        start = m.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def is_commitment(sentence: str, in_next_steps: bool) -> bool:
    core = sentence.rstrip("。！？；!?;")
    if len(core) < 8 or _NOT_A_PROMISE.search(core):
        return False
    if _PROMISE.search(core):
        return True
    return in_next_steps and bool(_ACTION.match(_ENUMERATOR.sub("", core)) or _AHEAD.search(core))


def find(sections: list[dict[str, Any]], reply_date: str | None) -> list[Commitment]:
    """Every commitment of a reply's sections, in text order."""
    base = dt.date.fromisoformat(reply_date) if reply_date else None
    out = []
    in_next_steps = False
    for position, section in enumerate(sections, 1):
        if section["heading"]:
            in_next_steps = bool(NEXT_STEPS.search(section["heading"])) or (
                in_next_steps and section["level"] > 1)  # （一）… under 三、下一步工作
        elif section["level"] == 0:
            in_next_steps = False  # the opening or the closing words
        text = section["text"]
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if not is_commitment(sentence, in_next_steps or bool(re.match(r"(?:下一步|下步|今后)", sentence))):
                continue
            words, deadline = resolve_deadline(sentence, base) if base else (None, None)
            out.append(Commitment(position, start, end, sentence, words, deadline))
    return out


def resolve_deadline(sentence: str, base: dt.date) -> tuple[str | None, str | None]:
    """(the deadline's words, the last day of the period they name) or (None, None)."""
    found = [(text, end) for text, end in _time_expressions(sentence, base)
             if end > base and not _HISTORY.search(text)]
    if not found:
        return None, None
    with_words = [f for f in found if _DEADLINE_WORDS.search(f[0])]
    text, end = (with_words or found)[0]
    return text, end.isoformat()


def _time_expressions(sentence: str, base: dt.date) -> list[tuple[str, dt.date]]:
    if not _TIME_HINT.search(sentence):
        return []
    out = [item for window in _windows(sentence) for item in _extract_time(window, base.isoformat())]
    within = _YEAR_WITHIN.search(sentence)
    if within and not any(within.group() in text for text, _ in out):
        out.append((within.group(), dt.date(base.year, 12, 31)))
    return out


WINDOW = 10
"""Characters kept on each side of a time hint: jionlp searches the text it is given at a cost that grows faster
than its length, so it gets only the words around each hint (a letter's sentence can be hundreds of characters)."""


def _windows(sentence: str) -> list[str]:
    spans: list[list[int]] = []
    for m in _TIME_HINT.finditer(sentence):
        start, end = max(0, m.start() - WINDOW), min(len(sentence), m.end() + WINDOW)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [sentence[a:b] for a, b in spans]


@functools.lru_cache(maxsize=65536)
def _extract_time(sentence: str, base: str) -> tuple[tuple[str, dt.date], ...]:
    jio = _jionlp()
    day = dt.date.fromisoformat(base)
    try:
        with _quiet():
            found = jio.ner.extract_time(sentence, time_base={"year": day.year, "month": day.month, "day": day.day})
    except Exception:  # noqa: BLE001 - jionlp raises bare exceptions on odd text; no deadline then
        return ()
    out = []
    for item in found:
        times = item.get("detail", {}).get("time")
        if isinstance(times, list) and len(times) == 2 and isinstance(times[1], str) and times[1][:4].isdigit():
            out.append((str(item["text"]), dt.date.fromisoformat(times[1][:10])))
    return tuple(out)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No log records while jionlp runs: on a periodic expression it cannot read (每年内…) it logs a
    whole traceback with ``logging.error`` before giving up, which put tracebacks in the build's output."""
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(before)


@functools.cache
def _jionlp() -> Any:
    """jionlp, imported on first use (it prints a banner on import, which is silenced)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp
    return jionlp
