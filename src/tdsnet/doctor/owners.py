r"""Why a port does not lead to SQL Server, told from this host's facts (seed 002).

A refused connection means nothing listens on that port: say what does listen (and on which
addresses), and where the instances registered here actually listen, citing their ERRORLOG's
"Server is listening on [ ... ]" lines.  A port that answers but not in TDS belongs to another
program: name it and its PID, as seed 002 does with netstat -aon and Task Manager.
"""

from __future__ import annotations

from typing import Any

from ..client.connstr import DEFAULT_INSTANCE
from . import instances as inst
from . import ports
from .context import Context
from .report import Diagnosis

SERVICES = {
    "http": "an HTTP server",
    "ssh": "an SSH server",
    "tls": "a TLS-only service",
    "unknown": "a program that does not speak TDS",
    "silent": "a program that accepted the connection but never answered PRELOGIN",
    "closed": "a program that closed the connection without answering PRELOGIN",
}


def where(instances: list[inst.LocalInstance]) -> str:
    """'MSSQLSERVER (PID 12) listens on 127.0.0.1:1433, [::1]:1433' for each instance with TCP listeners."""
    parts = []
    for instance in instances:
        listening = instance.listening()
        if listening:
            shown = ", ".join(ports.Socket("tcp", a, p, None).shown for a, p in listening)
            parts.append(f"instance {instance.instance} (PID {instance.pid}) listens on {shown}")
    return "; ".join(parts)


def _log_quote(instances: list[inst.LocalInstance]) -> str:
    lines = [line for i in instances for line in i.listening_lines()[:2]]
    return f" Its ERRORLOG: {' / '.join(lines)}" if lines else ""


def _port_source(ctx: Context) -> str:
    assert ctx.settings is not None and ctx.plan is not None
    if ctx.plan.alias is not None:
        alias = ctx.plan.alias
        return f"the client alias {alias.name!r} = {alias.value}"
    if ctx.located:
        return "the SQL Server Browser's answer"
    if ctx.settings.server.port is not None:
        return f"the connection string (Server={ctx.settings.server.text})"
    return "the default port of a default instance (no port in the connection string)"


def _candidates(ctx: Context) -> list[inst.LocalInstance]:
    """The instances the user probably means: the named one if it runs here, else every one."""
    running = ctx.instances()
    named = ctx.step.instance if ctx.step is not None else None
    if named and named.upper() != DEFAULT_INSTANCE:
        found = inst.by_name(running, named)
        return [found] if found else running
    return running


def refused(ctx: Context, addresses: list[str], port: int) -> tuple[Diagnosis, dict[str, Any]]:
    """Every address refused TCP `port`: why, from what this host knows."""
    assert ctx.plan is not None and ctx.step is not None
    source = _port_source(ctx)
    lead = (
        f"TCP {port} refused the connection on {', '.join(addresses)} ('No connection could be made because the "
        f"target machine actively refused it', 10061): nothing listens there. The port comes from {source}."
    )
    if not all(ports.is_this_host(a) for a in addresses):
        return _remote_refusal(ctx, lead, port), {}
    on_port = ports.tcp_listeners(port)
    facts: dict[str, Any] = {"listeners_on_port": [s.as_json() for s in on_port]}
    if on_port:
        shown = ", ".join(f"{s.shown} ({s.owner()})" for s in on_port)
        return Diagnosis(
            "not_listening_on_address",
            f"{lead} Port {port} is open on other addresses of this host only: {shown}.",
            f"Connect to one of those addresses, or make the service listen on {', '.join(addresses)} too "
            "(for tdsnet: `tdsnet config server tcp --listen-all yes`, or an IPn entry, then restart).",
        ), facts
    candidates = _candidates(ctx)
    facts["instances"] = [i.summary() for i in candidates]
    disabled = [i for i in candidates if i.tcp_enabled() is False]
    wanted = [i for i in disabled if port in i.configured_ports()]
    listening = [i for i in candidates if i.listening()]
    if not ctx.plan.fallback and (wanted or (disabled and not listening)):
        return _tcp_disabled(ctx, (wanted or disabled)[0], lead, port), facts
    if listening:
        return _wrong_port(ctx, listening, lead), facts
    registry = ", ".join(i.instance for i in ctx.instances()) or "none"
    return Diagnosis(
        "nothing_listening",
        f"{lead} No running instance registered on this host listens on TCP (registered: {registry}).",
        "Start SQL Server, or find the port it listens on in its ERRORLOG ('Server is listening on [ ... ]') and put "
        "it in the connection string (Server=tcp:host,PORT). `tdsnet doctor --local` lists this host's listeners.",
    ), facts


def _remote_refusal(ctx: Context, lead: str, port: int) -> Diagnosis:
    assert ctx.plan is not None
    check = f"the alias {ctx.plan.alias.name!r}" if ctx.plan.alias else "the port in the connection string"
    return Diagnosis(
        "connection_refused",
        f"{lead} The host is up (it answered with a reset), but nothing listens on TCP {port} there, or a firewall "
        "rejects the connection.",
        f"On the server, `tdsnet doctor --local` (or netstat -aon) shows what listens and which process owns it; the "
        f"ERRORLOG's 'Server is listening on [ ... ]' lines give the instance's port. Then correct {check}.",
    )


