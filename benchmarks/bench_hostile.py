"""Peak memory of `portal extract` on hostile letters (issue 17: a 3 GB zip bomb took 6.2 GB).

    python -m benchmarks.bench_hostile [--megabytes 3072]

Makes the zip-bomb .docx of ``tests/reliability/hostile.py`` (``--megabytes`` MB of zeros in
word/styles.xml; 3 GB packs to about 3 MB), the entity bomb and the inflating PDF, runs
``python -m build_scripts extract FILE`` on each in a child process and prints its exit code, wall
seconds and peak resident memory (``ru_maxrss`` of the child). A normal .docx letter is the baseline.
Target: every hostile file refused (exit 1) under 200 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability import hostile  # noqa: E402

LIMIT_MB = 200


def peak(path: Path) -> tuple[int, float, float]:
    """(exit code, wall seconds, peak RSS in MB) of `portal extract path` in a fresh child process."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child runs the command itself, so ru_maxrss is this command's alone
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "build_scripts", "extract", str(path)])
    _, status, usage = os.wait4(pid, 0)  # Linux: ru_maxrss in kilobytes
    return os.waitstatus_to_exitcode(status), time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=3072, help="zeros in the zip bomb's styles.xml (default 3072)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        made = time.perf_counter()
        bomb = hostile.zip_bomb_docx(folder / "bomb.docx", args.megabytes)
        print(f"zip bomb: {bomb.stat().st_size / 1e6:.1f} MB packed, {args.megabytes:,} MB of zeros "
              f"(made in {time.perf_counter() - made:.1f} s)")
        files = [("baseline: a normal .docx letter", hostile.DOCX), (f"zip bomb ({args.megabytes:,} MB)", bomb),
                 ("entity bomb .docx", hostile.entity_bomb_docx(folder / "laughs.docx")),
                 ("PDF inflating to 200 MB", hostile.pdf_stream_bomb(folder / "inflate.pdf"))]
        print("\n| file | exit | seconds | peak RSS (MB) |\n|---|---|---|---|")
        worst = 0.0
        for label, path in files:
            code, seconds, rss = peak(path)
            print(f"| {label} | {code} | {seconds:.2f} | {rss:.0f} |")
            if path != hostile.DOCX:
                worst = max(worst, rss)
                if code != 1:
                    print(f"FAIL: {label} exited {code}, not 1")
                    return 1
    print(f"\nworst hostile file: {worst:.0f} MB (limit {LIMIT_MB} MB): {'ok' if worst < LIMIT_MB else 'FAIL'}")
    return 0 if worst < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
