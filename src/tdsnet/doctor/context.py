"""What the steps share: the parsed settings, the plan, the path found so far, and local knowledge."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from typing import Any

from ..client import errors as e
from ..client import sni
from ..client.config import ClientConfig
from ..client.connstr import ConnectionSettings, Protocol
from ..client.resolve import Plan, Step
from ..client.session import LoginOptions
from . import instances as inst
from . import ports
from .catalog import Catalog
from .catalog import read as read_catalog


@dataclass(slots=True)
class Context:
    text: str
    timeout: float  # seconds for each network wait
    settings: ConnectionSettings | None = None
    config: ClientConfig | None = None
    plan: Plan | None = None
    options: LoginOptions | None = None
    # the path found so far
    step: Step | None = None
    port: int | None = None  # the TCP port tried (given, default or from the Browser)
    located: str | None = None  # the instance the Browser located (PRELOGIN checks it)
    transport: str = "tcp"  # tcp, np, lpc, dac: as catalog.TRANSPORTS names them
    peer: tuple[str, int] | None = None  # the server-side address and port the TCP connection reached
    listener_pid: int | None = None
    opened: list[Any] = field(default_factory=list, repr=False)  # connections to close at the end
    _instances: list[inst.LocalInstance] | None = field(default=None, repr=False)
    _catalogs: dict[str, Catalog | None] = field(default_factory=dict, repr=False)

    def deadline(self, seconds: float | None = None) -> float:
        return time.monotonic() + (seconds or self.timeout)

    @property
    def user(self) -> str:
        return (self.settings.user_id or "") if self.settings else ""

    # --- this host ------------------------------------------------------------------------------

    def instances(self) -> list[inst.LocalInstance]:
        """The tdsnet instances running on this host (registered in the runtime dir)."""
        if self._instances is None:
            self._instances = inst.running()
        return self._instances

    def host_is_local(self) -> bool:
        if self.step is None:
            return False
        if self.step.protocol is not Protocol.TCP:
            return True  # pipes and shared memory only ever reach this machine
        if self.peer is not None:
            return ports.is_this_host(self.peer[0])
        return sni.is_this_machine(self.step.host) or ports.is_this_host(self.step.host)

    def reached_instance(self) -> inst.LocalInstance | None:
        """The local instance that took the connection: by the listening socket's PID, else by its ERRORLOG."""
        if not self.host_is_local() or self.step is None:
            return None
        running = self.instances()
        if self.transport == "lpc":
            return inst.by_name(running, self.step.instance)
        if self.transport == "np":
            wanted = (self.step.pipe or "").lower().split("\\pipe\\", 1)[-1]
            return next((i for i in running if (i.np or "").lower().split("\\pipe\\", 1)[-1] == wanted), None)
        found = inst.by_pid(running, self.listener_pid)
        if found is None and self.peer is not None:
            found = next((i for i in running if self.peer[1] in i.tcp_ports() | {i.dac}), None)
        return found

    def close(self) -> None:
        for resource in self.opened:
            try:
                resource.close()
            except Exception:  # closing what may already be broken
                pass
        self.opened.clear()

    def reopen(self) -> sni.Channel:
        """Another connection to where the probe went (the same address for TCP)."""
        assert self.step is not None
        if self.step.protocol is Protocol.NAMED_PIPES:
            return sni.open_pipe(self.step.pipe or "")
        if self.step.protocol is Protocol.SHARED_MEMORY:
            return sni.open_shared_memory(self.step.host, self.step.instance)
        assert self.peer is not None
        sock = socket.create_connection(self.peer[:2], timeout=self.timeout)
        return sni.Channel(sock, Protocol.TCP, sni.tcp_target(self.step.host, self.peer[1]), e.TCP_PROVIDER)

    def catalog(self, instance: inst.LocalInstance | None) -> Catalog | None:
        if instance is None or instance.master is None:
            return None
        key = str(instance.master)
        if key not in self._catalogs:
            self._catalogs[key] = read_catalog(instance.master)
        return self._catalogs[key]
