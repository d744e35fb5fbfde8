"""`tdsnet sqlcmd`: sqlcmd's command line, scripting language and output, on tdsnet's client library.

    tdsnet sqlcmd -S tcp:127.0.0.1,1433 -U sa -C -Q "SELECT @@VERSION"
    tdsnet sqlcmd -S np:\\\\.\\pipe\\sql\\query -U sa -i setup.sql -b -v db=app
    tdsnet sqlcmd -S myhost\\SQLEXPRESS -U sa          (interactive: 1>, 2>, GO)

The modules: `options` (the command line), `variables` ($(var), :setvar, -v), `script` (which
lines are commands), `stream` (a batch's events from the driver), `formatter` (columns, counts,
messages), `runner` (the session and exit codes), `interactive` (the prompt), `app` (all of it
in order).  Only `__init__` is imported by `tdsnet`; the client is loaded when sqlcmd runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(commands: Any) -> None:
    """Register `tdsnet sqlcmd`; its single-dash, case-sensitive flags are parsed by `options`, not argparse."""
    parser = commands.add_parser(
        "sqlcmd",
        help="sqlcmd-compatible command line tool (tdsnet sqlcmd -? for its options)",
        add_help=False,
        prefix_chars="\x00",  # hand every argument, '-S' and '-?' included, to sqlcmd's own parser
    )
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    parser.set_defaults(run=lambda args: main(args.argv))


def main(argv: list[str]) -> int:
    from .app import run

    return run(argv, sys.stdin.isatty())
