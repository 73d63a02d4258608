"""Estimating the decoder's weights from spun/original pairs (no hand-set channel).

For every place of a spun text where the decoder has alternatives, the truth (from aligning
the pair) says which option is the original. The decoder's score of an option is linear in
``lm_weight`` and ``theta``, so the weights are the conditional maximum-likelihood fit of a
multinomial logit over each place's options: the same fit that makes the confidences
probabilities. Two stages: without the document-pooling feature, then, with pooled shares
computed by decoding the training documents with the stage-one weights, all weights again.
"""

from __future__ import annotations

import difflib

import numpy as np

from .decode import CHANNEL, DEFAULT_PARAMS, Decoder, Params, _pool
from .tokenize import LINE_BREAK, PUNCT, Document, split_lines

L2 = 0.05  # ridge on the weights: a few hundred labelled swaps, eleven weights
# Evidence that can only make a swap likelier: the spinner's own learned swaps and the
# document's other occurrences. Fitted across articles of *other* spinners, the learned
# weight would otherwise go negative (their swaps rarely transfer), and a user's lexicon of
# their own spinner would then count against its swaps.
NON_NEGATIVE = ("learned", "pool")


def _doc_words(doc: Document) -> list[str]:
    return [t.text.lower().replace("’", "'") for t in doc.tokens if t.kind != PUNCT]


def truth(spun: str, orig: str):
    """Per spun sentence, {position: (length, original words)} for replaced spans and
    {position} of words kept; positions inside insertions/deletions are left out."""
    sd, od = Document.from_text(spun, identifiers=False), Document.from_text(orig, identifiers=False)
    sw, ow = _doc_words(sd), _doc_words(od)
    lab: dict[int, tuple[int, tuple[str, ...]]] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sw, ow, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i1, i2):
                lab[k] = (1, (sw[k],))
        elif tag == "replace":
            lab[i1] = (i2 - i1, tuple(ow[j1:j2]))
            if i2 - i1 == j2 - j1:  # also as word-by-word swaps ("energy crops" -> "power plants")
                for d in range(i2 - i1):
                    lab.setdefault(-(i1 + d) - 1, (1, (ow[j1 + d],)))
    return sd, lab


def _rows(dec: Decoder, spun: str, orig: str, pool_pass: Params | None):
    """(lm score, features) per option and the true option's index, per labelled place."""
    sd, lab = truth(spun, orig)
    sents = []
    g = 0
    for idx, words, caps, joined in dec.sentences(sd):
        sents.append((g, words, caps, joined, dec.options(words, caps, joined)))
        g += len(words)
    pool = None
    if pool_pass is not None:
        pdec = Decoder(dec.thesaurus, dec.lm, pool_pass, dec.swaps, user_swaps=dec.user_swaps)
        res = []
        for g0, words, caps, joined, _ in sents:
            # options built with the stage-one weights (their channel scores are cached in them)
            popts = pdec.options(words, caps, joined) if words else []
            path = pdec.viterbi(words, popts, None) if words else []
            res.append(pdec.local(words, popts, path) if words else [])
        pool = _pool(res, pool_pass.lm_weight)
    groups = []
    for g0, words, caps, joined, opts in sents:
        if not words:
            continue
        path, targets = [], {}
        i = 0
        while i < len(words):
            want = lab.get(g0 + i)
            alt = lab.get(-(g0 + i) - 1)
            hit = None
            for cand in (want, alt):
                if cand is None:
                    continue
                hit = next((o for o in opts[i] if (o.length, o.out) == cand), None)
                if hit is not None:
                    break
            if hit is None:
                hit = opts[i][0]
            else:
                targets[i] = hit
            path.append(hit)
            i += hit.length
        for i, scored in dec.local(words, opts, path):
            t = targets.get(i)
            if t is None:
                continue
            ip = CHANNEL.index("pool")
            rows = []
            for o, s in scored:
                f = list(o.feats)
                f[ip] = pool.get((o.key, o.out), 0.0) if pool is not None else 0.0
                rows.append((s, f))
            groups.append((rows, next(k for k, (o, _) in enumerate(scored) if o is t)))
    return groups


def _nll(x, X, gid, starts, true_idx):
    s = X @ x
    m = np.maximum.reduceat(s, starts)
    e = np.exp(s - m[gid])
    z = np.add.reduceat(e, starts)
    lse = m + np.log(z)
    nll = float(np.sum(lse - s[true_idx])) + L2 * float(x[1:] @ x[1:])
    p = e / z[gid]
    grad = X.T @ p - X[true_idx].sum(axis=0)
    grad[1:] += 2 * L2 * x[1:]
    return nll, grad


