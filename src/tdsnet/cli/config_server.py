r"""`tdsnet config server`: an instance's protocols, as SQL Server Configuration Manager shows them.

    tdsnet config server                                   show everything
    tdsnet config server enable tcp | np | sm              (disable likewise)
    tdsnet config server tcp --listen-all no --port 1433,1500 --dynamic-ports ""
    tdsnet config server ip IP2 --enabled yes --port 1500  (an IPn entry; `ip add ADDRESS`, `ip remove IPn`)
    tdsnet config server set HideInstance yes              (ForceEncryption, Certificate, PipeName)

The file is network.toml in the instance's data dir (--data-dir, or --instance NAME for a named
instance's default dir).  Like Configuration Manager's changes, these take effect when the
instance restarts.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ..server import netconfig
from ..server.netconfig import ConfigError, IpEntry, NetworkConfig

PROTOCOLS = {"tcp": "tcp", "np": "named_pipes", "sm": "shared_memory"}
_BOOLEANS = {"yes": True, "true": True, "1": True, "on": True, "no": False, "false": False, "0": False, "off": False}
_SETTINGS = {"forceencryption", "hideinstance", "certificate", "pipename"}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("server", help="an instance's protocols, addresses and ports (network.toml)")
    parser.add_argument("--data-dir", type=Path, help="the instance's data dir (default ./data, or MSSQL_DATA_DIR)")
    parser.add_argument("--instance", default="", metavar="NAME", help="a named instance (default dir ./data-NAME)")
    actions = parser.add_subparsers(dest="server_action", metavar="ACTION")
    actions.add_parser("show", help="the configuration (the default)")
    for verb in ("enable", "disable"):
        toggle = actions.add_parser(verb, help=f"{verb} a protocol")
        toggle.add_argument("protocol", choices=sorted(PROTOCOLS))
    tcp = actions.add_parser("tcp", help="TCP/IP settings and the IPAll ports")
    tcp.add_argument("--listen-all", help="yes: listen on IPAll's ports on every address; no: on each enabled IPn")
    tcp.add_argument("--port", help='IPAll TcpPort, e.g. "1433" or "1433,1500" ("" for none)')
    tcp.add_argument("--dynamic-ports", help='IPAll TcpDynamicPorts: "0" picks one at the next start, "" for none')
    tcp.add_argument("--keep-alive", type=int, help="KeepAlive in milliseconds")
    ip = actions.add_parser("ip", help="an IPn entry (or `ip add ADDRESS`, `ip remove IPn`)")
    ip.add_argument("name", help="IPn, or add / remove")
    ip.add_argument("value", nargs="?", help="the address to add, or the entry to remove")
    ip.add_argument("--address", help="IpAddress")
    ip.add_argument("--active", help="yes or no")
    ip.add_argument("--enabled", help="yes or no")
    ip.add_argument("--port", help="TcpPort")
    ip.add_argument("--dynamic-ports", help="TcpDynamicPorts")
    setting = actions.add_parser("set", help="ForceEncryption, HideInstance, Certificate or PipeName")
    setting.add_argument("name")
    setting.add_argument("value")
    parser.set_defaults(run=run)


def data_dir_of(args: argparse.Namespace) -> Path:
    """The same rule as `tdsnet serve`: --data-dir, else MSSQL_DATA_DIR, else ./data (./data-NAME)."""
    if args.data_dir:
        return args.data_dir
    default = "data" if not args.instance else f"data-{args.instance.lower()}"
    return Path(os.environ.get("MSSQL_DATA_DIR", default))


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    instance = (args.instance or "MSSQLSERVER").upper()
    try:
        config = netconfig.load(data_dir_of(args), instance)
        changed = _apply(config, args)
        if changed is not config:
            netconfig.save(changed)
            print(f"Saved {changed.path}. Restart the instance for the change to take effect.", file=out)
        else:
            show(changed, out)
    except (ConfigError, ValueError) as exc:
        print(f"tdsnet config server: {exc}", file=sys.stderr)
        return 2
    return 0


def _apply(config: NetworkConfig, args: argparse.Namespace) -> NetworkConfig:
    action = args.server_action or "show"
    if action in ("enable", "disable"):
        return replace(config, **{PROTOCOLS[args.protocol]: action == "enable"})
    if action == "tcp":
        return _tcp(config, args)
    if action == "ip":
        return _ip(config, args)
    if action == "set":
        return _set(config, args.name, args.value)
    return config


def _flag(text: str, what: str) -> bool:
    if text.lower() not in _BOOLEANS:
        raise ValueError(f"{what} takes yes or no, not {text!r}")
    return _BOOLEANS[text.lower()]


def _tcp(config: NetworkConfig, args: argparse.Namespace) -> NetworkConfig:
    if args.listen_all is not None:
        config = replace(config, listen_on_all_ips=_flag(args.listen_all, "--listen-all"))
    if args.keep_alive is not None:
        config = replace(config, keep_alive=args.keep_alive)
    ip_all = config.ip_all
    if args.port is not None:
        ip_all = replace(ip_all, tcp_port=args.port)
    if args.dynamic_ports is not None:
        ip_all = replace(ip_all, tcp_dynamic_ports=args.dynamic_ports)
    return config.with_ip(ip_all)


def _ip(config: NetworkConfig, args: argparse.Namespace) -> NetworkConfig:
    if args.name == "add":
        if not args.value:
            raise ValueError("ip add needs the address: tdsnet config server ip add 127.0.0.2")
        if config.ip(args.value) is not None:
            raise ValueError(f"{args.value} already has an entry: {config.ip(args.value).name}")  # type: ignore[union-attr]
        entry = IpEntry(config.next_ip_name(), args.value)
    elif args.name == "remove":
        entry = config.ip(args.value or "")
        if entry is None or entry.name == "IPAll":
            raise ValueError(f"no IPn entry named {args.value!r}")
        return replace(config, ips=tuple(ip for ip in config.ips if ip.name != entry.name))
    else:
        entry = config.ip(args.name)  # type: ignore[assignment]
        if entry is None:
            names = ", ".join(ip.name for ip in config.ips) or "none"
            raise ValueError(f"no entry {args.name!r} (entries: {names}; use `ip add ADDRESS` to add one)")
    return config.with_ip(_ip_changes(entry, args))


def _ip_changes(entry: IpEntry, args: argparse.Namespace) -> IpEntry:
    changes: dict[str, Any] = {}
    if args.address is not None:
        changes["ip_address"] = args.address
    if args.active is not None:
        changes["active"] = _flag(args.active, "--active")
    if args.enabled is not None:
        changes["enabled"] = _flag(args.enabled, "--enabled")
    if args.port is not None:
        changes["tcp_port"] = args.port
    if args.dynamic_ports is not None:
        changes["tcp_dynamic_ports"] = args.dynamic_ports
    return replace(entry, **changes)


def _set(config: NetworkConfig, name: str, value: str) -> NetworkConfig:
    key = name.lower()
    if key not in _SETTINGS:
        raise ValueError(f"unknown setting {name!r}: ForceEncryption, HideInstance, Certificate or PipeName")
    if key == "forceencryption":
        return replace(config, force_encryption=_flag(value, name))
    if key == "hideinstance":
        return replace(config, hide_instance=_flag(value, name))
    if key == "certificate":
        return replace(config, certificate=value)
    return replace(config, pipe_name=value)


def show(config: NetworkConfig, out: TextIO) -> None:
    def state(enabled: bool) -> str:
        return "Enabled" if enabled else "Disabled"

    def yes(flag: bool) -> str:
        return "Yes" if flag else "No"

    print(f"Protocols for {config.instance}  ({config.path})", file=out)
    print(f"  Shared Memory   {state(config.shared_memory)}", file=out)
    print(f"  Named Pipes     {state(config.named_pipes)}   Pipe Name: {config.pipe}", file=out)
    print(
        f"  TCP/IP          {state(config.tcp)}   Listen All: {yes(config.listen_on_all_ips)}   "
        f"Keep Alive: {config.keep_alive}",
        file=out,
    )
    print(f"  VIA             {state(config.via)}", file=out)
    certificate = config.certificate or "(the instance's own, generated at first start)"
    print(f"  Force Encryption: {yes(config.force_encryption)}   Hide Instance: {yes(config.hide_instance)}", file=out)
    print(f"  Certificate: {certificate}", file=out)
    if config.dac_dynamic_port:
        print(f"  Dedicated admin connection: TCP port {config.dac_dynamic_port}", file=out)
    print("", file=out)
    rows = [("Name", "IP Address", "Active", "Enabled", "TCP Port", "TCP Dynamic Ports")]
    rows += [
        (ip.name, ip.ip_address, yes(ip.active), yes(ip.enabled), ip.tcp_port, ip.tcp_dynamic_ports)
        for ip in config.ips
    ]
    rows.append(("IPAll", "", "", "", config.ip_all.tcp_port, config.ip_all.tcp_dynamic_ports))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
    used = "IPAll (every address)" if config.listen_on_all_ips else "each Active and Enabled IPn"
    print(f"\nThe TCP provider listens on {used}. Changes take effect when the instance restarts.", file=out)
