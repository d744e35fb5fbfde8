"""The order of the steps, and the client's rules between them.

parse -> alias -> protocol order -> for each protocol the plan lists: (DNS -> Browser -> TCP) or
named pipe or shared memory, moving on to the next protocol only where the client would (seed
004: silently, and never once a transport opened) -> PRELOGIN -> TLS (first, for Encrypt=strict)
-> login -> endpoint -> database.  The first failure ends the run with its diagnosis.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from ..client.connstr import Protocol, quote_value
from ..client.resolve import Step
from ..client.sni import Channel
from . import endpoint, login, network, prelogin, setup, tls
from .context import Context
from .report import FAILED, SKIPPED, WARNING, Diagnosis, Finished, Outcome, Recorder, Report

_PASSWORD = re.compile(r"""(?i)\b(password|pwd)\s*=\s*("[^"]*"|'[^']*'|\{(?:[^}]|\}\})*\}|[^;]*)""")


PROTOCOL_STEPS = {"shared_memory": "shared memory", "tcp_connect": "TCP/IP", "named_pipe": "named pipes"}


class _NextProtocol(Exception):
    """A protocol failed where the client moves on to the next one."""

    def __init__(self, diagnosis: Diagnosis | None, name: str) -> None:
        super().__init__(name)
        self.diagnosis = diagnosis
        self.name = name


def connection_string(target: str, user: str | None = None, password: str | None = None) -> str:
    """A connection string from what the command line gives: a connection string, or a bare server name."""
    text = target if "=" in target else f"Server={quote_value(target)}"
    if user is not None:
        text += f";User ID={quote_value(user)}"
    if password is not None:
        text += f";Password={quote_value(password)}"
    return text


def masked(text: str) -> str:
    return _PASSWORD.sub(lambda m: f"{m.group(1)}=***", text)


def diagnose(text: str, timeout: float = 5.0) -> Report:
    """Run every step against the connection string ``text``; never raises for a connection problem."""
    ctx = Context(text=text, timeout=timeout)
    report = Report(target=masked(text))
    recorder = Recorder(report)
    try:
        _run(ctx, recorder)
    except Finished:
        pass
    finally:
        ctx.close()
    if ctx.settings is not None:
        report.target = ctx.settings.server.text
    if report.diagnosis is None:
        report.diagnosis = recorder.warning or Diagnosis("ok", "The connection works: every step passed.", "")
    return report


def _run(ctx: Context, recorder: Recorder) -> None:
    recorder.run("parse", lambda: setup.parse(ctx))
    recorder.run("alias", lambda: setup.alias(ctx))
    recorder.run("protocol_order", lambda: setup.protocol_order(ctx))
    channel = _open(ctx, recorder)
    session = _handshake(ctx, recorder, channel)
    if session is not None:
        session.close()
    _login(ctx, recorder)


# --- reaching the server, protocol by protocol ------------------------------------------------------


def _open(ctx: Context, recorder: Recorder) -> Channel:
    assert ctx.plan is not None
    failures: list[_NextProtocol] = []
    steps = ctx.plan.steps
    for index, step in enumerate(steps):
        final = index == len(steps) - 1 or not ctx.plan.fallback
        _start(ctx, step)
        try:
            return _open_step(ctx, recorder, step, final)
        except _NextProtocol as failure:
            failures.append(failure)
        except Finished:
            if failures:
                _all_failed(recorder.report, failures)
            raise
    raise AssertionError("a plan ends with a final step")


def _start(ctx: Context, step: Step) -> None:
    ctx.step, ctx.port, ctx.located, ctx.peer, ctx.listener_pid = step, step.port, None, None, None
    ctx.transport = {Protocol.NAMED_PIPES: "np", Protocol.SHARED_MEMORY: "lpc"}.get(step.protocol, "tcp")
    if step.dac:
        ctx.transport = "dac"


def _open_step(ctx: Context, recorder: Recorder, step: Step, final: bool) -> Channel:
    if step.protocol is Protocol.SHARED_MEMORY:
        return _timed(recorder, "shared_memory", lambda: network.shared_memory(ctx), final)
    if step.protocol is Protocol.NAMED_PIPES:
        return _timed(recorder, "named_pipe", lambda: network.named_pipe(ctx), final)
    infos = _timed(recorder, "dns", lambda: network.dns(ctx), final)
    if step.port is None:
        _timed(recorder, "browser", lambda: network.browser(ctx), final)
    else:
        recorder.add("browser", Outcome(SKIPPED, _no_browser(step)))
    return _timed(recorder, "tcp_connect", lambda: network.tcp_connect(ctx, infos), final)


def _no_browser(step: Step) -> str:
    if step.instance:
        return f"port {step.port} given: the Browser is not asked (the port wins over the instance name)"
    return f"port {step.port} given" if step.port != 1433 else "default instance: port 1433, no Browser needed"