def _fit_groups(groups, x0) -> np.ndarray:
    from scipy.optimize import minimize

    X, gid, starts, true_idx = [], [], [], []
    for g, (opts, t) in enumerate(groups):
        starts.append(len(X))
        true_idx.append(len(X) + t)
        for s, f in opts:
            X.append([s] + f)
            gid.append(g)
    X = np.asarray(X, dtype=np.float64)
    bounds = [(0.0, None)] + [(0.0, None) if n in NON_NEGATIVE else (None, None) for n in CHANNEL]
    # A weight whose feature never differs between the options of a place gets no evidence
    # from the pairs, only the ridge's pull to 0: it keeps its starting value (the digit ->
    # number word prior of DEFAULT_PARAMS where the pairs hold no such place).
    st = np.asarray(starts)
    moves = (np.maximum.reduceat(X, st) != np.minimum.reduceat(X, st)).any(axis=0)
    bounds = [b if moves[k] else (x0[k], x0[k]) for k, b in enumerate(bounds)]
    res = minimize(_nll, np.asarray(x0, dtype=np.float64), jac=True, method="L-BFGS-B",
                   args=(X, np.asarray(gid), st, np.asarray(true_idx)), bounds=bounds)
    return res.x


def fit(pairs, thesaurus, lm, threshold: float = 0.9) -> tuple[Params, dict]:
    """Fit the decoder's weights on (group, spun, original) triples; returns params and stats.

    ``group`` names the source article: the learned-lexicon feature of a pair is computed
    with a lexicon learned from the *other* groups only (cross-fitting), since a lexicon
    always knows the swaps of the pairs it was learned from and would look infallible.
    """
    from .swaps import learn

    pairs = list(pairs)
    names = sorted({g for g, _, _ in pairs})
    decs = {}
    for g in names:
        others = [(s, o) for h, s, o in pairs if h != g]
        decs[g] = Decoder(thesaurus, lm, DEFAULT_PARAMS, learn(others, thesaurus) if others else None, prune=False)
    groups = [x for g, s, o in pairs for x in _rows(decs[g], s, o, None)]
    if not groups:
        raise ValueError("no labelled places in the training pairs")
    x0 = [DEFAULT_PARAMS.lm_weight] + list(DEFAULT_PARAMS.theta)
    second = [1 + CHANNEL.index("pool")]  # the pass-two feature
    for k in second:
        x0[k] = 0.0
    x1 = _fit_groups(groups, x0)
    for k in second:
        x1[k] = 0.0
    stage1 = Params(float(x1[0]), [float(v) for v in x1[1:]], threshold)
    groups2 = [x for g, s, o in pairs for x in _rows(decs[g], s, o, stage1)]
    x2 = _fit_groups(groups2, x1)
    params = Params(float(x2[0]), [float(v) for v in x2[1:]], threshold)
    n_sub = sum(1 for opts, t in groups2 if t != 0)
    return params, {"places": len(groups2), "substituted_places": n_sub, "groups": len(names)}


THRESHOLD_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
TARGET_PRECISION = 0.9   # what the default threshold must reach in cross-validation
# ... measured on at least this many held-out edits. A precision near 0.9 measured on n edits
# has a standard error of about sqrt(0.09 / n): 0.095 at n = 10, where 15 right of 16 cannot
# tell 0.9 from 0.75 (the fifth session's refit picked 0.6 that way, and a reading of seed
# 003's 39 edits at 0.6 found about a quarter wrong); at n = 30 the error is 0.055.
MIN_EDITS = 30
FALLBACK_THRESHOLD = 0.99


def cross_validate(named_pairs, thesaurus, lm, doc_score=None) -> dict:
    """Leave-one-group-out: fit on the other groups (weights and learned lexicon), decode
    the held-out spun texts and their originals. Returns every decoded edit of the held-out
    texts with its confidence and whether it is right (its replacement matches the original
    there), plus word counts, for choosing the threshold and reporting reliability.

    ``doc_score(text)`` (the detector's P(spun)) multiplies each confidence, as in
    :meth:`respin.model.Model.restore`.
    """
    from .decode import restore_edits
    from .metrics import tokens
    from .swaps import group_of, learn

    triples = [(group_of(n), s, o) for n, s, o in named_pairs]
    out = {"edits": [], "clean_edits": [], "clean_words": 0, "substituted": 0}
    for held in sorted({g for g, _, _ in triples}):
        train = [t for t in triples if t[0] != held]
        test = [t for t in triples if t[0] == held]
        if not train:
            continue
        params, _ = fit(train, thesaurus, lm)
        dec = Decoder(thesaurus, lm, params, learn([(s, o) for _, s, o in train], thesaurus))
        for _, s, o in test:
            k = doc_score(s) if doc_score else 1.0
            for e in restore_edits(s, dec, 0.0)[0]:
                out["edits"].append((round(k * e.confidence, 3), _edit_right(s, o, e)))
        for o in sorted({o for _, _, o in test}):
            k = doc_score(o) if doc_score else 1.0
            out["clean_words"] += len(tokens(o))
            out["clean_edits"] += [round(k * e.confidence, 3) for e in restore_edits(o, dec, 0.0)[0]]
    return out


