"""Argument checks shared by the public API (:mod:`respin`), :class:`respin.model.Model` and
:mod:`respin.estimator`: a wrong argument is a clear error that names the call, not a
failure deep inside (or, worse, a bare str taken character by character)."""

from __future__ import annotations

import numbers


def text_arg(text, what: str) -> str:
    """``text``, or a TypeError that names the call.

    >>> text_arg(b"x", "check")
    Traceback (most recent call last):
    ...
    TypeError: check expects a text (str), got bytes
    """
    if not isinstance(text, str):
        raise TypeError(f"{what} expects a text (str), got {type(text).__name__}")
    return text


def not_one_text(texts, what: str, items: str = "texts") -> None:
    """A TypeError where ``texts``, meant to be many, is one thing that iterates as
    something else: a str or bytes (its characters or byte values), a dict (its keys), a
    pandas DataFrame (its column labels). Each was taken element by element, giving
    plausible results for the wrong texts.

    >>> not_one_text({"text": "A record."}, "check_records", "records")
    Traceback (most recent call last):
    ...
    TypeError: check_records expects an iterable of records, got a single dict (wrap it in a list)
    """
    from collections.abc import Mapping
    if isinstance(texts, (str, bytes, bytearray)):
        raise TypeError(f"{what} expects an iterable of {items}, got a single {type(texts).__name__}")
    if isinstance(texts, Mapping):
        hint = "wrap it in a list" if items == "records" else "pass a list of texts"
        raise TypeError(f"{what} expects an iterable of {items}, got a single {type(texts).__name__} ({hint})")
    if hasattr(texts, "columns") and hasattr(texts, "itertuples"):  # a DataFrame iterates its column labels
        hint = 'df.to_dict("records")' if items == "records" else 'a column, df["text"]'
        raise TypeError(f"{what} expects an iterable of {items}, got a {type(texts).__name__} (pass {hint})")
    try:  # (None, a number: "'NoneType' object is not iterable" came from deep inside check_records)
        iter(texts)
    except TypeError:
        raise TypeError(f"{what} expects a list of {items}, got {type(texts).__name__}") from None


def missing_value(value) -> bool:
    """Whether a record's value is missing: None, or NaN / NA / NaT as pandas writes a
    missing value in ``df.to_dict("records")``.

    >>> [missing_value(x) for x in (None, float("nan"), 0, "", "x")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


def texts_arg(texts, what: str) -> list[str]:
    """``texts`` (any iterable of str, not a str itself) as a list."""
    not_one_text(texts, what)
    try:
        texts = list(texts)
    except TypeError:
        raise TypeError(f"{what} expects a list of texts, got {type(texts).__name__}") from None
    for k, t in enumerate(texts):
        if not isinstance(t, str):
            if missing_value(t):  # (a column with gaps: "item 7 is float" left the NaN to guess)
                raise TypeError(f"{what} expects texts (str); item {k} is a missing value ({t!r}): "
                                "drop or fill the gaps first")
            raise TypeError(f"{what} expects texts (str); item {k} is {type(t).__name__}")
    return texts


def unit_arg(x, name: str) -> float | None:
    """``x`` (None, or a number in [0, 1]) as a float; anything else is a clear error.

    >>> unit_arg(0.5, "threshold"), unit_arg(None, "threshold")
    (0.5, None)
    >>> unit_arg(float("nan"), "threshold")
    Traceback (most recent call last):
    ...
    ValueError: threshold must be between 0 and 1, got nan
    """
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1, got {type(x).__name__}")
    if not 0.0 <= x <= 1.0:  # also false for NaN
        raise ValueError(f"{name} must be between 0 and 1, got {x}")
    return float(x)


def name_arg(path, what: str, default: str | None = None) -> str | None:
    """A file's name as a result shows it (``to_dict``'s ``path``, ``diff``'s headers): a
    str, or an ``os.PathLike`` (``pathlib.Path``) as its str; ``default`` for None. A Path was
    put in the dict as it was, which ``json.dumps`` then refused ("Object of type PosixPath
    is not JSON serializable"), and ``diff`` failed inside ("not iterable").

    >>> from pathlib import PurePosixPath
    >>> name_arg(PurePosixPath("docs/a.txt"), "path"), name_arg(None, "path")
    ('docs/a.txt', None)
    """
    import os
    if path is None:
        return default
    name = os.fspath(path) if isinstance(path, os.PathLike) else path
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a file's name (str or os.PathLike), got {type(path).__name__}")
    return name


def flag_arg(value, name: str) -> bool:
    """A true/false setting (a NumPy bool, 0 or 1 too): ``restore="no"`` restored (a
    non-empty string is true).

    >>> flag_arg(1, "sections"), flag_arg(False, "sections")
    (True, False)
    """
    import numpy as np
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {type(value).__name__}")


def _shipped_or_as_is(x, model_dir=None):
    """A shipped lexicon for its name (loaded once per process), anything else unchanged.
    A shipped lexicon whose file is damaged raises its own ModelError (file and line), not
    the "not shipped" error of lexicons_arg."""
    from .swaps import NotShipped, shipped
    if isinstance(x, str):
        try:
            return shipped(x, model_dir)
        except NotShipped:
            pass
    return x


def lexicons_arg(lexicons, model_dir=None) -> tuple:
    """``lexicons`` as a tuple of :class:`respin.swaps.SwapLexicon` (one alone is allowed;
    None or () is none; a name is a lexicon shipped in the model folder ``model_dir``,
    default the default model's), or TypeError; a name that none shipped has is a wrong
    value: :class:`respin.swaps.UnknownLexicon`, a ValueError and a TypeError.

    >>> lexicons_arg("nosuch")
    Traceback (most recent call last):
    ...
    respin.swaps.UnknownLexicon: 'nosuch' is not shipped with the model; lexicons must be ...
    """
    from .swaps import SwapLexicon, UnknownLexicon, other_case, shipped_names
    if isinstance(lexicons, (SwapLexicon, str)):
        lexicons = (lexicons,)
    try:
        lexicons = tuple(lexicons or ())
    except TypeError:  # a number, say: the message below, not "'int' object is not iterable"
        lexicons = (lexicons,)
    # A shipped lexicon by name ("tortured", as on the command line) is part of the model;
    # any other file is the caller's to load, as the API reads no files of its own.
    lexicons = tuple(_shipped_or_as_is(x, model_dir) for x in lexicons)
    # The first that is no lexicon, None too (as next()'s default, None read as "all are lexicons")
    for bad in (x for x in lexicons if not isinstance(x, SwapLexicon)):
        what = ""
        if isinstance(bad, str):
            meant = other_case(bad, model_dir)
            what = f"{bad!r} is not shipped with the model{f' (did you mean {meant!r}?)' if meant else ''}; "
        raise (UnknownLexicon if isinstance(bad, str) else TypeError)(
            f"{what}lexicons must be SwapLexicon objects (respin.SwapLexicon.load(path)) or the names "
            f"of shipped ones ({', '.join(shipped_names(model_dir)) or 'none'})")
    return lexicons
