"""Restoration without a source: leave-one-article-out on ../shared/dev-pairs, clean-text
damage, tortured phrases, speed, and restoration from other spun copies. Prints JSON.

    python benchmarks/bench_restore.py [--only loao|clean|tortured|speed|copies|reliability]
    python benchmarks/bench_restore.py --only copies --fit   # refit respin.copies' confidence
    python benchmarks/bench_restore.py --only copies-speed   # the copies' speed part alone
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from dataclasses import replace
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
    # No edit, no precision: null, as decoder.json's table says it (1.0 read as "all right").
    p = round(c["correct"] / c["edited"], 3) if c["edited"] else None
    r = c["correct_sub"] / c["substituted"] if c["substituted"] else 0.0
    return {"edited": c["edited"], "precision": p, "precision_95": _wilson(c["correct"], c["edited"]),
            "recall": round(r, 3), "recall_95": _wilson(c["correct_sub"], c["substituted"]),
            "wer_spun": round(c["err_spun"] / max(1, c["ref"]), 3),
            "wer_restored": round(c["err_rest"] / max(1, c["ref"]), 3),
            "error_reduction": round(1 - c["err_rest"] / max(1, c["err_spun"]), 3)}


def _wilson(k: int, n: int, z: float = 1.96) -> list | None:
    """The Wilson 95% interval of a proportion k/n (None for n = 0): 16 right of 17 is
    0.73-0.99, which a bare 0.94 does not say. It counts the n tokens as independent, which
    words of one paragraph and one spinner are not: a lower bound on the uncertainty.

    >>> _wilson(16, 17)
    [0.73, 0.99]
    """
    if not n:
        return None
    p = k / n
    d = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / d
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / d
    return [round(max(mid - half, 0.0), 2), round(min(mid + half, 1.0), 2)]  # 0 of n: 0.0, not float noise's -0.0


def add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b[k] for k in b}


def loao(thresholds=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)):
    from respin.channel import _edit_right, fit
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
            k = m.check(s).score  # as Model.restore: confidence = P(spun) x decoder posterior
            applied = [replace(e, confidence=round(k * e.confidence, 3)) for e in restore_edits(s, dec, 0.0)[0]]
            for t in thresholds:
                edits = [e for e in applied if e.confidence >= t]
                curve[t] = add(curve[t], score_pair(s, o, apply_edits(s, edits)))
            for e in applied:  # reliability: is each single edit right?
                rel.append((e.confidence, _edit_right(s, o, e)))
            edits = [e for e in applied if e.confidence >= 0.5]  # per pair at --min-confidence 0.5 (the curve has the rest)
            per_pair.append({"pair": name, **summarise(score_pair(s, o, apply_edits(s, edits)))})
    bins = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01]
    table = []
    for lo, hi in zip(bins, bins[1:]):
        xs = [ok for c, ok in rel if lo <= c < hi]
        if xs:
            table.append({"confidence": f"[{lo:.2f},{min(hi, 1):.2f})", "edits": len(xs),
                          "right": round(sum(xs) / len(xs), 3)})
    return {"per_pair": per_pair, "curve": {str(t): summarise(c) for t, c in curve.items()},
            "reliability": table}


def clean_damage():
    """Words changed per 5,000 on clean text at the model's default threshold (and bolder).
    Issue 4 counts seed 002 (an LLM paraphrase) among the clean texts; METRICS.md reports
    such texts apart, so its own changed words are given too (``of_which_seed_002``)."""
    import respin
    from respin.model import default
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("00[0124]*.txt"))}
    texts.update({"negative/" + p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "negative").glob("*.txt"))})
    from respin.swaps import SwapLexicon
    out = {}
    thr = default().restore_threshold
    # Also with a user lexicon (the shipped tortured phrases, weighted as user lexicons are):
    # a lexicon must not make clean text change either.
    tort = [SwapLexicon.load(ROOT / "models" / "default" / "lexicons" / "tortured.tsv")]
    for label, lexicons in (("", ()), (" + tortured lexicon", tort)):
        for t in (thr, 0.9, 0.5):
            changed = words = paraphrase = 0
            for name, text in texts.items():
                r = respin.restore(text, min_confidence=t, lexicons=lexicons)
                n = sum(metrics.levenshtein(metrics.tokens(a), metrics.tokens(b))
                        for a, b in zip(text.splitlines(), r.text.splitlines()))
                changed += n
                paraphrase += n if name.startswith("002") else 0
                words += len(metrics.tokens(text))
            out[f"threshold {t}{label}"] = {"words": words, "changed": changed,
                                            "per_5000": round(5000 * changed / words, 2),
                                            "of_which_seed_002": paraphrase}
    return out


def tortured(split="eval", limit=None):
    """Top-1/top-5 exact restoration of tortured phrases (benchmarks/tortured_phrases.tsv,
    ``split`` rows only) placed in a neutral sentence, with and without the shipped
    dev-row lexicon. The phrase is known to be suspect, so the unchanged phrase is not a
    candidate."""
    import csv
    from respin.model import default
    from respin.swaps import SwapLexicon, clean_expected, norm_words
    path = SHARED / "benchmarks" / "tortured_phrases.tsv"
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["split"] == split:
                cased = clean_expected(r["expected"], r["tortured"], keep_case=True)
                rows.append((norm_words(r["tortured"]), norm_words(cased), cased))
    rows = [r for r in rows if r[0] and r[1] and all(w.isalpha() for w in r[0])][:limit]
    # The rows whose expected phrase has a word with capitals of its own ("PET scans",
    # "X-ray") that the tortured phrase does not have (the sentence writes it in lower case,
    # and a word the text has keeps the text's case), for the share restored in those capitals.
    from respin.swaps import _own_case
    cased = [c for _, _, c in rows]
    own_case = [any(_own_case(w) and w.lower() not in spun for w in c.split()) for spun, _, c in rows]
    rows = [(spun, exp) for spun, exp, _ in rows]
    m = default()
    tort = SwapLexicon.load(ROOT / "models" / "default" / "lexicons" / "tortured.tsv")
    res = {"phrases": len(rows)}
    for name, dec in (("model", m.decoder()), ("model + tortured dev lexicon", m.decoder([tort]))):
        top1 = top5 = 0
        t0 = time.time()
        for spun, exp in rows:
            words = ["in", "this", "paper", "the"] + list(spun) + ["is", "described", "in", "detail"]
            best = [out for out, _ in dec.nbest(words, 4, 4 + len(spun), k=6) if out != spun][:5]
            top1 += bool(best) and best[0] == exp
            top5 += exp in best
        res[name] = {"top1": round(top1 / len(rows), 3), "top5": round(top5 / len(rows), 3),
                     "seconds": round(time.time() - t0, 1)}
    # What `respin suggest` / respin.originals gives a user who asks about the phrase, with
    # the same sentence as context (phrases longer than suggest.MAX_WORDS count as misses).
    import respin
    from respin.suggest import MAX_WORDS
    for name, lexicons in (("suggest (respin.originals)", ()), ("suggest + tortured dev lexicon", (tort,))):
        top1 = top5 = 0
        t0 = time.time()
        for spun, exp in rows:
            if len(spun) > MAX_WORDS:
                continue
            sentence = "In this paper the " + " ".join(spun) + " is described in detail."
            best = [tuple(t.lower().split()) for t, _ in respin.originals(" ".join(spun), sentence, lexicons=lexicons)]
            top1 += bool(best) and best[0] == exp
            top5 += exp in best
        res[name] = {"top1": round(top1 / len(rows), 3), "top5": round(top5 / len(rows), 3),
                     "seconds": round(time.time() - t0, 1)}
    # Screening (check --lexicon): the share of sentences with a lexicon finding, and of
    # those whose one lexicon finding is the whole phrase with the expected phrase first.
    # "verbatim phrases only": the lexicon's phrases found as they are (before 2026-12-03,
    # session 17); the eval phrases are unseen, so only those that hold a dev phrase are
    # found. "check --lexicon tortured": also the spans restore (--min-confidence 0.5)
    # changes through the lexicon's swaps (Model.lexicon_swaps).
    from respin.detect import LEXICON_PHRASE, lexicon_findings
    sentences = ["In this paper the " + " ".join(spun) + " is described in detail." for spun, _ in rows]
    t0 = time.time()
    reports = respin.check_many(sentences, lexicons=[tort])
    seconds = round(time.time() - t0, 1)
    for name, found_in in (("verbatim phrases only", lambda k, s: lexicon_findings(s, [tort])),
                           ("check --lexicon tortured",
                            lambda k, s: [f for f in reports[k].findings if f.kind == LEXICON_PHRASE])):
        found = right = capitals = right_own = 0
        for k, ((spun, exp), sentence) in enumerate(zip(rows, sentences)):
            hits = found_in(k, sentence)
            found += bool(hits)
            ok = len(hits) == 1 and hits[0].text.lower() == " ".join(spun) \
                and tuple(hits[0].suggestions[0].lower().split()) == exp
            right += ok
            if ok and own_case[k]:
                right_own += 1
                capitals += hits[0].suggestions[0].split() == cased[k].split()
        res[name] = {"sentences_with_a_finding": round(found / len(rows), 3),
                     "whole_phrase_found_and_restored": round(right / len(rows), 3),
                     # of those whose expected phrase has capitals of its own ("PET scans")
                     "of_those_with_own_capitals_in_them": f"{capitals} of {right_own}"}
    res["check --lexicon tortured"]["seconds"] = seconds
    # What check --lexicon follows: restore at --min-confidence 0.5 with the lexicon, the
    # share of sentences whose phrase comes back as the expected one (the sentence's score
    # weighs every edit, so this is below the decoder's top-1 above).
    got = m.restore_many(sentences, min_confidence=0.5, lexicons=[tort], together=False)
    back = [r.text[len("In this paper the "):-len(" is described in detail.")] for r in got]
    ok = [tuple(b.lower().split()) == exp for b, (_, exp) in zip(back, rows)]
    res["restore --lexicon tortured --min-confidence 0.5"] = {
        "whole_phrase_restored": round(sum(ok) / len(rows), 3),
        "of_those_with_own_capitals_in_them": f"{sum(b.split() == c.split() for b, c, o, w in zip(back, cased, ok, own_case) if o and w)}"
                                              f" of {sum(o and w for o, w in zip(ok, own_case))}"}
    return res


def speed():
    """Restoration without a source (check + decoding + pooling), words/second on one core,
    on text the process has not seen (simulator output of Wikipedia leads), model loaded."""
    import respin
    from respin.corpora import wikipedia_leads
    from respin.spin import spin
    leads = list(wikipedia_leads(limit_docs=1200))[1000:1200]
    docs = [spin(t, rate=0.3, seed=i).text for i, t in enumerate(leads)]
    respin.restore("warm up the model, please.")
    respin._model(None).warm(restore=True)  # "model loaded": the decoded LM table and the LM reader too
    n = sum(len(metrics.tokens(d)) for d in docs)
    t0 = time.process_time()
    for d in docs:
        respin.restore(d)
    dt = time.process_time() - t0
    from respin.model import default
    dec = default().decoder()
    from respin.decode import restore_edits
    docs2 = [spin(t, rate=0.3, seed=1000 + i).text for i, t in enumerate(leads)]
    t0 = time.process_time()
    for d in docs2:
        restore_edits(d, dec, 0.5)
    dt2 = time.process_time() - t0
    # Article-length documents (a page of ~1,000 words: 12-13 leads as paragraphs), alone and
    # pooled as one site's copies (respin.restore_many); other unseen leads for each, so that
    # no figure profits from word types another one already looked up.
    def articles(first):
        more = list(wikipedia_leads(limit_docs=first + 200))[first:first + 200]
        sp = [spin(t, rate=0.3, seed=i).text.replace("\n", " ") for i, t in enumerate(more)]
        return ["\n".join(sp[k:k + 12]) + "\n" for k in range(0, len(sp), 12)]
    pages = articles(1200)
    n_pages = sum(len(metrics.tokens(d)) for d in pages)
    t0 = time.process_time()
    for d in pages:
        respin.restore(d)
    dt3 = time.process_time() - t0
    site = articles(1400)
    n_site = sum(len(metrics.tokens(d)) for d in site)
    t0 = time.process_time()
    respin.restore_many(site)
    dt4 = time.process_time() - t0
    # Short unrelated documents (corpus records) restored in one call, each pooled alone
    # (Model.restore_many(together=False): the results of one call each), unseen leads.
    more = list(wikipedia_leads(limit_docs=1800))[1600:1800]
    docs3 = [spin(t, rate=0.3, seed=i).text for i, t in enumerate(more)]
    n3 = sum(len(metrics.tokens(d)) for d in docs3)
    t0 = time.process_time()
    default().restore_many(docs3, together=False)
    dt5 = time.process_time() - t0
    # The same regex tokenisation bench.py reports beside check: the machine's speed in the
    # same run (a VM's speed varies 2-3x from day to day), so figures compare across runs.
    text = "\n".join(pages)
    t0 = time.process_time()
    for _ in range(5):
        metrics.TOKEN.findall(text)
    dt_re = (time.process_time() - t0) / 5
    return {"words": n, "restore_words_per_second": round(n / dt),
            "decoder_only_words_per_second": round(sum(len(metrics.tokens(d)) for d in docs2) / dt2),
            "pages": len(pages), "page_words": round(n_pages / len(pages)),
            "restore_pages_words_per_second": round(n_pages / dt3),
            "restore_many_pages_words_per_second": round(n_site / dt4),
            "restore_many_unpooled_short_docs_words_per_second": round(n3 / dt5),
            "regex_tokenise_words_per_second": round(n_pages / dt_re)}


# -- reliability of the model's edit confidences on held-out simulator output ------------------
RELIABILITY_LEADS = (4000, 4600)  # never trained on (respin train reads the first 3,000 leads)
RELIABILITY_BARS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.99)


def reliability() -> dict:
    """Whether an edit of confidence c is right about a share c of the time, where the
    dev pairs (3 articles, no held-out edit at 0.85 or above) cannot say: held-out leads
    spun by every simulator style at two rates, restored without a source at
    min_confidence 0 (every choice of the decoder an edit), each edit scored alone by
    METRICS.md (correct: every token it writes is the original's). Per confidence bin:
    edits, mean confidence, observed precision and its Wilson 95% interval; per bar: the
    precision of the edits at or above it (what --min-confidence gives), and the words
    changed in the leads themselves, clean, per 5,000."""
    import respin
    from respin.corpora import wikipedia_leads
    from respin.restore import apply_edits
    from respin.spin import spin
    lo, hi = RELIABILITY_LEADS
    leads = [t for t in list(wikipedia_leads(limit_docs=hi))[lo:hi] if len(t.split()) >= 40]
    edits = []  # (confidence, right)
    for i, t in enumerate(leads):
        style = ("aggressive", "conservative", "crude")[i % 3]
        sp = spin(t, rate=(0.15, 0.35)[i // 3 % 2], style=style, seed=4000 + i).text
        for e in respin.restore(sp, min_confidence=0.0).edits:
            c = score_pair(sp, t, apply_edits(sp, [e]))
            if c["edited"]:
                edits.append((e.confidence, c["correct"] == c["edited"]))
    clean_words = sum(len(metrics.tokens(t)) for t in leads)
    clean = [e.confidence for t in leads for e in respin.restore(t, min_confidence=0.0).edits]
    bins = []
    at = [min(int(c * 10 + 1e-9), 9) for c, _ in edits]  # (each value in one bin: 0.3 was in two)
    for j, b0 in enumerate((0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)):
        got = [e for e, k in zip(edits, at) if k == j]
        if got:
            k = sum(ok for _, ok in got)
            bins.append({"bin": [b0, round(b0 + 0.1, 1)], "edits": len(got),
                         "mean_confidence": round(sum(c for c, _ in got) / len(got), 3),
                         "precision": round(k / len(got), 3), "precision_95": _wilson(k, len(got))})
    n = len(edits)
    ece = sum(x["edits"] / n * abs(x["mean_confidence"] - x["precision"]) for x in bins) if n else None
    bars = []
    for bar in RELIABILITY_BARS:
        got = [ok for c, ok in edits if c >= bar]
        bars.append({"min_confidence": bar, "edits": len(got),
                     "precision": round(sum(got) / len(got), 3) if got else None,
                     "precision_95": _wilson(sum(got), len(got)),
                     "clean_changed_per_5000": round(5000 * sum(c >= bar for c in clean) / max(1, clean_words), 2)})
    return {"leads": [lo, hi], "texts": len(leads), "styles": ["aggressive", "conservative", "crude"],
            "rates": [0.15, 0.35], "edits": n, "ece": None if ece is None else round(ece, 3),
            "bins": bins, "bars": bars}


# -- restoring from other spun copies (respin.copies) ------------------------------------------
# Simulated clusters: each held-out Wikipedia lead (6000+, never trained on) spun four times,
# as four content farms with their own spinners would.
COPY_STYLES = (("aggressive", 1), ("conservative", 1), ("crude", 1), ("aggressive", 2))
FIT_LEADS, TEST_LEADS = (6000, 8000), (8000, None)   # the confidence and threshold; the figures
COPY_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)


def copy_cluster(lead: str, k: int) -> list[str]:
    from respin.spin import spin
    return [spin(lead, rate=0.3, style=st, seed=sd * 100_000 + k).text for st, sd in COPY_STYLES]


def copies_data(lo: int, hi: int | None, limit: int | None = None) -> dict:
    """Per spun copy of leads [lo, hi), restored from the other three: its decisions
    ((margin, prior, right, edits)) with the spun text and the lead; per clean lead
    restored with its four spun copies: its decisions and words."""
    from respin import corpora
    from respin.channel import _edit_right
    from respin.copies import decisions
    from respin.model import default
    from respin.tokenize import Document
    m = default()
    leads = list(corpora.wikipedia_leads())[lo:hi][:limit]
    spun, clean = [], []
    for k, lead in enumerate(leads):
        cluster = copy_cluster(lead, lo + k)
        docs = [Document.from_text(t) for t in cluster]
        for i, doc in enumerate(docs):
            _, found, _ = decisions(doc, docs[:i] + docs[i + 1:], m.lexicon, m.lm)
            spun.append((cluster[i], lead, [(d.margin, d.prior, all(_edit_right(cluster[i], lead, e) for e in d.edits),
                                             d.edits) for d in found]))
        _, found, _ = decisions(Document.from_text(lead), docs, m.lexicon, m.lm)
        clean.append((lead, [(d.margin, d.prior, False, d.edits) for d in found]))
    return {"spun": spun, "clean": clean}


def _prefix(found, t, conf) -> int:
    """How many of ``found`` (sorted by confidence, surest first) reach threshold ``t``."""
    return sum(conf(d) >= t for d in found)


def _by_confidence(items, conf):
    return [(*x[:-1], sorted(x[-1], key=conf, reverse=True)) for x in items]


def copies_curve(items, thresholds, conf) -> dict:
    """METRICS.md figures of (text, original, decisions) at each threshold (the edits at a
    threshold are the surest decisions': each text is scored once per distinct set)."""
    items = _by_confidence(items, conf)
    memo: dict = {}
    out = {}
    for t in thresholds:
        c: dict = {}
        for k, (text, orig, found) in enumerate(items):
            n = _prefix(found, t, conf)
            if (k, n) not in memo:
                memo[(k, n)] = score_pair(text, orig, apply_edits(text, [e for d in found[:n] for e in d[3]]))
            c = add(c, memo[(k, n)])
        out[str(t)] = summarise(c)
    return out


def copies_damage(clean, thresholds, conf) -> dict:
    """Words changed per 5,000 when each clean text is "restored" with its spun copies
    (each edit's token edit distance: edits are apart, so they add up)."""
    words = sum(len(metrics.tokens(t)) for t, _ in clean)
    cost = [[sum(metrics.levenshtein(metrics.tokens(e.spun), metrics.tokens(e.restored)) for e in d[3])
             for d in found] for _, found in _by_confidence(clean, conf)]
    clean = _by_confidence(clean, conf)
    out = {}
    for t in thresholds:
        changed = sum(sum(c[:_prefix(found, t, conf)]) for c, (_, found) in zip(cost, clean))
        out[str(t)] = {"words": words, "changed": changed, "per_5000": round(5000 * changed / words, 2)}
    return out


def safe_threshold(damage: dict) -> float | None:
    """The copies' default-threshold rule: the lowest threshold at which clean text
    restored with its spun copies changes at most 1 word in 5,000."""
    ok = [float(t) for t, d in damage.items() if d["per_5000"] <= 1.0]
    return min(ok) if ok else None


def fit_copies(data: dict) -> dict:
    """Refit respin.copies' confidence on simulator data: for each LAMBDA of a grid, a
    logistic regression of "the edit is right" on margin - LAMBDA * max(prior, 0), then
    the threshold the rule gives; the LAMBDA whose rule threshold restores the most
    swapped words wins (all on the fit leads). LAMBDA stops at 1, which takes the whole
    frequency gain off (the context's evidence alone): more would favour originals rarer
    than their swaps, which the simulator's aggressive style makes (it prefers common
    synonyms) and real spinners do not (BENCHMARKS.md)."""
    import numpy as np
    rows = [(mg, pr, ok) for _, _, found in data["spun"] for mg, pr, ok, _ in found]
    y = np.array([ok for _, _, ok in rows], dtype=float)
    grid = [x / 100 for x in range(50, 100)]
    best, table = None, []
    for lam in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = np.array([mg - lam * max(pr, 0.0) for mg, pr, _ in rows])
        w = np.zeros(2)
        X = np.stack([np.ones_like(x), x], 1)
        for _ in range(50):  # Newton's method (IRLS) for the two weights
            p = 1 / (1 + np.exp(-X @ w))
            g = X.T @ (y - p)
            H = (X * (p * (1 - p))[:, None]).T @ X
            w = w + np.linalg.solve(H + 1e-9 * np.eye(2), g)

        def conf(d, w=w, lam=lam):
            return 1 / (1 + np.exp(-(w[0] + w[1] * (d[0] - lam * max(d[1], 0.0)))))
        thr = safe_threshold(copies_damage(data["clean"], grid, conf))
        res = copies_curve([(s, o, f) for s, o, f in data["spun"]], [thr], conf)[str(thr)] if thr else {}
        table.append({"lambda": lam, "a": round(float(w[0]), 3), "b": round(float(w[1]), 3), "threshold": thr, **res})
        if thr and (best is None or res["recall"] > best["recall"]):
            best = table[-1]
    return {"fitted_on_leads": list(FIT_LEADS), "decisions": len(rows), "table": table, "best": best}


def copies_dev(thresholds, at: float) -> dict:
    """Out of sample: each CNN-2020 spinner copy restored from the other three (and with
    the two machine-translation round trips as well); the original restored with the four."""
    from respin.copies import confidence, decisions
    from respin.model import default
    from respin.tokenize import Document
    from respin.channel import _edit_right
    m = default()
    base = SHARED / "dev-pairs" / "cnn_2020-10-15_october_surprises__"
    names = ["diaspora9ja", "show-time", "tellusdaily", "worldnewstoday"]
    mt = ["howtotechglitz__mt_roundtrip", "tricksfast__mt_roundtrip"]

    def read(name, kind="spun"):
        return Path(f"{base}{name}.{kind}.txt").read_text(encoding="utf-8")

    def conf(d):
        return round(confidence(d[0], d[1]), 3)
    out = {}
    for label, extra in (("from the other three", []), ("from the other three and the two MT round trips", mt)):
        items, per_copy, rels = [], {}, {}
        for n in names:
            text, orig = read(n), read(n, "orig")
            others = [Document.from_text(read(x)) for x in names if x != n] + [Document.from_text(read(x)) for x in extra]
            r, found, _ = decisions(Document.from_text(text), others, m.lexicon, m.lm)
            rows = [(d.margin, d.prior, all(_edit_right(text, orig, e) for e in d.edits), d.edits) for d in found]
            items.append((text, orig, rows))
            rels[n] = [x.verdict for x in r]
            per_copy[n] = copies_curve([(text, orig, rows)], [at], conf)[str(at)]
        out[label] = {"curve": copies_curve(items, thresholds, conf), "relations": rels,
                      f"per copy at {at}": per_copy}
    orig = read(names[0], "orig")
    _, found, _ = decisions(Document.from_text(orig), [Document.from_text(read(n)) for n in names], m.lexicon, m.lm)
    clean = [(orig, [(d.margin, d.prior, False, d.edits) for d in found])]
    out["original restored with the four spun copies"] = copies_damage(clean, thresholds, conf)
    return out


def model_alone_curve(items, thresholds) -> dict:
    """The same texts restored by the model alone (no copies), for comparison: its edits at
    each threshold (restore --min-confidence)."""
    from respin.model import default
    got = default().restore_many([s for s, _, _ in items], min_confidence=0.0, together=False)
    out = {}
    for t in thresholds:
        c: dict = {}
        for (text, orig, _), r in zip(items, got):
            c = add(c, score_pair(text, orig, apply_edits(text, [e for e in r.edits if e.confidence >= t])))
        out[str(t)] = summarise(c)
    return out


def copies_speed() -> dict:
    """Words/second of a 1,000-word text (13 held-out leads as paragraphs, spun) restored
    from three other spun copies, once loaded (best of 5, one core); and of restore_cluster
    of its four spun copies and of five (a fifth spinner: conservative, another seed), each
    copy restored from the others (all the cluster's words over its time, best of 3)."""
    import respin
    from respin import corpora
    from respin.copies import restore_with_copies
    from respin.model import default
    from respin.spin import spin
    m = default()
    paras, n = [], 0
    for t in list(corpora.wikipedia_leads())[9000:9100]:
        paras.append(t.replace("\n", " "))
        n += len(t.split())
        if n >= 1000:
            break
    orig = "\n".join(paras) + "\n"
    texts = [spin(orig, rate=0.3, style=st, seed=sd).text for st, sd in COPY_STYLES]
    restore_with_copies(texts[0], texts[1:], m.lexicon, m.lm)
    best = min(_timed(lambda: restore_with_copies(texts[0], texts[1:], m.lexicon, m.lm)) for _ in range(5))
    words = len(metrics.tokens(texts[0]))
    out = {"words": words, "copies": 3, "words_per_second": round(words / best)}
    for cluster in (texts, texts + [spin(orig, rate=0.3, style="conservative", seed=3).text]):
        respin.restore_cluster(cluster)
        t = min(_timed(lambda: respin.restore_cluster(cluster)) for _ in range(3))
        w = sum(len(metrics.tokens(x)) for x in cluster)
        out[f"restore_cluster_{len(cluster)}"] = {"words": w, "words_per_second": round(w / t)}
    t0 = time.process_time()
    for _ in range(5):
        metrics.TOKEN.findall(orig * 20)
    out["regex_tokenise_words_per_second"] = round(20 * len(metrics.tokens(orig)) * 5 / (time.process_time() - t0))
    return out


def _timed(f) -> float:
    t0 = time.process_time()
    f()
    return time.process_time() - t0


def copies(fit: bool = False, limit: int | None = None) -> dict:
    """Restoration from other spun copies: the confidence's fit and the default
    threshold's rule on the fit leads, the figures on the test leads and, out of sample,
    on the dev CNN-2020 copies, and speed."""
    from respin import copies as C

    def conf(d):
        return round(C.confidence(d[0], d[1]), 3)
    t = time.time()
    fit_data = copies_data(*FIT_LEADS, limit)
    if fit:
        return fit_copies(fit_data)
    grid = [x / 100 for x in range(50, 100)]
    rule = safe_threshold(copies_damage(fit_data["clean"], grid, conf))
    test = copies_data(*TEST_LEADS, limit)
    ths = sorted(set(COPY_THRESHOLDS) | {C.DEFAULT_THRESHOLD})
    spun = [(s, o, f) for s, o, f in test["spun"]]
    return {
        "confidence": {"a": C.CONF_A, "b": C.CONF_B, "lambda": C.LAMBDA},
        "default_threshold": C.DEFAULT_THRESHOLD,
        "rule_on_fit_leads": rule,
        "simulator_test": {"leads": list(TEST_LEADS), "texts": len(spun),
                           "curve": copies_curve(spun, ths, conf),
                           "clean_damage": copies_damage(test["clean"], ths, conf),
                           "model_alone_curve": model_alone_curve(spun, (0.5, 0.6, 0.7, 0.8, 0.9, 0.99))},
        "dev_cnn_2020": copies_dev(ths, C.DEFAULT_THRESHOLD),
        "speed": copies_speed(),
        "seconds": round(time.time() - t, 1),
    }


def main():
    ap = argparse.ArgumentParser(description="respin restoration benchmarks (without a source, and from other copies)")
    ap.add_argument("--only", default=None,
                    choices=["loao", "clean", "tortured", "speed", "copies", "copies-speed", "reliability"],
                    help="one part only (default: all but copies-speed)")
    ap.add_argument("--tortured-limit", type=int, default=None, help="first N eval phrases only")
    ap.add_argument("--tortured-split", default="eval", choices=["eval", "dev"],
                    help="with --only tortured: the rows to read (dev: the shipped lexicon's own rows)")
    ap.add_argument("--fit", action="store_true", help="with --only copies: refit the copies' confidence")
    ap.add_argument("--copies-limit", type=int, default=None, help="first N leads of each split only")
    a = ap.parse_args()
    from respin import corpora
    if a.only in (None, "speed", "copies", "copies-speed", "reliability") and corpora.wikipedia_summaries_path() is None:
        sys.exit(f"bench_restore: --only {a.only or '(all parts)'} needs the Wikipedia leads: {corpora.WIKI_HINT}"
                 " (loao, clean and tortured do not)")
    out = {}
    if a.only in (None, "loao"):
        t = time.time()
        out["loao"] = loao()
        out["loao"]["seconds"] = round(time.time() - t, 1)
    if a.only in (None, "clean"):
        out["clean"] = clean_damage()
    if a.only in (None, "tortured"):
        out[f"tortured_{a.tortured_split}"] = tortured(a.tortured_split, a.tortured_limit)
    if a.only in (None, "speed"):
        out["speed"] = speed()
    if a.only in (None, "reliability"):
        t = time.time()
        out["reliability"] = reliability()
        out["reliability"]["seconds"] = round(time.time() - t, 1)
    if a.only in (None, "copies"):
        out["copies"] = copies(a.fit, a.copies_limit)
    if a.only == "copies-speed":  # the copies' speed part alone (~10 s)
        out["copies_speed"] = copies_speed()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
