"""respin: detect and restore article-spun text.

>>> import respin
>>> r = respin.restore("The White Home mentioned it.", source="The White House said it.")
>>> r.text
'The White House said it.'
>>> report = respin.check("The White Home mentioned it.", source="The White House said it.")
>>> [f.text for f in report.findings]
['Home', 'mentioned']

Both functions take ``str``, never touch your files or the network, and load the
default model lazily, once per process (reading the model's own files, and keeping decoded
copies of its tables in a cache folder, ``$RESPIN_CACHE_DIR`` or the system's (``~/.cache/respin``),
written once per machine; ``RESPIN_CACHE_DIR=off`` writes nothing).
"""

from __future__ import annotations

import _imp
import os as _os
import sys as _sys
from collections.abc import Iterable  # (for the annotations at run time too, as PathLike: both cheap)
from os import PathLike
from types import ModuleType as _ModuleType

__version__ = "0.1.0"


class RespinError(Exception):
    """The base of respin's own errors, to catch them all in one ``except``:
    :class:`ModelError` (a model folder that cannot be loaded, the language model not
    installed) and :class:`InputError` (a path that cannot be read or written: an ``index``
    given to :func:`check_records` that is no index, say). A wrong argument is a TypeError or
    ValueError, as for any Python function. (Defined here, not in a module of its own, so
    that ``import respin`` stays light.)"""


import respin  # (this package: the annotations name its lazily imported classes through it, respin.Report)
from .args import lexicons_arg as _lexicons, text_arg as _text, unit_arg as _unit  # (imports nothing heavy)

# typing.TYPE_CHECKING without importing typing: type checkers take this name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .batch import check_records, process_record
    # (DEFAULT_THRESHOLD and the three functions: _LAZY's names outside __all__, typed too)
    from .detect import DEFAULT_THRESHOLD, Finding, Report, findings_from_source, with_lexicon_findings  # noqa: F401
    from .io import InputError
    from .model import ModelError
    from .restore import Edit, Relation, Restoration, apply_edits, restore_with_source  # noqa: F401
    from .swaps import SwapLexicon, learn

# What the functions below take as ``model`` (a model folder: ``str | PathLike[str] | None``)
# and ``lexicons`` (:func:`respin.args.lexicons_arg`: one lexicon or a shipped one's name, or
# several) is written out in each signature, not named by an alias of this module's own:
# help(respin.check) and inspect.signature showed "model: '_ModelDir'", a private name the
# user cannot look up (an API review). The names in them exist at run time (PathLike,
# Iterable, respin: SwapLexicon through the package, imported then), so that
# typing.get_type_hints (pydantic's validate_call, typeguard, sphinx-autodoc-typehints)
# resolves the public signatures in a process that has imported nothing else.

__all__ = ["check", "check_many", "restore", "restore_many", "restore_cluster", "originals", "apply_edits", "learn", "check_records", "process_record", "Report", "Finding",
           "Restoration", "Edit", "Relation", "SwapLexicon", "RespinError", "ModelError",
           "InputError", "warm", "__version__"]

# The names this package takes from its modules, imported on first use (PEP 562): `import
# respin` costs about a millisecond instead of 0.1-0.2 s (NumPy), and the `respin` command
# (respin._entry) can turn Ctrl-C into exit 130 from its first moment.
_LAZY = {"DEFAULT_THRESHOLD": "detect", "Finding": "detect", "Report": "detect",
         "findings_from_source": "detect", "with_lexicon_findings": "detect",
         "Edit": "restore", "Relation": "restore", "Restoration": "restore", "apply_edits": "restore",
         "restore_with_source": "restore", "SwapLexicon": "swaps", "learn": "swaps",
         "check_records": "batch", "process_record": "batch", "ModelError": "model",
         "InputError": "io"}


