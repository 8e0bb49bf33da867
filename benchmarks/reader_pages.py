"""Benchmark (issue 7): related replies and browse pages at 10,000 replies.

Makes N synthetic replies from the seed records (300 agencies, 12 topics with 3 each, 3,000
proposers, dates over ten years), then times ``related.compute`` (inverted maps, bounded windows:
O(N·k)) and ``browse.pages``, and prints the largest browse page and its row count, so the bound
on page size can be checked as the collection grows.

    python -m benchmarks.reader_pages [N]     (from the repository root)
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import tracemalloc

from build_scripts import records
from build_scripts.dataset import Dataset, Reply
from build_scripts.pages import browse, related, reply
from build_scripts.paths import Paths


def synthetic(seed: Dataset, n: int) -> Dataset:
    topics = [t["id"] for t in seed.vocab.topics]
    start = dt.date(2015, 1, 1)
    replies = []
    for i in range(n):
        base = seed.replies[i % len(seed.replies)]
        data = {
            **base.data,
            "id": f"{base['region_code']}-2020-tian-{i:06d}",
            "title": f"第{i}号提案答复",
            "agency": f"{base['agency']}{i % 300:03d}",
            "proposers": [f"委员{i % 3000:04d}"],
            "topics": [topics[i % len(topics)], topics[(i * 7 + 3) % len(topics)], topics[(i * 5 + 1) % len(topics)]],
            "reply_date": (start + dt.timedelta(days=(i * 37) % 3650)).isoformat(),
        }
        data["topics"] = list(dict.fromkeys(data["topics"]))
        replies.append(Reply(data, base.folder))
    return Dataset(tuple(replies), seed.vocab, seed.report)


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main(n: int) -> None:
    data = synthetic(records.load(Paths()), n)
    links, related_s = _timed(related.compute, data.replies)
    tracemalloc.start()
    related.compute(data.replies)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    related.links(data, data.replies[0])  # warm the per-build cache that reply.render uses
    pages, browse_s = _timed(browse.pages, data)
    _, render_s = _timed(lambda: [reply.render(r, data) for r in data.replies[:200]])
    biggest = max(pages, key=lambda p: len(pages[p].encode("utf-8")))
    rows = max(p.count("<tr>") - 1 for p in pages.values())
    print(f"replies: {n}")
    print(f"related.compute: {related_s:.2f} s, peak traced memory {peak / 2**20:.1f} MiB, "
          f"max links per kind {max(len(x.same_topics) for x in links.values())}")
    print(f"browse.pages: {browse_s:.2f} s, {len(pages)} pages")
    print(f"largest browse page: {biggest} {len(pages[biggest].encode('utf-8')) / 1024:.0f} KiB; "
          f"most table rows on one page: {rows}")
    print(f"reply.render: {render_s / 200 * 1000:.2f} ms per page (first 200)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
