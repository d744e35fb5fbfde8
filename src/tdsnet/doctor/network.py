r"""Reaching the server: DNS, the SQL Server Browser, TCP to every address, named pipes, shared memory.

Each function is one step and returns its `Outcome`; a step that opens a transport also hands back
the channel for PRELOGIN.  Unlike the client, which stops at the first address that answers, the
TCP step tries every address, so a half-working host (IPv6 refused, IPv4 fine) shows as such.
"""

from __future__ import annotations

import errno
import socket
import time
from typing import Any

from ..client import browser as client_browser
from ..client import errors as e
from ..client import sni
from ..client.connstr import DEFAULT_INSTANCE, Protocol
from ..net import local
from ..tds import ssrp
from ..tds.errors import ProtocolError
from . import instances as inst
from . import owners, ports
from .context import Context
from .report import FAILED, OK, WARNING, Diagnosis, Outcome

FAMILIES = {socket.AF_INET: "IPv4", socket.AF_INET6: "IPv6"}


# --- DNS -------------------------------------------------------------------------------------------


def dns(ctx: Context) -> tuple[Outcome, list[tuple]]:
    assert ctx.step is not None and ctx.settings is not None
    host = ctx.step.host
    try:
        infos = sni.resolve_tcp(host, ctx.step.port or 0, ctx.settings.ip_address_preference)
    except e.NetworkError:
        return Outcome(
            FAILED,
            f"{host!r} does not resolve",
            {"host": host},
            Diagnosis(
                "host_not_found",
                f"The server name {host!r} does not resolve to any address ('No such host is known', 11001): the "
                "client never reaches a server.",
                f"Check the name's spelling and DNS (`getent hosts {host}`), or use the server's IP address.",
            ),
        ), []
    addresses = [{"address": info[4][0], "family": FAMILIES.get(info[0], str(info[0]))} for info in infos]
    shown = ", ".join(f"{a['address']} ({a['family']})" for a in addresses)
    order = ctx.settings.ip_address_preference.value
    return Outcome(OK, f"{host} -> {shown}", {"host": host, "addresses": addresses, "order": order}), infos


# --- the SQL Server Browser ------------------------------------------------------------------------


def browser(ctx: Context) -> Outcome:
    """Where the named instance listens, per the Browser (CLNT_UCAST_INST); or why nobody says."""
    assert ctx.step is not None
    step = ctx.step
    instance = step.instance or DEFAULT_INSTANCE
    if step.dac:
        return _dac(ctx, instance)
    request = ssrp.encode_request(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_INST, instance))
    asked = list(client_browser.exchanges(step.host, request, ctx.deadline()))
    facts: dict[str, Any] = {"instance": instance, "asked": [_exchange(x) for x in asked]}
    for exchange in asked:
        record = _record(exchange.reply, ssrp.RequestKind.CLNT_UCAST_INST)
        if record and record[0].instance_name.upper() == instance.upper():
            return _located(ctx, record[0], exchange.address, facts)
    listing = list(client_browser.exchanges(step.host, _list_request(), ctx.deadline()))
    known = [r for x in listing for r in _record(x.reply, ssrp.RequestKind.CLNT_UCAST_EX) or []]
    facts["listed"] = [{"instance": r.instance_name, "tcp": r.tcp_port, "np": r.pipe} for r in known]
    return _not_located(ctx, instance, asked, known, facts)


def _list_request() -> bytes:
    return ssrp.encode_request(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_EX))


def _exchange(exchange: client_browser.Exchange) -> dict[str, Any]:
    answer = "replied" if exchange.reply is not None else "refused" if exchange.refused else "silent"
    return {"address": exchange.address, "answer": answer}


def _record(reply: bytes | None, kind: ssrp.RequestKind) -> list[ssrp.InstanceRecord] | None:
    if reply is None:
        return None
    try:
        return ssrp.decode_response(reply, kind)
    except ProtocolError:
        return None


