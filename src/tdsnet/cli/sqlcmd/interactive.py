"""The interactive prompt: `1>`, `2>` per line of the batch, readline editing and a history file.

CTRL+C at the prompt clears the batch being typed; while a batch runs it cancels it (the session's
handler sends ATTENTION).  CTRL+D (end of input) leaves sqlcmd.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .runner import Exit, Session

HISTORY = Path("~/.tdsnet_sqlcmd_history")
HISTORY_LENGTH = 1000


def run_prompt(session: Session, read: Callable[[str], str] = input) -> None:
    """Read typed lines until EXIT, QUIT or end of input."""
    history = _start_history()
    try:
        while True:
            session.outputs.flush()
            try:
                line = read(f"{session.prompt_line}> ")
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                session.clear_batch()
                continue
            except EOFError:
                sys.stdout.write("\n")
                return
            session.feed(line)
    finally:
        _save_history(history)


def run_piped(session: Session) -> None:
    """Lines from a pipe or a redirected file: a script without prompts; the last batch runs at the end."""
    session.feed_lines((line.rstrip("\r\n") for line in sys.stdin), None)
    session.finish()


def _start_history() -> Path | None:
    try:
        import readline
    except ImportError:  # no readline (Windows without pyreadline): plain input()
        return None
    path = Path(os.path.expanduser(str(HISTORY)))
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    return path


def _save_history(path: Path | None) -> None:
    if path is None:
        return
    import readline

    with contextlib.suppress(OSError):
        readline.write_history_file(path)


__all__ = ["Exit", "run_piped", "run_prompt"]
