"""Score `portal extract` per field over the labelled letters in tests/extract_corpus/.

    python benchmarks/eval_extract.py [--verbose]

A (letter, field) pair is right when the extracted value equals the expected one, nulls
included. Invented values are counted apart: a 文号 or date given where the letter gives none, or
a different one — the errors that put a false fact into the published dataset.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_scripts import add
from build_scripts.paths import Paths
from tests.extract_corpus.corpus import INVENTED, SCORED, actual, cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every wrong value")
    args = parser.parse_args()
    found = cases()
    results = add.extract_files(Paths(), [c.letter for c in found])
    right = {f: 0 for f in SCORED}
    invented = 0
    for case, result in zip(found, results):
        got = actual(result) if "error" not in result else {}
        for f in SCORED:
            want = case.expected[f]
            if got.get(f) == want:
                right[f] += 1
                continue
            if f in INVENTED and got.get(f) is not None:
                invented += 1
            if args.verbose:
                print(f"{case.name}: {f}: got {got.get(f)!r}, expected {want!r}")
    n = len(found)
    print(f"{'field':<16} right / {n}")
    for f in SCORED:
        print(f"{f:<16} {right[f]:>5}   {right[f] / n:.3f}")
    total = sum(right.values())
    print(f"{'overall':<16} {total:>5} / {n * len(SCORED)}   {total / (n * len(SCORED)):.3f}")
    print(f"invented 文号/dates: {invented}")
    return 0 if invented == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
