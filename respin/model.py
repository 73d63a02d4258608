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
from pathlib import Path

import numpy as np

from .detector import Detector
from .evidence import document_evidence, matrix, rescore
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
        self.lm = default_scorer()
        if self.detector is not None and self.detector.lm_config and self.lm is not None:
            from .lm import CountsLM, Mixture
            try:
                own = CountsLM.load(path / self.detector.lm_config["file"])
            except (OSError, ValueError, KeyError) as e:
                raise ModelError(f"cannot load the model's own language model: {e}") from None
            w = self.detector.lm_config["weight"]
            self.lm = Mixture([self.lm, own], [1 - w, w])

    def _require(self):
        if self.detector is None:
            raise ModelError(f"model has no detector.json: {self.path} (train it: respin train {self.path})")
        if self.lm is None:
            raise ModelError("the language model (pocketsphinx) is not installed: pip install pocketsphinx")

    def evidence(self, doc: Document):
        """Evidence rows of ``doc``, word-model probabilities and mixture posteriors."""
        self._require()
        rows = document_evidence(doc, self.lexicon, self.lm)
        X = matrix(rows)
        p = self.detector.word.predict_proba(X)
        post = self.detector.posteriors(X, p)
        for r, pr in zip(rows, post):  # suggestions for reported words from a longer list
            if pr >= self.detector.finding_threshold:
                r.candidates = rescore(r, self.lexicon, self.lm)
        return rows, X, p, post

    def check(self, text: str, threshold: float | None = None):
        from .detect import MIN_EVIDENCE_WORDS, SPINTAX_CONFIDENCE, Report, findings_from_rows, spintax_findings
        det = self.detector
        thr = (det.doc_threshold if det else 0.5) if threshold is None else threshold
        doc = Document.from_text(text)
        if doc.n_words == 0:
            return Report(0.0, 0.0 >= thr, [], 0, thr, model=self.label, judged=False)
        rows, X, p, post = self.evidence(doc)
        if len(rows) < MIN_EVIDENCE_WORDS:
            return Report(0.0, 0.0 >= thr, [], doc.n_words, thr, model=self.label, judged=False)
        findings = findings_from_rows(text, doc, rows, post, det.finding_threshold)
        score = det.score(X, doc.n_words, p)
        leaked = spintax_findings(text)
        if leaked:  # a spinner's template in the text settles the question
            score = max(score, SPINTAX_CONFIDENCE)
            findings = sorted([f for f in findings if not any(f.start < x.end and x.start < f.end for x in leaked)]
                              + leaked, key=lambda f: f.start)
        return Report(score, score >= thr, findings, doc.n_words, thr, model=self.label)

    def restore(self, text: str, min_confidence: float | None = None):
        """Replace confidently spun words by their best suggestion (``origin: "model"``).

        An edit's confidence is P(the word is spun) x P(the top suggestion is the original),
        the latter estimated as the top candidate's share of the language-model mass among
        the candidates: knowing a word is spun is not knowing which synonym it replaced.
        """
        from .detect import _match_case, spintax_findings
        from .restore import SYNONYM, Edit, Restoration, apply_edits
        doc = Document.from_text(text)
        if doc.n_words == 0:
            return Restoration(text, text, [])
        rows, X, p, post = self.evidence(doc)
        thr = self.detector.restore_threshold if min_confidence is None else min_confidence
        leaked = [f for f in spintax_findings(text) if f.confidence >= thr]
        edits = [Edit(f.start, f.end, f.text, f.suggestions[0], "model", f.confidence, "spintax") for f in leaked]
        for r, pr in zip(rows, post):
            if pr <= 0 or not r.candidates or r.candidates[0][1] <= 0:
                continue
            gains = np.array([g for _, g in r.candidates])
            share = float(1.0 / np.sum(10.0 ** (gains - gains[0])))
            conf = round(float(pr) * share, 3)
            if conf >= thr and not any(r.start < e.end and e.start < r.end for e in edits):
                edits.append(Edit(r.start, r.end, r.text, _match_case(r.candidates[0][0], r.text), "model", conf, SYNONYM))
        return Restoration(text, apply_edits(text, edits), edits)


def _load_detector(path: Path) -> Detector:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
        return Detector.from_dict(d)
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        raise ModelError(f"cannot load {path}: {e}") from None
