"""Connecting: carry out a resolution `Plan`, step by step, and log in.

A step that cannot be opened (nothing listening, no such pipe, no such host, the Browser does not
know the instance) gives way to the next step when the plan allows fallback; a step whose
transport opened is final, whatever happens next (seed 001: a STOPPED endpoint accepts and closes;
the client must not then try named pipes).  Only the last error reaches the caller; every
attempt rides along on it.  The whole sequence shares one deadline, the Connect Timeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import browser, sni
from . import errors as e
from .config import ClientConfig
from .connstr import DEFAULT_INSTANCE, ConnectionSettings, Protocol, ServerTarget
from .resolve import Plan, Step, plan
from .session import LoginOptions, Session, establish


@dataclass(frozen=True, slots=True)
class Connected:
    """A logged-in session and how it was reached."""

    session: Session
    step: Step
    target: str  # the transport, as in Attempt.target
    plan: Plan
    attempts: tuple[e.Attempt, ...]


def connect_to(settings: ConnectionSettings, config: ClientConfig, cafile: str | None = None) -> Connected:
    """Resolve, open, log in; raises the driver's errors with every attempt attached."""
    started = time.monotonic()
    deadline = None if settings.connect_timeout == 0 else started + settings.connect_timeout
    options = LoginOptions.from_settings(settings, config.force_encryption, config.trust_server_certificate, cafile)
    attempts: list[e.Attempt] = []
    servers = [settings.server] + ([settings.failover_partner] if settings.failover_partner else [])
    failure: e.Error | None = None
    for server in servers:
        steps = plan(settings, config, sni.is_local_name, server)
        try:
            return _carry_out(steps, settings, options, deadline, started, attempts)
        except e.NetworkError as error:
            failure = error
            if any(a.connected for a in attempts) or isinstance(error, e.ConnectionTimeout):
                break
    assert failure is not None
    raise failure.with_attempts(attempts)


def _carry_out(
    steps: Plan,
    settings: ConnectionSettings,
    options: LoginOptions,
    deadline: float | None,
    started: float,
    attempts: list[e.Attempt],
) -> Connected:
    failure: e.Error | None = None
    for step in steps.steps:
        try:
            channel, instance = _open(step, settings, deadline, started)
        except e.NetworkError as error:
            attempts.append(_attempt(step, step.describe(), error, connected=False))
            failure = error
            if not steps.fallback or isinstance(error, e.ConnectionTimeout):
                break
            continue
        try:
            session = establish(channel, step.host, options, deadline, started, instance)
        except e.Error as error:
            attempts.append(_attempt(step, channel.target, error, connected=True))
            raise error.with_attempts(attempts) from None
        session = _follow_routing(session, settings, options, deadline, started, attempts)
        attempts.append(e.Attempt(_keyword(step.protocol), channel.target, "", connected=True))
        return Connected(session, step, channel.target, steps, tuple(attempts))
    assert failure is not None
    raise failure.with_attempts(attempts)


def _attempt(step: Step, target: str, error: e.Error, connected: bool) -> e.Attempt:
    return e.Attempt(_keyword(step.protocol), target, error.message, error.number, error.sni_error, connected)


def _keyword(protocol: Protocol) -> str:
    return {Protocol.TCP: "tcp", Protocol.NAMED_PIPES: "np", Protocol.SHARED_MEMORY: "lpc"}[protocol]


def _open(
    step: Step, settings: ConnectionSettings, deadline: float | None, started: float
) -> tuple[sni.Channel, str | None]:
    """The step's transport, and the instance name PRELOGIN should check (one the Browser located)."""
    try:
        if step.protocol is Protocol.NAMED_PIPES:
            return sni.open_pipe(step.pipe or ""), None
        if step.protocol is Protocol.SHARED_MEMORY:
            return sni.open_shared_memory(step.host, step.instance), None
        return _open_tcp(step, settings, deadline)
    except TimeoutError:
        spent = {"initialization": round((time.monotonic() - started) * 1000)}
        raise e.connection_timeout("initialize", spent) from None


def _open_tcp(step: Step, settings: ConnectionSettings, deadline: float | None) -> tuple[sni.Channel, str | None]:
    def tcp(port: int) -> sni.Channel:
        return sni.open_tcp(step.host, port, deadline, settings.multi_subnet_failover, settings.ip_address_preference)

    if step.port is not None:
        try:
            return tcp(step.port), None
        except e.NetworkError as error:
            if not step.browser_fallback or error.native_error != e.WSAECONNREFUSED:
                raise
        # DAC on the default instance: nothing on 1434, so ask the Browser (as SqlClient does).
        return tcp(browser.lookup_dac_port(step.host, DEFAULT_INSTANCE, deadline)), None
    instance = step.instance or DEFAULT_INSTANCE
    if step.dac:
        return tcp(browser.lookup_dac_port(step.host, instance, deadline)), None
    answer = browser.lookup_instance(step.host, instance, deadline)
    if answer.record.tcp_port is None:
        raise e.network_error(e.SNI_PROVIDER, e.SNI_PROTOCOL_NOT_SUPPORTED, None, number=e.LOCATE_NUMBER)
    return tcp(answer.record.tcp_port), instance


def _follow_routing(
    session: Session,
    settings: ConnectionSettings,
    options: LoginOptions,
    deadline: float | None,
    started: float,
    attempts: list[e.Attempt],
) -> Session:
    """An availability group listener may route the login elsewhere: log in there instead (once)."""
    logged_in = session.logged_in
    if logged_in is None or logged_in.routing is None:
        return session
    routing = logged_in.routing
    session.close()
    target = ServerTarget(text=f"tcp:{routing.server},{routing.port}", host=routing.server, port=routing.port)
    step = Step(Protocol.TCP, target.host, port=target.port)
    attempts.append(e.Attempt("tcp", step.describe(), "routed by the server", connected=True))
    channel, _ = _open(step, settings, deadline, started)
    return establish(channel, routing.server, options, deadline, started)
