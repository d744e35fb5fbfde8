r"""The client configuration: SQL Server's client registry settings, as a TOML file on every platform.

On Windows these live under HKLM\SOFTWARE\Microsoft\MSSQLServer\Client: ConnectTo holds the
aliases, SuperSocketNetLib the protocol order and the client's encryption settings.  tdsnet keeps
the same names and the same value syntax:

    ProtocolOrder = ["sm", "tcp", "np"]     # or "sm tcp np"
    ForceEncryption = false                 # encrypt every connection, whatever Encrypt= says
    TrustServerCertificate = false

    [ConnectTo]
    myalias = "DBMSSOCN,127.0.0.1,14330"   # TCP/IP: server[,port]
    pipes = 'DBNMPNTW,\\box\pipe\sql\query' # named pipes: the pipe
    mine = "DBMSLPCN,(local)"               # shared memory: the server

Files: TDSNET_CLIENT_CONFIG if set (then only that file), otherwise the system file
/etc/tdsnet/client.toml overlaid by the user's $XDG_CONFIG_HOME/tdsnet/client.toml
(~/.config/tdsnet/client.toml).  Reading uses the standard library's tomllib; writing is done
here for this small schema (comments in a rewritten file are not kept).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .connstr import ConnectionStringError, Protocol, ServerTarget, parse_server

ENV_CONFIG = "TDSNET_CLIENT_CONFIG"
SYSTEM_CONFIG = Path("/etc/tdsnet/client.toml")

# The registry's protocol names (ProtocolOrder) and Net-Library names (ConnectTo).
PROTOCOL_NAMES = {"sm": Protocol.SHARED_MEMORY, "tcp": Protocol.TCP, "np": Protocol.NAMED_PIPES}
PROTOCOL_KEYWORDS = {protocol: name for name, protocol in PROTOCOL_NAMES.items()}
LIBRARIES = {"DBMSSOCN": Protocol.TCP, "DBNMPNTW": Protocol.NAMED_PIPES, "DBMSLPCN": Protocol.SHARED_MEMORY}
LIBRARY_NAMES = {protocol: name for name, protocol in LIBRARIES.items()}
DEFAULT_PROTOCOL_ORDER = (Protocol.SHARED_MEMORY, Protocol.TCP, Protocol.NAMED_PIPES)


class ConfigError(ValueError):
    """A configuration file or value that cannot be used, with the file and the reason."""


@dataclass(frozen=True, slots=True)
class Alias:
    r"""A ConnectTo entry: the name clients write, and the protocol, server and port it stands for."""

    name: str
    protocol: Protocol
    server: str  # host[\instance] for TCP and shared memory; the pipe path for named pipes
    port: int | None = None

    @property
    def value(self) -> str:
        """The ConnectTo value, as the registry holds it."""
        parts = [LIBRARY_NAMES[self.protocol], self.server]
        if self.port is not None:
            parts.append(str(self.port))
        return ",".join(parts)

    def target(self) -> ServerTarget:
        """The server this alias names, with its protocol pinned (seed 004: no fallback)."""
        text = f"{self.protocol.value}:{self.server}" + (f",{self.port}" if self.port is not None else "")
        return parse_server(text)


def parse_alias(name: str, value: str) -> Alias:
    r"""Parse a ConnectTo value: `DBMSSOCN,host[\instance][,port]`, `DBNMPNTW,\\host\pipe\name`, `DBMSLPCN,server`."""
    if not name.strip():
        raise ConfigError("An alias needs a name.")
    library, comma, rest = value.partition(",")
    protocol = LIBRARIES.get(library.strip().upper())
    if protocol is None:
        known = ", ".join(LIBRARIES)
        raise ConfigError(f"Alias {name!r}: {library.strip()!r} is not a network library ({known}).")
    if not comma or not rest.strip():
        raise ConfigError(f"Alias {name!r}: {value!r} names no server.")
    server, port = rest.strip(), None
    if protocol is Protocol.TCP:
        server, _, port_text = server.partition(",")
        server = server.strip()
        if port_text.strip():
            port = _port(name, port_text.strip())
    alias = Alias(name.strip(), protocol, server, port)
    try:
        alias.target()
    except ConnectionStringError as error:
        raise ConfigError(f"Alias {name!r}: {error}") from None
    return alias


def _port(name: str, text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"Alias {name!r}: {text!r} is not a port number (1-65535).")
    return int(text)


def parse_protocol_order(value: str | Iterable[str]) -> tuple[Protocol, ...]:
    """ProtocolOrder: 'sm tcp np' or a list; each protocol at most once."""
    names = value.replace(",", " ").split() if isinstance(value, str) else [str(v) for v in value]
    order: list[Protocol] = []
    for name in names:
        key = name.strip().lower()
        if key == "via":
            raise ConfigError("ProtocolOrder: the VIA protocol is not supported.")
        if key == "lpc":
            key = "sm"
        if key not in PROTOCOL_NAMES:
            raise ConfigError(f"ProtocolOrder: {name!r} is not a protocol (sm, tcp, np).")
        if PROTOCOL_NAMES[key] in order:
            raise ConfigError(f"ProtocolOrder: {name!r} is listed twice.")
        order.append(PROTOCOL_NAMES[key])
    if not order:
        raise ConfigError("ProtocolOrder: at least one protocol must be enabled.")
    return tuple(order)


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """The client settings in effect, and the files they came from."""

    aliases: Mapping[str, Alias] = field(default_factory=dict)  # by lower-case name
    protocol_order: tuple[Protocol, ...] = DEFAULT_PROTOCOL_ORDER
    force_encryption: bool = False
    trust_server_certificate: bool = False
    sources: tuple[Path, ...] = ()

    def alias(self, name: str) -> Alias | None:
        return self.aliases.get(name.strip().lower())

    def with_alias(self, alias: Alias) -> ClientConfig:
        aliases = {k: v for k, v in self.aliases.items() if k != alias.name.lower()}
        aliases[alias.name.lower()] = alias
        return replace(self, aliases=aliases)

    def without_alias(self, name: str) -> ClientConfig:
        return replace(self, aliases={k: v for k, v in self.aliases.items() if k != name.strip().lower()})


# --- files -----------------------------------------------------------------------------------------


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tdsnet" / "client.toml"


def config_paths() -> list[Path]:
    """The files read, lowest precedence first."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return [Path(override)]
    return [SYSTEM_CONFIG, user_config_path()]


