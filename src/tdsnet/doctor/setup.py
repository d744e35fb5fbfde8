"""The first three steps, which touch no network: parse the connection string, find the alias the
client would use (seed 002's "alias with the server's name and a port"), and the protocol order
with its fallback rule (seed 004)."""

from __future__ import annotations

from ..client import sni
from ..client.config import PROTOCOL_KEYWORDS, ConfigError, load_config
from ..client.connstr import ConnectionStringError, parse_connection_string
from ..client.resolve import plan
from ..client.session import LoginOptions
from .context import Context
from .report import FAILED, OK, WARNING, Diagnosis, Outcome


def parse(ctx: Context) -> Outcome:
    try:
        settings = parse_connection_string(ctx.text)
    except ConnectionStringError as error:
        return Outcome(
            FAILED,
            str(error),
            {"error": str(error)},
            Diagnosis(
                "invalid_connection_string",
                f"The client rejects the connection string before trying any server: {error}",
                "Correct the connection string. It is 'keyword=value' pairs separated by ';' (a value holding ';' "
                "goes in {braces} or double quotes), e.g. Server=tcp:host,1433;User ID=app;Password={...}",
            ),
        )
    ctx.settings = settings
    target = settings.server
    facts = {
        "server": target.text,
        "host": target.host,
        "instance": target.instance,
        "port": target.port,
        "protocol": target.protocol.value if target.protocol else None,
        "dac": target.dac,
        "pipe": target.pipe_path,
        "network_library": settings.network_library.value if settings.network_library else None,
        "user": settings.user_id,
        "password_given": settings.password is not None,
        "integrated_security": settings.integrated_security,
        "database": settings.database,
        "encrypt": settings.encrypt.value,
        "trust_server_certificate": settings.trust_server_certificate,
        "host_name_in_certificate": settings.host_name_in_certificate,
        "server_certificate": settings.server_certificate,
        "connect_timeout": settings.connect_timeout,
        "multi_subnet_failover": settings.multi_subnet_failover,
        "ip_address_preference": settings.ip_address_preference.value,
    }
    who = f"user {settings.user_id}" if settings.user_id else "no user"
    detail = f"server {target.text!r}, {who}, database {settings.database or '(the login default)'}"
    return Outcome(OK, f"{detail}, Encrypt={settings.encrypt.value}", facts)


def alias(ctx: Context) -> Outcome:
    assert ctx.settings is not None
    try:
        config = load_config()
    except ConfigError as error:
        return Outcome(
            FAILED,
            str(error),
            {"error": str(error)},
            Diagnosis(
                "client_config_invalid",
                f"The client configuration cannot be read, so no connection is attempted: {error}",
                "Fix or remove that file (`tdsnet config client path` lists the files read; TDSNET_CLIENT_CONFIG "
                "points at another one).",
            ),
        )
    ctx.config = config
    ctx.plan = plan(ctx.settings, config, sni.is_local_name)
    options = LoginOptions.from_settings(ctx.settings, config.force_encryption, config.trust_server_certificate)
    ctx.options = options
    sources = [str(p) for p in config.sources]
    found = ctx.plan.alias
    if found is None:
        target = ctx.settings.server
        detail = f"no alias named {target.text!r}"
        if target.protocol is not None or target.dac:
            detail = "no alias applies: the server name carries a protocol, port or pipe"
            named = config.alias(target.host)
            if named is not None:
                detail += f" (alias {named.name!r} exists, and the name as written bypasses it)"
        return Outcome(OK, detail, {"alias": None, "config_files": sources})
    facts = {
        "alias": found.name,
        "value": found.value,
        "protocol": found.protocol.value,
        "server": found.server,
        "port": found.port,
        "config_files": sources,
    }
    pinned = f"port {found.port}" if found.port else "no port"
    detail = (
        f"alias {found.name!r} = {found.value} ({found.protocol.title}, {pinned}) from {', '.join(sources) or '?'}: "
        "it replaces the server name, and no other protocol is tried"
    )
    return Outcome(OK, detail, facts)


def protocol_order(ctx: Context) -> Outcome:
    assert ctx.plan is not None and ctx.config is not None
    steps = [s.describe() for s in ctx.plan.steps]
    order = [PROTOCOL_KEYWORDS[p] for p in ctx.config.protocol_order]
    facts = {"steps": steps, "fallback": ctx.plan.fallback, "reason": ctx.plan.reason, "protocol_order": order}
    how = "falls back to the next on failure" if ctx.plan.fallback else "no fallback"
    verdict = OK
    detail = f"{' then '.join(steps)} ({ctx.plan.reason}; {how})"
    if ctx.settings is not None and ctx.settings.failover_partner is not None:
        verdict = WARNING
        detail += "; the Failover Partner is not diagnosed"
    return Outcome(verdict, detail, facts)
