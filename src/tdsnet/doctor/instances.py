r"""The instances registered on this host, and what their ERRORLOG and network configuration say.

A running tdsnet instance registers itself in ``<runtime dir>/instances/<name>.json`` (see
`server.network.NetworkLayer.register`): its ports, its pipe, and where its data dir, master
database and ERRORLOG are.  The doctor reads those files and the ERRORLOG lines SQL Server's
troubleshooting articles point at ("Server is listening on [ ... ]", 26023, 9692, 18456).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from ..net import local
from ..server import netconfig
from ..server.errorlog import ErrorLog, LogEntry

_LISTENING = re.compile(r"Server is listening on \[ (\S+) <ipv[46]> (\d+)\]\.")
_TCP_FAILED = re.compile(r"Server TCP provider failed to listen on \[ (\S+) <ipv[46]> (\d+)\]\. (.*)")
_STARTED = "Server process ID is"


@dataclass(frozen=True, slots=True)
class Logged:
    """One ERRORLOG message: the "Error: n, Severity: s, State: t." line joined to its text."""

    when: dt.datetime
    number: int | None
    state: int | None
    text: str

    @property
    def quoted(self) -> str:
        head = f"Error: {self.number}, State: {self.state}. " if self.number is not None else ""
        return f"{self.when:%Y-%m-%d %H:%M:%S.%f}"[:22] + f" {head}{self.text}"


@dataclass(slots=True)
class LocalInstance:
    instance: str
    pid: int
    version: str = ""
    tcp: int | None = None
    addresses: tuple[str, ...] = ()
    np: str | None = None
    dac: int | None = None
    hidden: bool = False
    data_dir: Path | None = None
    errorlog: Path | None = None
    master: Path | None = None
    source: Path | None = None
    _log: list[Logged] | None = field(default=None, repr=False)

    @property
    def alive(self) -> bool:
        return psutil.pid_exists(self.pid)

    def summary(self) -> dict[str, object]:
        return {
            "instance": self.instance,
            "pid": self.pid,
            "tcp": self.tcp,
            "addresses": list(self.addresses),
            "np": self.np,
            "dac": self.dac,
            "hidden": self.hidden,
            "data_dir": str(self.data_dir) if self.data_dir else None,
            "errorlog": str(self.errorlog) if self.errorlog else None,
        }

    # --- the ERRORLOG of the current start --------------------------------------------------------

    def log(self, fresh: bool = False) -> list[Logged]:
        if self._log is None or fresh:
            self._log = _read_log(self.errorlog)
        return self._log

    def listening(self) -> list[tuple[str, int]]:
        """(address, port) of every "Server is listening on [ ... ]" line since the instance started."""
        found = []
        for entry in self.log():
            match = _LISTENING.search(entry.text)
            if match:
                found.append((match.group(1).strip("'"), int(match.group(2))))
        return found

    def listening_lines(self) -> list[str]:
        return [e.quoted for e in self.log() if _LISTENING.search(e.text)]

    def tcp_failures(self, port: int) -> list[Logged]:
        """26023: the TCP provider could not listen on this port (in use, address not valid...)."""
        return [e for e in self.log() if e.number == 26023 and (m := _TCP_FAILED.search(e.text)) and m[2] == str(port)]

    def errors(self, *numbers: int) -> list[Logged]:
        return [e for e in self.log() if e.number in numbers]

    def tcp_ports(self) -> set[int]:
        return {port for _address, port in self.listening()} | ({self.tcp} if self.tcp else set())

    # --- the network configuration (network.toml), as it will apply at the next start ---------------

    def network_config(self) -> netconfig.NetworkConfig | None:
        if self.data_dir is None or not (self.data_dir / netconfig.FILE_NAME).is_file():
            return None  # netconfig.load would create it
        try:
            return netconfig.load(self.data_dir, self.instance)
        except (netconfig.ConfigError, ValueError):
            return None

    def configured_ports(self) -> set[int]:
        """The TCP ports network.toml names (static, and a recorded dynamic port), enabled or not."""
        config = self.network_config()
        if config is None:
            return set()
        entries = [config.ip_all] if config.listen_on_all_ips else [ip for ip in config.ips if ip.active and ip.enabled]
        ports: set[int] = set()
        for entry in entries:
            ports.update(entry.static_ports)
            if entry.recorded_dynamic_port:
                ports.add(entry.recorded_dynamic_port)
        return ports

    def tcp_enabled(self) -> bool | None:
        config = self.network_config()
        return None if config is None else config.tcp


def _read_log(path: Path | None) -> list[Logged]:
    """The current start's messages, with each "Error: n, Severity: s, State: t." joined to the next line."""
    if path is None or not path.is_file():
        return []
    try:
        entries = ErrorLog(path.parent).read()
    except (OSError, ValueError):
        return []
    starts = [i for i, e in enumerate(entries) if e.text.startswith(_STARTED)]
    entries = entries[starts[-1] :] if starts else entries
    return _join_errors(entries)


_ERROR_LINE = re.compile(r"^Error: (\d+), Severity: \d+, State: (\d+)\.$")


def _join_errors(entries: list[LogEntry]) -> list[Logged]:
    joined: list[Logged] = []
    pending: tuple[int, int] | None = None
    for entry in entries:
        match = _ERROR_LINE.match(entry.text)
        if match:
            pending = (int(match.group(1)), int(match.group(2)))
            continue
        number, state = pending if pending else (None, None)
        joined.append(Logged(entry.when, number, state, entry.text))
        pending = None
    return joined


# --- registrations ----------------------------------------------------------------------------------


def registered(root: Path | None = None) -> list[LocalInstance]:
    """Every instance registered in the runtime dir (live ones first; a stale file is kept for its paths)."""
    found = []
    for path in sorted(local.registrations_dir(root).glob("*.json")):
        instance = _read_registration(path)
        if instance is not None:
            found.append(instance)
    return sorted(found, key=lambda i: not i.alive)


def running(root: Path | None = None) -> list[LocalInstance]:
    return [i for i in registered(root) if i.alive]


def _read_registration(path: Path) -> LocalInstance | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LocalInstance(
            instance=str(data["instance"]),
            pid=int(data["pid"]),
            version=str(data.get("version", "")),
            tcp=data.get("tcp"),
            addresses=tuple(data.get("addresses") or ()),
            np=data.get("np"),
            dac=data.get("dac"),
            hidden=bool(data.get("hidden")),
            data_dir=_path(data.get("data_dir")),
            errorlog=_path(data.get("errorlog")),
            master=_path(data.get("master")),
            source=path,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # half-written or foreign: not an instance


def _path(value: object) -> Path | None:
    return Path(str(value)) if value else None


def by_name(instances: list[LocalInstance], name: str | None) -> LocalInstance | None:
    wanted = (name or local.DEFAULT_INSTANCE).upper()
    return next((i for i in instances if i.instance.upper() == wanted), None)


def by_pid(instances: list[LocalInstance], pid: int | None) -> LocalInstance | None:
    return next((i for i in instances if pid is not None and i.pid == pid), None)
