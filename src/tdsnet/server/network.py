"""The instance's network layer: opens what the network configuration and the endpoints ask for.

Startup follows SQL Server's order, which is what makes seed 000 come out as the seed tells
it: each started Service Broker / mirroring endpoint opens its IPv6 socket, the TCP provider
opens its listeners (IPv6, then IPv4), then each endpoint opens its IPv4 socket.  A broker
endpoint on the instance's port therefore takes the IPv6 socket (26023 for the TCP provider),
cannot get the IPv4 one (9692), and gives up both; the TCP provider keeps IPv4.  Then the named
pipe and local connection providers and the dedicated admin connection.

At run time CREATE/ALTER/DROP ENDPOINT call `reconcile`, which opens and closes endpoint
listeners at once, as SQL Server does.  The TCP provider itself changes only at restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..net import local
from . import endpoints as ep
from . import netconfig
from .listeners import (
    DAC,
    LOOPBACK,
    NAMED_PIPE,
    SHARED_MEMORY,
    TCP,
    WILDCARDS,
    Listener,
    Refuser,
    bound_port,
    failure_text,
    family_order,
    open_tcp,
    open_unix,
    tcp_shown,
)

if TYPE_CHECKING:
    from .instance import Instance

MAX_DYNAMIC_ATTEMPTS = 5


@dataclass(slots=True)
class EndpointTransport:
    """A Service Broker or mirroring endpoint's own listeners (none when it could not listen)."""

    endpoint: ep.EndpointDef
    listeners: list[Listener] = field(default_factory=list)
    failed: bool = False


