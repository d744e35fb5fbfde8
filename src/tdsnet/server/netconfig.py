"""An instance's network configuration: what SQL Server keeps under SuperSocketNetLib in the registry.

The file is ``network.toml`` in the data dir, with the registry's names so that SQL Server
Configuration Manager's vocabulary applies::

    ForceEncryption = false        HideInstance = false        Certificate = ""
    [Sm]  Enabled                  (shared memory)
    [Np]  Enabled, PipeName        (named pipes)
    [Tcp] Enabled, ListenOnAllIPs, KeepAlive
    [Tcp.IPAll] TcpPort = "1433,1500", TcpDynamicPorts = ""   (used when ListenOnAllIPs)
    [Tcp.IP1]   IpAddress, Active, Enabled, TcpPort, TcpDynamicPorts   (used when not)
    [Via] Enabled                  (deprecated: always disabled)
    [AdminConnection.Tcp] TcpDynamicPorts   (the dedicated admin connection's port, recorded)

As in SQL Server the instance reads it only when it starts: editing it while the instance runs
changes nothing until the next restart (seed 001: the registry is separate from the metadata).
A dynamic port (TcpDynamicPorts = "0") is chosen at first start and written back, then reused
at later starts while it is free.  The file is edited with tomlkit so comments survive.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

import psutil
import tomlkit
from tomlkit.exceptions import TOMLKitError

from ..net import local

FILE_NAME = "network.toml"
DEFAULT_PORT = 1433
DAC_PORT = 1434
_HEADER = (
    "Network configuration of instance {instance}: SQL Server Configuration Manager's\n"
    '"Protocols for {instance}" (the registry\'s SuperSocketNetLib keys). Read when the\n'
    "instance starts: restart it after a change. `tdsnet config server` edits this file."
)


class ConfigError(ValueError):
    """The configuration file cannot be used; the message names the file, the key and the fix."""


@dataclass(frozen=True, slots=True)
class IpEntry:
    """One IPn entry (or IPAll, whose address is empty)."""

    name: str
    ip_address: str = ""
    active: bool = True
    enabled: bool = False
    tcp_port: str = ""
    tcp_dynamic_ports: str = ""

    @property
    def static_ports(self) -> tuple[int, ...]:
        return _ports(self.tcp_port)

    @property
    def dynamic(self) -> bool:
        return self.tcp_dynamic_ports.strip() != ""

    @property
    def recorded_dynamic_port(self) -> int | None:
        ports = _ports(self.tcp_dynamic_ports)
        return ports[0] if ports and ports[0] != 0 else None


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    instance: str = local.DEFAULT_INSTANCE
    shared_memory: bool = True
    named_pipes: bool = True
    pipe_name: str = ""
    tcp: bool = True
    listen_on_all_ips: bool = True
    keep_alive: int = 30000
    ip_all: IpEntry = IpEntry("IPAll", tcp_port=str(DEFAULT_PORT))
    ips: tuple[IpEntry, ...] = ()
    via: bool = False
    force_encryption: bool = False
    certificate: str = ""
    hide_instance: bool = False
    dac_dynamic_port: int | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def pipe(self) -> str:
        return self.pipe_name or local.default_pipe(self.instance)

    def tcp_entries(self) -> list[IpEntry]:
        """The entries the TCP provider listens on: IPAll, or each active and enabled IPn."""
        if not self.tcp:
            return []
        if self.listen_on_all_ips:
            return [self.ip_all]
        return [ip for ip in self.ips if ip.active and ip.enabled and ip.ip_address]

    def ip(self, name_or_address: str) -> IpEntry | None:
        wanted = name_or_address.lower()
        return next((ip for ip in self.ips if wanted in (ip.name.lower(), ip.ip_address.lower())), None)

    def with_ip(self, entry: IpEntry) -> NetworkConfig:
        others = [ip for ip in self.ips if ip.name != entry.name]
        if entry.name == "IPAll":
            return replace(self, ip_all=entry)
        return replace(self, ips=tuple(sorted([*others, entry], key=_ip_order)))

    def next_ip_name(self) -> str:
        used = {ip.name.upper() for ip in self.ips}
        return next(f"IP{n}" for n in range(1, len(used) + 2) if f"IP{n}" not in used)


def _ip_order(entry: IpEntry) -> int:
    digits = entry.name[2:]
    return int(digits) if digits.isdigit() else 10**6


def _ports(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in (part.strip() for part in text.split(",")) if p)


def default(instance: str) -> NetworkConfig:
    """A new instance's configuration: the default instance on 1433, a named one on a dynamic port,
    and one IPn entry per address of this host (not enabled: IPAll is what listens)."""
    named = instance.upper() != local.DEFAULT_INSTANCE
    ip_all = IpEntry("IPAll", tcp_dynamic_ports="0") if named else IpEntry("IPAll", tcp_port=str(DEFAULT_PORT))
    ips = tuple(
        IpEntry(f"IP{n}", address, tcp_dynamic_ports="0") for n, address in enumerate(host_addresses(), start=1)
    )
    return NetworkConfig(instance=instance.upper(), ip_all=ip_all, ips=ips)


def host_addresses() -> list[str]:
    """This host's IPv4 and IPv6 addresses (link-local ones without their scope), loopback first."""
    found: list[str] = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                text = address.address.split("%")[0]
                if ipaddress.ip_address(text).is_link_local:
                    continue  # needs a scope id to bind: not something to configure by address
                if text not in found:
                    found.append(text)
    return sorted(found, key=lambda a: (not ipaddress.ip_address(a).is_loopback, ":" in a, a))