def _wrong_port(ctx: Context, listening: list[inst.LocalInstance], lead: str) -> Diagnosis:
    assert ctx.plan is not None and ctx.step is not None
    first = listening[0]
    right = sorted({p for _a, p in first.listening()})[0]
    explanation = f"{lead} On this host, {where(listening)}.{_log_quote(listening[:1])}"
    host = ctx.step.host
    if ctx.plan.alias is not None:
        alias = ctx.plan.alias
        value = f"DBMSSOCN,{alias.server},{right}"
        return Diagnosis(
            "alias_wrong_port",
            f"{explanation} The client alias {alias.name!r} (in {_files(ctx)}) has the server's name, so every "
            f"connection to {alias.name!r} goes to port {alias.port} instead (seed 002).",
            f"Correct the alias: `tdsnet config client alias add {alias.name} {value}`, or remove it "
            f"(`tdsnet config client alias remove {alias.name}`) so the server name is used as written.",
        )
    shown = f"[{host}]" if ":" in host else host
    return Diagnosis(
        "wrong_port",
        explanation,
        f"Use port {right}: Server=tcp:{shown},{right} (the port in the connection string must be the one the "
        f"instance listens on, seed 002).",
    )


def _files(ctx: Context) -> str:
    assert ctx.config is not None
    return ", ".join(str(p) for p in ctx.config.sources) or "the client configuration"


def _tcp_disabled(ctx: Context, instance: inst.LocalInstance, lead: str, port: int) -> Diagnosis:
    assert ctx.plan is not None
    others = "named pipes or shared memory" if instance.np else "shared memory"
    pipe = instance.np or r"\\.\pipe\sql\query"
    logged = [e.quoted for e in instance.log() if "TCP/IP is disabled" in e.text]
    quote = f" Its ERRORLOG: '{logged[0]}'." if logged else ""
    data_dir = instance.data_dir or "DIR"
    named = "" if instance.instance.upper() == DEFAULT_INSTANCE else f" --instance {instance.instance}"
    return Diagnosis(
        "tcp_disabled_no_fallback",
        f"{lead} Instance {instance.instance} (PID {instance.pid}) has TCP/IP disabled in its network configuration "
        f"({data_dir}/network.toml), so its TCP provider does not listen on port {port}.{quote} The connection "
        f"pins TCP/IP ({ctx.plan.reason}), so the client does not fall back to "
        f"{others}, which the instance "
        "does listen on (seed 004).",
        f"Enable TCP/IP: `tdsnet config server --data-dir {data_dir}{named} enable tcp` and restart the instance; or "
        f"connect over another protocol: Server=np:{pipe} (or lpc:.), or drop Network Library=/the tcp: prefix so "
        "the client tries its protocol order.",
    )


# --- a port that answers, but not as SQL Server ----------------------------------------------------


def owner_of(address: str, port: int) -> ports.Socket | None:
    """The listening socket that took a connection to address:port on this host."""
    found = [s for s in ports.tcp_listeners(port) if ports.covers(s, address)]
    exact = [s for s in found if s.address not in ports.WILDCARDS]
    return (exact or found or [None])[0]


def wanting(ctx: Context, port: int, holder: int | None) -> list[tuple[inst.LocalInstance, str]]:
    """Instances here that are configured for `port` (or failed to listen on it) but do not hold it."""
    found = []
    for instance in ctx.instances():
        if holder is not None and instance.pid == holder:
            continue
        failures = instance.tcp_failures(port)
        if failures:
            found.append((instance, f"its ERRORLOG: '{failures[0].quoted}'"))
        elif port in instance.configured_ports() and port not in {p for _a, p in instance.listening()}:
            found.append((instance, f"its network.toml names TCP port {port}"))
    return found


def foreign(ctx: Context, kind: str, first: bytes) -> tuple[Diagnosis, dict[str, Any]]:
    """The service on the port is not SQL Server: what it is and, on this host, whose it is."""
    assert ctx.peer is not None
    address, port = ctx.peer
    what = SERVICES[kind]
    said = _first_line(first)
    answered = f" It answered: {said!r}." if said else ""
    facts: dict[str, Any] = {"service": kind, "first_bytes": said}
    holder = owner_of(address, port) if ports.is_this_host(address) else None
    if holder is not None:
        facts["owner"] = holder.as_json()
        facts["command_line"] = ports.command_line(holder.pid)
    whose = f"{holder.owner()} listens on {holder.shown}" if holder else f"the service on {address}:{port}"
    lead = f"The connection reached {what}, not SQL Server: {whose}.{answered}"
    wanted = wanting(ctx, port, holder.pid if holder else None) if ports.is_this_host(address) else []
    if wanted:
        instance, evidence = wanted[0]
        facts["wanted_by"] = instance.summary()
        who = holder.owner() if holder else "another process"
        return Diagnosis(
            "port_taken_by_other_process",
            f"{lead} Instance {instance.instance} is configured for TCP port {port} ({evidence}), but {who} holds "
            "it, so the instance could not listen there.",
            f"Stop {who} or move it to another port, then restart the instance; or move the instance: "
            f"`tdsnet config server --data-dir {instance.data_dir} tcp --port N`, restart it, and connect to N.",
        ), facts
    elsewhere = where(_candidates(ctx)) if holder is not None else ""
    hint = f" On this host, {elsewhere}." if elsewhere else ""
    return Diagnosis(
        "not_sql_server",
        f"{lead}{hint}",
        f"Connect to SQL Server's port instead: check the port in {_port_source(ctx)} (SQL Server's ERRORLOG says "
        "where it listens: 'Server is listening on [ ... ]').",
    ), facts


def _first_line(data: bytes) -> str:
    if not data:
        return ""
    text = data.split(b"\n", 1)[0].strip()
    if text and all(32 <= b < 127 for b in text):
        return text.decode("ascii")[:120]
    return data[:16].hex(" ")
