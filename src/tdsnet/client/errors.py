"""The driver's exceptions: DB-API 2.0's hierarchy, carrying what SqlClient's SqlException carries.

Every error is data: ``number`` (SqlException.Number: the server's error number, the native
network error such as 10061, -1 for "Error Locating Server/Instance Specified", -2 for a timeout),
``state``, ``class_`` (the severity), ``provider`` and ``sni_error`` for network failures (the
"(provider: TCP Provider, error: 0 - ...)" part of SqlClient's text), ``native_error`` (the
operating system's code, in Windows' numbering because that is what people search for), and
``attempts``: every protocol tried on the way, for diagnosis, though only the last one's error is
the message (seed 004: fallback is transparent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NETWORK_RELATED = (
    "A network-related or instance-specific error occurred while establishing a connection to SQL Server. "
    "The server was not found or was not accessible. Verify that the instance name is correct and that "
    "SQL Server is configured to allow remote connections."
)
ESTABLISHED_THEN_PRELOGIN = (
    "A connection was successfully established with the server, but then an error occurred during the "
    "pre-login handshake."
)
ESTABLISHED_THEN_LOGIN = (
    "A connection was successfully established with the server, but then an error occurred during the login process."
)

# Providers, as SNI names them in the message.
TCP_PROVIDER = "TCP Provider"
NAMED_PIPES_PROVIDER = "Named Pipes Provider"
SHARED_MEMORY_PROVIDER = "Shared Memory Provider"
SNI_PROVIDER = "SQL Network Interfaces"
SSL_PROVIDER = "SSL Provider"

# SNI's own error numbers (the "error: N" in the message; 0 means "the native error's text follows").
SNI_NATIVE = 0
SNI_INVALID_CONNECTION_STRING = 25
SNI_LOCATING_INSTANCE = 26
SNI_PROTOCOL_NOT_SUPPORTED = 28
SNI_COULD_NOT_OPEN = 40
SNI_REMOTE_SHARED_MEMORY = 41
SNI_DAC_PORT = 43

SNI_TEXTS = {
    SNI_INVALID_CONNECTION_STRING: "Connection string is not valid",
    SNI_LOCATING_INSTANCE: "Error Locating Server/Instance Specified",
    SNI_PROTOCOL_NOT_SUPPORTED: "Server doesn't support requested protocol",
    SNI_COULD_NOT_OPEN: "Could not open a connection to SQL Server",
    SNI_REMOTE_SHARED_MEMORY: "Cannot open a Shared Memory connection to a remote SQL server",
    SNI_DAC_PORT: (
        "An error occurred while obtaining the dedicated administrator connection (DAC) port. Make sure that "
        "SQL Browser is running, or check the error log for the port number"
    ),
}

# Native (Windows) errors and their texts: what SqlClient shows after "error: 0 - ".
WSAECONNREFUSED = 10061
WSAECONNRESET = 10054
WSAETIMEDOUT = 10060
WSAHOST_NOT_FOUND = 11001
WSAENETUNREACH = 10051
WSAEHOSTUNREACH = 10065
WAIT_TIMEOUT = 258
ERROR_FILE_NOT_FOUND = 2
ERROR_BAD_NETPATH = 53
ERROR_PIPE_NOT_CONNECTED = 233
SEC_E_UNTRUSTED_ROOT = -2146893019
SEC_E_WRONG_PRINCIPAL = -2146893022
SEC_E_INTERNAL_ERROR = -2146893052

NATIVE_TEXTS = {
    WSAECONNREFUSED: "No connection could be made because the target machine actively refused it.",
    WSAECONNRESET: "An existing connection was forcibly closed by the remote host.",
    WSAETIMEDOUT: (
        "A connection attempt failed because the connected party did not properly respond after a period of "
        "time, or established connection failed because connected host has failed to respond."
    ),
    WSAHOST_NOT_FOUND: "No such host is known.",
    WSAENETUNREACH: "A socket operation was attempted to an unreachable network.",
    WSAEHOSTUNREACH: "A socket operation was attempted to an unreachable host.",
    WAIT_TIMEOUT: "The wait operation timed out.",
    ERROR_FILE_NOT_FOUND: "The system cannot find the file specified.",
    ERROR_BAD_NETPATH: "The network path was not found.",
    ERROR_PIPE_NOT_CONNECTED: "No process is on the other end of the pipe.",
    SEC_E_UNTRUSTED_ROOT: "The certificate chain was issued by an authority that is not trusted.",
    SEC_E_WRONG_PRINCIPAL: "The target principal name is incorrect.",
}

TIMEOUT_NUMBER = -2  # SqlClient's Number for every timeout
LOCATE_NUMBER = -1


# --- DB-API 2.0 ------------------------------------------------------------------------------------


class Warning(Exception):
    """Important warnings (DB-API 2.0)."""


class Error(Exception):
    """The base of every error the driver raises (DB-API 2.0)."""

    number: int = 0
    state: int = 0
    class_: int = 0
    provider: str | None = None
    sni_error: int | None = None
    native_error: int | None = None
    attempts: tuple[Attempt, ...] = ()
    messages: tuple[ServerMessage, ...] = ()

    def __init__(
        self,
        message: str,
        *,
        number: int = 0,
        state: int = 0,
        class_: int = 0,
        provider: str | None = None,
        sni_error: int | None = None,
        native_error: int | None = None,
        attempts: Sequence[Attempt] = (),
        messages: Sequence[ServerMessage] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.number = number
        self.state = state
        self.class_ = class_
        self.provider = provider
        self.sni_error = sni_error
        self.native_error = native_error
        self.attempts = tuple(attempts)
        self.messages = tuple(messages)

    @property
    def severity(self) -> int:
        return self.class_

    def with_attempts(self, attempts: Sequence[Attempt]) -> Error:
        self.attempts = tuple(attempts)
        return self


class InterfaceError(Error):
    """Misuse of the driver itself: a closed cursor, a bad parameter count."""


class DatabaseError(Error):
    """An error reported by or about the database."""


class DataError(DatabaseError):
    """A value the server could not process: overflow, truncation, a bad conversion."""


class OperationalError(DatabaseError):
    """The connection or the server's operation: network failures, timeouts, login failures, deadlocks."""


