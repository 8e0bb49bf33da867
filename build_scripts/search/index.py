"""Build the search index: Load the replies, Process them into postings, Save sharded files.

Everything is written under ``<site>/search/idx/`` (format: FORMAT.md). The heavy part runs in
numpy over one array of code points for the whole collection, so 10,000 long letters index in
seconds and memory grows linearly (about 40 bytes per character of text).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from build_scripts.pages.model import facets, newest_first, reply_url, sort_date, year
from build_scripts.records import Dataset, Reply
from build_scripts.search import text as text_mod
from build_scripts.search.grams import fnv1a
from build_scripts.search.text import BODY_BASE, Searchable

FORMAT_VERSION = 1
BLOCK = 1024            # normalised characters per text block (snippets fetch one block)
META_SHARD = 32         # replies per metadata file
BIG_ENTRY = 12_000      # a term's entry longer than this (characters of JSON) gets its own file
DEFAULT_COMMON = 20_000  # a bigram with more occurrences than this is indexed as trigrams


@dataclass(frozen=True)
class Options:
    common: int = DEFAULT_COMMON
    shards: int = 0  # 0: chosen from the number of terms


@dataclass(frozen=True)
class IndexStats:
    docs: int
    characters: int
    terms: int
    shards: int
    files: int
    bytes: int


# ---------------------------------------------------------------- load


def ordered(dataset: Dataset) -> list[Reply]:
    """Replies in rank order: doc id 0 is the newest. Ties: newest_first's order."""
    return newest_first(list(dataset.replies))


# ---------------------------------------------------------------- process: postings


def _codepoints(docs: list[Searchable], offset: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points, doc id, position) for every character, docs separated by one SEP.

    The head's padding up to BODY_BASE is not materialised: body positions are shifted instead,
    so memory follows the text, not BODY_BASE × letters.
    """
    big = "\x00".join(d.norm[:d.head_length] + d.norm[BODY_BASE:] for d in docs) + "\x00"
    cp = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    del big
    lengths = np.array([len(d.norm) - BODY_BASE + d.head_length + 1 for d in docs], dtype=np.int64)
    heads = np.array([d.head_length for d in docs], dtype=np.int32)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    local = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
    pos = (np.arange(len(cp), dtype=np.int64) - starts[local]).astype(np.int32)
    pos += np.where(pos >= heads[local], BODY_BASE - heads[local], 0).astype(np.int32)
    doc = local + np.int32(offset)
    return cp, doc, pos


def _doc_sets(keys: np.ndarray, doc: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Unique keys and, for each, the sorted unique doc ids containing it."""
    if len(keys) == 0:
        return keys, []
    if len(keys) and int(keys.max()) < (1 << 43):
        combined = _sorted_unique((keys << 20) | doc.astype(np.int64))
        k = combined >> 20
        d = combined & ((1 << 20) - 1)
    else:
        order = np.lexsort((doc, keys))
        k, d = keys[order], doc[order]
        keep = np.concatenate(([True], (k[1:] != k[:-1]) | (d[1:] != d[:-1])))
        k, d = k[keep], d[keep]
    first = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    return k[first], np.split(d, first[1:])


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's hash-based unique is several times slower here)."""
    v = np.sort(values)
    return v[np.concatenate(([True], v[1:] != v[:-1]))] if len(v) else v


def _counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = np.sort(values)
    first = np.flatnonzero(np.concatenate(([True], v[1:] != v[:-1]))) if len(v) else np.zeros(0, dtype=np.int64)
    return v[first], np.diff(np.append(first, len(v)))


