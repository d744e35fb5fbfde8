"""`tdsnet serve`: run an instance until Ctrl-C or SIGTERM.

Honours the SQL Server container's variables: MSSQL_SA_PASSWORD, MSSQL_TCP_PORT,
MSSQL_DATA_DIR.  --port and --listen are written into the instance's network.toml (as
Configuration Manager would before a start); without them the file decides.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..server.listeners import DAC, NAMED_PIPE, SHARED_MEMORY, Listener
from ..server.netconfig import DEFAULT_PORT

if TYPE_CHECKING:  # the instance (and the engine behind it) loads only when serve runs
    from ..server.instance import Instance, InstanceConfig


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("serve", help="run a tdsnet instance")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where databases, ERRORLOG and the certificate live (env MSSQL_DATA_DIR; default ./data)",
    )
    parser.add_argument(
        "--instance",
        default="",
        metavar="NAME",
        help="run the named instance NAME (default: the default instance, MSSQLSERVER)",
    )
    parser.add_argument(
        "--port",
        type=int,
        help=f"TCP port (env MSSQL_TCP_PORT; default {DEFAULT_PORT} for the default instance, dynamic for a named "
        "one; 0 picks a free port and keeps it across restarts)",
    )
    parser.add_argument(
        "--listen",
        action="append",
        metavar="ADDR",
        help="address to listen on; repeat for several (default: all IPv4 and IPv6)",
    )
    parser.add_argument(
        "--loopback-only",
        action="store_true",
        help="never bind a non-loopback address: 'all addresses' means 127.0.0.1 and ::1",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not answer SQL Server Browser requests on UDP 1434"
    )
    parser.add_argument(
        "--browser-listen",
        action="append",
        metavar="ADDR",
        help="address for the Browser's UDP 1434; repeat for several (default: all addresses)",
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
    from ..server.instance import InstanceConfig

    env = os.environ
    port = args.port if args.port is not None else (int(env["MSSQL_TCP_PORT"]) if env.get("MSSQL_TCP_PORT") else None)
    default_dir = "data" if not args.instance else f"data-{args.instance.lower()}"
    data_dir = args.data_dir or Path(env.get("MSSQL_DATA_DIR", default_dir))
    return InstanceConfig(
        data_dir=data_dir.resolve(),
        port=port,
        instance_name=args.instance,
        loopback_only=args.loopback_only,
        browser=not args.no_browser,
        browser_addresses=tuple(args.browser_listen or ()),
        listen=tuple(args.listen or ()),
        sa_password=args.sa_password or env.get("MSSQL_SA_PASSWORD"),
        force_encryption=args.force_encryption,
        certificate=args.certificate,
        private_key=args.private_key,
    )


def run(args: argparse.Namespace) -> int:
    from ..server.instance import StartupError

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
    from ..server.instance import Instance

    instance = Instance(config)
    await instance.start()
    if not instance.listeners:
        await instance.stop()
        print(
            f"tdsnet: nothing is listening: no protocol could be opened. See {instance.errorlog.path}, and the "
            f"network configuration {config.data_dir / 'network.toml'} (or pick another port with --port).",
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
        print(f"tdsnet: {_describe(listener)}", file=out)
    print(
        f"tdsnet: instance {config.instance}, data in {config.data_dir}, ERRORLOG at {instance.errorlog.path}", file=out
    )
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
    print(f"tdsnet: connect with e.g.  sqlcmd -S {_example_server(instance)} -U sa -C", file=out)
    out.flush()


def _describe(listener: Listener) -> str:
    if listener.transport == NAMED_PIPE:
        return f"listening on named pipe {listener.address}"
    if listener.transport == SHARED_MEMORY:
        return "listening for shared memory connections (lpc:)"
    where = {"::": "all IPv6 addresses", "0.0.0.0": "all IPv4 addresses"}.get(listener.address, listener.address)
    if listener.transport == DAC:
        return f"dedicated admin connection on TCP port {listener.port} ({where})"
    return f"listening on TCP port {listener.port} ({where})"


def _example_server(instance: Instance) -> str:
    tcp = [lst for lst in instance.listeners if lst.transport == "TCP"]
    if not tcp:
        return "np:" + instance.network_config.pipe
    first = next((lst for lst in tcp if lst.family == "ipv4"), tcp[0])
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(first.address, first.address)
    host = f"[{host}]" if ":" in host else host
    name = instance.config.instance
    if name != "MSSQLSERVER" and instance.browser is not None and instance.browser.addresses:
        return f"{host}\\{name}"
    return host if first.port == DEFAULT_PORT and name == "MSSQLSERVER" else f"{host},{first.port}"