def _located(ctx: Context, record: ssrp.InstanceRecord, address: str, facts: dict[str, Any]) -> Outcome:
    facts.update({"address": address, "tcp": record.tcp_port, "np": record.pipe, "version": record.version})
    host = ctx.step.host if ctx.step else address
    if record.tcp_port is None:
        return Outcome(
            FAILED,
            f"the Browser knows {record.instance_name} but gives no TCP port",
            facts,
            Diagnosis(
                "instance_tcp_disabled",
                f"The SQL Server Browser on {address} knows instance {record.instance_name}, but reports no TCP port "
                f"for it (pipe: {record.pipe or 'none'}): TCP/IP is disabled on the instance ('Server doesn't "
                "support requested protocol', error 28).",
                f"Enable TCP/IP on the instance and restart it, or connect over named pipes: Server=np:{record.pipe}"
                if record.pipe
                else "Enable TCP/IP on the instance and restart it.",
            ),
        )
    ctx.port = record.tcp_port
    ctx.located = record.instance_name
    return Outcome(OK, f"{host}\\{record.instance_name} is on TCP port {record.tcp_port} (Browser at {address})", facts)


def _not_located(
    ctx: Context,
    instance: str,
    asked: list[client_browser.Exchange],
    known: list[ssrp.InstanceRecord],
    facts: dict[str, Any],
) -> Outcome:
    assert ctx.step is not None
    host = ctx.step.host
    local_host = ctx.host_is_local()
    registration = inst.by_name(ctx.instances(), instance) if local_host else None
    if registration is not None:
        facts["registration"] = registration.summary()
    port = _registered_port(registration)
    with_port = f"{host}\\{instance},{port}" if port else f"{host}\\{instance},PORT"
    if registration is not None and registration.hidden:
        diagnosis = _hidden(registration, host, known, with_port)
    elif known:
        listed = ", ".join(f"{r.instance_name} (TCP {r.tcp_port or '-'})" for r in known)
        diagnosis = Diagnosis(
            "unknown_instance",
            f"The SQL Server Browser on {host} answers, but knows no instance named {instance!r}; it lists: {listed}. "
            "Clients report 'Error Locating Server/Instance Specified' (error 26).",
            f"Use one of the listed instance names (Server={host}\\NAME), or check that {instance} runs on {host}. "
            "A hidden instance (HideInstance) is not listed either: then give its port.",
        )
    elif asked and all(x.refused for x in asked):
        diagnosis = _browser_down(ctx, instance, asked, registration, with_port)
    elif local_host:
        browsers = [s for s in ports.udp_sockets(1434) if any(ports.covers(s, x.address) for x in asked)]
        facts["browser_sockets"] = [s.as_json() for s in browsers]
        if browsers:
            diagnosis = Diagnosis(
                "unknown_instance",
                f"The SQL Server Browser on {host} ({browsers[0].owner()}) does not answer for {instance!r} and lists "
                "no instance: no visible instance of that name runs on this host.",
                f"Check the instance name and that the instance runs (`tdsnet doctor --local`); a hidden instance "
                f"needs its port: {with_port}.",
            )
        else:
            diagnosis = _browser_down(ctx, instance, asked, registration, with_port)
    else:
        diagnosis = Diagnosis(
            "browser_unreachable",
            f"No answer on UDP 1434 from {host} within {ctx.timeout:g} s: the SQL Server Browser is not running "
            "there, or a firewall drops UDP 1434. The client waits, then reports 'Error Locating Server/Instance "
            "Specified' (error 26).",
            f"Start the SQL Server Browser on {host} and open UDP 1434 in its firewall, or connect with the port, "
            f"which needs no Browser: {with_port}.",
        )
    return Outcome(FAILED, diagnosis.explanation.split(":")[0], facts, diagnosis)


def _registered_port(registration: inst.LocalInstance | None) -> int | None:
    if registration is None:
        return None
    return registration.tcp or next((p for _a, p in registration.listening()), None)


def _hidden(registration: inst.LocalInstance, host: str, known: list[ssrp.InstanceRecord], with_port: str) -> Diagnosis:
    others = ", ".join(r.instance_name for r in known)
    answers = f"it answers for {others} but not for this one" if others else "it lists no instance at all"
    named = f" --instance {registration.instance}"
    return Diagnosis(
        "instance_hidden",
        f"Instance {registration.instance} runs on this host (PID {registration.pid}) with HideInstance set: the SQL "
        f"Server Browser does not reveal it ({answers}), so a client that names the instance without a port cannot "
        "find it ('Error Locating Server/Instance Specified', error 26).",
        f"Give the port: Server={with_port} (or tcp:{host},{_registered_port(registration) or 'PORT'}); or show the "
        f"instance again: `tdsnet config server --data-dir {registration.data_dir}{named} set HideInstance no`, "
        "then restart it.",
    )