def _positional(keys: np.ndarray, doc: np.ndarray,
                pos: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Unique keys, each key's flat entry [docΔ, n, p0, pΔ…, docΔ, n, …] (first docΔ absolute),
    and each key's last doc id (to chain the entries of consecutive batches)."""
    order = np.lexsort((pos, doc, keys))
    k, d, p = keys[order], doc[order], pos[order]
    same = np.concatenate(([False], (k[1:] == k[:-1]) & (d[1:] == d[:-1]) & (p[1:] == p[:-1])))
    k, d, p = k[~same], d[~same], p[~same]
    new_key = np.concatenate(([True], k[1:] != k[:-1]))
    new_group = new_key | np.concatenate(([True], d[1:] != d[:-1]))
    value = np.where(new_group, p, p - np.concatenate(([0], p[:-1])))
    group_index = np.cumsum(new_group) - 1
    group_rows = np.flatnonzero(new_group)
    group_size = np.diff(np.concatenate((group_rows, [len(k)])))
    group_doc = d[group_rows]
    group_new_key = new_key[group_rows]
    prev_doc = np.concatenate(([0], group_doc[:-1]))
    doc_delta = np.where(group_new_key, group_doc, group_doc - prev_doc)
    out = np.empty(len(k) + 2 * len(group_rows), dtype=np.int64)
    row_out = np.arange(len(k)) + 2 * (group_index + 1)
    out[row_out] = value
    header = group_rows + 2 * np.arange(len(group_rows))
    out[header] = doc_delta
    out[header + 1] = group_size
    key_rows = np.flatnonzero(new_key)
    key_out = key_rows + 2 * group_index[key_rows]
    last_group = np.append(group_index[key_rows[1:]] - 1, len(group_rows) - 1)
    return k[key_rows], np.split(out, key_out[1:]), group_doc[last_group]


def _term(key: int) -> str:
    chars = []
    while key:
        chars.append(chr(key & 0x1FFFFF))
        key >>= 21
    return "".join(reversed(chars))


BATCH_CHARS = 2_000_000  # characters per batch: bounds the memory of the numpy passes


def _batches(docs: list[Searchable]) -> list[tuple[int, int]]:
    out, start, size = [], 0, 0
    for i, d in enumerate(docs):
        size += len(d.norm) - BODY_BASE + d.head_length
        if size >= BATCH_CHARS:
            out.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(docs):
        out.append((start, len(docs)))
    return out


def _merge_counts(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else first_empty()
    return keys[first], np.add.reduceat(counts, first) if len(keys) else counts


def first_empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _grams(cp: np.ndarray, common2: np.ndarray | None) -> dict[str, np.ndarray]:
    valid1 = cp != 0
    key2 = (cp[:-1] << 21) | cp[1:]
    valid2 = valid1[:-1] & valid1[1:]
    out = {"valid1": valid1, "key2": key2, "valid2": valid2}
    if common2 is not None:
        is_common = np.isin(key2, common2) & valid2
        out["is_common"] = is_common
        out["tri_mask"] = (is_common[:-1] & valid1[2:]) | (is_common[1:] & valid1[:-2])
        out["tri"] = (key2[:-1] << 21) | cp[2:]
    return out


def postings(docs: list[Searchable], common: int) -> dict[str, dict[str, Any]]:
    """term -> entry: d (doc ids), h (head doc ids), c (common), p (positions, in batch parts).

    Two passes over batches of letters: the first counts bigrams, then the trigrams extending
    common bigrams, over the whole collection (what is common is a global fact); the second
    writes each batch's postings. Memory is bounded by the batch, not the collection.
    """
    batches = _batches(docs)
    common2 = _common_grams(docs, batches, common, None, "key2", "valid2")
    common3 = _common_grams(docs, batches, common, common2, "tri", "tri_mask")
    entries: dict[str, dict[str, Any]] = {}
    for lo, hi in batches:
        _batch_postings(docs[lo:hi], lo, common2, common3, entries)
    for key in common2.tolist():
        entries[_term(key)]["c"] = 1
    return entries


def _common_grams(docs: Any, batches: Any, common: int, common2: Any, key: str, mask: str) -> Any:
    """Grams (``key`` where ``mask``) that occur more than ``common`` times over the whole collection."""
    counts = []
    for lo, hi in batches:
        cp, _doc, _pos = _codepoints(docs[lo:hi], lo)
        g = _grams(cp, common2)
        counts.append(_counts(g[key][g[mask]]))
    uniq, c = _merge_counts(counts)
    return uniq[c > common]


def _batch_postings(docs: list[Searchable], offset: int, common2: np.ndarray, common3: np.ndarray,
                    entries: dict[str, dict[str, Any]]) -> None:
    cp, doc, pos = _codepoints(docs, offset)
    g = _grams(cp, common2)
    valid1, key2, valid2, is_common = g["valid1"], g["key2"], g["valid2"], g["is_common"]
    head = pos < BODY_BASE

    def put_sets(keys: np.ndarray, docs_of: np.ndarray, mask: np.ndarray, name: str, extra: dict[str, Any]) -> None:
        uniq, sets = _doc_sets(keys[mask], docs_of[mask])
        for key, ids in zip(uniq.tolist(), sets):
            e = entries.setdefault(_term(key), {})
            e.setdefault(name, []).append(ids)
            e.update(extra)

    put_sets(cp, doc, valid1, "d", {})
    put_sets(cp, doc, valid1 & head, "h", {})
    doc2, pos2 = doc[:-1], pos[:-1]
    put_sets(key2, doc2, valid2, "d", {})
    put_sets(key2, doc2, valid2 & head[:-1], "h", {})
    rare = valid2 & ~is_common
    tri_mask, tri = g["tri_mask"], g["tri"]
    is_common3 = np.zeros(len(cp), dtype=bool)
    is_common3[np.flatnonzero(tri_mask)[np.isin(tri[tri_mask], common3)]] = True
    c3 = is_common3[:-2]
    put_sets(tri, doc[:-2], c3, "d", {"c": 1})
    put_sets(tri, doc[:-2], c3 & head[:-2], "h", {})
    rare3 = tri_mask & ~c3
    keys, flats, last = _positional(np.concatenate((key2[rare], tri[rare3])),
                                    np.concatenate((doc2[rare], doc[:-2][rare3])),
                                    np.concatenate((pos2[rare], pos[:-2][rare3])))
    for key, flat, end in zip(keys.tolist(), flats, last.tolist()):
        entries.setdefault(_term(key), {}).setdefault("p", []).append((flat, end))
    del keys, flats, last, tri, key2
    # 4-grams extending a common trigram; always positional (the longest gram, MAX_GRAM).
    quad_mask = (is_common3[:-3] & valid1[3:]) | (is_common3[1:-2] & valid1[:-3])
    starts = np.flatnonzero(quad_mask)
    if len(starts):
        h1, h2 = _quad_hashes(cp, starts)
        _keys4, flats4, last4 = _positional(h1, doc[starts], pos[starts])
        order = np.argsort(h1, kind="stable")
        new = np.concatenate(([True], h1[order][1:] != h1[order][:-1]))
        first = np.flatnonzero(new)
        if not np.array_equal(h2[order], h2[order][first][np.cumsum(new) - 1]):
            raise RuntimeError("search index: 4-gram hash collision; change the hash constants")
        reps = starts[order][first]
        for rep, flat, end in zip(reps.tolist(), flats4, last4.tolist()):
            term = "".join(map(chr, cp[rep:rep + 4].tolist()))
            entries.setdefault(term, {}).setdefault("p", []).append((flat, end))


def _quad_hashes(cp: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of the 4-grams at ``starts`` (sorted order of h1 = key order)."""
    c = [cp[starts + i].astype(np.uint64) for i in range(4)]
    out = []
    for k in (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)):
        h = np.zeros(len(starts), dtype=np.uint64)
        for ci in c:
            h = h * k + ci + np.uint64(1)
        out.append(h.view(np.int64))
    return out[0], out[1]


# ---------------------------------------------------------------- process: metadata, text


def _deltas(ids: np.ndarray) -> list[int]:
    return np.diff(ids, prepend=0).tolist()


def meta_record(reply: Reply, dataset: Dataset) -> dict[str, Any]:
    labels = {f.slug: [label for _, label in f.values(reply)] for f in facets(dataset)}
    return {
        "id": reply.id, "url": reply_url(reply.id), "title": reply["title"],
        "proposal_title": reply["proposal_title"], "agency": reply["agency"],
        "doc_number": reply["doc_number"], "date": sort_date(reply) or None, "kind": reply["proposal_kind"],
        "category": labels["category"][0] if labels["category"] else None,
        "region": reply["region_name"], "year": year(reply), "topics": labels["topic"],
    }


def facet_table(replies: list[Reply], dataset: Dataset) -> dict[str, Any]:
    """Each facet's values and, per reply, the indexes of its values (deduplicated as tuples)."""
    fs = facets(dataset)
    values: dict[str, list[str]] = {f.slug: [] for f in fs}
    index: dict[str, dict[str, int]] = {f.slug: {} for f in fs}
    rows = []
    for reply in replies:
        row = []
        for f in fs:
            ids = []
            for _slug, label in f.values(reply):
                if label not in index[f.slug]:
                    index[f.slug][label] = len(values[f.slug])
                    values[f.slug].append(label)
                ids.append(index[f.slug][label])
            row.append(ids)
        rows.append(row)
    tuples: dict[str, int] = {}
    doc_tuple = []
    for row in rows:
        key = json.dumps(row)
        doc_tuple.append(tuples.setdefault(key, len(tuples)))
    return {"facets": [{"slug": f.slug, "title": f.title, "values": values[f.slug]} for f in fs],
            "tuples": [json.loads(k) for k in tuples], "docs": doc_tuple}


def blocks(doc: Searchable) -> Iterator[tuple[int, dict[str, Any]]]:
    """(block number, {n: normalised text, o: original text, b: [[n, o], …] breakpoints})."""
    for k in range((len(doc.norm) + BLOCK - 1) // BLOCK):
        lo, hi = k * BLOCK, min(len(doc.norm), (k + 1) * BLOCK)
        norm = doc.norm[lo:hi]
        if not norm.strip("\x00"):
            continue
        o_lo = int(doc.origin[lo])
        o_hi = int(doc.origin[hi - 1]) + 1
        o = doc.origin[lo:hi]
        starts = np.flatnonzero(np.concatenate(([True], o[1:] != o[:-1] + 1)))
        breaks = [[int(i), int(o[i]) - o_lo] for i in starts]
        yield k, {"n": norm, "o": doc.orig[o_lo:o_hi], "b": breaks}


# ---------------------------------------------------------------- save


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write(path: Path, content: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return len(data)


def _entry_json(entry: dict[str, Any]) -> str:
    parts = []
    for name in ("d", "h"):
        if name in entry:
            ids = np.concatenate(entry[name]) if entry[name] else np.zeros(0, dtype=np.int64)
            parts.append(f'"{name}":[{",".join(map(str, _deltas(ids)))}]')
    if "c" in entry:
        parts.append('"c":1')
    if "p" in entry:
        chained, previous = [], 0
        for flat, last in entry["p"]:
            flat = flat.copy()
            flat[0] -= previous
            chained.append(flat)
            previous = last
        parts.append(f'"p":[{",".join(map(str, np.concatenate(chained).tolist()))}]')
    return "{" + ",".join(parts) + "}"


def shard_count(total_chars: int) -> int:
    """64 to 4,096 shards, about 4,000 characters of JSON each."""
    count = 64
    while count < 4096 and count * 4000 < total_chars:
        count *= 2
    return count


def write(dataset: Dataset, site: Path, options: Options = Options()) -> IndexStats:
    out = site / "search" / "idx"
    replies = ordered(dataset)
    docs = [text_mod.searchable(r) for r in replies]
    entries = postings(docs, options.common)
    terms = len(entries)
    bodies: list[tuple[str, str]] = []
    files = 0
    size = 0
    for term in sorted(entries):
        body = _entry_json(entries[term])
        if len(body) > BIG_ENTRY:
            name = f"{fnv1a(term):08x}-{len(bodies)}.json"
            size += _write(out / "x" / name, body)
            files += 1
            body = _dump({"x": name})
        bodies.append((term, body))
    shards = options.shards or shard_count(sum(len(b) for _, b in bodies))
    by_shard: dict[int, list[str]] = {}
    for term, body in bodies:
        by_shard.setdefault(fnv1a(term) % shards, []).append(f"{_dump(term)}:{body}")
    for shard, items in sorted(by_shard.items()):
        size += _write(out / "s" / f"{shard}.json", "{" + ",".join(items) + "}")
        files += 1
    del entries
    metas = [meta_record(r, dataset) for r in replies]
    for start in range(0, len(metas), META_SHARD):
        size += _write(out / "m" / f"{start // META_SHARD}.json", _dump(metas[start:start + META_SHARD]))
        files += 1
    for doc_id, doc in enumerate(docs):
        size += _write(out / "t" / f"{doc_id}.json", _dump([{"k": k, **block} for k, block in blocks(doc)]))
        files += 1
    size += _write(out / "facets.json", _dump(facet_table(replies, dataset)))
    size += _write(out / "t2s.json", _dump(t2s_table()))
    manifest = {"version": FORMAT_VERSION, "docs": len(docs), "shards": shards, "block": BLOCK,
                "bodyBase": BODY_BASE, "metaShard": META_SHARD, "common": options.common}
    size += _write(out / "manifest.json", _dump(manifest))
    files += 3
    return IndexStats(len(docs), sum(len(d.norm) for d in docs), terms, shards, files, size)


def t2s_table() -> dict[str, str]:
    """Traditional→simplified, character by character, for the browser to normalise queries."""
    from build_scripts.textnorm import _t2s

    conv = _t2s()
    table = {}
    for start, end in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for cp in range(start, end + 1):
            ch = chr(cp)
            out = conv.convert(ch)
            if out != ch and len(out) == 1:
                table[ch] = out
    return table


def step(dataset: Dataset, site: Path) -> None:
    """The post-MkDocs build step (registered in ``site.post_steps``)."""
    write(dataset, site)
