"""Rewrite the ``evidence:`` block at the end of each seed record from the extractor.

    python tests/extract_corpus/refresh_seed_evidence.py

Keeps only spans whose extracted value equals the hand-read value (``add.confirmed_evidence``);
no other line of the record changes. Run it after changing the cleaner or a parser, review the
diff, commit. ``tests/test_extract_cli.py`` fails while the records and the extractor disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from build_scripts import add, yamlio
from build_scripts.paths import Paths
from build_scripts.records import RECORD_NAME

MARK = "\nevidence:"


def main() -> None:
    paths = Paths()
    for folder in sorted(p for p in paths.replies.iterdir() if p.is_dir()):
        record = folder / RECORD_NAME
        text = record.read_text(encoding="utf-8")
        head = text[: text.index(MARK) + 1] if MARK in text else text
        evidence = add.confirmed_evidence(paths, folder)
        record.write_text(head + yamlio.dump({"evidence": evidence}), encoding="utf-8")
        print(f"{folder.name}: {len(evidence)} evidence span(s)")


if __name__ == "__main__":
    main()
