"""T-SQL for endpoints and server permissions, and the catalog views that show them.

    CREATE ENDPOINT name [AUTHORIZATION login] [STATE = STARTED | STOPPED | DISABLED]
        AS TCP (LISTENER_PORT = n [, LISTENER_IP = ALL | (a.b.c.d) | ('ipv6')])
        FOR TSQL () | SERVICE_BROKER (...) | DATABASE_MIRRORING (...)
    ALTER ENDPOINT name [STATE = ...] [AS TCP (...)] [FOR ... (...)]
    DROP ENDPOINT name
    ALTER AUTHORIZATION ON ENDPOINT::name TO login
    GRANT | DENY | REVOKE permission [, ...] [ON ENDPOINT::name] TO | FROM principal [, ...]
        [WITH GRANT OPTION] [CASCADE]

Messages are SQL Server's where it has one (7862, 7873, 7860, 7863, 7864, 7871, 7874, 7878,
7890, 7891, 15151, 15247, 4621, 574); the few cases SQL Server documents no message for
(a duplicate endpoint name, disabling a system endpoint) use the nearest of them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .. import sqltypes
from ..engine import EngineSession, SqlError
from ..engine import errors as engine_errors
from ..engine.results import Message, Result, StatementDone
from ..engine.system import ServerStatement, SystemView, columns
from . import endpoints as ep
from . import permissions as perms
from .logins import PUBLIC_ID
from .statements import Words

if TYPE_CHECKING:
    import sqlite3

    from .instance import Instance

INT, TINYINT, BIT, SYSNAME = sqltypes.INT, sqltypes.TINYINT, sqltypes.BIT, sqltypes.SYSNAME
NV60 = sqltypes.nvarchar(60)
_STATES = {"STARTED": ep.STARTED, "STOPPED": ep.STOPPED, "DISABLED": ep.DISABLED}
_PAYLOADS = {"TSQL": ep.TSQL, "SERVICE_BROKER": ep.SERVICE_BROKER, "DATABASE_MIRRORING": ep.DATABASE_MIRRORING}
_PAYLOAD_OPTIONS = {
    ep.TSQL: {"ENCRYPTION"},
    ep.SERVICE_BROKER: {"AUTHENTICATION", "ENCRYPTION", "MESSAGE_FORWARDING", "MESSAGE_FORWARD_SIZE"},
    ep.DATABASE_MIRRORING: {"AUTHENTICATION", "ENCRYPTION", "ROLE"},
}


def register(instance: Instance) -> None:
    registry = instance.engine.registry
    for view in _views(instance):
        registry.view(view)
    handlers = Handlers(instance)
    for name, matches, handler in (
        ("CREATE ENDPOINT", lambda w: w[:2] == ["CREATE", "ENDPOINT"], handlers.create),
        ("ALTER ENDPOINT", lambda w: w[:2] == ["ALTER", "ENDPOINT"], handlers.alter),
        ("DROP ENDPOINT", lambda w: w[:2] == ["DROP", "ENDPOINT"], handlers.drop),
        ("ALTER AUTHORIZATION", _is_endpoint_authorization, handlers.authorization),
        ("GRANT/DENY/REVOKE", _is_server_permission_statement, handlers.permission),
    ):
        registry.statement(ServerStatement(name, matches, handler))


def _is_endpoint_authorization(words: Sequence[str]) -> bool:
    return list(words[:4]) == ["ALTER", "AUTHORIZATION", "ON", "ENDPOINT"]


def _is_server_permission_statement(words: Sequence[str]) -> bool:
    """GRANT ... ON ENDPOINT::x, or GRANT of server permissions (no ON clause)."""
    if not words or words[0] not in ("GRANT", "DENY", "REVOKE"):
        return False
    if "ON" in words:
        at = words.index("ON")
        return at + 1 < len(words) and words[at + 1] == "ENDPOINT"
    text = " ".join(w for w in words[1:] if w not in (",",))
    return any(name in text for name in perms.SERVER_PERMISSIONS)


# --- parsed statements -----------------------------------------------------------------------------


@dataclass(slots=True)
class EndpointSpec:
    """What a CREATE/ALTER ENDPOINT statement says (None: not said)."""

    name: str
    authorization: str | None = None
    state: int | None = None
    transport: str | None = None
    port: int | None = None
    ip: str | None = None
    ip_given: bool = False
    payload: int | None = None
    options: dict[str, str] = field(default_factory=dict)


def parse_endpoint(text: str, verb: str) -> EndpointSpec:
    words = Words(text)
    words.expect(verb)
    words.expect("ENDPOINT")
    spec = EndpointSpec(words.identifier())
    if words.accept("AUTHORIZATION"):
        spec.authorization = words.identifier()
    if words.accept("STATE"):
        words.expect("=")
        state = words.word().upper()
        if state not in _STATES:
            raise engine_errors.syntax_error(state, words.line())
        spec.state = _STATES[state]
    if words.accept("AS"):
        spec.transport = words.word().upper()
        if spec.transport == "HTTP":
            raise _not_supported(verb)
        if spec.transport != "TCP":
            raise engine_errors.syntax_error(spec.transport, words.line())
        _tcp_arguments(words, spec)
    if words.accept("FOR"):
        payload = words.word().upper()
        if payload == "SOAP":
            raise _not_supported(verb)
        if payload not in _PAYLOADS:
            raise engine_errors.syntax_error(payload, words.line())
        spec.payload = _PAYLOADS[payload]
        spec.options = _payload_arguments(words, spec.payload)
    words.end()
    return spec


def _not_supported(verb: str) -> SqlError:
    return SqlError(7878, 16, 1, f'This "{verb} ENDPOINT" statement is not supported on this edition of SQL Server.')


def _tcp_arguments(words: Words, spec: EndpointSpec) -> None:
    words.expect("(")
    while not words.accept(")"):
        key = words.word().upper()
        words.expect("=")
        if key == "LISTENER_PORT":
            spec.port = words.number()
            if not 1 <= spec.port <= 65535:
                raise SqlError(
                    7810, 15, 1, f"The value '{spec.port}' is not within range for the 'LISTENER_PORT' parameter."
                )
        elif key == "LISTENER_IP":
            spec.ip_given = True
            spec.ip = None if words.accept("ALL") else _listener_ip(words.raw_parenthesized())
        else:
            raise SqlError(7871, 16, 1, f'The clause "{key}" is not valid for this endpoint type.')
        words.accept(",")


def _listener_ip(text: str) -> str:
    candidate = text.strip().strip("'\"")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        raise SqlError(
            7888,
            16,
            1,
            "The IPv6 address specified is not supported. The server may not be configured to allow for IPv6 "
            "connectivity, or the address may not be in a recognized IPv6 format."
            if ":" in candidate
            else f"The value '{candidate}' is not a valid IPv4 address for the 'LISTENER_IP' parameter.",
        ) from None


def _payload_arguments(words: Words, payload: int) -> dict[str, str]:
    options: dict[str, str] = {}
    words.expect("(")
    while not words.accept(")"):
        key = words.word().upper()
        if key not in _PAYLOAD_OPTIONS[payload]:
            raise SqlError(7871, 16, 1, f'The clause "{key}" is not valid for this endpoint type.')
        words.expect("=")
        value = [words.word()]
        while words.peek() not in (",", ")", ""):
            value.append(words.word())
        options[key] = " ".join(value).upper() if key != "AUTHENTICATION" else " ".join(value)
        words.accept(",")
    if payload == ep.DATABASE_MIRRORING and "ROLE" not in options:
        raise SqlError(7801, 15, 1, "The required parameter ROLE was not specified.")
    return options


# --- statement handlers ----------------------------------------------------------------------------


class Handlers:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance

    @property
    def catalog(self) -> ep.EndpointCatalog:
        return self.instance.endpoints

    def _who(self, session: EngineSession) -> perms.Principals:
        return self.instance.principals(session.info.principal_id)

    def _endpoint(self, name: str, verb: str = "find") -> ep.EndpointDef:
        found = self.catalog.find(name)
        if found is None:
            raise SqlError(
                15151,
                16,
                1,
                f"Cannot {verb} the endpoint '{name}', because it does not exist or you do not have permission.",
            )
        return found

    def _login_id(self, name: str) -> int:
        if name.lower() == "public":
            return PUBLIC_ID
        row = self.instance.logins.find_principal(name)
        if row is None:
            raise SqlError(
                15151,
                16,
                1,
                f"Cannot find the login '{name}', because it does not exist or you do not have permission.",
            )
        return row

    @staticmethod
    def _outside_transaction(session: EngineSession, statement: str) -> None:
        if session.trancount:
            raise SqlError(574, 16, 0, f"{statement} statement not allowed within multi-statement transaction.")

    def _changed(self) -> None:
        self.instance.endpoints_changed()

    # CREATE ENDPOINT

    def create(self, session: EngineSession, text: str) -> Iterator[Result]:
        spec = parse_endpoint(text, "CREATE")
        self._outside_transaction(session, "CREATE ENDPOINT")
        who = self._who(session)
        if not self.catalog.grants.server(who, "CREATE ENDPOINT"):
            raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")
        if spec.transport is None or spec.payload is None:
            raise engine_errors.syntax_error("", 1)
        if spec.port is None:
            raise SqlError(7801, 15, 1, "The required parameter LISTENER_PORT was not specified.")
        if self.catalog.find(spec.name) is not None:
            raise engine_errors.object_exists(spec.name)
        owner = self._login_id(spec.authorization) if spec.authorization else session.info.principal_id
        endpoint = ep.EndpointDef(
            self.catalog.next_id(),
            spec.name,
            owner,
            ep.TCP,
            spec.payload,
            ep.STOPPED if spec.state is None else spec.state,
            port=spec.port,
            ip_address=spec.ip,
            options=spec.options,
        )
        self._check_bindings(endpoint)
        revoke_default = endpoint.type == ep.TSQL
        self.catalog.change(lambda con: self._create(con, endpoint, revoke_default))
        if revoke_default:
            default = ep.SYSTEM_ENDPOINTS[ep.DEFAULT_TCP - 1].name
            yield Message(
                7891,
                10,
                1,
                f"Creation of a TSQL endpoint will result in the revocation of any 'Public' connect permissions on "
                f"the '{default}' endpoint. If 'Public' access is desired on this endpoint, reapply this permission "
                f"using 'GRANT CONNECT ON ENDPOINT::[{default}] to [public]'.",
            )
        yield from self._apply(endpoint)

    @staticmethod
    def _create(con: sqlite3.Connection, endpoint: ep.EndpointDef, revoke_default: bool) -> None:
        ep.save(con, endpoint)
        if revoke_default:  # seed 001: a new TCP endpoint revokes what was granted on TSQL Default TCP
            perms.revoke_all(con, perms.ENDPOINT, ep.DEFAULT_TCP)

    def _check_bindings(self, endpoint: ep.EndpointDef) -> None:
        for other in self.catalog.endpoints:
            if other.endpoint_id == endpoint.endpoint_id or other.is_system:
                continue
            if endpoint.owns_listener and other.type == endpoint.type:
                raise SqlError(
                    7862,
                    16,
                    1,
                    "An endpoint of the requested type already exists. Only one endpoint of this type is supported. "
                    "Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.",
                )
            if other.port == endpoint.port and other.ip_address == endpoint.ip_address:
                raise SqlError(
                    7874,
                    16,
                    1,
                    "An endpoint already exists with the bindings specified. Only one endpoint supported for a "
                    "specific binding. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE "
                    "ENDPOINT statement.",
                )

    def _apply(self, endpoint: ep.EndpointDef) -> Iterator[Result]:
        """Open or close listeners now; a broker/mirroring port that cannot be opened is 7890."""
        self._changed()
        network = self.instance.network
        transport = network.transports.get(endpoint.endpoint_id) if network else None
        if transport is not None and transport.failed:
            # The endpoint stays in the catalog (as in SQL Server, it is established in metadata).
            raise SqlError(
                7890,
                16,
                1,
                f"An error occurred while attempting to register the endpoint '{endpoint.name}'. One or more of the "
                "ports specified in the CREATE ENDPOINT statement may be bound to another process. Attempt the "
                "statement again with a different port or use netstat to find the application currently using the "
                "port and resolve the conflict.",
            )
        yield StatementDone("")

    # ALTER ENDPOINT

    def alter(self, session: EngineSession, text: str) -> Iterator[Result]:
        spec = parse_endpoint(text, "ALTER")
        self._outside_transaction(session, "ALTER ENDPOINT")
        current = self._endpoint(spec.name)
        who = self._who(session)
        if not self.catalog.grants.endpoint(who, current.endpoint_id, current.principal_id, "ALTER"):
            raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")
        updated = self._altered(current, spec)
        if updated == current and updated.options == current.options and spec.authorization is None:
            raise SqlError(
                7863,
                16,
                1,
                "The endpoint was not changed. The ALTER ENDPOINT statement did not contain any values to modify or "
                "update.",
            )
        self._check_bindings(updated)
        self.catalog.change(lambda con: ep.save(con, updated))
        yield from self._apply(updated)

    def _altered(self, current: ep.EndpointDef, spec: EndpointSpec) -> ep.EndpointDef:
        if current.is_admin_endpoint:
            raise SqlError(
                7864,
                16,
                1,
                "CREATE/ALTER ENDPOINT cannot be used to update the endpoint with this information. The Dedicated "
                "Administrator Connection endpoint is reserved and cannot be updated.",
            )
        if (spec.transport and spec.transport != "TCP") or (spec.payload is not None and spec.payload != current.type):
            raise SqlError(
                7860,
                15,
                1,
                "An endpoint's transport or content cannot be changed through the ALTER ENDPOINT statement. Use DROP "
                "ENDPOINT and execute the CREATE ENDPOINT statement to make these changes.",
            )
        # Seed 001: only the owner and the state of a system endpoint may change, and it cannot be disabled.
        if current.is_system and (spec.transport or spec.payload is not None or spec.state == ep.DISABLED):
            clause = "STATE = DISABLED" if spec.state == ep.DISABLED else ("AS TCP" if spec.transport else "FOR")
            raise SqlError(7871, 16, 1, f'The clause "{clause}" is not valid for this endpoint type.')
        updated = current
        if spec.state is not None:
            updated = replace(updated, state=spec.state)
        if spec.port is not None:
            updated = replace(updated, port=spec.port)
        if spec.ip_given:
            updated = replace(updated, ip_address=spec.ip)
        if spec.options:
            updated = replace(updated, options={**current.options, **spec.options})
        if spec.authorization is not None:
            updated = replace(updated, principal_id=self._login_id(spec.authorization))
        return updated

    # DROP ENDPOINT

    def drop(self, session: EngineSession, text: str) -> Iterator[Result]:
        words = Words(text)
        words.expect("DROP")
        words.expect("ENDPOINT")
        name = words.identifier()
        words.end()
        self._outside_transaction(session, "DROP ENDPOINT")
        endpoint = self._endpoint(name, "drop")
        if endpoint.is_system:
            raise SqlError(
                7873,
                16,
                1,
                f'The endpoint "{endpoint.name}" is a built-in endpoint and cannot be dropped. Use the protocol '
                "configuration utilities to ADD or DROP Transact-SQL endpoints.",
            )
        who = self._who(session)
        if not self.catalog.grants.endpoint(who, endpoint.endpoint_id, endpoint.principal_id, "CONTROL"):
            raise SqlError(
                15151,
                16,
                1,
                f"Cannot drop the endpoint '{name}', because it does not exist or you do not have permission.",
            )
        self.catalog.change(lambda con: ep.delete(con, endpoint.endpoint_id))
        self._changed()
        yield StatementDone("")

    # ALTER AUTHORIZATION ON ENDPOINT::x TO login

    def authorization(self, session: EngineSession, text: str) -> Iterator[Result]:
        words = Words(text)
        for word in ("ALTER", "AUTHORIZATION", "ON", "ENDPOINT", "::"):
            words.expect(word)
        name = words.identifier()
        words.expect("TO")
        new_owner = words.identifier()
        words.end()
        endpoint = self._endpoint(name)
        who = self._who(session)
        if not self.catalog.grants.endpoint(who, endpoint.endpoint_id, endpoint.principal_id, "TAKE OWNERSHIP"):
            raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")
        owner = self._login_id(new_owner)

        def transfer(con: sqlite3.Connection) -> None:
            # A new owner of a server-level securable starts with no permissions granted on it.
            if owner != endpoint.principal_id:
                perms.revoke_all(con, perms.ENDPOINT, endpoint.endpoint_id)
            ep.save(con, replace(endpoint, principal_id=owner))

        self.catalog.change(transfer)
        yield StatementDone("")

    # GRANT / DENY / REVOKE

    def permission(self, session: EngineSession, text: str) -> Iterator[Result]:
        statement = parse_permission(text)
        if session.database.lower() != "master":
            raise SqlError(
                4621, 16, 1, "Permissions at the server scope can only be granted when the current database is master"
            )
        endpoint = self._endpoint(statement.endpoint) if statement.endpoint is not None else None
        class_, major = (perms.ENDPOINT, endpoint.endpoint_id) if endpoint else (perms.SERVER, 0)
        owner = endpoint.principal_id if endpoint else None
        who = self._who(session)
        grantees = [self._login_id(name) for name in statement.grantees]
        for name in statement.permissions:
            if not self.catalog.grants.can_grant(who, class_, major, owner, name):
                raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")
        self.catalog.change(lambda con: _write_permissions(con, statement, class_, major, grantees, who.login_id))
        network = self.instance.network
        if endpoint is not None and network is not None and network.tied_to_dynamic_port(endpoint):
            self.instance.errorlog.write(
                f"Warning: custom permissions were set on endpoint '{endpoint.name}', whose port {endpoint.port} is a "
                "dynamic port of this instance. If the port changes at a restart, these permissions no longer apply "
                "to connections. Configure a static TcpPort for that port."
            )
        yield StatementDone("")


@dataclass(slots=True)
class PermissionStatement:
    action: str  # GRANT, DENY, REVOKE
    permissions: list[str]
    endpoint: str | None
    grantees: list[str]
    with_grant_option: bool = False
    grant_option_for: bool = False
    cascade: bool = False


def parse_permission(text: str) -> PermissionStatement:
    words = Words(text)
    action = words.word().upper()
    grant_option_for = action == "REVOKE" and words.accept("GRANT")
    if grant_option_for:
        words.expect("OPTION")
        words.expect("FOR")
    names: list[str] = []
    current: list[str] = []
    while words.peek() not in ("ON", "TO", "FROM", ""):
        word = words.word().upper()
        if word == ",":
            names.append(" ".join(current))
            current = []
        else:
            current.append(word)
    names.append(" ".join(current))
    endpoint = None
    if words.accept("ON"):
        words.expect("ENDPOINT")
        words.expect("::")
        endpoint = words.identifier()
    known = perms.ENDPOINT_PERMISSIONS if endpoint is not None else perms.SERVER_PERMISSIONS
    for name in names:
        if name not in known:
            raise engine_errors.syntax_error(name.split(" ")[0] if name else "", words.line())
    if not (words.accept("TO") or (action == "REVOKE" and words.accept("FROM"))):
        raise engine_errors.syntax_error(words.peek(), words.line())
    grantees = [words.identifier()]
    while words.accept(","):
        grantees.append(words.identifier())
    statement = PermissionStatement(action, names, endpoint, grantees, grant_option_for=grant_option_for)
    if action == "GRANT" and words.accept("WITH"):
        words.expect("GRANT")
        words.expect("OPTION")
        statement.with_grant_option = True
    statement.cascade = words.accept("CASCADE")
    if words.accept("AS"):
        words.identifier()  # AS grantor: the grantor is recorded as the caller
    words.end()
    return statement


def _write_permissions(
    con: sqlite3.Connection, statement: PermissionStatement, class_: int, major: int, grantees: list[int], grantor: int
) -> None:
    for grantee in grantees:
        for name in statement.permissions:
            if statement.action == "REVOKE":
                perms.revoke(con, class_, major, grantee, name, statement.grant_option_for)
                if statement.cascade:
                    perms.revoke_granted_by(con, class_, major, grantee, name)
                continue
            state = perms.DENY if statement.action == "DENY" else perms.GRANT
            if statement.with_grant_option:
                state = perms.GRANT_WITH_GRANT_OPTION
            code = perms.type_code(class_, name)
            perms.grant(con, perms.Permission(class_, major, grantee, grantor, code, name, state))
            if statement.action == "DENY" and statement.cascade:
                perms.revoke_granted_by(con, class_, major, grantee, name)


# --- catalog views ---------------------------------------------------------------------------------

ENDPOINT_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("endpoint_id", INT, False),
    ("principal_id", INT),
    ("protocol", TINYINT, False),
    ("protocol_desc", NV60),
    ("type", TINYINT, False),
    ("type_desc", NV60),
    ("state", TINYINT),
    ("state_desc", NV60),
    ("is_admin_endpoint", BIT, False),
)
TCP_COLUMNS = ENDPOINT_COLUMNS + columns(
    ("port", INT, False), ("is_dynamic_port", BIT, False), ("ip_address", sqltypes.nvarchar(45))
)
AUTH_COLUMNS = columns(
    ("connection_auth", TINYINT, False),
    ("connection_auth_desc", NV60),
    ("certificate_id", INT, False),
    ("encryption_algorithm", TINYINT, False),
    ("encryption_algorithm_desc", NV60),
)
BROKER_COLUMNS = (
    ENDPOINT_COLUMNS
    + columns(("is_message_forwarding_enabled", BIT, False), ("message_forwarding_size", INT, False))
    + AUTH_COLUMNS
)
MIRRORING_COLUMNS = (
    ENDPOINT_COLUMNS
    + columns(("role", TINYINT), ("role_desc", NV60), ("is_encryption_enabled", BIT, False))
    + AUTH_COLUMNS
)
PERMISSION_COLUMNS = columns(
    ("class", TINYINT, False),
    ("class_desc", NV60),
    ("major_id", INT, False),
    ("minor_id", INT, False),
    ("grantee_principal_id", INT, False),
    ("grantor_principal_id", INT, False),
    ("type", sqltypes.SqlType("char", length=4), False),
    ("permission_name", sqltypes.nvarchar(128)),
    ("state", sqltypes.SqlType("char", length=1), False),
    ("state_desc", NV60),
)


def _views(instance: Instance) -> list[SystemView]:
    def visible(session: EngineSession) -> list[ep.EndpointDef]:
        return _visible_endpoints(instance, session)

    return [
        SystemView("sys.endpoints", ENDPOINT_COLUMNS, lambda s: (_endpoint_row(e) for e in visible(s))),
        SystemView(
            "sys.tcp_endpoints",
            TCP_COLUMNS,
            lambda s: (_endpoint_row(e) + _tcp_row(e) for e in visible(s) if e.protocol == ep.TCP),
        ),
        SystemView(
            "sys.service_broker_endpoints",
            BROKER_COLUMNS,
            lambda s: (_broker_row(e) for e in visible(s) if e.type == ep.SERVICE_BROKER),
        ),
        SystemView(
            "sys.database_mirroring_endpoints",
            MIRRORING_COLUMNS,
            lambda s: (_mirroring_row(e) for e in visible(s) if e.type == ep.DATABASE_MIRRORING),
        ),
        SystemView("sys.server_permissions", PERMISSION_COLUMNS, lambda s: _permission_rows(instance)),
    ]


def _visible_endpoints(instance: Instance, session: EngineSession) -> list[ep.EndpointDef]:
    """Metadata visibility: what one owns or holds a permission on (everything for sysadmin)."""
    who = instance.principals(session.info.principal_id)
    grants = instance.endpoints.grants
    everything = grants.server(who, "VIEW ANY DEFINITION")
    return [
        e
        for e in instance.endpoints.endpoints
        if everything
        or e.principal_id in who.ids
        or any(r.grantee in who.ids and r.state != perms.DENY for r in grants.on(perms.ENDPOINT, e.endpoint_id))
    ]


def _endpoint_row(e: ep.EndpointDef) -> tuple[Any, ...]:
    return (
        e.name,
        e.endpoint_id,
        e.principal_id,
        e.protocol,
        ep.PROTOCOL_DESC[e.protocol],
        e.type,
        ep.TYPE_DESC[e.type],
        e.state,
        ep.STATE_DESC[e.state],
        e.is_admin_endpoint,
    )


def _tcp_row(e: ep.EndpointDef) -> tuple[Any, ...]:
    # Like SQL Server's, this shows the endpoint's rule, not the ports the instance listens on:
    # the system endpoints match any port (port 0, dynamic).
    return (e.port, e.is_system, e.ip_address)


_AUTH_CODES = {
    "NTLM": 1,
    "KERBEROS": 2,
    "NEGOTIATE": 3,
    "CERTIFICATE": 4,
    "NTLM, CERTIFICATE": 5,
    "KERBEROS, CERTIFICATE": 6,
    "NEGOTIATE, CERTIFICATE": 7,
    "CERTIFICATE, NTLM": 8,
    "CERTIFICATE, KERBEROS": 9,
    "CERTIFICATE, NEGOTIATE": 10,
}
_ALGORITHM_CODES = {
    "NONE": 0,
    "RC4": 1,
    "AES": 2,
    "NONE, RC4": 3,
    "NONE, AES": 4,
    "RC4, AES": 5,
    "AES, RC4": 6,
    "NONE, RC4, AES": 7,
    "NONE, AES, RC4": 8,
}


def _auth(options: dict[str, str]) -> tuple[Any, ...]:
    """AUTHENTICATION = WINDOWS [NTLM|KERBEROS|NEGOTIATE] [CERTIFICATE c] and ENCRYPTION as the views code them."""
    words = options.get("AUTHENTICATION", "WINDOWS").upper().split()
    parts: list[str] = []
    for index, word in enumerate(words):
        if word == "WINDOWS":
            following = words[index + 1] if index + 1 < len(words) else ""
            parts.append(following if following in ("NTLM", "KERBEROS", "NEGOTIATE") else "NEGOTIATE")
        elif word == "CERTIFICATE":
            parts.append("CERTIFICATE")
    auth = ", ".join(parts) or "NEGOTIATE"
    encryption = options.get("ENCRYPTION", "REQUIRED").split()
    algorithms = [w for w in encryption[2:] if w in ("AES", "RC4")] or ["AES"]
    if encryption[0] == "DISABLED":
        algorithm = "NONE"
    elif encryption[0] == "SUPPORTED":
        algorithm = ", ".join(["NONE", *algorithms])
    else:
        algorithm = ", ".join(algorithms)
    return (_AUTH_CODES.get(auth, 3), auth, 0, _ALGORITHM_CODES.get(algorithm, 2), algorithm)


def _broker_row(e: ep.EndpointDef) -> tuple[Any, ...]:
    forwarding = e.options.get("MESSAGE_FORWARDING", "DISABLED") == "ENABLED"
    size = int(e.options.get("MESSAGE_FORWARD_SIZE", "10"))
    return (*_endpoint_row(e), forwarding, size, *_auth(e.options))


_ROLES = {"NONE": 0, "PARTNER": 1, "WITNESS": 2, "ALL": 3}


def _mirroring_row(e: ep.EndpointDef) -> tuple[Any, ...]:
    role = e.options.get("ROLE", "ALL")
    encrypted = e.options.get("ENCRYPTION", "REQUIRED").split()[0] != "DISABLED"
    return (*_endpoint_row(e), _ROLES.get(role, 3), role, encrypted, *_auth(e.options))


def _permission_rows(instance: Instance) -> Iterator[tuple[Any, ...]]:
    for row in instance.endpoints.grants.rows:
        yield (
            row.class_,
            perms.CLASS_DESC.get(row.class_, ""),
            row.major_id,
            0,
            row.grantee,
            row.grantor,
            row.type.ljust(4),
            row.name,
            row.state,
            perms.STATE_DESC[row.state],
        )
