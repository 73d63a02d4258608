"""Restoration without a source: leave-one-article-out on ../shared/dev-pairs, clean-text
damage, tortured phrases, speed. Prints JSON.

    python benchmarks/bench_restore.py [--only loao|clean|tortured|speed]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from respin import metrics  # noqa: E402
from respin.restore import apply_edits  # noqa: E402


def pairs():
    out = []
    for f in sorted(glob.glob(str(SHARED / "dev-pairs" / "*.spun.txt"))):
        if "mt_roundtrip" in f:
            continue
        name = os.path.basename(f)[:-len(".spun.txt")]
        article = name.split("__")[0]
        out.append((name, article, Path(f).read_text(encoding="utf-8"),
                    Path(f.replace(".spun.txt", ".orig.txt")).read_text(encoding="utf-8")))
    return out


def score_pair(spun: str, orig: str, restored: str) -> dict:
    """METRICS.md restoration counts, summed over paragraph lines."""
    c = dict(edited=0, correct=0, correct_sub=0, substituted=0, err_spun=0, err_rest=0, ref=0)
    for s, o, r in zip(spun.splitlines(), orig.splitlines(), restored.splitlines()):
        S, O, R = metrics.tokens(s), metrics.tokens(o), metrics.tokens(r)
        sub = metrics.substituted(s, o)
        c["substituted"] += sum(sub)
        ro = metrics.opcodes(R, O)
        r_ok = [False] * len(R)
        for op, j1, j2, *_ in ro:
            if op == "equal":
                for j in range(j1, j2):
                    r_ok[j] = True
        for op, i1, i2, j1, j2 in metrics.opcodes(S, R):
            if op == "equal":
                continue
            ok = all(r_ok[j1:j2])
            for i in range(i1, i2):
                c["edited"] += 1
                if ok:
                    c["correct"] += 1
                    if sub[i]:
                        c["correct_sub"] += 1
        c["err_spun"] += metrics.levenshtein(S, O)
        c["err_rest"] += metrics.levenshtein(R, O)
        c["ref"] += len(O)
    return c


def summarise(c: dict) -> dict:
    p = c["correct"] / c["edited"] if c["edited"] else 1.0
    r = c["correct_sub"] / c["substituted"] if c["substituted"] else 0.0
    return {"edited": c["edited"], "precision": round(p, 3), "recall": round(r, 3),
            "wer_spun": round(c["err_spun"] / max(1, c["ref"]), 3),
            "wer_restored": round(c["err_rest"] / max(1, c["ref"]), 3),
            "error_reduction": round(1 - c["err_rest"] / max(1, c["err_spun"]), 3)}


def add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b[k] for k in b}


def loao(thresholds=(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)):
    from respin.channel import fit
    from respin.decode import Decoder, restore_edits
    from respin.model import default
    from respin.swaps import learn
    m = default()
    data = pairs()
    arts = sorted({a for _, a, _, _ in data})
    per_pair, curve, rel = [], {t: {} for t in thresholds}, []
    for held in arts:
        train = [(a, s, o) for _, a, s, o in data if a != held]
        swaps = learn([(s, o) for _, s, o in train], m.lexicon)
        params, stats = fit(train, m.lexicon, m.lm)
        dec = Decoder(m.lexicon, m.lm, params, swaps)
        for name, a, s, o in data:
            if a != held:
                continue
            applied, sugg = restore_edits(s, dec, 0.0)
            for t in thresholds:
                edits = [e for e in applied if e.confidence >= t]
                curve[t] = add(curve[t], score_pair(s, o, apply_edits(s, edits)))
            for e in applied:  # reliability: is each single edit right?
                alone = apply_edits(s, [e])
                c = score_pair(s, o, alone)
                rel.append((e.confidence, c["correct"] == c["edited"] and c["edited"] > 0))
            edits = [e for e in applied if e.confidence >= params.threshold]
            per_pair.append({"pair": name, **summarise(score_pair(s, o, apply_edits(s, edits)))})
    bins = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01]
    table = []
    for lo, hi in zip(bins, bins[1:]):
        xs = [ok for c, ok in rel if lo <= c < hi]
        if xs:
            table.append({"confidence": f"[{lo:.2f},{min(hi, 1):.2f})", "edits": len(xs),
                          "right": round(sum(xs) / len(xs), 3)})
    return {"per_pair": per_pair, "curve": {str(t): summarise(c) for t, c in curve.items()},
            "reliability": table}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    out = {}
    if a.only in (None, "loao"):
        t = time.time()
        out["loao"] = loao()
        out["loao"]["seconds"] = round(time.time() - t, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
