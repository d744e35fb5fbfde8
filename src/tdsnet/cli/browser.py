"""`tdsnet browser`: the SQL Server Browser as a service of its own (UDP 1434).

`tdsnet serve` runs one itself unless told not to, or another already answers on the port;
this command is for hosts that want it separate, like SQL Server's own Browser service.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any

from ..net import local
from ..server.browser import Browser, registrations
from ..server.listeners import LOOPBACK, WILDCARDS, failure_text, tcp_shown
from ..tds.ssrp import SSRP_PORT
from .serve import _run_loop


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("browser", help="run the SQL Server Browser (MC-SQLR on UDP 1434)")
    parser.add_argument(
        "--listen", action="append", metavar="ADDR", help="address to answer on; repeat (default: all addresses)"
    )
    parser.add_argument("--port", type=int, default=SSRP_PORT, help=f"UDP port (default {SSRP_PORT})")
    parser.add_argument(
        "--loopback-only", action="store_true", help="answer on 127.0.0.1 and ::1 only (instead of all addresses)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    addresses = list(args.listen or (LOOPBACK if args.loopback_only else WILDCARDS))
    return _run_loop(_serve(addresses, args.port))


async def _serve(addresses: list[str], port: int) -> int:
    browser = Browser(port=port)
    for address, exc in await browser.start(addresses):
        print(f"tdsnet browser: cannot listen on UDP {tcp_shown(address, port)}: {failure_text(exc)}", file=sys.stderr)
    if not browser.addresses:
        print("tdsnet browser: nothing to listen on; is another Browser running? (see --listen)", file=sys.stderr)
        return 1
    for address in browser.addresses:
        print(f"tdsnet browser: answering on UDP {tcp_shown(address, port)}")
    running = ", ".join(r.instance for r in registrations()) or "none yet"
    print(f"tdsnet browser: instances registered in {local.registrations_dir()}: {running}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    browser.stop()
    return 0
