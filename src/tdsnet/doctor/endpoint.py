"""Which endpoint a connection lands on, and whether the login may use it (seeds 000 and 001).

For a local tdsnet instance the doctor reads the catalog offline and runs the server's own
association and CONNECT checks, so it can say *which* endpoint refused a login, why that one was
chosen (exact address and port, then IP_ANY with the port, then TSQL Default TCP), and what the
fix is: a GRANT, a REVOKE of a DENY, starting the endpoint, or moving a Service Broker endpoint
off the instance's port.
"""

from __future__ import annotations

import socket
from typing import Any

from ..server import endpoints as ep
from . import catalog as cat
from . import instances as inst
from . import ports
from .context import Context
from .report import FAILED, OK, SKIPPED, WARNING, Diagnosis, Outcome

_PAYLOADS = {ep.SERVICE_BROKER: ("Service Broker", 4022), ep.DATABASE_MIRRORING: ("Database Mirroring", 5022)}


def associated(ctx: Context, instance: inst.LocalInstance) -> tuple[cat.Catalog, ep.EndpointDef] | None:
    catalog = ctx.catalog(instance)
    if catalog is None:
        return None
    address, port = ctx.peer if ctx.peer else ("", 0)
    return catalog, cat.associate(catalog, ctx.transport, address, port)


def _where(ctx: Context) -> str:
    if ctx.peer is not None:
        return ports.Socket("tcp", ctx.peer[0], ctx.peer[1], None).shown
    return {"np": "named pipes", "lpc": "shared memory"}.get(ctx.transport, ctx.transport)


def _why(ctx: Context, endpoint: ep.EndpointDef) -> str:
    """Seed 001's rule, as it applied to this connection."""
    if ctx.transport != "tcp":
        return "named pipes and shared memory each have one endpoint"
    if endpoint.endpoint_id == ep.DEFAULT_TCP:
        return f"no endpoint names port {ctx.peer[1] if ctx.peer else '?'}, so TSQL Default TCP takes it"
    if endpoint.ip_address is not None:
        return "its LISTENER_IP and LISTENER_PORT match the connection exactly"
    return f"it is the endpoint for any address on port {endpoint.port} (IP_ANY)"


def _shown(endpoint: ep.EndpointDef) -> str:
    kind = ep.TYPE_DESC.get(endpoint.type, "?")
    where = f", port {endpoint.port}" if endpoint.port else ""
    return f"'{endpoint.name}' ({kind}{where}, {ep.STATE_DESC.get(endpoint.state)})"


def stopped(ctx: Context, instance: inst.LocalInstance) -> tuple[Diagnosis, dict[str, Any]] | None:
    """A connection the instance accepted and closed at once: a stopped endpoint, or a broker's port."""
    found = associated(ctx, instance)
    if found is None:
        return None
    catalog, endpoint = found
    facts: dict[str, Any] = {"instance": instance.instance, "endpoint": cat.describe(endpoint)}
    if ctx.peer is not None and ctx.peer[1] not in instance.tcp_ports():
        broker = catalog.listener_endpoint(ctx.peer[1])
        if broker is not None:
            return _broker_listener(ctx, instance, broker), {**facts, "endpoint": cat.describe(broker)}
    if endpoint.state == ep.STARTED:
        return None
    return _stopped(ctx, instance, endpoint), facts


def _stopped(ctx: Context, instance: inst.LocalInstance, endpoint: ep.EndpointDef) -> Diagnosis:
    pipe = instance.np or r"\\.\pipe\sql\query"
    return Diagnosis(
        "endpoint_stopped",
        f"The connection to {_where(ctx)} lands on endpoint {_shown(endpoint)} of instance {instance.instance} "
        f"({_why(ctx, endpoint)}). A {ep.STATE_DESC.get(endpoint.state)} endpoint still listens: it accepts the "
        "connection and closes it at once ('A connection was successfully established with the server, but then an "
        "error occurred during the pre-login handshake'), and because the connection was accepted the client does "
        "not fall back to another protocol (seed 001).",
        f"Start the endpoint: ALTER ENDPOINT [{endpoint.name}] STATE = STARTED, run over named pipes or shared memory, "
        f'which it does not affect (e.g. `tdsnet sqlcmd -S np:{pipe} -U sa -Q "ALTER ENDPOINT [{endpoint.name}] '
        'STATE = STARTED"`); or connect to a port of a started endpoint.',
    )


def _broker_listener(ctx: Context, instance: inst.LocalInstance, endpoint: ep.EndpointDef) -> Diagnosis:
    payload = _PAYLOADS.get(endpoint.type, ("endpoint", 0))[0]
    return Diagnosis(
        "not_sql_server",
        f"Port {endpoint.port} is the {payload} transport of endpoint {_shown(endpoint)} on instance "
        f"{instance.instance}: it takes broker and mirroring traffic, not TDS, and closes a client's connection.",
        f"Connect to the instance's TDS port instead ({', '.join(map(str, sorted(instance.tcp_ports()))) or '?'}).",
    )


