"""`respin index`: build and query an index of clean originals (source retrieval)."""

from __future__ import annotations


def register(app) -> None:
    """Add the ``index`` command group to the Typer ``app``."""