class IntegrityError(DatabaseError):
    """A constraint was violated."""


class InternalError(DatabaseError):
    """The server or the driver reached a state it should not."""


class ProgrammingError(DatabaseError):
    """The statement is wrong: syntax, a missing object, a permission."""


class NotSupportedError(DatabaseError):
    """A feature the driver or the server does not have."""


# --- the connection's own errors ---------------------------------------------------------------------


class NetworkError(OperationalError):
    """A transport-level failure (SNI): the server was not reached, or the connection broke."""


class ConnectionTimeout(NetworkError):
    """The connect timeout ran out (SqlClient's "Connection Timeout Expired")."""


class LoginFailed(OperationalError):
    """The server refused the login (18456, 4060, 18452, 17810...)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One protocol tried while connecting, and how it ended."""

    protocol: str  # "tcp", "np", "lpc"
    target: str  # tcp:127.0.0.1,1433 / np:\\.\pipe\sql\query / lpc:MSSQLSERVER
    error: str  # the message that attempt raised ("" if it succeeded)
    number: int = 0
    sni_error: int | None = None
    connected: bool = False  # the transport opened: no fallback after this

    def __str__(self) -> str:
        return f"{self.target}: {self.error or 'connected'}"


@dataclass(frozen=True, slots=True)
class ServerMessage:
    """An ERROR or INFO token as the driver hands it out (cursor.messages, Error.messages)."""

    number: int
    state: int
    class_: int
    text: str
    server: str = ""
    procedure: str = ""
    line: int = 0

    @property
    def severity(self) -> int:
        return self.class_

    def __str__(self) -> str:
        return self.text


def network_message(lead: str, provider: str, sni_error: int, native_error: int | None, detail: str = "") -> str:
    """SqlClient's text: the lead sentence, then '(provider: P, error: N - text)'."""
    if sni_error == SNI_NATIVE:
        text = detail or NATIVE_TEXTS.get(native_error or 0, "")
    else:
        text = SNI_TEXTS.get(sni_error, detail)
    return f"{lead} (provider: {provider}, error: {sni_error} - {text})"


def network_error(
    provider: str,
    sni_error: int,
    native_error: int | None,
    *,
    lead: str = NETWORK_RELATED,
    detail: str = "",
    number: int | None = None,
    cls: type[NetworkError] = NetworkError,
) -> NetworkError:
    """A network failure with SqlClient's text; Number is the native error unless SNI has its own."""
    if number is None:
        number = LOCATE_NUMBER if sni_error == SNI_LOCATING_INSTANCE else (native_error or 0)
    return cls(
        network_message(lead, provider, sni_error, native_error, detail),
        number=number,
        class_=20,
        provider=provider,
        sni_error=sni_error,
        native_error=native_error,
    )