def _edit_right(spun: str, orig: str, e) -> bool:
    """Does applying this one edit put the original's words there? (METRICS.md: every
    restored token lies in an equal opcode against the original.)"""
    from .metrics import opcodes, tokens
    from .restore import apply_edits
    breaks = [m.end() for m in LINE_BREAK.finditer(spun, 0, e.start)]
    line_start, line_no = (breaks[-1] if breaks else 0), len(breaks)
    after = LINE_BREAK.search(spun, e.end)
    line = spun[line_start:after.start() if after else len(spun)]
    olines = split_lines(orig)
    if line_no >= len(olines):
        return False
    from .restore import Edit
    local = Edit(e.start - line_start, e.end - line_start, e.spun, e.restored, e.origin, e.confidence, e.kind)
    R, O = tokens(apply_edits(line, [local])), tokens(olines[line_no])
    ok = [False] * len(R)
    for op, j1, j2, *_ in opcodes(R, O):
        if op == "equal":
            ok[j1:j2] = [True] * (j2 - j1)
    S = tokens(line)
    changed = [j for op, i1, i2, j1, j2 in opcodes(S, R) if op != "equal" for j in range(j1, j2)]
    return bool(changed) and all(ok[j] for j in changed)


def choose_threshold(cv: dict) -> tuple[float, list[dict]]:
    """The lowest grid threshold whose cross-validated precision reaches TARGET_PRECISION
    on at least MIN_EDITS held-out edits and whose damage on the held-out originals is at
    most 1 word in 5,000; the table of
    every grid point goes next to it in decoder.json."""
    table, chosen = [], None
    for t in THRESHOLD_GRID:
        hits = [ok for c, ok in cv["edits"] if c >= t]
        damage = sum(c >= t for c in cv["clean_edits"]) / max(1, cv["clean_words"])
        prec = sum(hits) / len(hits) if hits else None
        table.append({"threshold": t, "edits": len(hits), "precision": None if prec is None else round(prec, 3),
                      "clean_changed_per_5000": round(5000 * damage, 2)})
        if chosen is None and len(hits) >= MIN_EDITS and prec >= TARGET_PRECISION and 5000 * damage <= 1.0:
            chosen = t
    return (chosen if chosen is not None else FALLBACK_THRESHOLD), table


def build(model_dir, pair_paths, quiet: bool = False, command: str | None = None) -> dict:
    """Fit the decoder on real pairs and write ``decoder.json`` and ``swaps.tsv`` into the
    model folder (atomically): ``python -m respin.channel MODEL_DIR PAIRS...``, the command
    decoder.json records unless ``command`` names another (``python -m respin.build_model``)."""
    import hashlib
    import json
    import sys
    import time
    from pathlib import Path

    from . import __version__
    from .io import write_atomic
    from .model import load
    from .swaps import group_of, learn, read_pairs

    t0 = time.time()
    model_dir = Path(model_dir)
    m = load(model_dir)
    m._require()
    named = read_pairs(pair_paths)
    if not named:
        raise ValueError("no spun/original pairs found (NAME.spun.txt beside NAME.orig.txt, or JSONL)")
    say = (lambda s: None) if quiet else (lambda s: print(f"respin: {s}", file=sys.stderr))
    say(f"{len(named)} pairs in {len({group_of(n) for n, _, _ in named})} groups; cross-validating")
    cv = cross_validate(named, m.lexicon, m.lm, doc_score=lambda t: m.check(t).score)
    threshold, table = choose_threshold(cv)
    params, stats = fit([(group_of(n), s, o) for n, s, o in named], m.lexicon, m.lm, threshold)
    swaps = learn([(s, o) for _, s, o in named], m.lexicon)
    digest = hashlib.sha256("\0".join(f"{n}\0{s}\0{o}" for n, s, o in named).encode("utf-8")).hexdigest()
    swaps_tsv = f"# learned by: respin learn {' '.join(map(str, pair_paths))}\n" + swaps.to_tsv()
    cmd = command or "python -m respin.channel " + " ".join([str(model_dir)] + [str(p) for p in pair_paths])
    doc = {
        "format": "respin-decoder", "version": 1, "respin_version": __version__,
        "command": cmd, "pairs": len(named), "pairs_sha256": digest, "fit": stats,
        "params": params.to_dict(), "swaps": "swaps.tsv",
        "swaps_sha256": hashlib.sha256(swaps_tsv.encode("utf-8")).hexdigest(),
        "threshold_rule": (f"lowest of {list(THRESHOLD_GRID)} whose leave-one-group-out precision is >= "
                           f"{TARGET_PRECISION} on >= {MIN_EDITS} held-out edits and that changes <= 1 word in 5,000 of the held-out originals; "
                           f"{FALLBACK_THRESHOLD} if none does. Confidence = P(document spun) x decoder posterior."),
        "threshold_table": table, "seconds": round(time.time() - t0, 1),
    }
    write_atomic(str(model_dir / "swaps.tsv"), swaps_tsv)
    write_atomic(str(model_dir / "decoder.json"), json.dumps(doc, indent=1) + "\n")
    say(f"wrote {model_dir}/decoder.json (threshold {threshold}) and swaps.tsv ({len(swaps)} swaps)")
    return doc


if __name__ == "__main__":  # python -m respin.channel MODEL_DIR PAIRS...
    import sys as _sys
    if len(_sys.argv) < 3:
        print("usage: python -m respin.channel MODEL_DIR PAIRS...", file=_sys.stderr)
        raise SystemExit(2)
    build(_sys.argv[1], _sys.argv[2:])
