"""Throughput of the extractor on plain-text letters, one core.

    python benchmarks/bench_extract.py [--seconds 5]

Runs ``extract.draft.extract_bytes`` (decode, clean, locate, every field, sections) over the
plain-text letters of the labelled set and the seeds, round-robin, in this one process, and prints
letters per second. Target: ≥ 200 letters/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_scripts import vocab
from build_scripts.extract import draft
from build_scripts.paths import Paths
from tests.extract_corpus.corpus import cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to run (default 5)")
    parser.add_argument("--seeds-only", action="store_true", help="only the five seed letters (long, 3–9k characters)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    regions = vocab.load(Paths())[0].regions
    letters = [(c.letter.name, c.letter.read_bytes()) for c in cases()
               if c.letter.suffix == ".txt" and (c.name.startswith("seed-") or not args.seeds_only)]
    if not letters:
        raise SystemExit("no plain-text letters found")
    for name, data in letters:  # warm up: imports, OpenCC, regex compilation
        draft.extract_bytes(data, name, regions)
    done, chars = 0, 0
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < args.seconds:
        name, data = letters[done % len(letters)]
        chars += len(draft.extract_bytes(data, name, regions).text)
        done += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # CPU time is what one core spent; wall time also counts waiting for a shared machine.
    rate = done / cpu
    print(f"{len(letters)} distinct plain-text letters ({chars // done} characters on average), {done} extractions")
    print(f"{rate:.0f} letters/s of CPU time on one core ({done / wall:.0f}/s wall clock, {cpu / wall:.0%} of a core)")
    print("target ≥ 200 letters/s")
    return 0 if rate >= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
