r"""`tdsnet doctor --local`: this host's SQL Server-related listeners, with their PIDs and processes.

Seed 002's `netstat -aon` narrowed to what matters: TCP 1433/1434 and the Service Broker and
mirroring defaults (4022, 5022), every port a registered tdsnet instance or its catalog names,
every socket of a registered instance or of a process called sqlservr, UDP 1434 (the Browser),
and the named pipe and shared memory sockets under the runtime dir.  For a tdsnet instance each
listener says which provider and which endpoint owns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..net import local
from ..server import endpoints as ep
from . import catalog as cat
from . import instances as inst
from . import ports

WELL_KNOWN = {1433: "SQL Server's default port", 1434: "the DAC / Browser port", 4022: "Service Broker's usual port"}
WELL_KNOWN[5022] = "database mirroring's usual port"
SQL_SERVER_PROCESSES = ("sqlservr", "sqlbrowser")


@dataclass(slots=True)
class Row:
    protocol: str
    address: str
    port: int | None
    pid: int | None
    process: str | None
    instance: str | None = None
    role: str = ""
    endpoint: str | None = None
    endpoint_state: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "address": self.address,
            "port": self.port,
            "pid": self.pid,
            "process": self.process,
            "instance": self.instance,
            "role": self.role,
            "endpoint": self.endpoint,
            "endpoint_state": self.endpoint_state,
        }


def survey() -> dict[str, Any]:
    """Everything `--local` shows, as JSON-ready data."""
    registered = inst.registered()
    running = [i for i in registered if i.alive]
    catalogs = {i.instance: cat.read(i.master) if i.master else None for i in running}
    rows = _tcp_rows(running, catalogs) + _udp_rows(running) + _unix_rows(running)
    return {
        "runtime_dir": str(local.runtime_dir()),
        "instances": [{**i.summary(), "alive": i.alive} for i in registered],
        "listeners": [r.as_json() for r in rows],
    }


def _interesting_ports(running: list[inst.LocalInstance], catalogs: dict[str, cat.Catalog | None]) -> set[int]:
    wanted = set(WELL_KNOWN)
    for instance in running:
        wanted |= instance.tcp_ports() | instance.configured_ports() | ({instance.dac} if instance.dac else set())
        catalog = catalogs.get(instance.instance)
        if catalog is not None:
            wanted |= {e.port for e in catalog.endpoints if e.port}
    return wanted


def _tcp_rows(running: list[inst.LocalInstance], catalogs: dict[str, cat.Catalog | None]) -> list[Row]:
    wanted = _interesting_ports(running, catalogs)
    pids = {i.pid for i in running}
    rows = []
    for sock in ports.tcp_listeners():
        name = sock.process
        if sock.port not in wanted and sock.pid not in pids and name not in SQL_SERVER_PROCESSES:
            continue
        row = Row("TCP", sock.address, sock.port, sock.pid, name)
        owner = inst.by_pid(running, sock.pid)
        if owner is not None:
            _tdsnet_tcp(row, owner, catalogs.get(owner.instance))
        elif name in SQL_SERVER_PROCESSES:
            row.role = "SQL Server"
        elif "tdsnet" in (ports.command_line(sock.pid) or ""):
            row.role = "tdsnet, registered in another runtime dir"
        else:
            row.role = f"another program on {WELL_KNOWN[sock.port]}" if sock.port in WELL_KNOWN else "another program"
        rows.append(row)
    return rows


def _tdsnet_tcp(row: Row, owner: inst.LocalInstance, catalog: cat.Catalog | None) -> None:
    row.instance = owner.instance
    port = row.port or 0
    if port == owner.dac:
        row.role = "dedicated admin connection"
        endpoint = catalog.endpoint(ep.DAC) if catalog else None
    elif port in owner.tcp_ports():
        row.role = "TCP provider"
        endpoint = cat.associate(catalog, "tcp", row.address, port) if catalog else None
    else:
        endpoint = catalog.listener_endpoint(port) if catalog else None
        kind = ep.TYPE_DESC.get(endpoint.type, "") if endpoint else ""
        row.role = f"{kind.replace('_', ' ').title()} endpoint" if endpoint else "tdsnet"
    if endpoint is not None:
        row.endpoint, row.endpoint_state = endpoint.name, ep.STATE_DESC.get(endpoint.state)


def _udp_rows(running: list[inst.LocalInstance]) -> list[Row]:
    pids = {i.pid for i in running}
    rows = []
    for sock in ports.udp_sockets(1434):
        owner = inst.by_pid(running, sock.pid)
        tdsnet = sock.pid in pids or "tdsnet" in (ports.command_line(sock.pid) or "")
        if tdsnet or sock.process in SQL_SERVER_PROCESSES:
            role = "SQL Server Browser"
        else:
            role = "the Browser's port, owner unknown" if sock.pid is None else "another program on UDP 1434"
        rows.append(
            Row("UDP", sock.address, sock.port, sock.pid, sock.process, owner.instance if owner else None, role)
        )
    return rows


def _unix_rows(running: list[inst.LocalInstance]) -> list[Row]:
    root = local.runtime_dir()
    pipes = {str(local.pipe_socket(i.np)): i for i in running if i.np}
    memory = {str(local.shared_memory_socket(i.instance)): i for i in running}
    rows = []
    for sock in ports.unix_listeners():
        path = Path(sock.address)
        if root not in path.parents:
            continue
        owner = pipes.get(sock.address) or memory.get(sock.address) or inst.by_pid(running, sock.pid)
        row = Row("UNIX", sock.address, None, sock.pid, sock.process, owner.instance if owner else None)
        if sock.address in pipes:
            row.role, row.endpoint = f"named pipe {pipes[sock.address].np}", "TSQL Named Pipes"
        elif sock.address in memory:
            row.role, row.endpoint = "shared memory", "TSQL Local Machine"
        rows.append(row)
    return rows


def render(data: dict[str, Any]) -> list[str]:
    """The survey as a table for people."""
    lines = [f"Runtime dir: {data['runtime_dir']}"]
    if not data["instances"]:
        lines.append("No tdsnet instance is registered there.")
    for instance in data["instances"]:
        state = "running" if instance["alive"] else "not running (stale registration)"
        lines.append(
            f"Instance {instance['instance']}: PID {instance['pid']}, {state}, TCP {instance['tcp'] or '-'}, "
            f"DAC {instance['dac'] or '-'}, pipe {instance['np'] or '-'}{', hidden' if instance['hidden'] else ''}; "
            f"ERRORLOG {instance['errorlog'] or '-'}"
        )
    lines.append("")
    headers = ["Proto", "Local address", "PID", "Process", "Instance", "What"]
    cells = [_cells(row) for row in data["listeners"]]
    if not cells:
        lines.append("No SQL Server-related listener on this host.")
        return lines
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return lines


def _cells(row: dict[str, Any]) -> list[str]:
    port = row["port"]
    where = row["address"] if port is None else ports.Socket("tcp", row["address"], port, None).shown
    what = row["role"] or "-"
    if row["endpoint"]:
        state = f" ({row['endpoint_state']})" if row["endpoint_state"] else ""
        what += f" -> endpoint {row['endpoint']}{state}"
    return [row["protocol"], where, str(row["pid"] or "-"), row["process"] or "-", row["instance"] or "-", what]
