r"""`tdsnet config client`: aliases (ConnectTo), protocol order and the client's encryption settings.

    tdsnet config client                          everything in effect, and the files it comes from
    tdsnet config client path                     the files read, and the one changes are written to
    tdsnet config client alias list
    tdsnet config client alias add NAME DBMSSOCN,host,1433
    tdsnet config client alias add NAME --protocol tcp --server host --port 1433
    tdsnet config client alias remove NAME
    tdsnet config client order                    show the protocol order
    tdsnet config client order tcp np             set it (sm, tcp, np)
    tdsnet config client set ForceEncryption yes  (or TrustServerCertificate)

Changes go to the user's file (~/.config/tdsnet/client.toml), to /etc/tdsnet/client.toml with
--system, or to $TDSNET_CLIENT_CONFIG when that is set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ..client.config import (
    LIBRARY_NAMES,
    PROTOCOL_KEYWORDS,
    PROTOCOL_NAMES,
    ClientConfig,
    ConfigError,
    config_paths,
    load_config,
    parse_alias,
    parse_protocol_order,
    read_file,
    save_config,
    writable_path,
)

_SETTINGS = {"forceencryption": "force_encryption", "trustservercertificate": "trust_server_certificate"}
_BOOLEANS = {"yes": True, "true": True, "1": True, "on": True, "no": False, "false": False, "0": False, "off": False}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("client", help="client aliases, protocol order and encryption settings")
    parser.add_argument("--system", action="store_true", help="change /etc/tdsnet/client.toml, not the user's file")
    actions = parser.add_subparsers(dest="client_action", metavar="ACTION")
    actions.add_parser("show", help="the settings in effect (the default)")
    actions.add_parser("path", help="the configuration files")
    _alias_parsers(actions)
    order = actions.add_parser("order", help="show or set the protocol order")
    order.add_argument("protocols", nargs="*", metavar="PROTOCOL", help="sm, tcp, np in the order to try them")
    setting = actions.add_parser("set", help="set ForceEncryption or TrustServerCertificate")
    setting.add_argument("name", help="ForceEncryption or TrustServerCertificate")
    setting.add_argument("value", help="yes or no")
    parser.set_defaults(run=run)


def _alias_parsers(actions: Any) -> None:
    alias = actions.add_parser("alias", help="list, add or remove aliases (the registry's ConnectTo)")
    alias_actions = alias.add_subparsers(dest="alias_action", metavar="ALIAS_ACTION")
    alias_actions.add_parser("list", help="the aliases in effect")
    add = alias_actions.add_parser("add", help="add or replace an alias")
    add.add_argument("name", help="the name clients write as the server")
    add.add_argument(
        "value", nargs="?", help=r"DBMSSOCN,host[\instance][,port] | DBNMPNTW,\\host\pipe\... | DBMSLPCN,host"
    )
    add.add_argument("--protocol", choices=sorted(PROTOCOL_NAMES), help="instead of VALUE: the protocol")
    add.add_argument("--server", help=r"instead of VALUE: host[\instance], or the pipe for np")
    add.add_argument("--port", type=int, help="instead of VALUE: the TCP port")
    remove = alias_actions.add_parser("remove", help="remove an alias")
    remove.add_argument("name")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    action = args.client_action or "show"
    if action == "alias":
        action = f"alias {args.alias_action or 'list'}"
    handler = _HANDLERS[action]
    try:
        return handler(args, out)
    except ConfigError as error:
        print(f"tdsnet: {error}", file=sys.stderr)
        return 1


def _show(args: argparse.Namespace, out: TextIO) -> int:
    config = load_config()
    _print_sources(config, out)
    print(f"ProtocolOrder: {_order_text(config)}", file=out)
    print(f"ForceEncryption: {_yes_no(config.force_encryption)}", file=out)
    print(f"TrustServerCertificate: {_yes_no(config.trust_server_certificate)}", file=out)
    return _list_aliases(args, out, config)


def _path(args: argparse.Namespace, out: TextIO) -> int:
    for path in config_paths():
        print(f"{path}  ({'exists' if path.is_file() else 'not present'})", file=out)
    print(f"changes are written to {writable_path(args.system)}", file=out)
    return 0


def _list_aliases(args: argparse.Namespace, out: TextIO, config: ClientConfig | None = None) -> int:
    config = config or load_config()
    if not config.aliases:
        print("no aliases", file=out)
    for alias in sorted(config.aliases.values(), key=lambda a: a.name.lower()):
        print(f"{alias.name} = {alias.value}", file=out)
    return 0


def _add_alias(args: argparse.Namespace, out: TextIO) -> int:
    value = args.value
    if value is None:
        if not args.protocol or not args.server:
            raise ConfigError("give the alias as VALUE (DBMSSOCN,host,port) or with --protocol and --server")
        library = LIBRARY_NAMES[PROTOCOL_NAMES[args.protocol]]
        value = f"{library},{args.server}" + (f",{args.port}" if args.port is not None else "")
    elif args.protocol or args.server or args.port is not None:
        raise ConfigError("give either VALUE or --protocol/--server/--port, not both")
    alias = parse_alias(args.name, value)
    path = _edit(args, lambda config: config.with_alias(alias))
    print(f"{alias.name} = {alias.value}  (in {path})", file=out)
    return 0


def _remove_alias(args: argparse.Namespace, out: TextIO) -> int:
    path = writable_path(args.system)
    if _current(path).alias(args.name) is None:
        raise ConfigError(f"there is no alias {args.name!r} in {path}")
    _edit(args, lambda config: config.without_alias(args.name))
    print(f"removed {args.name}  (from {path})", file=out)
    return 0


def _order(args: argparse.Namespace, out: TextIO) -> int:
    if not args.protocols:
        print(_order_text(load_config()), file=out)
        return 0
    order = parse_protocol_order(args.protocols)
    path = _edit(args, lambda config: replace(config, protocol_order=order))
    print(f"ProtocolOrder: {' '.join(PROTOCOL_KEYWORDS[p] for p in order)}  (in {path})", file=out)
    return 0


def _set(args: argparse.Namespace, out: TextIO) -> int:
    field = _SETTINGS.get(args.name.lower())
    if field is None:
        raise ConfigError(f"{args.name!r} is not a setting (ForceEncryption, TrustServerCertificate)")
    value = _BOOLEANS.get(args.value.lower())
    if value is None:
        raise ConfigError(f"{args.value!r} is not yes or no")
    path = _edit(args, lambda config: replace(config, **{field: value}))
    print(f"{args.name}: {_yes_no(value)}  (in {path})", file=out)
    return 0


def _current(path: Path) -> ClientConfig:
    return read_file(path) if path.is_file() else ClientConfig()


def _edit(args: argparse.Namespace, change: Callable[[ClientConfig], ClientConfig]) -> Path:
    """Read the one file changes go to, change it, write it back; the path written."""
    path = writable_path(args.system)
    try:
        save_config(change(_current(path)), path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be written: {error.strerror or error}") from None
    return path


def _print_sources(config: ClientConfig, out: TextIO) -> None:
    if config.sources:
        print("Files: " + ", ".join(str(p) for p in config.sources), file=out)
    else:
        print("Files: none (built-in defaults)", file=out)


def _order_text(config: ClientConfig) -> str:
    return " ".join(PROTOCOL_KEYWORDS[p] for p in config.protocol_order)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


_HANDLERS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "show": _show,
    "path": _path,
    "alias list": _list_aliases,
    "alias add": _add_alias,
    "alias remove": _remove_alias,
    "order": _order,
    "set": _set,
}