def _timed(recorder: Recorder, name: str, func: Callable[[], Any], final: bool) -> Any:
    started = time.perf_counter()
    result = func()
    outcome, value = result if isinstance(result, tuple) else (result, None)
    if outcome.verdict == FAILED and not final:
        moved = Outcome(
            WARNING, f"{outcome.detail.rstrip('.')}; the client moves on to the next protocol", outcome.facts
        )
        recorder.add(name, moved, started)
        raise _NextProtocol(outcome.diagnosis, name)
    recorder.add(name, outcome, started)
    return value


def _all_failed(report: Report, earlier: list[_NextProtocol]) -> None:
    """Every protocol failed: the TCP failure is usually the one to fix, whatever the client reports last."""
    tcp = next((f.diagnosis for f in earlier if f.name in ("dns", "browser", "tcp_connect") and f.diagnosis), None)
    last = report.diagnosis
    chosen = tcp or last
    if chosen is None:
        return
    tried = ", ".join(PROTOCOL_STEPS[s.name] for s in report.steps if s.name in PROTOCOL_STEPS)
    report.diagnosis = Diagnosis(
        chosen.cause,
        f"The client tried each protocol of its order ({tried}) and each failed; it reports only the last one's "
        f"error (seed 004). {chosen.explanation}",
        chosen.fix,
    )


# --- PRELOGIN and TLS ---------------------------------------------------------------------------------


def _handshake(ctx: Context, recorder: Recorder, channel: Channel) -> Any:
    """PRELOGIN then TLS inside it; under Encrypt=strict, TLS first.  Returns a session to close, if any."""
    assert ctx.options is not None
    if ctx.options.strict:
        started = time.perf_counter()
        outcome, verified = tls.tls_strict(ctx, channel)
        recorder.add("tls", outcome, started)
        if verified is None:
            return None
        started = time.perf_counter()
        answered, shaken = prelogin.prelogin(ctx, verified.channel, verified)
        recorder.add("prelogin", answered, started)
        return shaken.session if shaken else verified
    started = time.perf_counter()
    answered, shaken = prelogin.prelogin(ctx, channel)
    if shaken is None:
        channel.close()
    recorder.add("prelogin", answered, started)
    assert shaken is not None
    started = time.perf_counter()
    try:
        recorder.add("tls", tls.tls(ctx, shaken), started)
    finally:
        shaken.session.close()
    return None


# --- login, endpoint, database ---------------------------------------------------------------------------


def _login(ctx: Context, recorder: Recorder) -> None:
    assert ctx.settings is not None
    settings = ctx.settings
    unsupported = _unsupported(settings.integrated_security, settings.authentication)
    if unsupported:
        recorder.add("login", Outcome(SKIPPED, unsupported))
        recorder.stop(Diagnosis("unsupported_option", unsupported, "Use a SQL login: User ID=...;Password=..."))
    if not ctx.user or settings.password is None:
        _without_login(ctx, recorder)
    started = time.perf_counter()
    attempt = login.attempt(ctx)
    catalog_readable = ctx.catalog(ctx.reached_instance()) is not None
    outcome = login.outcome(ctx, attempt, catalog_readable)
    recorder.add("login", outcome, started)
    refused = attempt.connection is None and attempt.error is not None and attempt.error.number != 4060
    started = time.perf_counter()
    checked = endpoint.check(ctx, ctx.user, refused, attempt.facts if attempt.connection else None)
    recorder.add("endpoint", checked, started)
    if refused:  # the endpoint step found nothing to blame: say what the 18456 means
        assert attempt.error is not None
        recorder.stop(login.unexplained(ctx, attempt.error))
    started = time.perf_counter()
    recorder.add("database", login.database(ctx, attempt), started)


def _unsupported(integrated: bool, authentication: str | None) -> str:
    if integrated:
        return "Integrated Security (Windows authentication): tdsnet's client cannot log in this way"
    if authentication not in (None, "SqlPassword"):
        return f"Authentication={authentication}: tdsnet's client logs in with SQL logins only"
    return ""


def _without_login(ctx: Context, recorder: Recorder) -> None:
    """No credentials: say where the login would land, then stop."""
    missing = "no User ID" if not ctx.user else "no Password"
    recorder.add("login", Outcome(SKIPPED, f"{missing} in the connection string: the login is not tried"))
    started = time.perf_counter()
    recorder.add("endpoint", endpoint.check(ctx, ctx.user or None, False, None), started)
    recorder.stop(
        Diagnosis(
            "login_not_tested",
            "The server answers as SQL Server and the handshake succeeds; no credentials were given, so the login "
            "was not tried.",
            "Add User ID=...;Password=... (or -U/-P) to test the login, its endpoint and its database too.",
        )
    )