# SqlClient's connection timeout texts, by the phase the clock ran out in.
TIMEOUT_PHASES = {
    "prelogin_begin": (
        "The timeout period elapsed at the start of the pre-login phase.  "
        "This could be because of insufficient time provided for connection timeout."
    ),
    "initialize": (
        "The timeout period elapsed while attempting to create and initialize a socket to the server.  "
        "This could be either because the server was unreachable or unable to respond back in time."
    ),
    "prelogin_handshake": (
        "The timeout period elapsed while attempting to consume the pre-login handshake acknowledgement.  "
        "This could be because the pre-login handshake failed or the server was unable to respond back in time."
    ),
    "login": (
        "The timeout period elapsed while attempting to authenticate the login.  "
        "This could be because the server failed to authenticate the user or the server was unable to respond "
        "back in time."
    ),
}


def connection_timeout(phase: str, durations: dict[str, int]) -> ConnectionTimeout:
    """'Connection Timeout Expired.  <phase>  The duration spent ... was - [Pre-Login] initialization=N; ...'."""
    spent = (
        f"[Pre-Login] initialization={durations.get('initialization', 0)}; handshake={durations.get('handshake', 0)}; "
    )
    if "login" in durations:
        spent += f"[Login] initialization=0; authentication={durations['login']}; "
    text = (
        f"Connection Timeout Expired.  {TIMEOUT_PHASES[phase]}  "
        f"The duration spent while attempting to connect to this server was - {spent}"
    )
    return ConnectionTimeout(
        text.rstrip(),
        number=TIMEOUT_NUMBER,
        class_=11,
        provider=None,
        sni_error=None,
        native_error=WAIT_TIMEOUT,
    )


# --- server errors to DB-API classes ------------------------------------------------------------------

_INTEGRITY = {515, 544, 547, 2601, 2627}  # NULL, identity insert, FK/CHECK, duplicate keys
_DATA = {220, 232, 241, 242, 243, 244, 245, 248, 293, 295, 296, 517, 8114, 8115, 8134, 8152, 2628, 9809}
_PROGRAMMING = {
    102,
    105,
    137,
    156,
    170,
    201,
    207,
    208,
    209,
    213,
    229,
    230,
    262,
    297,
    2705,
    2714,
    2812,
    4145,
    8144,
    8145,
}
_OPERATIONAL = {1205, 1222, 3960, 8501, 3902, 3903}
_NOT_SUPPORTED = {40517}
_LOGIN = {18456, 18452, 18470, 18486, 18487, 18488, 4060, 4064, 17809, 17810, 18401, 18451, 18458, 18459}


def class_for(number: int, class_: int) -> type[DatabaseError]:
    """The DB-API exception class for a server error number."""
    if number in _LOGIN:
        return LoginFailed
    if number in _INTEGRITY:
        return IntegrityError
    if number in _DATA:
        return DataError
    if number in _PROGRAMMING:
        return ProgrammingError
    if number in _NOT_SUPPORTED:
        return NotSupportedError
    if number in _OPERATIONAL or class_ >= 20:
        return OperationalError
    return DatabaseError


def server_error(errors: Sequence[ServerMessage], messages: Sequence[ServerMessage] = ()) -> DatabaseError:
    """One exception for a response's errors, as SqlClient builds SqlException: the first error's
    number, state and class, and every error's text on its own line."""
    first = errors[0]
    text = "\n".join(e.text for e in errors)
    return class_for(first.number, first.class_)(
        text, number=first.number, state=first.state, class_=first.class_, messages=[*messages, *errors]
    )


def as_message(token: Any) -> ServerMessage:
    """A codec ServerMessage token as the driver's ServerMessage."""
    return ServerMessage(
        token.number, token.state, token.severity, token.text, token.server, token.procedure, token.line
    )


__all__ = [
    "Attempt",
    "ConnectionTimeout",
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "LoginFailed",
    "NetworkError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "ServerMessage",
    "Warning",
    "class_for",
    "connection_timeout",
    "network_error",
    "server_error",
]
