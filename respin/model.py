"""The detection model: a folder of plain data files, loaded once per process.

A model folder holds ``lexicon.npz`` (thesaurus links, see :mod:`respin.lexicon`) and
``detector.json`` (classifier weights and thresholds, see :mod:`respin.train`), plus
``metadata.json``. Nothing is unpickled: NumPy arrays load with ``allow_pickle=False``
and JSON is data, so a model from an untrusted place cannot execute code.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from .detector import Detector
from .evidence import matrix, rescore
from .tokenize import Document

_LOCK = threading.Lock()
_CACHE: dict[str, "Model"] = {}


class ModelError(Exception):
    """A model folder is missing, incomplete or of an unknown format."""


def default_dir() -> Path:
    """The shipped model: $RESPIN_MODEL_DIR, else models/default in a source checkout,
    else the installed copy (the data package ``respin.models``)."""
    env = os.environ.get("RESPIN_MODEL_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "models" / "default"
    if here.is_dir():
        return here
    from importlib.util import find_spec
    spec = find_spec("respin.models")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) / "default" if locations else here


_DEFAULT: dict = {}  # $RESPIN_MODEL_DIR -> the default model: no file-system access per call


def default() -> "Model":
    key = os.environ.get("RESPIN_MODEL_DIR")
    m = _DEFAULT.get(key)
    if m is None:
        m = _DEFAULT[key] = load(default_dir())
    return m


def load(path) -> "Model":
    """Load (once per process, thread-safe) the model in folder ``path``."""
    key = str(Path(path).resolve())
    with _LOCK:
        m = _CACHE.get(key)
        if m is None:
            m = _CACHE[key] = Model(Path(path))
        return m


class Model:
    """A loaded model folder: thesaurus, context scorer and detector weights."""

    def __init__(self, path: Path):
        if not path.is_dir():
            raise ModelError(f"model folder not found: {path}")
        self.path = path
        self.name = path.name
        lex = path / "lexicon.npz"
        if not lex.exists():
            raise ModelError(f"model folder has no lexicon.npz: {path} (build it: python -m respin.build_lexicon {path})")
        from .lexicon import Lexicon
        try:
            self.lexicon = Lexicon.load(lex)
        except Exception as e:
            raise ModelError(f"cannot load {lex}: {e}") from None
        table = path / "candidates.npz"
        if table.exists():
            from .evidence import CandidateTable
            try:
                self.lexicon.candidate_table = CandidateTable.load(table)
            except (ValueError, KeyError, OSError) as e:
                raise ModelError(f"cannot load {table}: {e}") from None
        self.detector = None
        det = path / "detector.json"
        if det.exists():
            self.detector = _load_detector(det)
        meta = path / "metadata.json"
        self.metadata = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
        self.version = self.metadata.get("model_version", "")
        # Reported with every result, like sacrebleu's signatures: which model said this.
        self.label = f"{self.name}@{self.version}" if self.version else self.name
        from .lm import default_scorer
        cfg = self.detector.lm_config if self.detector is not None else None
        self.lm = default_scorer() if not cfg or cfg.get("weight", 0) < 1 else None
        self._decoders: dict = {}
        self._decoder_conf = None
        if cfg and (self.lm is not None or cfg.get("weight", 0) >= 1):
            from .ngram import combine, load_lm  # Kneser-Ney models, and CountsLM files of older runs
            try:
                own = load_lm(path / cfg["file"])
            except (OSError, ValueError, KeyError) as e:
                raise ModelError(f"cannot load the model's own language model: {e}") from None
            self.lm = combine(self.lm, own, cfg["weight"])

    def _require(self):
        if self.detector is None:
            raise ModelError(f"model has no detector.json: {self.path} (train it: respin train {self.path})")
        if self.lm is None:
            raise ModelError("the language model (pocketsphinx) is not installed: pip install pocketsphinx")

    def warm(self) -> "Model":
        """Load now what is otherwise loaded on first use (the decoded LM table behind fast
        checks): for servers and batch workers, so that the first document is not slower."""
        from .evidence import vectorised
        if self.lm is not None:
            vectorised(self.lexicon, self.lm)
        return self

    def evidence(self, doc: Document, suggestions: bool = True, phrases=(), windows: list | None = None):
        """Evidence of ``doc``: (rows, X, p, post, phrase_post) with the feature matrix ``X``,
        word-model probabilities ``p`` and the document mixture's posteriors ``post``, one
        entry per judged word, and ``phrase_post`` per phrase of ``phrases``
        (:func:`respin.phrases.phrase_hits`, further units of evidence for the mixture).
        ``rows`` holds the :class:`WordEvidence` of the words at or above the finding
        threshold only (building one per word is what a fast check cannot afford), as
        (row index, WordEvidence) pairs. ``suggestions``: build those rows and rank a longer
        candidate list for them (findings need it; a bare document score does not: without
        it ``rows`` is empty). ``windows``: a list to which the LM windows of the vectorised
        pass are appended (:class:`respin.evidence_vec.Windows`), for restoration's decoder."""
        self._require()
        from .evidence import scalar_evidence, vectorised
        det = self.detector
        vec = vectorised(self.lexicon, self.lm)
        if vec is not None:
            from .evidence_vec import evidence_table
            table = evidence_table(doc, *vec, windows=windows is not None)
            X, get = table.X, table.row
            if windows is not None:
                windows.append(table.windows)
        else:
            all_rows = scalar_evidence(doc, self.lexicon, self.lm)
            X, get = matrix(all_rows), all_rows.__getitem__
        p = det.word.predict_proba(X)
        from .phrases import log_lr
        post, phrase_post, rate = det.posteriors_with(X, p, log_lr(phrases))
        pooled: dict[int, int] = {}  # row -> the candidate its type's occurrences agree on
        if suggestions and rate > 0 and vec is not None:
            # The spinner's dictionary, once the document is known to be spun: the other
            # occurrences of a word swapped the same way (respin.consistency).
            from .consistency import LR_HIT, pooled_hits
            q = rate * LR_HIT / (rate * LR_HIT + 1 - rate)
            for h in pooled_hits(table, vec[1]):
                for i in h.rows:
                    if q > post[i]:
                        post[i] = q
                    pooled[i] = h.candidate
        flagged = np.flatnonzero(post >= det.finding_threshold).tolist()
        rows = []  # a bare score needs no rows
        if suggestions:  # the reported words, with suggestions from a longer candidate list
            rows = [(i, get(i)) for i in flagged]
            if vec is not None:
                from .evidence_vec import rescore as rescore_rows
                for (i, r), c in zip(rows, rescore_rows(table, flagged, self.lexicon, vec[1])):
                    if i in pooled:  # the type's pooled choice first, where it fits here too
                        best = table.words[pooled[i]]
                        c = sorted(c, key=lambda x: x[0] != best or x[1] <= 0)
                    r.candidates = c
            else:
                for _, r in rows:
                    r.candidates = rescore(r, self.lexicon, self.lm)
        return rows, X, p, post, phrase_post

    def check(self, text: str, threshold: float | None = None, findings: bool = True, doc: Document | None = None,
              windows: list | None = None):
        """The :class:`Report` of ``text``; ``findings=False`` computes the score alone
        (no findings listed), as restoration needs; ``doc``: ``text`` already tokenised
        (:meth:`Document.from_text`), which restoration has; ``windows``: see :meth:`evidence`."""
        from .detect import MIN_EVIDENCE_WORDS, SPINTAX_CONFIDENCE, Report, findings_from_rows, spintax_findings
        det = self.detector
        thr = (det.doc_threshold if det else 0.5) if threshold is None else threshold
        if doc is None:
            doc = Document.from_text(text)
        elif doc.text is not text and doc.text != text:  # findings' offsets index ``text``
            raise ValueError("doc is not the Document of text")
        if doc.n_words == 0:
            return Report(0.0, 0.0 >= thr, [], 0, thr, model=self.label, judged=False)
        phrases = []
        if findings:  # phrase swaps ("by way of" for through): more units of evidence for the gate
            self._require()
            from .phrases import phrase_hits, phrase_index, table_for
            tab = table_for(self.lm)
            phrases = phrase_hits(doc, phrase_index(self.lexicon, tab)) if tab is not None else []
        rows, X, p, post, phrase_post = self.evidence(doc, suggestions=findings, phrases=phrases, windows=windows)
        if len(X) < MIN_EVIDENCE_WORDS:
            return Report(0.0, 0.0 >= thr, [], doc.n_words, thr, model=self.label, judged=False)
        findings = findings_from_rows(text, doc, [r for _, r in rows], post[[i for i, _ in rows]],
                                      det.finding_threshold) if findings else []
        if phrases:
            from .phrases import phrase_findings
            extra = [f for f in phrase_findings(text, phrases, phrase_post, det.finding_threshold)
                     if not any(f.start < x.end and x.start < f.end and not (f.start <= x.start and x.end <= f.end)
                                for x in findings)]  # a word finding reaching outside the phrase wins
            if extra:
                findings = sorted([x for x in findings if not any(f.start <= x.start and x.end <= f.end for f in extra)]
                                  + extra, key=lambda f: f.start)
        score = det.score(X, doc.n_words, p)  # the calibrated document model: word evidence only
        leaked = spintax_findings(text)
        if leaked:  # a spinner's template in the text settles the question
            score = max(score, SPINTAX_CONFIDENCE)
            findings = sorted([f for f in findings if not any(f.start < x.end and x.start < f.end for x in leaked)]
                              + leaked, key=lambda f: f.start)
        return Report(score, score >= thr, findings, doc.n_words, thr, model=self.label)

    # -- restoration without a source ---------------------------------------------------------
    def decoder(self, lexicons=()):
        """The noisy-channel decoder (:mod:`respin.decode`) with the model's learned swaps
        plus ``lexicons`` (SwapLexicon objects, or one); built once per set of lexicons (the
        last few sets are kept, so repeated calls with the same lexicons stay fast)."""
        from .decode import DEFAULT_PARAMS, Decoder
        from .swaps import SwapLexicon, merged
        if isinstance(lexicons, SwapLexicon):
            lexicons = (lexicons,)
        lexicons = tuple(lexicons or ())
        if not all(isinstance(x, SwapLexicon) for x in lexicons):
            raise TypeError("lexicons must be SwapLexicon objects (respin.SwapLexicon.load(path))")
        key = tuple(id(x) for x in lexicons)
        hit = self._decoders.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], lexicons)):
            return hit[1]
        params, swaps = self._decoder_files()
        with _LOCK:
            dec = Decoder(self.lexicon, self.lm, params or DEFAULT_PARAMS,
                          merged([swaps, *lexicons]) if lexicons else swaps)
            if len(self._decoders) >= 8:
                self._decoders = {k: v for k, v in self._decoders.items() if k == ()}
            self._decoders[key] = (lexicons, dec)  # holds the lexicons: their ids stay theirs
        return dec

    def _decoder_files(self):
        """(params or None, learned swaps) from decoder.json and swaps.tsv, read once."""
        if self._decoder_conf is None:
            with _LOCK:
                if self._decoder_conf is None:
                    self._decoder_conf = self._load_decoder()
        return self._decoder_conf

    def _load_decoder(self):
        from .decode import Params
        from .swaps import SwapLexicon
        path = self.path / "decoder.json"
        if not path.exists():
            return None, SwapLexicon()
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            params = Params.from_dict(d["params"])
            sw = self.path / d.get("swaps", "swaps.tsv")
            swaps = SwapLexicon.load(sw) if sw.exists() else SwapLexicon()
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as e:
            raise ModelError(f"cannot load {path}: {e}") from None
        return params, swaps

    @property
    def restore_threshold(self) -> float:
        params = self._decoder_files()[0]
        return params.threshold if params is not None else 0.99

    def restore(self, text: str, min_confidence: float | None = None, lexicons=(), report=None):
        """Restore without a source: the decoder's edits, each with confidence
        P(the document is spun) x P(this choice | the document is spun); edits at or above
        the threshold are applied, the others returned as ``suggestions``.

        Multiplying by the detector's calibrated document score is what keeps clean text
        unchanged: the decoder's posteriors assume a spun document (it is fitted on them).
        ``report``: this text's :meth:`check` result when the caller has it already.
        """
        return self.restore_many([text], min_confidence, lexicons, [report])[0]

    def restore_many(self, texts, min_confidence: float | None = None, lexicons=(), reports=None):
        """:meth:`restore` for documents from one source (one site, one spinner): the evidence
        for each word's mapping is pooled over all of them, since a spinner's dictionary is
        the same in every copy it makes."""
        from .decode import restore_edits
        from .restore import Restoration
        texts = list(texts)
        reports = list(reports) if reports is not None else [None] * len(texts)
        docs = [Document.from_text(t) for t in texts]
        dec = self.decoder(lexicons)
        live = [i for i, d in enumerate(docs) if d.n_words]
        # The detector's LM windows, which the decoder's pruning reads instead of searching
        # (same values: windows only save time). They are all held until decoding, so they
        # are kept for the first WINDOW_WORDS words of a batch only: memory stays bounded.
        wins, budget = [], WINDOW_WORDS
        for i in live:
            got: list | None = None
            if reports[i] is None:
                got = [] if docs[i].n_words <= budget else None
                reports[i] = self.check(texts[i], findings=False, doc=docs[i], windows=got)
                if got:
                    budget -= docs[i].n_words
            wins.append(got[0] if got else None)
        choices = dict(zip(live, dec.decode_many([docs[i] for i in live], windows=wins)))
        thr = self.restore_threshold if min_confidence is None else min_confidence
        out = []
        for i, (text, doc) in enumerate(zip(texts, docs)):
            if not doc.n_words:
                out.append(Restoration(text, text, []))
                continue
            decoded = restore_edits(text, dec, -1.0, doc, choices[i])[0]
            out.append(_restoration(text, doc, reports[i], decoded, thr))
        return out


WINDOW_WORDS = 500_000  # words per restore_many call whose LM windows are kept (~200 bytes a word)


def _restoration(text: str, doc: Document, report, decoded, thr: float):
    """Edits at or above ``thr`` applied (leaked spintax first), the rest as suggestions;
    each decoded edit's confidence is weighed by the document's P(spun)."""
    from .detect import spintax_findings
    from .restore import Edit, Restoration, apply_edits
    p_spun = report.score if report.judged else 0.0
    edits = [Edit(f.start, f.end, f.text, f.suggestions[0], "model", f.confidence, "spintax")
             for f in spintax_findings(text) if f.confidence >= thr]
    suggestions = []
    for e in decoded:
        conf = round(p_spun * e.confidence, 3)
        e = replace(e, confidence=conf)
        if any(e.start < x.end and x.start < e.end for x in edits):
            continue
        (edits if conf >= thr and conf > 0 else suggestions).append(e)
    edits.sort(key=lambda e: e.start)
    return Restoration(text, apply_edits(text, edits), edits, words=doc.n_words,
                       suggestions=suggestions, score=report.score)


def _load_detector(path: Path) -> Detector:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
        return Detector.from_dict(d)
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        raise ModelError(f"cannot load {path}: {e}") from None
