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

from .detector import DOC_FEATURES, FORMAT, VERSION, Logistic, doc_features
from .evidence import FEATURES, document_evidence, matrix
from .tokenize import Document

_LOCK = threading.Lock()
_CACHE: dict[str, "Model"] = {}


class ModelError(Exception):
    """A model folder is missing, incomplete or of an unknown format."""


def default_dir() -> Path:
    """The shipped model: $RESPIN_MODEL_DIR, else models/default beside the package, else
    the copy installed under ``<prefix>/share/respin``."""
    env = os.environ.get("RESPIN_MODEL_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "models" / "default"
    if here.is_dir():
        return here
    import sys
    return Path(sys.prefix) / "share" / "respin" / "models" / "default"


def default() -> "Model":
    return load(default_dir())


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
        self.detector = None
        det = path / "detector.json"
        if det.exists():
            self.detector = _load_detector(det)
        meta = path / "metadata.json"
        self.metadata = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
        self.version = self.metadata.get("respin_version", "")
        from .lm import default_scorer
        self.lm = default_scorer()

    def _require(self):
        if self.detector is None:
            raise ModelError(f"model has no detector.json: {self.path} (train it: respin train {self.path})")
        if self.lm is None:
            raise ModelError("the language model (pocketsphinx) is not installed: pip install pocketsphinx")

    def word_probabilities(self, doc: Document):
        """Evidence rows of ``doc`` and the word model's probability for each."""
        self._require()
        rows = document_evidence(doc, self.lexicon, self.lm)
        return rows, self.detector["word"].predict_proba(matrix(rows))

    def check(self, text: str, threshold: float | None = None):
        from .detect import Report, findings_from_rows
        d = self.detector
        doc = Document.from_text(text)
        thr = (d["doc_threshold"] if d else 0.5) if threshold is None else threshold
        if not doc.tokens:
            return Report(0.0, False, [], 0, thr, model=self.name)
        rows, p = self.word_probabilities(doc)
        findings = findings_from_rows(text, doc, rows, p, d["finding_threshold"])
        feats = doc_features(p, doc.n_words, d["finding_threshold"])
        score = float(d["doc"].predict_proba(feats[None, :])[0])
        return Report(score, score >= thr, findings, doc.n_words, thr, model=self.name)

    def restore(self, text: str, min_confidence: float | None = None):
        """Replace confidently spun words by their best suggestion (``origin: "model"``)."""
        from .detect import findings_from_rows
        from .restore import Edit, Restoration, SYNONYM, apply_edits
        d = self.detector
        self._require()
        doc = Document.from_text(text)
        if not doc.tokens:
            return Restoration(text, text, [])
        rows, p = self.word_probabilities(doc)
        thr = d["restore_threshold"] if min_confidence is None else min_confidence
        edits = [Edit(f.start, f.end, f.text, f.suggestions[0], "model", f.confidence, SYNONYM)
                 for f in findings_from_rows(text, doc, rows, p, thr) if f.suggestions]
        return Restoration(text, apply_edits(text, edits), edits)


def _load_detector(path: Path) -> dict:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if d.get("format") != FORMAT or d.get("version") != VERSION:
            raise ValueError(f"unknown format {d.get('format')!r} version {d.get('version')!r}")
        if tuple(d["features"]) != FEATURES or tuple(d["doc_features"]) != DOC_FEATURES:
            raise ValueError("feature list differs from this version of respin: retrain the model")
        d["word"] = Logistic.from_dict(d["word_model"], len(FEATURES))
        d["doc"] = Logistic.from_dict(d["doc_model"], len(DOC_FEATURES))
        return d
    except (ValueError, KeyError, TypeError) as e:
        raise ModelError(f"cannot load {path}: {e}") from None