# --- reading -------------------------------------------------------------------------------------


def load(data_dir: Path, instance: str) -> NetworkConfig:
    """The instance's configuration, created with the defaults at first start."""
    path = data_dir / FILE_NAME
    if not path.exists():
        config = replace(default(instance), path=path)
        save(config)
        return config
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, TOMLKitError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}. Fix the file or delete it to get the defaults.") from None
    return _from_document(document, path, instance)


def _from_document(doc: tomlkit.TOMLDocument, path: Path, instance: str) -> NetworkConfig:
    reader = _Reader(path)
    tcp = reader.table(doc, "Tcp")
    ips = tuple(
        reader.ip(name, value)
        for name, value in tcp.items()
        if name.upper().startswith("IP") and name != "IPAll" and isinstance(value, dict)
    )
    admin = reader.table(reader.table(doc, "AdminConnection"), "Tcp")
    dac = _ports(reader.text(admin, "TcpDynamicPorts", "", "AdminConnection.Tcp"))
    config = NetworkConfig(
        instance=instance.upper(),
        shared_memory=reader.flag(reader.table(doc, "Sm"), "Enabled", True, "Sm"),
        named_pipes=reader.flag(reader.table(doc, "Np"), "Enabled", True, "Np"),
        pipe_name=reader.text(reader.table(doc, "Np"), "PipeName", "", "Np"),
        tcp=reader.flag(tcp, "Enabled", True, "Tcp"),
        listen_on_all_ips=reader.flag(tcp, "ListenOnAllIPs", True, "Tcp"),
        keep_alive=reader.number(tcp, "KeepAlive", 30000, "Tcp"),
        ip_all=reader.ip("IPAll", reader.table(tcp, "IPAll")),
        ips=tuple(sorted(ips, key=_ip_order)),
        via=False,
        force_encryption=reader.flag(doc, "ForceEncryption", False, ""),
        certificate=reader.text(doc, "Certificate", "", ""),
        hide_instance=reader.flag(doc, "HideInstance", False, ""),
        dac_dynamic_port=dac[0] if dac else None,
        path=path,
    )
    validate(config)
    return config


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _error(self, section: str, key: str, expected: str, value: object) -> ConfigError:
        where = f"[{section}] {key}" if section else key
        return ConfigError(f"{where} in {self.path} must be {expected}, not {value!r}. Fix the file and restart.")

    def table(self, doc: object, key: str) -> dict:
        value = doc.get(key, {}) if isinstance(doc, dict) else {}
        return value if isinstance(value, dict) else {}

    def flag(self, table: dict, key: str, fallback: bool, section: str) -> bool:
        value = table.get(key, fallback)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("yes", "no", "true", "false", "1", "0"):
            return value.lower() in ("yes", "true", "1")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self._error(section, key, "true or false", value)

    def text(self, table: dict, key: str, fallback: str, section: str) -> str:
        value = table.get(key, fallback)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self._error(section, key, "a string", value)
        return str(value)

    def number(self, table: dict, key: str, fallback: int, section: str) -> int:
        value = table.get(key, fallback)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._error(section, key, "a whole number", value)
        return int(value)

    def ip(self, name: str, table: dict) -> IpEntry:
        section = f"Tcp.{name}"
        return IpEntry(
            name=name,
            ip_address=self.text(table, "IpAddress", "", section),
            active=self.flag(table, "Active", True, section),
            enabled=self.flag(table, "Enabled", False, section),
            tcp_port=self.text(table, "TcpPort", "", section),
            tcp_dynamic_ports=self.text(table, "TcpDynamicPorts", "", section),
        )