def writable_path(system: bool = False) -> Path:
    """Where `tdsnet config client` writes: the override, the system file, or the user's file."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    return SYSTEM_CONFIG if system else user_config_path()


def load_config(paths: Iterable[Path] | None = None) -> ClientConfig:
    """The settings from the configuration files that exist; later files override earlier ones."""
    fields: dict[str, object] = {}
    read: list[Path] = []
    for path in config_paths() if paths is None else paths:
        if not path.is_file():
            continue
        settings = _read_fields(path)
        aliases = {**fields.get("aliases", {}), **settings.pop("aliases", {})}  # type: ignore[dict-item]
        fields.update(settings, aliases=aliases)
        read.append(path)
    return ClientConfig(**fields, sources=tuple(read))  # type: ignore[arg-type]


def read_file(path: Path) -> ClientConfig:
    """One file's settings alone (what `tdsnet config client` edits)."""
    return ClientConfig(**_read_fields(path), sources=(path,))  # type: ignore[arg-type]


def _read_fields(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    try:
        return _fields(data)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


_KEYS = {"protocolorder": "ProtocolOrder", "forceencryption": "ForceEncryption"}
_KEYS |= {"trustservercertificate": "TrustServerCertificate", "connectto": "ConnectTo"}


def config_from_data(data: Mapping[str, object]) -> ClientConfig:
    """Settings from parsed TOML; keys in any case, unknown keys an error (a typo must not pass silently)."""
    return ClientConfig(**_fields(data))  # type: ignore[arg-type]


def _fields(data: Mapping[str, object]) -> dict[str, object]:
    """The ClientConfig fields a file sets explicitly."""
    fields: dict[str, object] = {}
    for key, value in data.items():
        name = _KEYS.get(key.lower())
        if name is None:
            raise ConfigError(f"unknown setting {key!r} (known: {', '.join(_KEYS.values())})")
        if name == "ProtocolOrder":
            if not isinstance(value, str | list):
                raise ConfigError("ProtocolOrder is a list of protocols or a string such as 'sm tcp np'")
            fields["protocol_order"] = parse_protocol_order(value)
        elif name == "ConnectTo":
            fields["aliases"] = _aliases(value)
        else:
            if not isinstance(value, bool):
                raise ConfigError(f"{name} is true or false, not {value!r}")
            fields["force_encryption" if name == "ForceEncryption" else "trust_server_certificate"] = value
    return fields


def _aliases(value: object) -> dict[str, Alias]:
    if not isinstance(value, dict):
        raise ConfigError("[ConnectTo] is a table of alias = 'DBMSSOCN,server,port' entries")
    aliases: dict[str, Alias] = {}
    for name, text in value.items():
        if not isinstance(text, str):
            raise ConfigError(f"alias {name!r} must be a string such as 'DBMSSOCN,server,port'")
        aliases[name.lower()] = parse_alias(name, text)
    return aliases


def render(config: ClientConfig) -> str:
    """The TOML text of a configuration (the subset this schema needs: strings, booleans, a list)."""
    lines = ["# tdsnet client configuration: SQL Server's client network settings (see `tdsnet config client`)."]
    # Settings at their defaults are left out, so this file does not pin what another file sets.
    if config.protocol_order != DEFAULT_PROTOCOL_ORDER:
        order = ", ".join(_toml_string(PROTOCOL_KEYWORDS[p]) for p in config.protocol_order)
        lines.append(f"ProtocolOrder = [{order}]")
    if config.force_encryption:
        lines.append("ForceEncryption = true")
    if config.trust_server_certificate:
        lines.append("TrustServerCertificate = true")
    lines += ["", "[ConnectTo]"]
    for alias in sorted(config.aliases.values(), key=lambda a: a.name.lower()):
        lines.append(f"{_toml_string(alias.name)} = {_toml_string(alias.value)}")
    return "\n".join(lines) + "\n"


def save_config(config: ClientConfig, path: Path) -> None:
    """Write `config` to `path` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render(config), encoding="utf-8")
    temporary.replace(path)


def _toml_string(text: str) -> str:
    """A TOML basic string: backslashes, quotes and control characters escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


__all__ = [
    "DEFAULT_PROTOCOL_ORDER",
    "ENV_CONFIG",
    "Alias",
    "ClientConfig",
    "ConfigError",
    "config_paths",
    "load_config",
    "parse_alias",
    "parse_protocol_order",
    "render",
    "save_config",
    "writable_path",
]