class NetworkLayer:
    def __init__(
        self, instance: Instance, config: netconfig.NetworkConfig, loopback_only: bool, remote_dac: bool = False
    ) -> None:
        self.instance = instance
        self.remote_dac = remote_dac
        self.config = config
        self.all_addresses = _available(LOOPBACK if loopback_only else WILDCARDS)
        self.listeners: list[Listener] = []
        self.transports: dict[int, EndpointTransport] = {}
        self.dac_port: int | None = None
        self.dynamic_ports: set[int] = set()  # TCP ports chosen dynamically at this start
        self._changed = False

    @property
    def log(self) -> Callable[..., None]:
        return self.instance.errorlog.write

    def tcp_ports(self) -> list[int]:
        return sorted({lst.port for lst in self.listeners if lst.transport == TCP})

    def listener(self, transport: str) -> Listener | None:
        return next((lst for lst in self.listeners if lst.transport == transport), None)

    # --- startup -----------------------------------------------------------------------------

    async def start(self) -> None:
        started = [e for e in self.instance.endpoints.endpoints if e.owns_listener and e.state != ep.DISABLED]
        for endpoint in started:
            self.transports[endpoint.endpoint_id] = EndpointTransport(endpoint)
            await self._open_endpoint(endpoint, families=("ipv6",))
        await self._open_tcp_provider()
        for endpoint in started:
            await self._open_endpoint(endpoint, families=("ipv4",))
        for endpoint in started:
            self._announce_endpoint(endpoint)
        self._log_endpoint_states()
        for payload in (ep.SERVICE_BROKER, ep.DATABASE_MIRRORING):
            if not any(e.type == payload and e.state == ep.STARTED for e in started):
                self.log(f"The {_PAYLOAD_NAMES[payload]} protocol transport is disabled or not configured.")
        await self._open_local_providers()
        await self._open_dac()
        if self._changed:
            netconfig.save(self.config)

    async def _open_tcp_provider(self) -> None:
        if not self.config.tcp:
            self.log("TCP/IP is disabled in the network configuration: the TCP provider does not listen.")
            return
        chosen: int | None = None
        for entry in self.config.tcp_entries():
            addresses = self.all_addresses if entry.name == "IPAll" else [entry.ip_address]
            for port in entry.static_ports:
                for address in family_order(addresses):
                    await self._open_tds(address, port)
            if entry.dynamic:
                chosen = await self._open_dynamic(entry, family_order(addresses), chosen)

    async def _open_tds(self, address: str, port: int, transport: str = TCP) -> Listener | None:
        try:
            server = await open_tcp(lambda: self.instance.stream_for(transport), address, port)
        except OSError as exc:
            self._tcp_failed(address, port, exc)
            return None
        listener = Listener(transport, address, bound_port(server), server)
        self.listeners.append(listener)
        if transport == TCP:
            self.log(f"Server is listening on {listener.shown}.")
        return listener

    def _tcp_failed(self, address: str, port: int, exc: OSError) -> None:
        self.instance.errorlog.error(
            26023, 16, 1, f"Server TCP provider failed to listen on {tcp_shown(address, port)}. {failure_text(exc)}"
        )

    async def _open_dynamic(self, entry: netconfig.IpEntry, addresses: list[str], chosen: int | None) -> int | None:
        """TcpDynamicPorts: the recorded port while it is free, else a new one, written back."""
        wanted = chosen or entry.recorded_dynamic_port or 0
        for _attempt in range(MAX_DYNAMIC_ATTEMPTS):
            opened = await self._try_port(addresses, wanted)
            if opened is not None:
                self._record_dynamic(entry, opened)
                self.dynamic_ports.add(opened)
                return opened
            if wanted and entry.recorded_dynamic_port == wanted:
                self._dynamic_port_moved(wanted)
            wanted = 0
        return chosen

    async def _try_port(self, addresses: list[str], port: int) -> int | None:
        """Open every address on one port (0: let the first pick it); all or none."""
        opened: list[Listener] = []
        for address in addresses:
            try:
                server = await open_tcp(lambda: self.instance.stream_for(TCP), address, port)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or not port:
                    self._tcp_failed(address, port, exc)
                    continue
                for listener in opened:
                    listener.server.close()
                return None
            port = bound_port(server)
            opened.append(Listener(TCP, address, port, server))
        for listener in opened:
            self.listeners.append(listener)
            self.log(f"Server is listening on {listener.shown}.")
        return port if opened else None

    def _record_dynamic(self, entry: netconfig.IpEntry, port: int) -> None:
        if entry.recorded_dynamic_port != port:
            self.config = self.config.with_ip(replace(entry, tcp_dynamic_ports=str(port)))
            self._changed = True

    def _dynamic_port_moved(self, old: int) -> None:
        """Seed 001's security note: permissions tied to an endpoint on the old port no longer apply."""
        for endpoint in self.instance.endpoints.endpoints:
            if endpoint.is_tcp_user_endpoint and endpoint.port == old:
                self.log(
                    f"Warning: dynamic TCP port {old} was in use, so the TCP provider listens on another port. "
                    f"Endpoint '{endpoint.name}' is tied to port {old}: its CONNECT permissions no longer apply to "
                    "connections to this instance. Configure a static TcpPort for that endpoint's port."
                )

    # --- endpoint transports -----------------------------------------------------------------

    async def _open_endpoint(self, endpoint: ep.EndpointDef, families: tuple[str, ...]) -> None:
        transport = self.transports[endpoint.endpoint_id]
        if transport.failed:
            return
        addresses = self.all_addresses if endpoint.ip_address is None else [endpoint.ip_address]
        for address in family_order(addresses):
            if ("ipv6" if ":" in address else "ipv4") not in families:
                continue
            try:
                server = await open_tcp(Refuser, address, endpoint.port)
            except OSError as exc:
                self._endpoint_failed(transport, exc)
                return
            transport.listeners.append(Listener(TCP, address, bound_port(server), server))

    def _endpoint_failed(self, transport: EndpointTransport, exc: OSError) -> None:
        """An endpoint that cannot open all its sockets gives up all of them (9692, or 9693)."""
        for listener in transport.listeners:
            listener.server.close()
        transport.listeners = []
        transport.failed = True
        what, port = _payload_name(transport.endpoint), transport.endpoint.port
        if exc.errno == errno.EADDRINUSE:
            text = (
                f"The {what} protocol transport cannot listen on port {port} because it is in use by another process."
            )
            self.instance.errorlog.error(9692, 16, 1, text)
        else:
            text = f"The {what} protocol transport could not listen for connections due to the following error: "
            self.instance.errorlog.error(9693, 16, 1, f"{text}'{failure_text(exc)}'.")

    def _log_endpoint_states(self) -> None:
        """Each user endpoint and the rule it stands for, with its state, and system endpoints not STARTED."""
        for e in self.instance.endpoints.endpoints:
            if e.is_system and e.state == ep.STARTED:
                continue
            where = f"[ 'any' {e.port}]" if e.ip_address is None else tcp_shown(e.ip_address, e.port)
            rule = f" on TCP {where}" if e.protocol == ep.TCP and not e.is_system else ""
            self.log(f"Endpoint '{e.name}' ({ep.TYPE_DESC[e.type]}{rule}) is {ep.STATE_DESC[e.state]}.")

    def tied_to_dynamic_port(self, endpoint: ep.EndpointDef) -> bool:
        """Seed 001's security note: an endpoint whose port is one the instance chose dynamically."""
        return endpoint.is_tcp_user_endpoint and endpoint.port in self.dynamic_ports

    def _announce_endpoint(self, endpoint: ep.EndpointDef) -> None:
        transport = self.transports.get(endpoint.endpoint_id)
        if transport is None or not transport.listeners:
            return
        self.log(f"The {_payload_name(endpoint)} protocol transport is now listening for connections.")

    async def reconcile(self) -> None:
        """Make endpoint listeners match the catalog now (CREATE / ALTER / DROP ENDPOINT)."""
        wanted = {
            e.endpoint_id: e for e in self.instance.endpoints.endpoints if e.owns_listener and e.state != ep.DISABLED
        }
        for endpoint_id, transport in list(self.transports.items()):
            current = wanted.get(endpoint_id)
            if current is None or (current.port, current.ip_address) != (
                transport.endpoint.port,
                transport.endpoint.ip_address,
            ):
                self._close_endpoint(transport)
                del self.transports[endpoint_id]
            else:
                transport.endpoint = current
        for endpoint_id, endpoint in wanted.items():
            if endpoint_id not in self.transports:
                self.transports[endpoint_id] = EndpointTransport(endpoint)
                await self._open_endpoint(endpoint, families=("ipv6", "ipv4"))
                self._announce_endpoint(endpoint)

    def _close_endpoint(self, transport: EndpointTransport) -> None:
        for listener in transport.listeners:
            listener.server.close()
        if transport.listeners:
            self.log(
                f"The {_payload_name(transport.endpoint)} protocol transport has stopped listening for connections."
            )

    # --- named pipes, shared memory, DAC -----------------------------------------------------

    async def _open_local_providers(self) -> None:
        config = self.config
        if config.shared_memory:
            name = rf"\\.\pipe\SQLLocal\{config.instance}"
            path = local.shared_memory_socket(config.instance)
            await self._open_local(SHARED_MEMORY, name, path, "Server local connection provider", private=True)
        if config.named_pipes:
            path = local.pipe_socket(config.pipe)
            await self._open_local(NAMED_PIPE, config.pipe, path, "Server named pipe provider", private=False)

    async def _open_local(self, transport: str, name: str, path: os.PathLike, what: str, private: bool) -> None:
        try:
            server = await open_unix(lambda: self.instance.stream_for(transport), path, private)  # type: ignore[arg-type]
        except OSError as exc:
            code = exc.errno or 0
            number = 26049 if transport == SHARED_MEMORY else 26029
            self.instance.errorlog.error(number, 16, 1, f"{what} failed to listen on [ {name} ]. Error: {code:#x}")
            return
        listener = Listener(transport, name, 0, server)
        self.listeners.append(listener)
        self.log(f"{what} is ready to accept connection on {listener.shown}.")

    def _dac_addresses(self) -> list[str]:
        """Loopback only, unless 'remote admin connections' is 1: then every address the instance uses."""
        if not self.remote_dac:
            return family_order(_available(LOOPBACK))
        tcp = [lst.address for lst in self.listeners if lst.transport == TCP]
        return family_order(list(dict.fromkeys([*self.all_addresses, *tcp])))

    async def _open_dac(self) -> None:
        """1434, or a dynamic port when it is taken; recorded like SQL Server does."""
        addresses = self._dac_addresses()
        for candidate in dict.fromkeys((self.config.dac_dynamic_port or netconfig.DAC_PORT, netconfig.DAC_PORT, 0)):
            port = candidate
            opened: list[Listener] = []
            for address in addresses:
                try:
                    server = await open_tcp(lambda: self.instance.stream_for(DAC), address, port)
                except OSError:
                    break
                port = bound_port(server)
                opened.append(Listener(DAC, address, port, server))
            if len(opened) == len(addresses):
                self.listeners.extend(opened)
                self.dac_port = port
                if port != self.config.dac_dynamic_port:
                    self.config = replace(self.config, dac_dynamic_port=port)
                    self._changed = True
                where = "remotely" if self.remote_dac else "locally"
                self.log("The maximum number of dedicated administrator connections for this instance is '1'")
                self.log(f"Dedicated admin connection support was established for listening {where} on port {port}.")
                return
            for listener in opened:
                listener.server.close()
        self.log("Could not open a port for the dedicated admin connection: the DAC is not available.")

    async def reopen_dac(self, remote: bool) -> None:
        """'remote admin connections' changed: listen again on the same port, on the new addresses."""
        if remote == self.remote_dac:
            return
        self.remote_dac = remote
        for listener in [lst for lst in self.listeners if lst.transport == DAC]:
            listener.server.close()
            self.listeners.remove(listener)
        await self._open_dac()
        if self._changed:
            netconfig.save(self.config)
            self._changed = False

    # --- registration and shutdown -----------------------------------------------------------

    def register(self) -> None:
        """Tell the SQL Server Browser (any process on this host) what this instance listens on."""
        info = {
            "instance": self.config.instance,
            "server_name": self.instance.machine_name,
            "pid": os.getpid(),
            "version": ".".join(str(p) for p in self.instance.version),
            "tcp": self.tcp_ports()[0] if self.tcp_ports() else None,
            "addresses": sorted({lst.address for lst in self.listeners if lst.transport == TCP}),
            "np": self.config.pipe if self.listener(NAMED_PIPE) else None,
            "dac": self.dac_port,
            "hidden": self.config.hide_instance,
            # for local tools (tdsnet doctor): where the instance keeps its catalog and ERRORLOG
            "data_dir": str(self.instance.config.data_dir),
            "errorlog": str(self.instance.errorlog.path),
            "master": str(self.instance.engine.store.path_of("master")),
        }
        path = self._registration()
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            path.parent.chmod(0o1777)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(info), encoding="utf-8")
        temporary.replace(path)

    def _registration(self) -> os.PathLike:
        return local.registrations_dir() / f"{self.config.instance.lower()}.json"

    async def stop(self) -> None:
        servers = [lst.server for lst in self.listeners]
        servers += [lst.server for t in self.transports.values() for lst in t.listeners]
        for server in servers:
            server.close()
        for server in servers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 2)
        for listener in self.listeners:
            if listener.transport == SHARED_MEMORY:
                _unlink(local.shared_memory_socket(self.config.instance))
            elif listener.transport == NAMED_PIPE:
                _unlink(local.pipe_socket(self.config.pipe))
        _unlink(self._registration())
        self.listeners.clear()
        self.transports.clear()


_PAYLOAD_NAMES = {ep.SERVICE_BROKER: "Service Broker", ep.DATABASE_MIRRORING: "Database Mirroring"}


def _payload_name(endpoint: ep.EndpointDef) -> str:
    return _PAYLOAD_NAMES[endpoint.type]


def _unlink(path: os.PathLike) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _available(addresses: tuple[str, ...]) -> list[str]:
    """Leave out IPv6 on a host without it."""
    import socket

    result = []
    for address in addresses:
        if ":" in address:
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
                    probe.bind(("::1", 0))
            except OSError:
                continue
        result.append(address)
    return result
