r"""Which protocols to try, in which order, and where: the decisions of seeds 002, 003 and 004.

Pure: a parsed connection string and the client configuration in, a `Plan` out.  The connection
layer carries it out (and asks the Browser where a step needs it).

- An alias whose name is the server name (ConnectTo) pins protocol, server and port: one step,
  no fallback (seed 004; seed 002's "alias with the server's name and a wrong port").
- A protocol prefix (tcp:, np:, lpc:, admin:), a port, a pipe path or Network Library= choose
  one protocol: one step, no fallback.
- Otherwise the configured ProtocolOrder (default sm, tcp, np), shared memory only for a local
  server name; a failure to open one protocol moves on to the next, silently.
- TCP without a port: 1433 for the default instance, the Browser for a named one (the DAC: 1434
  for the default instance, the Browser's DAC answer for a named one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .config import PROTOCOL_KEYWORDS, Alias, ClientConfig
from .connstr import ConnectionSettings, Protocol, ServerTarget, default_pipe_path

DEFAULT_PORT = 1433
DEFAULT_DAC_PORT = 1434


@dataclass(frozen=True, slots=True)
class Step:
    """One protocol to try against one server."""

    protocol: Protocol
    host: str
    instance: str | None = None
    port: int | None = None  # TCP: None means "ask the Browser"
    pipe: str | None = None  # named pipes: the pipe path
    dac: bool = False
    browser_fallback: bool = False  # DAC on the default instance: 1434 first, then the Browser

    @property
    def needs_browser(self) -> bool:
        return self.protocol is Protocol.TCP and self.port is None

    def describe(self) -> str:
        """The step as a server name a person could type (tcp:host\\inst,port, np:\\\\host\\pipe\\..., lpc:...)."""
        if self.protocol is Protocol.NAMED_PIPES:
            return f"np:{self.pipe}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        name = host + (f"\\{self.instance}" if self.instance else "")
        if self.protocol is Protocol.SHARED_MEMORY:
            return f"lpc:{name}"
        prefix = "admin" if self.dac else "tcp"
        return f"{prefix}:{name}" + (f",{self.port}" if self.port is not None else "")


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[Step, ...]
    fallback: bool  # whether failing to open one step moves on to the next
    reason: str  # why these steps, for diagnosis ("alias 'x'", "explicit protocol", "protocol order ...")
    alias: Alias | None = None


def plan(
    settings: ConnectionSettings,
    config: ClientConfig,
    is_local: Callable[[str], bool] | None = None,
    server: ServerTarget | None = None,
) -> Plan:
    """The steps for `settings.server` (or `server`, e.g. the failover partner)."""
    target = settings.server if server is None else server
    local = is_local or (lambda host: target.is_local)
    alias = _alias_for(target, config)
    if alias is not None:
        return Plan((_step(alias.target(), alias.protocol),), False, f"alias {alias.name!r} = {alias.value}", alias)
    explicit = settings.network_library or target.protocol
    if explicit is not None:
        how = "Network Library" if settings.network_library else "the server name"
        return Plan((_step(target, explicit),), False, f"{explicit.title} chosen by {how}")
    order = [p for p in config.protocol_order if p is not Protocol.SHARED_MEMORY or local(target.host)]
    if not order:  # only shared memory configured, for a remote server: let it fail with its own error
        order = list(config.protocol_order)
    names = " ".join(PROTOCOL_KEYWORDS[p] for p in config.protocol_order)
    return Plan(tuple(_step(target, p) for p in order), len(order) > 1, f"protocol order {names}")


def _alias_for(target: ServerTarget, config: ClientConfig) -> Alias | None:
    """The alias named like the server, when the name is a bare name (no prefix, port or pipe path)."""
    if target.protocol is not None or target.dac:
        return None
    return config.alias(target.text)


def _step(target: ServerTarget, protocol: Protocol) -> Step:
    instance = None if target.is_default_instance else target.instance
    if protocol is Protocol.NAMED_PIPES:
        pipe = target.pipe_path or default_pipe_path(target.instance, "." if target.is_local else target.host)
        return Step(protocol, target.host, instance, pipe=pipe)
    if protocol is Protocol.SHARED_MEMORY:
        return Step(protocol, target.host, instance)
    port = target.port
    fallback = False
    if port is None and instance is None:
        port = DEFAULT_DAC_PORT if target.dac else DEFAULT_PORT
        fallback = target.dac
    return Step(protocol, target.host, instance, port, dac=target.dac, browser_fallback=fallback)


__all__ = ["DEFAULT_DAC_PORT", "DEFAULT_PORT", "Plan", "Step", "plan"]
