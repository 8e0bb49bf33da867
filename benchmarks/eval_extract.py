"""Score `portal extract` per field over the labelled letters in tests/extract_corpus/.

    python benchmarks/eval_extract.py [--verbose] [--part tuned|heldout]

Scores the tuned part (seeds and letters/, which the parsers are developed on) and the held-out
part (heldout/, never tuned on) apart, side by side. A (letter, field) pair is right when the extracted value equals the expected one, nulls
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
from tests.extract_corpus.corpus import INVENTED, PARTS, SCORED, Case, actual, cases


def score(found: list[Case], verbose: bool) -> tuple[dict[str, int], int]:
    """(right answers per field, invented 文号/dates) over some labelled letters."""
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
            if verbose:
                print(f"{case.name}: {f}: got {got.get(f)!r}, expected {want!r}")
    return right, invented


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every wrong value")
    parser.add_argument("--part", choices=sorted(PARTS), action="append",
                        help="score only this part (repeatable; default: both)")
    args = parser.parse_args()
    parts = args.part or ["tuned", "heldout"]
    scored: dict[str, tuple[int, dict[str, int], int]] = {}
    for part in parts:
        found = cases(part=part)
        right, invented = score(found, args.verbose)
        scored[part] = (len(found), right, invented)
    print(f"{'field':<16}" + "".join(f"{part + ' (' + str(n) + ')':>22}" for part, (n, _, _) in scored.items()))
    for f in SCORED:
        print(f"{f:<16}" + "".join(f"{right[f]:>14} {right[f] / max(n, 1):.3f}" for n, right, _ in scored.values()))
    print(f"{'overall':<16}" + "".join(f"{sum(r.values()):>9}/{n * len(SCORED):<4} {sum(r.values()) / max(n * len(SCORED), 1):.3f}"
                                       for n, r, _ in scored.values()))
    print(f"{'invented 文号/dates':<14}" + "".join(f"{inv:>20}  " for _, _, inv in scored.values()))
    return 0 if all(inv == 0 for _, _, inv in scored.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
