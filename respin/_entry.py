"""The ``respin`` command's entry point (the console script and ``python -m respin``).

Everything the command needs (typer, NumPy, the model: about 0.3 s of imports) is imported
inside :func:`run`, and ``import respin`` itself imports nothing heavy, so Ctrl-C at any
moment after start-up ends the command as an interrupt during a run does: one line,
``respin: interrupted``, exit status 130, never a traceback.
"""

import sys


def run() -> None:
    """Run the ``respin`` command (:func:`respin.cli.run`) and end the process."""
    try:
        from .cli import run as command
        command()
    except KeyboardInterrupt:  # while importing (the command handles its own)
        import signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while saying so changes nothing
        if sys.stderr is not None:  # (print's file=None would be standard output)
            try:
                print("respin: interrupted", file=sys.stderr)
            except (OSError, ValueError):
                pass
        sys.exit(130)
