"""`tdsnet browse [host]`: the instances a host's SQL Server Browser reports, like `sqlcmd -L` or PortQry."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..client.browser import list_instances
from ..tds.ssrp import SSRP_PORT


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("browse", help="list the SQL Server instances a host's Browser reports")
    parser.add_argument("host", nargs="?", default="localhost", help="the host to ask (default: localhost)")
    parser.add_argument("--port", type=int, default=SSRP_PORT, help=f"the Browser's UDP port (default {SSRP_PORT})")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for answers (default 3)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    answers = list_instances(args.host, time.monotonic() + args.timeout, args.port)
    rows = [
        {
            "address": a.address,
            "server": a.record.server_name,
            "instance": a.record.instance_name,
            "version": a.record.version,
            "clustered": a.record.is_clustered,
            "tcp": a.record.tcp_port,
            "np": a.record.pipe,
        }
        for a in answers
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0 if rows else 1
    if not rows:
        print(
            f"No SQL Server Browser answered on {args.host}, UDP {args.port}: the Browser is not running there, "
            "UDP 1434 is blocked, or every instance is hidden (HideInstance).",
            file=sys.stderr,
        )
        return 1
    _table(rows)
    return 0


def _table(rows: list[dict[str, Any]]) -> None:
    headers = ["Server", "Instance", "Version", "Clustered", "TCP port", "Named pipe", "Address"]
    keys = ["server", "instance", "version", "clustered", "tcp", "np", "address"]
    cells = [[_text(row[k]) for k in keys] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
