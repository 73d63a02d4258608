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

__all__ = ["check", "restore", "apply_edits", "Report", "Finding", "Restoration", "Edit",
           "Relation", "__version__"]


def _model(model):
    """The model in folder ``model``, or the shipped one; loaded once per process."""
    from . import model as _m
    return _m.load(model) if model is not None else _m.default()


def check(text: str, source: str | None = None, *, threshold: float | None = None, model=None) -> Report:
    """Score ``text`` for synonym spinning and list the suspected words.

    With ``source`` the findings are the substitutions aligned against it; without, they
    come from the detection model. ``model`` is a model folder (default: the shipped one).
    """
    if source is not None:
        thr = DEFAULT_THRESHOLD if threshold is None else threshold
        findings, rel, words = findings_from_source(text, source, _model(model).lexicon)
        score = 1.0 if rel.verdict == "spun copy" else 0.0
        return Report(score, score >= thr, findings, words, thr, rel, model="source-alignment")
    return _model(model).check(text, threshold=threshold)  # None: the model's own default threshold


def restore(text: str, source: str | None = None, *, model=None, min_confidence: float | None = None) -> Restoration:
    """Restore spun ``text``: against ``source`` if given, else with the model's best guesses.

    Edits replay exactly: ``apply_edits(text, result.edits) == result.text``.
    """
    if source is not None:
        return restore_with_source(text, source, _model(model).lexicon)
    return _model(model).restore(text, min_confidence=min_confidence)