def _browser_down(
    ctx: Context,
    instance: str,
    asked: list[client_browser.Exchange],
    registration: inst.LocalInstance | None,
    with_port: str,
) -> Diagnosis:
    assert ctx.step is not None
    where = ", ".join(x.address for x in asked)
    known = ""
    if registration is not None:
        known = f" Instance {instance} runs on this host and listens on TCP {_registered_port(registration) or '?'}."
    return Diagnosis(
        "browser_not_running",
        f"Nothing listens on UDP 1434 at {where} (the host answered 'port unreachable'): the SQL Server Browser is "
        f"not running, so the client cannot learn the port of named instance {instance} ('Error Locating "
        f"Server/Instance Specified', error 26).{known}",
        f"Start the SQL Server Browser (`tdsnet browser`, or run the instance without --no-browser), or put the port "
        f"in the connection string: Server={with_port}.",
    )


def _dac(ctx: Context, instance: str) -> Outcome:
    assert ctx.step is not None
    try:
        port = client_browser.lookup_dac_port(ctx.step.host, instance, ctx.deadline())
    except e.NetworkError:
        return Outcome(
            FAILED,
            "the Browser gives no DAC port",
            {"instance": instance},
            Diagnosis(
                "dac_port_unknown",
                f"The SQL Server Browser on {ctx.step.host} gives no dedicated admin connection port for {instance} "
                "(error 43): it is not running, or the instance has no DAC listener.",
                "Start the Browser, or connect to the DAC port from the ERRORLOG ('Dedicated admin connection support "
                "was established for listening locally on port N'): Server=admin:host,N.",
            ),
        )
    ctx.port = port
    return Outcome(OK, f"the dedicated admin connection of {instance} is on TCP {port}", {"dac_port": port})


# --- TCP -------------------------------------------------------------------------------------------


def tcp_connect(ctx: Context, infos: list[tuple]) -> tuple[Outcome, sni.Channel | None]:
    """Connect to every address in the client's order; keep the first that works."""
    assert ctx.step is not None and ctx.port is not None
    port = ctx.port
    tried: list[dict[str, Any]] = []
    chosen: socket.socket | None = None
    for family, kind, proto, _name, address in infos:
        sock, result, spent = _connect(family, kind, proto, (address[0], port, *address[2:]), ctx.timeout)
        tried.append({"address": address[0], "family": FAMILIES.get(family), "result": result, "ms": spent})
        if sock is None:
            continue
        if chosen is None:
            chosen = sock
            ctx.peer = (address[0], port)
        else:
            sock.close()
    facts: dict[str, Any] = {"port": port, "attempts": tried}
    if chosen is None:
        return _unreached(ctx, tried, port, facts), None
    if ports.is_this_host(ctx.peer[0]):
        holder = owners.owner_of(ctx.peer[0], port)
        if holder is not None:
            ctx.listener_pid = holder.pid
            facts["listener"] = holder.as_json()
    channel = sni.Channel(chosen, Protocol.TCP, sni.tcp_target(ctx.step.host, port), e.TCP_PROVIDER)
    shown = ports.Socket("tcp", ctx.peer[0], port, None).shown
    failed = [t for t in tried if t["result"] != "connected"]
    if failed and tried[0]["result"] != "connected":
        detail = f"connected to {shown} after {', '.join(t['address'] + ' ' + t['result'] for t in failed)}"
        return Outcome(WARNING, detail + " (each failed address costs the client time)", facts), channel
    return Outcome(OK, f"connected to {shown}", facts), channel