def check(ctx: Context, login_name: str | None, refused: bool, session_facts: dict[str, Any] | None) -> Outcome:
    """The endpoint step: association and CONNECT, from the local catalog or the session's DMVs."""
    instance = ctx.reached_instance()
    found = associated(ctx, instance) if instance is not None else None
    if found is None:
        return _without_catalog(session_facts, refused)
    catalog, endpoint = found
    assert instance is not None
    facts: dict[str, Any] = {
        "instance": instance.instance,
        "endpoint": cat.describe(endpoint),
        "why": _why(ctx, endpoint),
    }
    if endpoint.state != ep.STARTED:
        return Outcome(FAILED, f"lands on {_shown(endpoint)}", facts, _stopped(ctx, instance, endpoint))
    access = cat.access(catalog, login_name, endpoint) if login_name else None
    if access is not None:
        facts.update(
            {
                "login": login_name,
                "login_exists": access.login is not None,
                "connect": access.connect,
                "connect_sql": access.connect_sql,
                "control_server": access.control_server,
                "denied_through": list(access.denials),
            }
        )
    if endpoint.owns_listener and endpoint.port in instance.tcp_ports():
        return _port_conflict(ctx, instance, endpoint, access, facts)
    if access is None or access.login is None:
        who = "" if access is None else f"; there is no login named {login_name!r}"
        return Outcome(OK, f"lands on {_shown(endpoint)}: {_why(ctx, endpoint)}{who}", facts)
    if not access.connect_sql:
        return Outcome(FAILED, f"{login_name} lacks CONNECT SQL", facts, _no_connect_sql(login_name or ""))
    if not access.connect:
        diagnosis = _no_connect(ctx, endpoint, login_name or "", access)
        return Outcome(FAILED, f"lands on {_shown(endpoint)}; {login_name} has no CONNECT on it", facts, diagnosis)
    return Outcome(OK, f"lands on {_shown(endpoint)}: {_why(ctx, endpoint)}; {login_name} has CONNECT", facts)


def _without_catalog(session_facts: dict[str, Any] | None, refused: bool) -> Outcome:
    if session_facts and session_facts.get("endpoint_id") is not None:
        name = session_facts.get("endpoint") or f"endpoint {session_facts['endpoint_id']}"
        return Outcome(OK, f"the session runs on {name} (sys.dm_exec_sessions)", dict(session_facts))
    reason = "not a local tdsnet instance: its endpoint catalog cannot be read from here"
    return Outcome(SKIPPED, reason + ("" if not refused else "; see the login step"), {})


def _port_conflict(
    ctx: Context,
    instance: inst.LocalInstance,
    endpoint: ep.EndpointDef,
    access: cat.Access | None,
    facts: dict[str, Any],
) -> Outcome:
    payload, usual = _PAYLOADS[endpoint.type]
    cause = "service_broker_port_conflict" if endpoint.type == ep.SERVICE_BROKER else "mirroring_port_conflict"
    logged = [e.quoted for e in instance.errors(26023, 9692) if str(endpoint.port) in e.text]
    quote = f" The ERRORLOG at startup: {' / '.join(logged)}" if logged else ""
    allowed = access is not None and (access.control_server or access.sysadmin)
    who = f"'{access.login.name}'" if access is not None and access.login is not None else "the login"
    fate = (
        f"{who} has CONTROL SERVER, so it still gets in; every other login gets 18456 state 11"
        if allowed
        else f"{who} lacks CONTROL SERVER, so it gets 18456 ('Login failed', ERRORLOG state 11: 'Token-based server "
        "access validation failed with an infrastructure error')"
    )
    diagnosis = Diagnosis(
        cause,
        f"{payload} endpoint {_shown(endpoint)} was created on the instance's own TCP port {endpoint.port}.{quote} The "
        f"instance still listens there, but every TCP connection to port {endpoint.port} is associated with "
        f"'{endpoint.name}' since {_why(ctx, endpoint)}, and only CONTROL SERVER logins pass there: {fate}. Named "
        "pipes and shared memory keep working (seed 000).",
        f"Drop the endpoint: DROP ENDPOINT [{endpoint.name}]; or move it to another port: ALTER ENDPOINT "
        f"[{endpoint.name}] AS TCP (LISTENER_PORT = {_free_port(usual)}). Run it as sa (or over named pipes / shared "
        "memory), then restart the instance so its TCP provider gets every address back.",
    )
    verdict = WARNING if allowed else FAILED
    return Outcome(verdict, f"lands on {payload} endpoint {_shown(endpoint)}", facts, diagnosis)


def _free_port(preferred: int) -> int:
    if not ports.tcp_listeners(preferred):
        return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _no_connect_sql(login: str) -> Diagnosis:
    return Diagnosis(
        "no_connect_sql",
        f"Login '{login}' lacks CONNECT SQL (revoked or denied), so the server refuses it with 18456 (ERRORLOG state "
        "12: 'Login-based server access validation failed').",
        f"GRANT CONNECT SQL TO [{login}] (and REVOKE any DENY of it), as sa.",
    )


def _no_connect(ctx: Context, endpoint: ep.EndpointDef, login: str, access: cat.Access) -> Diagnosis:
    denied = ""
    fix = f"GRANT CONNECT ON ENDPOINT::[{endpoint.name}] TO [{login}] (or TO public)"
    if access.denials:
        denied = f" A DENY CONNECT on it applies through {', '.join(access.denials)}."
        fix = "; ".join(f"REVOKE CONNECT ON ENDPOINT::[{endpoint.name}] FROM [{p}]" for p in access.denials)
        fix += f"; then, if needed, GRANT CONNECT ON ENDPOINT::[{endpoint.name}] TO [{login}]"
    revoked = ""
    if endpoint.endpoint_id == ep.DEFAULT_TCP:
        revoked = " Creating a TCP endpoint revokes public's CONNECT on TSQL Default TCP (seed 001)."
    return Diagnosis(
        "no_endpoint_connect",
        f"The connection to {_where(ctx)} is associated with endpoint {_shown(endpoint)}: {_why(ctx, endpoint)}. Login "
        f"'{login}' has no CONNECT permission on it, so the login fails with 18456 (ERRORLOG state 11: 'Token-based "
        f"server access validation failed'), and SQL Server does not try another endpoint (seed 001).{denied}{revoked}",
        f"{fix}, as sa or another CONTROL SERVER login.",
    )
