"""The `tdsnet` command: serve (and, as they land, sqlcmd, doctor, config, browse)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import browse, browser, config, doctor, serve, sqlcmd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tdsnet",
        description="SQL Server's network layer rebuilt in Python: server, client library and tools.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve.add_parser(commands)
    config.add_parser(commands)
    sqlcmd.add_parser(commands)
    browser.add_parser(commands)
    browse.add_parser(commands)
    doctor.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
