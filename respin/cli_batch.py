"""`respin batch`: check and restore corpora (folders, lists, JSONL) at scale."""

from __future__ import annotations


def register(app) -> None:
    """Add the ``batch`` command to the Typer ``app``."""
