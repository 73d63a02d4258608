"""respin: detect and restore article-spun text.

>>> import respin
>>> r = respin.restore("The White Home mentioned it.", source="The White House said it.")
>>> r.text
'The White House said it.'
>>> report = respin.check("The White Home mentioned it.", source="The White House said it.")
>>> [f.text for f in report.findings]
['Home', 'mentioned']

Both functions take ``str``, never touch the file system or the network, and load the
default model lazily, once per process.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .detect import DEFAULT_THRESHOLD, Finding, Report, findings_from_source
from .restore import Edit, Relation, Restoration, apply_edits, restore_with_source
from .tokenize import Document

__all__ = ["check", "restore", "apply_edits", "Report", "Finding", "Restoration", "Edit",
           "Relation", "__version__"]


def _lexicon(model):
    from . import model as _model
    m = _model.load(model) if model is not None else _model.default()
    return m.lexicon if m is not None else None


def check(text: str, source: str | None = None, *, threshold: float | None = None, model=None) -> Report:
    """Score ``text`` for synonym spinning and list the suspected words.

    With ``source`` the findings are the substitutions aligned against it; without, they
    come from the detection model. ``model`` is a model folder (default: the shipped one).
    """
    from . import model as _model
    if source is not None:
        thr = DEFAULT_THRESHOLD if threshold is None else threshold
        findings, rel = findings_from_source(text, source, _lexicon(model))
        score = 1.0 if rel.verdict == "spun copy" else 0.0
        words = Document.from_text(text).n_words
        return Report(score, score >= thr, findings, words, thr, rel, model="source-alignment")
    m = _model.load(model) if model is not None else _model.default()
    return m.check(text, threshold=threshold)  # None: the model's own default threshold


def restore(text: str, source: str | None = None, *, model=None, min_confidence: float | None = None) -> Restoration:
    """Restore spun ``text``: against ``source`` if given, else with the model's best guesses.

    Edits replay exactly: ``apply_edits(text, result.edits) == result.text``.
    """
    if source is not None:
        return restore_with_source(text, source, _lexicon(model))
    from . import model as _model
    m = _model.load(model) if model is not None else _model.default()
    return m.restore(text, min_confidence=min_confidence)