def validate(config: NetworkConfig) -> None:
    where = config.path or FILE_NAME
    for entry in (config.ip_all, *config.ips):
        for key, text in (("TcpPort", entry.tcp_port), ("TcpDynamicPorts", entry.tcp_dynamic_ports)):
            try:
                ports = _ports(text)
            except ValueError:
                ports = (-1,)
            low = 0 if key == "TcpDynamicPorts" else 1
            if any(not low <= p <= 65535 for p in ports):
                raise ConfigError(
                    f"[Tcp.{entry.name}] {key} in {where} is {text!r}: give port numbers ({low}-65535) separated "
                    f'by commas, such as "1433,1500", or leave it empty.'
                )
        if entry.name != "IPAll" and entry.ip_address:
            try:
                ipaddress.ip_address(entry.ip_address)
            except ValueError:
                raise ConfigError(
                    f"[Tcp.{entry.name}] IpAddress in {where} is {entry.ip_address!r}, which is not an IPv4 or IPv6 "
                    "address."
                ) from None
    if config.pipe_name:
        try:
            local.split_pipe(config.pipe_name)
        except ValueError:
            raise ConfigError(
                f"[Np] PipeName in {where} is {config.pipe_name!r}: a pipe name looks like \\\\.\\pipe\\sql\\query."
            ) from None


# --- writing -------------------------------------------------------------------------------------


def save(config: NetworkConfig) -> None:
    """Write the configuration, keeping the comments and order of an existing file."""
    assert config.path is not None
    validate(config)
    path = config.path
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else _new_document(config)
    doc["ForceEncryption"] = config.force_encryption
    doc["Certificate"] = config.certificate
    doc["HideInstance"] = config.hide_instance
    _section(doc, "Sm")["Enabled"] = config.shared_memory
    np = _section(doc, "Np")
    np["Enabled"] = config.named_pipes
    np["PipeName"] = tomlkit.string(config.pipe, literal=True)  # backslashes stay readable
    tcp = _section(doc, "Tcp")
    tcp["Enabled"] = config.tcp
    tcp["ListenOnAllIPs"] = config.listen_on_all_ips
    tcp["KeepAlive"] = config.keep_alive
    for name in [k for k in tcp if k.upper().startswith("IP") and k != "IPAll"]:
        if config.ip(name) is None:
            del tcp[name]
    for entry in (config.ip_all, *config.ips):
        _write_ip(_section(tcp, entry.name), entry)
    _section(doc, "Via")["Enabled"] = False
    admin = _section(_section(doc, "AdminConnection"), "Tcp")
    admin["TcpDynamicPorts"] = str(config.dac_dynamic_port) if config.dac_dynamic_port else ""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(tomlkit.dumps(doc), encoding="utf-8")
    temporary.replace(path)  # atomic: a crash never leaves half a file


def _new_document(config: NetworkConfig) -> tomlkit.TOMLDocument:
    doc = tomlkit.document()
    for line in _HEADER.format(instance=config.instance).splitlines():
        doc.add(tomlkit.comment(line))
    return doc


def _section(parent: dict, key: str) -> dict:
    if key not in parent:
        parent[key] = tomlkit.table()
    return parent[key]


def _write_ip(table: dict, entry: IpEntry) -> None:
    if entry.name != "IPAll":
        table["IpAddress"] = entry.ip_address
        table["Active"] = entry.active
        table["Enabled"] = entry.enabled
    table["TcpPort"] = entry.tcp_port
    table["TcpDynamicPorts"] = entry.tcp_dynamic_ports


def apply_overrides(
    config: NetworkConfig, port: int | None, listen: tuple[str, ...], force_encryption: bool
) -> NetworkConfig:
    """`tdsnet serve --port/--listen/--force-encryption`: recorded in the file, as if set with
    Configuration Manager before the start.  Port 0 asks for a dynamic port (the recorded one is kept)."""
    if force_encryption:
        config = replace(config, force_encryption=True)
    if not listen:
        return config if port is None else config.with_ip(_with_port(config.ip_all, port))
    config = replace(config, listen_on_all_ips=False)
    ports_from = config.ip_all if port is None else _with_port(config.ip_all, port)
    wanted = {_normal(a) for a in listen}
    for entry in config.ips:
        if _normal(entry.ip_address) not in wanted and entry.enabled:
            config = config.with_ip(replace(entry, enabled=False))
    for address in listen:
        entry = config.ip(address) or IpEntry(config.next_ip_name(), address)
        if port is None and entry.enabled and (entry.tcp_port or entry.dynamic):
            config = config.with_ip(replace(entry, active=True))  # already listening: its own ports stay
            continue
        keep = entry.tcp_dynamic_ports if entry.dynamic and not ports_from.tcp_port else ""
        config = config.with_ip(
            replace(
                entry,
                active=True,
                enabled=True,
                tcp_port=ports_from.tcp_port,
                tcp_dynamic_ports=keep or ports_from.tcp_dynamic_ports,
            )
        )
    return config


def _with_port(entry: IpEntry, port: int) -> IpEntry:
    if port:
        return replace(entry, tcp_port=str(port), tcp_dynamic_ports="")
    return replace(entry, tcp_port="", tcp_dynamic_ports=entry.tcp_dynamic_ports if entry.dynamic else "0")


def _normal(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address.lower()