if not TYPE_CHECKING:  # (type checkers see the _LAZY names imported above instead, and no
    # __getattr__: with it, a misspelt ``respin.chek(t)`` was "Module not callable", or Any.)
    def __getattr__(name: str) -> object:
        """The public names of respin's modules, and the modules themselves, imported on
        first use (PEP 562): ``respin.Report``, ``respin.tokenize``."""
        from importlib import import_module
        module = _LAZY.get(name)
        if module is None:
            # A submodule, as `import respin; respin.tokenize.Document` found it when this
            # file imported its modules eagerly.
            if not name.startswith("_"):
                from importlib.util import find_spec
                if find_spec(f"{__name__}.{name}") is not None:
                    return import_module(f".{name}", __name__)
            raise AttributeError(f"module 'respin' has no attribute {name!r}")
        value = getattr(import_module(f".{module}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value


# Names this file imports for its own use (the annotations, the type checkers): no part of
# the API, left out of dir(respin), which an IDE's or IPython's completion lists.
_NOT_LISTED = frozenset({"annotations", "Iterable", "PathLike", "TYPE_CHECKING", "respin"})


def __dir__() -> list[str]:
    """The module's names and those imported on first use (``respin.Report``), without the
    names it imports for itself (``Iterable``, ``PathLike``, ``TYPE_CHECKING``, ``respin``)."""
    return sorted((set(globals()) | set(_LAZY)) - _NOT_LISTED)


class _Package(_ModuleType):
    """``respin.restore`` is the function: importing the module of that name, which now
    happens after this file has run, must not replace it (as an eager import did not)."""

    def __setattr__(self, name, value):
        if not (name == "restore" and isinstance(value, _ModuleType)):
            super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


# A fork waits for the other threads inside respin to finish the import they are in. respin
# imports what it needs on first use (NumPy, its own modules, pocketsphinx), and a child
# forked while another thread was importing a module found it half imported, its import
# lock held by a thread the child does not have: the child's first call, importing the same
# module, hung for good (`threading.Thread(target=respin.warm).start()`, then a fork pool at
# once: every child hung in its first check; a pipeline review). respin's locks
# (tokenize.fork_free_lock) covered the imports made inside them only; NumPy's first import
# (respin.args.flag_arg) and most of respin's modules are imported outside them.
_FORK_WAIT_S = 30.0  # at most, then the fork goes on (an import that waits for the fork itself)
_PACKAGE_DIR = _os.path.join(_os.path.dirname(__file__), "")  # (as its modules' code names their files)


def _importing_in_respin() -> bool:
    """Whether a thread other than this one is inside respin's code (or importing a module
    of respin's) and in an import (importlib's ``_find_and_load``, which holds the module's
    import lock)."""
    frames = getattr(_sys, "_current_frames", None)
    if frames is None:
        return False
    import threading
    me = threading.get_ident()
    for ident, frame in frames().items():
        if ident == me:
            continue
        importing = ours = False
        while frame is not None and not (importing and ours):
            code = frame.f_code
            if code.co_name == "_find_and_load" and code.co_filename.startswith("<frozen importlib"):
                importing = True
            elif code.co_filename.startswith(_PACKAGE_DIR):
                ours = True
            frame = frame.f_back
        if importing and ours:
            return True
    return False


def _before_fork() -> None:
    """Before a fork: wait for the threads inside respin's locks to leave them, taking the
    locks (tokenize.fork_free_lock; respin.tokenize lets them go after it), and for the
    threads inside respin to finish the import they are in, the locks let go meanwhile (a
    thread's import may need one). One hook, registered when respin is imported, so that
    NumPy's first import is waited for too, before respin.tokenize is."""
    frames = getattr(_sys, "_current_frames", None)
    if frames is None or len(frames()) < 2:  # (no other thread: nothing to wait for)
        return
    import time
    had_logging = "logging" in _sys.modules
    deadline = time.monotonic() + _FORK_WAIT_S
    global _IMPORT_LOCK_HELD
    while True:
        tok = _sys.modules.get("respin.tokenize")
        locks = getattr(tok, "_FORK_HOOKS", False)  # (False while it is being imported: none to take)
        if locks:
            tok._take_fork_locks()
        # Looked at with the interpreter's import lock held, and it kept until the fork is
        # made (_after_fork lets it go): a thread can then start no import after the look
        # (a module's own lock is taken under it). Without it, a thread that entered an
        # import between the look and the fork (the GIL passed to it on the way) left that
        # module's lock held in the child: its first check hung (1 run of the suite in ~4).
        _imp.acquire_lock()
        if not _importing_in_respin() or time.monotonic() >= deadline:
            _IMPORT_LOCK_HELD = True
            break
        _imp.release_lock()  # (the importing thread may need it to finish)
        if locks:
            tok._after_fork_in_parent()
        time.sleep(0.002)
    # A module imported meanwhile registered its fork hooks too late for this fork's
    # "before" ones, and its "after" ones run: logging's (pocketsphinx imports it) let go
    # of a lock its "before" did not take ("Exception ignored ... cannot release
    # un-acquired lock"). Take it as that hook would have.
    logging = None if had_logging else _sys.modules.get("logging")
    if logging is not None and not getattr(getattr(logging, "__spec__", None), "_initializing", False):
        take = getattr(logging, "_prepareFork", None) or getattr(logging, "_acquireLock", None)  # 3.13 / before
        if take is not None:
            take()


def _after_fork() -> None:
    """After a fork, in the parent and the child: let go of the import lock that
    :func:`_before_fork` took (the child holds it too: its thread is the forking one)."""
    global _IMPORT_LOCK_HELD
    if _IMPORT_LOCK_HELD:
        _IMPORT_LOCK_HELD = False
        try:
            _imp.release_lock()
        except RuntimeError:  # (not held: an interpreter that let it go itself)
            pass


_IMPORT_LOCK_HELD = False

if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork)


def check_many(texts: Iterable[str], *, threshold: float | None = None, model: str | PathLike[str] | None = None,
               lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
               min_confidence: float | None = None, sections: bool = False,
               explain: bool = False) -> list[respin.Report]:
    """:func:`check` of each text (without a source), in order: the same reports, but the
    texts are scored together, several times faster on many short texts (records, posts,
    paragraphs) than one call each. ``sections``, ``explain``: as :func:`check`'s.

    >>> [r.words for r in check_many(["", "Two words."])]
    [0, 2]
    """
    from .args import not_one_text
    not_one_text(texts, "check_many")  # (before list(): a DataFrame lists its column labels)
    given, names = _named(lexicons)
    lexicons = _lexicons(given, model)
    explain = _flag(explain, "explain")
    # (read twice: scored, then for the lexicons' findings or the evidence)
    listed = list(texts) if lexicons or explain else None
    min_confidence = _unit(min_confidence, "min_confidence")
    m = _model(model)
    reports = m.check_many(texts if listed is None else listed, threshold=_unit(threshold, "threshold"),
                           min_confidence=min_confidence, sections=_flag(sections, "sections"))
    reports = reports if not lexicons else _with_lexicons(m, reports, listed, lexicons)
    reports = [_at_least(r, min_confidence) for r in reports]
    return [_explained(m, r, t, lexicons, names) for r, t in zip(reports, listed)] if explain else reports


def _named(given) -> tuple:
    """``lexicons`` as given, read once (a generator is read here), and their names for the
    evidence's sentences: a shipped one's ("tortured"), else "lexicon 2" (the second given).
    None for the names of something that is no list (lexicons_arg then says what is wrong)."""
    from .swaps import SwapLexicon
    if given is None or isinstance(given, (SwapLexicon, str)):
        given = () if given is None else (given,)
    else:
        try:
            given = tuple(given)
        except TypeError:
            return given, None
    return given, [x if isinstance(x, str) else f"lexicon {i + 1}" for i, x in enumerate(given)]


def _explained(m, report: respin.Report, text: str, lexicons, names) -> respin.Report:
    """``report`` with each finding's evidence (:mod:`respin.why`)."""
    from .why import explain
    # (against a source, the context model only for the lexicon phrases of what it does not
    # cover, or matches only loosely)
    lm = m.lm if report.model != "source-alignment" or ((report.uncovered or report.paraphrased) and any(
        f.kind == "lexicon phrase" for f in report.findings)) else None
    return explain(text, report, lm, lexicons, names)


def _at_least(report: respin.Report, min_confidence: float | None) -> respin.Report:
    """``report`` listing only the findings at least ``min_confidence`` sure (all where it
    is None): the model lists its words at that posterior already; this also holds the
    source's, the lexicons' and leaked spinner templates' findings to the same bar."""
    if min_confidence is not None and any(f.confidence < min_confidence for f in report.findings):
        report.findings = [f for f in report.findings if f.confidence >= min_confidence]
    return report


def _with_lexicons(m, reports: list, texts: list, lexicons) -> list:
    """The reports with the lexicons' findings: their phrases found verbatim, unseen variants
    of the phrase tables' terms (:mod:`respin.variants`), and the spans restore would change
    through one of their swaps (:meth:`respin.model.Model.lexicon_swaps`)."""
    from .detect import with_lexicon_findings
    from .variants import screen_phrases
    # (With the phrase tables' unseen variants, which the decoder weighs a run of swaps by as
    # restore does: a run that restores one takes its confidence, so check and restore agree.)
    found = [screen_phrases(t, lexicons) for t in texts]
    derived = m.lexicon_swaps(texts, reports, lexicons, found)
    return [with_lexicon_findings(r, t, lexicons, d, f) for r, t, d, f in zip(reports, texts, derived, found)]


def restore_many(texts: Iterable[str], *, model: str | PathLike[str] | None = None,
                 min_confidence: float | None = None,
                 lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
                 sections: bool = False) -> list[respin.Restoration]:
    """Restore several spun texts from one site without a source, pooling the evidence for
    the spinner's dictionary over all of them (a word swapped once per copy in twenty copies
    is twenty contexts of evidence). One :class:`Restoration` per text, in order.
    ``lexicons``: as :func:`restore`'s (SwapLexicon objects, or shipped names such as
    ``"tortured"``); ``sections``: as :func:`restore`'s."""
    from .args import not_one_text
    not_one_text(texts, "restore_many")
    lexicons = _lexicons(lexicons, model)  # (a name was an AttributeError; a generator read twice)
    return _model(model).restore_many(texts, min_confidence=_unit(min_confidence, "min_confidence"),
                                      lexicons=lexicons, sections=_flag(sections, "sections"))


def _model(model):
    """The model in folder ``model``, or the shipped one; loaded once per process."""
    import os

    from . import model as _m
    if model is not None and not isinstance(model, (str, os.PathLike)):
        raise TypeError(f"model must be a model folder's path (str or os.PathLike), got {type(model).__name__}")
    return _m.load(model) if model is not None else _m.default()


def warm(*, restore: bool = False, model: str | PathLike[str] | None = None) -> None:
    """Load the model now (the shipped one, or the one in folder ``model``), once per
    process, with what it otherwise loads on first use: for servers, batch workers (a pool's
    initializer) and a notebook's first cell, so that the first text is not slower, and
    before forking. ``restore``: also what only restoration reads. Then, the first time in
    the process, the objects alive are frozen out of the garbage collector's full
    collections: call it at start-up, not with requests in flight. The same as
    ``respin.model.default().warm(restore=restore)`` (:meth:`respin.model.Model.warm`)."""
    restore = _flag(restore, "restore")
    _model(model).warm(restore=restore)


def originals(phrase: str, context: str | None = None, *, k: int = 5,
              lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
              model: str | PathLike[str] | None = None) -> list[tuple[str, float]]:
    """The ``k`` likeliest originals of one suspect phrase, best first, each with its share
    of the probability among the candidates scored (the phrase is taken to be spun: it is
    never its own answer). ``context``: the sentence it came from, if known; ``lexicons``:
    swap lexicons (or shipped names such as ``"tortured"``) whose swaps are candidates too.
    See :mod:`respin.suggest`.

    >>> originals("Protection Ministry", k=1)[0][0]
    'Defense Ministry'
    >>> originals("concealed layer", k=1, lexicons="tortured")[0][0]
    'hidden layer'
    """
    from .suggest import originals as _originals
    _text(phrase, "originals")
    if context is not None:
        _text(context, "originals' context")
    if isinstance(k, bool) or not hasattr(k, "__index__"):  # (an int, NumPy's too)
        raise TypeError(f"originals' k must be a whole number, got {type(k).__name__}")
    k = k.__index__()
    return _originals(phrase, context, k=k, lexicons=_lexicons(lexicons, model), model=_model(model))


def check(text: str, source: str | None = None, *, threshold: float | None = None,
          model: str | PathLike[str] | None = None,
          lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
          min_confidence: float | None = None, sections: bool = False, explain: bool = False) -> respin.Report:
    """Score ``text`` for synonym spinning and list the suspected words.

    With ``source`` the findings are the substitutions aligned against it (score 1 for a
    spun copy, else 0); without, or with a source the text is unrelated to, they come from
    the detection model. ``model`` is a model folder (default: the shipped one).
    ``lexicons`` (:class:`SwapLexicon`: ``respin learn``'s, or the shipped tortured phrases)
    add a finding for each of their phrases of two or more words found in the text, and for
    each span of two or more words that :func:`restore` with them at ``min_confidence`` 0.5
    changes through one of their swaps (an unseen phrase whose words the lexicon swaps:
    "brain community" ==> "neural network"), ``kind`` "lexicon phrase", wherever the model
    judges the text (no source, or an unrelated one); the score stays the model's. Against
    a source the text is a copy of, a substitution in one of their phrases is listed over
    the phrase, of kind "lexicon phrase", with the source's words as its suggestion; in the
    spans the source does not cover (``restore``'s ``unmatched``), their phrases are listed
    as without a source, and in the sentences it matches only loosely (``paraphrased``) the
    phrases their source sentences do not have.
    ``min_confidence`` lists only findings at least that sure; without it the model lists
    words and phrases whose probability of being swapped is at least its
    ``finding_threshold`` (0.5), and every other finding. Lower is bolder: on real spinner
    output 0.3 finds more swapped words at a little less precision (BENCHMARKS.md).
    ``sections=True``: a text of 800 words or more is also judged in sections of about 400
    words, so that a spun article inside a clean page (a digest, a scrape with its comments)
    is found: the score is then the surest part's, the findings the parts' (and outside them
    what the whole text lists on its own), and ``report.parts`` says where. A text judged
    spun whole is spun in part only where its parts are surer and what they leave out scores
    as clean text on its own (else its report is the one without sections). Off by default: long clean texts
    far from news (software manuals, licences, changelogs) have sections that look spun.
    ``explain=True``: each finding's ``evidence`` says why it was reported
    (:class:`respin.why.Evidence`: how much likelier the context model reads the suggestion
    there, how much rarer the word is, how often the text repeats the swap; ``.why``, in
    one sentence); None otherwise. It costs a few lookups per finding.

    >>> text = "The White Home mentioned it."
    >>> src = "The White House said it."
    >>> [f.text for f in check(text, source=src, min_confidence=0.9).findings]
    ['Home', 'mentioned']
    """
    threshold = _unit(threshold, "threshold")
    min_confidence = _unit(min_confidence, "min_confidence")
    explain = _flag(explain, "explain")
    lexicons, names = _named(lexicons)
    report = _at_least(_check(text, source, threshold, model, lexicons, min_confidence, _flag(sections, "sections")),
                       min_confidence)
    if explain and report.findings:
        report = _explained(_model(model), report, text, _lexicons(lexicons, model), names)
    return report


def _check_found(text: str, source: str, *, threshold=None, model=None, lexicons=(), min_confidence=None,
                 sections: bool = False) -> respin.Report:
    """:func:`check` against a source an index found (``check --corpus``), aligned by the rule
    for found sources that ``restore --corpus`` and ``batch --corpus`` follow
    (:func:`_restore_source`): a sentence whose edits are no spinner's is another article's on
    the same beat, paraphrased, not substitutions (our own article with a sentence rewritten
    was "spun copy" of itself, exit 1, where restore --corpus saw a verbatim copy). The same
    report as ``check(text, source=...)`` wherever that rule finds no such sentence."""
    min_confidence = _unit(min_confidence, "min_confidence")
    return _at_least(_check(text, source, _unit(threshold, "threshold"), model, lexicons, min_confidence,
                            _flag(sections, "sections"), found=True), min_confidence)


def _flag(value, name: str) -> bool:
    from .args import flag_arg
    return flag_arg(value, name)


def _check(text, source, threshold, model, lexicons, min_confidence, sections=False, found=False) -> respin.Report:
    lexicons = _lexicons(lexicons, model)
    if source is not None:  # (without one, Model.check checks the text)
        from .detect import DEFAULT_THRESHOLD, Report, source_findings, source_lexicon_findings
        from .restore import restore_with_source
        _text(text, "check")
        _text(source, "check's source")
        thr = DEFAULT_THRESHOLD if threshold is None else threshold
        m = _model(model)
        restored = restore_with_source(text, source, m.lexicon, found=found)  # (found: see _check_found)
        rel = restored.relation
        if rel.verdict == "unrelated":  # the source tells nothing: the model judges, as restore does
            report = m.check(text, threshold=threshold, min_confidence=min_confidence, sections=sections)
            report.relation = rel
            return _with_lexicons(m, [report], [text], lexicons)[0] if lexicons else report
        score = 1.0 if rel.verdict == "spun copy" else 0.0
        from .formats import differing
        from .tokenize import lookalike_words
        findings = source_findings(text, restored)
        if lexicons:  # a substitution in a lexicon's phrase: listed as that phrase (a screen's)
            findings = source_lexicon_findings(text, restored, findings, lexicons)
            # ... and the phrases of what the source does not cover, as without a source
            findings = _uncovered_lexicon_findings(m, text, restored, findings, lexicons, min_confidence, sections)
            # ... and those of the sentences it matches only loosely, which their source sentences do not have
            loose = [f for f, _, _ in _loose_phrases(m, text, restored, findings, lexicons, min_confidence, sections)]
            findings = sorted(findings + loose, key=lambda f: (f.start, f.end)) if loose else findings
        return Report(score, score >= thr, findings, restored.words, thr, rel,
                      model="source-alignment", differing=differing(restored, listed=False),
                      lookalike=lookalike_words(text), uncovered=tuple((x.start, x.end) for x in restored.unmatched),
                      paraphrased=tuple(sorted({(x.start, x.end) for x, _ in restored.paraphrased})))
    # threshold None: the model's own default threshold
    m = _model(model)
    report = m.check(text, threshold=threshold, min_confidence=min_confidence, sections=sections)
    return _with_lexicons(m, [report], [text], lexicons)[0] if lexicons else report


def _uncovered_lexicon_findings(m, text: str, restored, findings: list, lexicons, min_confidence,
                                sections: bool) -> list:
    """``findings`` (of ``text`` against a source) with the findings of kind "lexicon
    phrase" that ``check --lexicon`` lists without a source in each input span the source
    does not cover (``restored.unmatched``), each span judged alone, as
    :func:`_with_model_edits` restores it: a copy that adds sentences with tortured phrases
    to its source fails ``--fail-on lexicon`` (the phrases went unlisted: the findings were
    the substitutions alone), and check lists what ``restore --source --min-confidence 0.5``
    restores there. Not where a source's edit or Markdown code lies, as restore."""
    if not restored.unmatched or not any(lexicons):  # (an empty lexicon lists nothing: no model run)
        return findings
    spans = [(x.start, x.end) for x in restored.unmatched]
    taken = [(x.start, x.end) for x in [*restored.edits, *findings]]
    extra = [f for _, f in _phrases_alone(m, text, spans, taken, lexicons, min_confidence, sections)]
    return sorted(findings + extra, key=lambda f: (f.start, f.end)) if extra else findings


def _phrases_alone(m, text: str, spans: list, taken: list, lexicons, min_confidence, sections: bool):
    """The findings of kind "lexicon phrase" that ``check --lexicon`` lists without a source
    in each of ``text``'s ``spans`` ((start, end)) judged alone, in the whole text's offsets,
    but for those over ``taken`` ((start, end): edits, findings) or Markdown code: (span,
    finding) pairs, for :func:`_uncovered_lexicon_findings` and :func:`_loose_phrases`."""
    from dataclasses import replace

    from .detect import LEXICON_PHRASE, LineIndex
    from .spans import SpanIndex
    from .tokenize import code_regions
    texts = [text[a:b] for a, b in spans]
    reports = _with_lexicons(m, m.check_many(texts, min_confidence=min_confidence, sections=sections), texts,
                             lexicons)
    busy, lines = SpanIndex(list(taken) + code_regions(text)), LineIndex(text)
    for span, r in zip(spans, reports):
        for f in r.findings:
            a, b = f.start + span[0], f.end + span[0]
            if f.kind == LEXICON_PHRASE and not busy.overlaps(a, b):
                line, col = lines.line_col(a)
                yield span, replace(f, start=a, end=b, line=line, col=col)


def _loose_phrases(m, text: str, restored, taken: list, lexicons, min_confidence, sections: bool) -> list:
    """The lexicons' phrases in the input sentences that ``restored`` (``text`` against a
    source) matches only loosely (``restored.paraphrased``, which restore leaves as they
    are): the findings of kind "lexicon phrase" that ``check --lexicon`` lists without a
    source in each such sentence judged alone (as :func:`_uncovered_lexicon_findings` judges
    a span the source does not cover), in the whole text's offsets, but not a phrase its
    source sentence(s) have as it is (the source's words, copied) nor one over ``taken``
    (edits, findings) or Markdown code. A copy that rewrites a sentence around a tortured
    phrase is so screened as one that adds the sentence (the phrase went unlisted: the
    sentence is aligned). Where a source sentence has one of a phrase's suggestions, that
    one alone is its suggestion: the source's words. (finding, (start, end) of its sentence,
    whether the suggestion is the source's) triples."""
    if not restored.paraphrased or not any(lexicons):  # (an empty lexicon lists nothing: no model run)
        return []
    from dataclasses import replace

    from .swaps import phrase_tokens
    held: dict = {}  # input sentence -> its source sentences' tokens (one of two the copy joined is paired with each)
    for x, y in restored.paraphrased:
        held.setdefault((x.start, x.end), []).append(phrase_tokens(y.text))
    out = []

    def has(sources: list, words: tuple) -> bool:
        n = len(words)
        return bool(n) and any(src[i:i + n] == words for src in sources for i in range(len(src) - n + 1))

    for span, f in _phrases_alone(m, text, sorted(held), [(x.start, x.end) for x in taken], lexicons,
                                  min_confidence, sections):
        if has(held[span], phrase_tokens(f.text)):
            continue
        ours = [x for x in f.suggestions if has(held[span], phrase_tokens(x))][:1]
        out.append((replace(f, suggestions=tuple(ours) or f.suggestions), span, bool(ours)))
    return out


def _loose_lexicon_edits(result: respin.Restoration, text: str, m, min_confidence, lexicons,
                         sections: bool = False) -> respin.Restoration:
    """``result`` (against a source) with the model's edits inside the lexicons' phrases that
    check lists in the sentences the source matches only loosely (:func:`_loose_phrases`),
    each sentence restored alone at ``min_confidence`` (default the model's threshold, above
    the phrases' 0.86-0.95: clean text is never changed), the rest of it left as it is: what
    check lists, ``restore --min-confidence 0.5`` changes. A phrase whose suggestion is the
    source's words is given them (origin "model" still: the lexicon found it)."""
    if m.detector is None or m.lm is None:  # (as _with_model_edits: no model to restore with)
        return result
    phrases = _loose_phrases(m, text, result, result.edits, lexicons, None, sections)
    if not phrases:
        return result
    from dataclasses import replace

    from .restore import PHRASE, Edit, apply_edits, within
    from .spans import SpanIndex
    sentences: dict = {}
    for f, span, ours in phrases:
        sentences.setdefault(span, []).append((f, ours))
    extra = []
    for (s, e), found in sorted(sentences.items()):
        r = within(m.restore(text[s:e], min_confidence=min_confidence, lexicons=lexicons, sections=sections,
                             hold_back=False),
                   [(f.start - s, f.end - s) for f, _ in found])
        edits = [replace(x, start=x.start + s, end=x.end + s) for x in r.edits]
        for f, ours in found:
            inner = [x for x in edits if f.start <= x.start and x.end <= f.end]
            if not (ours and inner) or apply_edits(f.text, [replace(x, start=x.start - f.start, end=x.end - f.start)
                                                             for x in inner]) == f.suggestions[0]:
                continue
            # the source's words over the phrase (an article made to agree with the model's words is dropped)
            edits = [x for x in edits if x not in inner and not (
                x.spun.lower() in ("a", "an") and x.end <= f.start and not text[x.end:f.start].strip())]
            edits.append(Edit(f.start, f.end, f.text, f.suggestions[0], "model", min(x.confidence for x in inner),
                              PHRASE))
        extra += edits
    taken = SpanIndex.of(result.edits)
    extra = [x for x in extra if not taken.overlaps(x.start, x.end)]
    if extra:
        result.edits = sorted(result.edits + extra, key=lambda x: x.start)
        result.text = apply_edits(text, result.edits)
    return result


def restore(text: str, source: str | None = None, *, model: str | PathLike[str] | None = None,
            min_confidence: float | None = None,
            lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
            copies: Iterable[str] | None = None, sections: bool = False) -> respin.Restoration:
    """Restore spun ``text``: against ``source`` if given, else from ``copies`` if given,
    else with the model's best guesses.

    With a source, the source wins wherever it covers the text; the model restores only the
    input sentences the source has no counterpart for (those edits have ``origin="model"``,
    its edits below the bar are ``suggestions``; a source the text is ``unrelated`` to leaves
    the whole text to the model, as without one: ``score`` is then the model's, as
    :func:`check` with that source gives it),
    and with ``lexicons`` their phrases that ``check`` lists in the sentences it matches only
    loosely (``paraphrased``, otherwise left as they are).
    ``copies`` (a list of str): other spun copies of the same article, from other sites,
    when the original is not at hand (:mod:`respin.copies`): where they differ from the
    text, the language model chooses among the text's words and the copies' variants;
    edits at least ``min_confidence`` sure (default :data:`respin.copies.DEFAULT_THRESHOLD`)
    are applied, the rest are ``suggestions``; copies that are no copy of the text
    (unrelated, paraphrase: ``result.copies`` holds each relation) are not used, and the
    sentences no copy covers are restored by the model as with a source. A source and
    copies together are a ValueError: the source would leave the copies nothing to do.
    ``lexicons`` are :class:`respin.swaps.SwapLexicon` objects (``respin learn``) used by the
    model besides its own. Edits replay exactly: ``apply_edits(text, result.edits) == result.text``.
    ``sections``: as :func:`check`'s, for the model's edits (all of them without a source
    or copies; with them, those of each stretch they do not cover, as an unrelated source
    leaves the whole text): each is then weighed by the P(spun) of the part it is in, the
    whole text's (or stretch's) elsewhere.

    >>> r = restore("The White Home mentioned it.", copies=["The White House said it."], min_confidence=0.5)
    >>> r.text, [c.verdict for c in r.copies]
    ('The White House mentioned it.', ['spun copy'])
    """
    _text(text, "restore")
    min_confidence = _unit(min_confidence, "min_confidence")
    sections = _flag(sections, "sections")
    lexicons = _lexicons(lexicons, model)  # here: with a source or copies they may not be needed
    if copies is not None:
        from .args import texts_arg
        copies = texts_arg(copies, "restore's copies")
        if source is not None:
            raise ValueError("restore takes a source or copies, not both: the source wins wherever it covers the text")
    m = _model(model)
    if copies is not None:
        return _from_copies(text, copies, m, min_confidence, lexicons, sections=sections)
    if source is None:
        return m.restore(text, min_confidence=min_confidence, lexicons=lexicons, sections=sections)
    return _restore_source(text, _text(source, "restore's source"), m, min_confidence, lexicons, sections=sections)


def _restore_found(text: str, source: str, *, model=None, min_confidence: float | None = None,
                   lexicons=(), sections: bool = False) -> respin.Restoration:
    """:func:`restore` against a source an index found (``restore --corpus``, ``batch
    --corpus``), with the rule for found sources (:func:`_restore_source`)."""
    return _restore_source(text, source, _model(model), _unit(min_confidence, "min_confidence"),
                           _lexicons(lexicons, model), found=True, sections=_flag(sections, "sections"))


def _restore_source(text, source, m, min_confidence, lexicons, found: bool = False,
                    sections: bool = False) -> respin.Restoration:
    """:func:`restore` against ``source``; ``found``: a source an index found (``--corpus``),
    not one the user gives: the sentences no spinner's edits explain are left as they are
    (:func:`respin.restore.restore_with_source`), as when a candidate under the score
    threshold is verified (it was verified so, then restored without that rule; a code
    review). Another article of the archive on the same beat is then no source of them."""
    from .restore import restore_with_source
    result = restore_with_source(text, source, m.lexicon, found=found)
    result = _with_model_edits(result, text, m, min_confidence, lexicons, sections)
    # (the lexicons' phrases of the sentences it matches only loosely, as check lists them)
    return _loose_lexicon_edits(result, text, m, min_confidence, lexicons, sections) if lexicons else result


def restore_cluster(texts: Iterable[str], *, model: str | PathLike[str] | None = None,
                    min_confidence: float | None = None,
                    lexicons: respin.SwapLexicon | str | Iterable[respin.SwapLexicon | str] | None = (),
                    sections: bool = False) -> list[respin.Restoration]:
    """Restore each of several spun copies of one article from the others (a cluster of
    copies found without the original): ``[restore(t, copies=<the others>) for t in texts]``,
    each text read once. Every text is aligned with every other, n(n - 1) alignments (about
    10 ms per pair of 1,000-word texts): for a large cluster, restore each text with its few
    nearest copies instead (``respin index query --k 5`` finds them). ``sections``: as
    :func:`restore`'s, for what the other copies leave to the model.

    >>> texts = ["The United Nations Safety Council met on Friday.", "The United Nations Security Council convened on Friday."]
    >>> [r.text for r in restore_cluster(texts)]
    ['The United Nations Security Council met on Friday.', 'The United Nations Security Council convened on Friday.']
    """
    from .args import texts_arg
    from .copies import synonym_memo
    from .tokenize import Document
    texts = texts_arg(texts, "restore_cluster")
    min_confidence = _unit(min_confidence, "min_confidence")
    sections = _flag(sections, "sections")
    lexicons = _lexicons(lexicons, model)
    m = _model(model)
    docs = [Document.from_text(t, identifiers=False) for t in texts]  # aligned (see Document.from_text)
    # One thesaurus memo for the cluster: its texts share most words, so each word's lookups
    # are made once, not once per text.
    thesaurus = synonym_memo(m.lexicon)
    return [_from_copies(t, docs[:i] + docs[i + 1:], m, min_confidence, lexicons, docs[i], thesaurus,
                         sections=sections)
            for i, t in enumerate(texts)]


def _from_copies(text, copies, m, min_confidence, lexicons, doc=None, thesaurus=None,
                 sections: bool = False) -> respin.Restoration:
    from .copies import DEFAULT_THRESHOLD, restore_with_copies
    from .model import ModelError
    if m.lm is None:
        raise ModelError("the language model (pocketsphinx) is not installed: pip install pocketsphinx")
    thr = DEFAULT_THRESHOLD if min_confidence is None else min_confidence
    result = restore_with_copies(text, copies, m.lexicon if thesaurus is None else thesaurus, m.lm, thr, doc)
    return _with_model_edits(result, text, m, min_confidence, lexicons, sections)


def _with_model_edits(result: respin.Restoration, text: str, m, min_confidence, lexicons,
                      sections: bool = False) -> respin.Restoration:
    """``result`` with the model's edits (at ``min_confidence``, default its own threshold)
    in the input spans that the source or copies did not cover (``result.unmatched``);
    ``sections``: each span judged in sections as well, as :func:`check` does (an unrelated
    source leaves the whole text to the model: ``check --source`` judges it so too)."""
    # (An unrelated source covers nothing: the whole text is the model's, as without one, an
    # empty one too, which has no span unmatched: its score 0, as restore gives it alone. A
    # leaked spinner template resolved against it is no cover either: "{said|stated}" in a
    # text against an unrelated source had no score, as if the source had judged it.)
    from .restore import SPINTAX
    unrelated = (result.relation is not None and result.relation.verdict == "unrelated"
                 and all(e.kind == SPINTAX for e in result.edits))
    if (result.unmatched or unrelated) and m.detector is not None and m.lm is not None:
        from dataclasses import replace

        from .restore import apply_edits
        # Only the uncovered spans are decoded (each judged on its own), so that a long
        # document with a source costs what alignment costs.
        from .tokenize import code_regions
        from .spans import SpanIndex
        code = SpanIndex(code_regions(text))  # (of the whole text: a span alone may have lost its fence)
        taken, extra = SpanIndex.of(result.edits), []
        # All in one batch, each span restored as alone (together=False): one call a span
        # cost ~10 ms of overhead each, so a long text with an unrelated or tiny source (every
        # sentence unmatched) took 75 s/MB against 7 s/MB without the source (a security review).
        spans = list(result.unmatched)
        if unrelated:  # (the source tells nothing: the model restores the text whole, as check judges it)
            from .restore import Span
            spans = [Span(0, len(text), text)]
        done = m.restore_many([text[s.start:s.end] for s in spans], min_confidence, lexicons, together=False,
                              sections=sections, hold_back=unrelated)
        unsure = []
        for span, got in zip(spans, done):
            for found, into in ((got.edits, extra), (got.suggestions, unsure)):
                for e in found:
                    e = replace(e, start=e.start + span.start, end=e.end + span.start)
                    if not (taken.overlaps(e.start, e.end) or code.overlaps(e.start, e.end)):
                        into.append(e)
        if extra:
            result.edits = sorted(result.edits + extra, key=lambda e: e.start)
            result.text = apply_edits(text, result.edits)
        # The model's edits below its threshold are suggestions, as without a source (they were
        # dropped). A source unrelated to the text leaves it all to the model, as check --source
        # does: the model's score is then the text's, as check gives it (restore said "0 edit(s)"
        # of a text check judged spun with 55 findings against the same source: a review).
        if unsure:
            result.suggestions = sorted(result.suggestions + unsure, key=lambda e: e.start)
        if unrelated:
            result.score, result.not_judged, result.parts = done[0].score, done[0].not_judged, done[0].parts
            result.score_whole, result.held_back = done[0].score_whole, done[0].held_back
    result.model = m.label
    return result
