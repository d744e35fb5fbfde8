"""`tdsnet serve`: run an instance until Ctrl-C or SIGTERM.

Honours the SQL Server container's variables: MSSQL_SA_PASSWORD, MSSQL_TCP_PORT,
MSSQL_DATA_DIR.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from ..server.instance import DEFAULT_PORT, Instance, InstanceConfig, StartupError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("serve", help="run a tdsnet instance")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where databases, ERRORLOG and the certificate live (env MSSQL_DATA_DIR; default ./data)",
    )
    parser.add_argument(
        "--port",
        type=int,
        help=f"TCP port (env MSSQL_TCP_PORT; default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--listen",
        action="append",
        metavar="ADDR",
        help="address to listen on; repeat for several (default: all IPv4 and IPv6)",
    )
    parser.add_argument("--sa-password", help="the sa password at first start (env MSSQL_SA_PASSWORD)")
    parser.add_argument("--force-encryption", action="store_true", help="require TLS from every client")
    parser.add_argument(
        "--certificate",
        type=Path,
        help="PEM certificate (default: self-signed, generated into the data dir)",
    )
    parser.add_argument("--private-key", type=Path, help="PEM private key for --certificate")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level for diagnostics on stderr")
    parser.set_defaults(run=run)


def config_from(args: argparse.Namespace) -> InstanceConfig:
    env = os.environ
    port = args.port if args.port is not None else int(env.get("MSSQL_TCP_PORT", DEFAULT_PORT))
    data_dir = args.data_dir or Path(env.get("MSSQL_DATA_DIR", "data"))
    return InstanceConfig(
        data_dir=data_dir.resolve(),
        port=port,
        listen=tuple(args.listen or ()),
        sa_password=args.sa_password or env.get("MSSQL_SA_PASSWORD"),
        force_encryption=args.force_encryption,
        certificate=args.certificate,
        private_key=args.private_key,
    )


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = config_from(args)
    try:
        return _run_loop(_serve(config))
    except StartupError as exc:
        print(f"tdsnet: {exc}", file=sys.stderr)
        return 1


def _run_loop(main: Any) -> int:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


async def _serve(config: InstanceConfig) -> int:
    instance = Instance(config)
    await instance.start()
    if not instance.listeners:
        await instance.stop()
        print(
            f"tdsnet: nothing is listening: port {config.port} could not be opened on any address. "
            f"See {instance.errorlog.path} and pick another port with --port.",
            file=sys.stderr,
        )
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    _announce(instance)  # only once a Ctrl-C would be handled
    await stop.wait()
    print("tdsnet: shutting down", file=sys.stderr)
    await instance.stop()
    return 0


def _announce(instance: Instance) -> None:
    config = instance.config
    out = sys.stdout
    for listener in instance.listeners:
        where = (
            "all IPv6 addresses"
            if listener.address == "any" and listener.family == "ipv6"
            else ("all IPv4 addresses" if listener.address == "any" else listener.address)
        )
        print(f"tdsnet: listening on TCP port {listener.port} ({where})", file=out)
    print(f"tdsnet: data in {config.data_dir}, ERRORLOG at {instance.errorlog.path}", file=out)
    if instance.tls.files is not None:
        print(
            f"tdsnet: TLS certificate {instance.tls.files.cert} ({instance.tls.files.subject})",
            file=out,
        )
    if instance.generated_sa_password:
        print(
            f"tdsnet: generated sa password (shown once, stored only as a hash): {instance.generated_sa_password}",
            file=out,
        )
    port = instance.ports[0]
    server = "127.0.0.1" if port == DEFAULT_PORT else f"127.0.0.1,{port}"
    print(
        f"tdsnet: connect with e.g.  sqlcmd -S {server} -U sa -C   or   "
        f"Server={server};User ID=sa;TrustServerCertificate=yes",
        file=out,
    )
    out.flush()