def _connect(family: int, kind: int, proto: int, address: tuple, timeout: float) -> tuple[Any, str, float]:
    started = time.perf_counter()
    sock = socket.socket(family, kind, proto)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError as error:
        sock.close()
        return None, _failure(error), round((time.perf_counter() - started) * 1000, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock, "connected", round((time.perf_counter() - started) * 1000, 1)


def _failure(error: OSError) -> str:
    if isinstance(error, TimeoutError) or error.errno == errno.ETIMEDOUT:
        return "timed out"
    if error.errno == errno.ECONNREFUSED:
        return "refused"
    if error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
        return "unreachable"
    return error.strerror or str(error)


def _unreached(ctx: Context, tried: list[dict[str, Any]], port: int, facts: dict[str, Any]) -> Outcome:
    refused = [t["address"] for t in tried if t["result"] == "refused"]
    timed_out = [t["address"] for t in tried if t["result"] == "timed out"]
    summary = ", ".join(f"{t['address']} {t['result']}" for t in tried)
    if refused:
        diagnosis, more = owners.refused(ctx, refused, port)
        facts.update(more)
    elif timed_out:
        diagnosis = Diagnosis(
            "tcp_timeout",
            f"No answer from {', '.join(timed_out)} on TCP {port} within {ctx.timeout:g} s: a firewall is likely "
            "dropping the connection (a closed port would refuse at once), or the host is down.",
            f"Open TCP {port} in the firewalls between this client and the server, and check the host is up.",
        )
    else:
        diagnosis = Diagnosis(
            "host_unreachable",
            f"{summary}: the network has no route to the server.",
            "Check the address, the routes and the VPN between this client and the server.",
        )
    return Outcome(FAILED, summary, facts, diagnosis)


# --- named pipes and shared memory --------------------------------------------------------------------


def named_pipe(ctx: Context) -> tuple[Outcome, sni.Channel | None]:
    assert ctx.step is not None
    pipe = ctx.step.pipe or ""
    ctx.transport = "np"
    try:
        channel = sni.open_pipe(pipe)
    except e.NetworkError as error:
        return _pipe_failure(ctx, pipe, error), None
    return Outcome(OK, f"opened {pipe} ({local.pipe_socket(pipe)})", {"pipe": pipe}), channel


def _pipe_failure(ctx: Context, pipe: str, error: e.NetworkError) -> Outcome:
    facts: dict[str, Any] = {"pipe": pipe, "error": error.message}
    if error.native_error == e.ERROR_BAD_NETPATH:
        diagnosis = Diagnosis(
            "named_pipe_unavailable",
            f"{pipe} is another computer's pipe (or not a pipe path): tdsnet's client opens only this machine's pipes "
            "(remote pipes travel over SMB).",
            "Connect over TCP/IP to a remote server: Server=tcp:host,port.",
        )
    else:
        served = [f"{i.instance}: {i.np}" for i in ctx.instances() if i.np]
        facts["socket"] = str(_socket_path(pipe))
        facts["pipes_here"] = served
        diagnosis = Diagnosis(
            "named_pipe_unavailable",
            f"No instance listens on {pipe} (no socket at {_socket_path(pipe)}). Instances here listen on: "
            f"{'; '.join(served) or 'no pipe'}.",
            "Use the pipe of a running instance, or enable named pipes on it (`tdsnet config server enable np`, then "
            "restart).",
        )
    return Outcome(FAILED, diagnosis.explanation.split(" (")[0].split(". ")[0], facts, diagnosis)


def _socket_path(pipe: str) -> object:
    try:
        return local.pipe_socket(pipe)
    except ValueError:
        return pipe


def shared_memory(ctx: Context) -> tuple[Outcome, sni.Channel | None]:
    assert ctx.step is not None
    instance = ctx.step.instance or DEFAULT_INSTANCE
    ctx.transport = "lpc"
    try:
        channel = sni.open_shared_memory(ctx.step.host, ctx.step.instance)
    except e.NetworkError as error:
        path = local.shared_memory_socket(instance)
        remote = error.sni_error == e.SNI_REMOTE_SHARED_MEMORY
        explanation = (
            f"{ctx.step.host} is not this computer: shared memory only reaches local instances (error 41)."
            if remote
            else f"No local instance {instance} listens on shared memory (no socket at {path})."
        )
        return Outcome(
            FAILED,
            explanation,
            {"instance": instance, "socket": str(path)},
            Diagnosis(
                "shared_memory_unavailable",
                explanation,
                "Connect over TCP/IP (Server=tcp:host,port) or named pipes, or start the instance on this computer.",
            ),
        ), None
    return Outcome(OK, f"opened lpc:{instance}", {"instance": instance}), channel
