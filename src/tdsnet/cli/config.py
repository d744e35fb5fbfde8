"""`tdsnet config`: the network configuration, as SQL Server Configuration Manager shows it.

A thin dispatcher: each side (client, server) adds its own subcommand.
"""

from __future__ import annotations

import argparse
from typing import Any

from . import config_client, config_server


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("config", help="show or change the client's (and server's) network configuration")
    subcommands = parser.add_subparsers(dest="config_command", metavar="SIDE")
    config_client.add_parser(subcommands)
    config_server.add_parser(subcommands)

    def run(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(run=run)
