"""The labelled letters: the five seeds (expected = their hand-read records) and the letters we wrote.

Each written letter is ``letters/<name>.<ext>`` beside ``letters/<name>.expected.yaml``; the seeds
are referenced from ``datasets/replies`` by the ids in ``seeds.yaml``, never copied.

Two parts: ``tuned`` (the seeds and ``letters/``: the parsers are developed on them, and
tests/test_extract_corpus.py requires every field right) and ``heldout`` (``heldout/``: letters the
parsers are never tuned on; benchmarks/eval_extract.py scores them apart, and a miss there is
recorded, never fixed in a parser).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from build_scripts.paths import Paths

HERE = Path(__file__).parent
LETTERS = HERE / "letters"
HELDOUT = HERE / "heldout"
PARTS = {"tuned": LETTERS, "heldout": HELDOUT}
# The fields scored per letter; ``sections`` is scored as the list of (level, heading).
SCORED = ("title", "proposal_kind", "assembly", "term", "session_no", "proposal_number", "proposers", "proposer_role",
          "proposal_title", "agency", "region_code", "doc_number", "reply_date", "published_date", "category",
          "disclosure", "signer", "contact_name", "contact_phone", "cc", "index_number", "sections")
# Values that, when wrong, put a false fact in the dataset.
INVENTED = ("doc_number", "reply_date", "published_date")


@dataclass(frozen=True)
class Case:
    name: str
    letter: Path
    expected: dict[str, Any]
    warnings_include: tuple[str, ...] = ()


def cases(paths: Paths | None = None, part: str = "tuned") -> list[Case]:
    """The labelled letters of one part: ``tuned`` (seeds and letters/) or ``heldout``."""
    paths = paths or Paths()
    folder = PARTS[part]
    out = ([_seed(paths, reply_id) for reply_id in yaml.safe_load((HERE / "seeds.yaml").read_text(encoding="utf-8"))]
           if part == "tuned" else [])
    for sidecar in sorted(folder.glob("*.expected.yaml")):
        name = sidecar.name.removesuffix(".expected.yaml")
        letters = [p for p in folder.glob(name + ".*") if not p.name.endswith(".expected.yaml")]
        if len(letters) != 1:
            raise FileNotFoundError(f"{sidecar}: expected one letter file {name}.<ext>, found {len(letters)}")
        data = yaml.load(sidecar.read_text(encoding="utf-8"), Loader=_Loader)
        warnings = tuple(data.pop("warnings_include", ()) or ())
        data["sections"] = [[level, heading] for level, heading in data["sections"]]
        out.append(Case(name, letters[0], data, warnings))
    return out


def _seed(paths: Paths, reply_id: str) -> Case:
    folder = paths.reply_dir(reply_id)
    record = yaml.load((folder / "reply.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    expected = {k: record[k] for k in SCORED if k != "sections"}
    expected["sections"] = [[s["level"], s["heading"]] for s in record["sections"]]
    return Case(f"seed-{reply_id}", folder / record["raw_file"], expected)


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit dates: '2023-06-12' stays a string, as in the records."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def actual(result: dict[str, Any]) -> dict[str, Any]:
    """The scored values of one `portal extract` JSON object."""
    got = {k: result.get(k) for k in SCORED if k != "sections"}
    got["sections"] = [[s["level"], s["heading"]] for s in result.get("sections") or []]
    return got
