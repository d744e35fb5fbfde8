"""SQL Server connection strings and server names, read the way SqlClient and the ODBC driver read them.

Pure and side-effect free: text in, frozen objects out, and `ConnectionStringError` (a ValueError)
for every problem. Nothing here resolves names, asks the SQL Server Browser or knows the local
computer's name; the connection layer does that with what this module returns.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from ..net.local import default_pipe

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_INSTANCE",
    "DEFAULT_PACKET_SIZE",
    "ApplicationIntent",
    "ConnectionSettings",
    "ConnectionStringError",
    "EncryptOption",
    "IPAddressPreference",
    "Protocol",
    "ServerTarget",
    "default_pipe_path",
    "parse_connection_string",
    "parse_server",
    "quote_value",
]


class ConnectionStringError(ValueError):
    """A connection string or server name that cannot be used, with the reason."""


class Protocol(enum.Enum):
    """A client protocol, valued by its server-name prefix."""

    TCP = "tcp"
    NAMED_PIPES = "np"
    SHARED_MEMORY = "lpc"

    @property
    def title(self) -> str:
        return _PROTOCOL_TITLES[self]


_PROTOCOL_TITLES = {
    Protocol.TCP: "TCP/IP",
    Protocol.NAMED_PIPES: "named pipes",
    Protocol.SHARED_MEMORY: "shared memory",
}


class EncryptOption(enum.Enum):
    """Encrypt=, normalized as SqlClient 5's SqlConnectionEncryptOption (STRICT is TDS 8.0: TLS first)."""

    OPTIONAL = "optional"
    MANDATORY = "mandatory"
    STRICT = "strict"


class IPAddressPreference(enum.Enum):
    """IPAddressPreference=: which address family a TCP connection tries first."""

    IPV4_FIRST = "IPv4First"
    IPV6_FIRST = "IPv6First"
    PLATFORM_DEFAULT = "UsePlatformDefault"


class ApplicationIntent(enum.Enum):
    """ApplicationIntent=, sent in LOGIN7 so an availability group can route read-only work."""

    READ_WRITE = "ReadWrite"
    READ_ONLY = "ReadOnly"


DEFAULT_INSTANCE = "MSSQLSERVER"  # the default instance's name; `host\MSSQLSERVER` means the default instance
DEFAULT_CONNECT_TIMEOUT = 15
DEFAULT_PACKET_SIZE = 8000  # SqlClient's default; ODBC asks for 4096
MIN_PACKET_SIZE = 512
MAX_PACKET_SIZE = 32767  # SQL Server's 'network packet size' maximum (SqlClient itself accepts 32768)
_MAX_NAME_LENGTH = 128  # LOGIN7 limits names to 128 characters; SqlClient checks them up front

_LOCAL_NAMES = frozenset({"(local)", ".", "localhost"})
_PREFIXES: dict[str, tuple[Protocol, bool]] = {
    "tcp": (Protocol.TCP, False),
    "np": (Protocol.NAMED_PIPES, False),
    "lpc": (Protocol.SHARED_MEMORY, False),
    "admin": (Protocol.TCP, True),  # the dedicated admin connection runs over TCP only
}
_DROPPED_PREFIXES = {"via": "VIA"}
_PIPE_INSTANCE_PREFIX = "MSSQL$"
_PORT_DIGITS = re.compile(r"[0-9]+")
# Characters no DNS, NetBIOS or instance name can hold; rejecting them early gives a clear error.
_BAD_HOST_CHARS = re.compile(r"[\s\x00-\x1f\x7f/\\,\[\]();\"'{}=<>|*?]")
_BAD_INSTANCE_CHARS = re.compile(r"[\s\x00-\x1f\x7f\\,:;'&#@/]")  # SQL Server's setup forbids these


def default_pipe_path(instance: str | None = None, host: str = ".") -> str:
    r"""The pipe an instance listens on, on `host`: net.local's rule (`\\.\pipe\sql\query`,
    `\\.\pipe\MSSQL$NAME\sql\query`) with the host put in."""
    local = default_pipe(instance or DEFAULT_INSTANCE)
    return "\\\\" + host + local[3:]


@dataclass(frozen=True, slots=True)
class ServerTarget:
    r"""A parsed server name ("Server=", "Data Source=", `sqlcmd -S`).

    `protocol` is what the text decides, None when the client should follow its protocol order:
    a prefix (`tcp:`, `np:`, `lpc:`, `admin:` = TCP), a pipe path (named pipes) or a port (TCP).
    When both an instance and a port are written the port wins and the Browser is not asked;
    both are kept. `host` is as written ("(local)", "." stay), IPv6 without its brackets.
    """

    text: str
    host: str
    instance: str | None = None
    port: int | None = None
    protocol: Protocol | None = None
    dac: bool = False
    pipe_path: str | None = None
    is_local: bool = False

    @property
    def is_default_instance(self) -> bool:
        return self.instance is None or self.instance.upper() == DEFAULT_INSTANCE

    @property
    def needs_browser(self) -> bool:
        """Whether a TCP (or DAC) port must come from the SQL Server Browser: a named instance and no port."""
        if self.port is not None or self.protocol in (Protocol.NAMED_PIPES, Protocol.SHARED_MEMORY):
            return False
        return not self.is_default_instance

    @property
    def pipe_name(self) -> str | None:
        """The pipe to open if named pipes is tried; None when the text rules pipes out."""
        if self.pipe_path is not None:
            return self.pipe_path
        if self.protocol is not None:
            return None
        return default_pipe_path(self.instance, "." if self.is_local else self.host)


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """A parsed connection string with SqlClient's defaults; None means "not given"."""

    server: ServerTarget
    network_library: Protocol | None = None
    database: str | None = None
    user_id: str | None = None
    password: str | None = field(default=None, repr=False)
    integrated_security: bool = False  # parsed; the caller decides whether it can do SSPI
    encrypt: EncryptOption = EncryptOption.MANDATORY  # SqlClient 4+ and ODBC 18 encrypt by default
    trust_server_certificate: bool = False
    host_name_in_certificate: str | None = None
    server_certificate: str | None = None
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT  # seconds; 0 waits forever
    application_name: str | None = None
    workstation_id: str | None = None
    packet_size: int = DEFAULT_PACKET_SIZE
    multi_subnet_failover: bool = False
    application_intent: ApplicationIntent = ApplicationIntent.READ_WRITE
    failover_partner: ServerTarget | None = None
    driver: str | None = None  # ODBC's Driver=, kept for reference only
    # SqlClient keywords a connection string may carry; tdsnet keeps no pool, so the pool's are
    # checked and kept but change nothing.
    pooling: bool = True
    max_pool_size: int = 100
    min_pool_size: int = 0
    load_balance_timeout: int = 0
    enlist: bool = True
    persist_security_info: bool = False
    multiple_active_result_sets: bool = False  # parsed; the driver refuses MARS
    current_language: str | None = None
    command_timeout: int | None = None  # SqlClient 6's Command Timeout; None: the driver's default
    connect_retry_count: int = 1
    connect_retry_interval: int = 10
    transparent_network_ip_resolution: bool = True
    ip_address_preference: IPAddressPreference = IPAddressPreference.IPV4_FIRST
    type_system_version: str = "Latest"
    authentication: str | None = None  # SqlPassword, ActiveDirectory*: the driver decides what it supports
    user_instance: bool = False
    attach_db_filename: str | None = None
    replication: bool = False
    column_encryption: bool = False
    pool_blocking_period: str = "Auto"
    server_spn: str | None = None
    failover_partner_spn: str | None = None

    @property
    def protocol(self) -> Protocol | None:
        """The protocol to use, from Network Library= or the server name (they never disagree here)."""
        return self.network_library or self.server.protocol


# ---------------------------------------------------------------------------------------------
# Server names


def parse_server(text: str) -> ServerTarget:
    r"""Parse a server name: `[prefix:]host[\instance][,port]` or a pipe path `\\host\pipe\name`."""
    written = text.strip()
    if not written:
        raise _server_error(text, "the server name is empty")
    protocol, dac, rest = _split_prefix(written)
    if rest.startswith("\\\\"):
        return _pipe_target(written, protocol, dac, rest)
    host_text, instance, port = _split_instance_port(written, rest)
    host = _check_host(written, host_text)
    if port is not None:
        if protocol not in (None, Protocol.TCP):
            raise _server_error(written, f"a port can only be given for TCP, not {protocol.title}")
        protocol = Protocol.TCP
    pipe_path = None
    if protocol is Protocol.NAMED_PIPES:
        pipe_path = default_pipe_path(instance, "." if host.lower() in _LOCAL_NAMES else host)
    return ServerTarget(
        text=written,
        host=host,
        instance=instance,
        port=port,
        protocol=protocol,
        dac=dac,
        pipe_path=pipe_path,
        is_local=host.lower() in _LOCAL_NAMES,
    )


def _server_error(text: str, reason: str) -> ConnectionStringError:
    return ConnectionStringError(f"Invalid server name {text!r}: {reason}.")


def _split_prefix(text: str) -> tuple[Protocol | None, bool, str]:
    """Take off a protocol prefix; text before a colon that is no prefix is left for IPv6."""
    head, colon, tail = text.partition(":")
    if not colon:
        return None, False, text
    name = head.strip().lower()
    if name in _PREFIXES:
        protocol, dac = _PREFIXES[name]
        return protocol, dac, tail.strip()
    if name in _DROPPED_PREFIXES:
        raise ConnectionStringError(f"The {_DROPPED_PREFIXES[name]} protocol ('{head.strip()}:') is not supported.")
    return None, False, text


def _split_instance_port(written: str, text: str) -> tuple[str, str | None, int | None]:
    r"""Split `host[\instance][,port]`.

    The port is cut at the first comma. No IPv6 address holds a comma, so `::1,1433` is host ::1
    and port 1433 without brackets, as SqlClient reads it; brackets are accepted too.
    """
    left, comma, port_text = text.partition(",")
    port = _parse_port(written, port_text) if comma else None
    host, backslash, instance = left.partition("\\")
    if not backslash:
        return host.strip(), None, port
    instance = instance.strip()
    if not instance:
        raise _server_error(written, "the instance name after '\\' is empty")
    if _BAD_INSTANCE_CHARS.search(instance):
        raise _server_error(written, f"{instance!r} is not a valid instance name")
    return host.strip(), instance, port


def _parse_port(written: str, text: str) -> int:
    digits = text.strip()
    # Length first: int() of thousands of digits is slow and may refuse.
    if not _PORT_DIGITS.fullmatch(digits) or len(digits.lstrip("0")) > 5 or not 1 <= int(digits) <= 65535:
        raise _server_error(written, f"{digits!r} is not a port number (1-65535)")
    return int(digits)


def _check_host(written: str, host: str) -> str:
    """Validate the host part; return it as written, or an IPv6 address without its brackets."""
    if not host:
        raise _server_error(written, "the host name is empty")
    lowered = host.lower()
    if lowered in _LOCAL_NAMES:
        return host
    if lowered.startswith("(localdb)"):
        raise ConnectionStringError(f"LocalDB ({host!r}) is not supported.")
    if host.startswith("["):
        if not host.endswith("]") or not _is_ipv6(host[1:-1]):
            raise _server_error(written, f"{host!r} is not a bracketed IPv6 address")
        return host[1:-1]
    if ":" in host:
        if _is_ipv6(host):
            return host
        raise _server_error(written, f"{host!r} is not a host name; SQL Server takes a port after a comma: host,1433")
    if _BAD_HOST_CHARS.search(host):
        raise _server_error(written, f"{host!r} is not a valid host name")
    return host


def _is_ipv6(text: str) -> bool:
    if any(c.isspace() for c in text):
        return False
    try:
        ipaddress.IPv6Address(text)  # takes a zone too: fe80::1%eth0
    except ValueError:
        return False
    return True


def _pipe_target(written: str, protocol: Protocol | None, dac: bool, path: str) -> ServerTarget:
    r"""A pipe path `\\host\pipe\name`; `MSSQL$NAME\...` names the instance NAME."""
    if dac or protocol not in (None, Protocol.NAMED_PIPES):
        raise _server_error(written, "a pipe path can only be used with named pipes (np:)")
    if "," in path:
        raise _server_error(written, "a pipe path takes no port")
    host, *parts = path[2:].split("\\")
    if len(parts) < 2 or parts[0].lower() != "pipe" or not all(parts[1:]):
        raise _server_error(written, r"a pipe path has the form \\host\pipe\name")
    host = _check_host(written, host)
    instance = None
    if parts[1].upper().startswith(_PIPE_INSTANCE_PREFIX):
        instance = parts[1][len(_PIPE_INSTANCE_PREFIX) :]
        if not instance:
            raise _server_error(written, f"the pipe name {_PIPE_INSTANCE_PREFIX!r} names no instance")
    return ServerTarget(
        text=written,
        host=host,
        instance=instance,
        protocol=Protocol.NAMED_PIPES,
        pipe_path=path,
        is_local=host.lower() in _LOCAL_NAMES,
    )


# ---------------------------------------------------------------------------------------------
# Connection strings: key=value pairs


def quote_value(value: str) -> str:
    """Write `value` so the parser reads it back unchanged, quoting it when SqlClient's builder would."""
    if "\0" in value:
        raise ConnectionStringError("A connection string value cannot contain a null character.")
    if _BARE_VALUE.fullmatch(value):
        return value
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', '""') + '"'


# SqlClient's builder leaves a value bare only without quotes, '=', ';', spaces or controls; '{' opens ODBC quoting.
_BARE_VALUE = re.compile(r"(?![{])[^\"'=;\s\x00-\x1f\x7f]*")


def _format_error(index: int) -> ConnectionStringError:
    return ConnectionStringError(
        f"Format of the initialization string does not conform to specification starting at index {index}."
    )


def _pairs(text: str) -> Iterator[tuple[str, str]]:
    """Yield (lower-case keyword, value) pairs; empty segments are skipped."""
    pos = 0
    while pos < len(text):
        start = pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return
        if text[pos] == ";":
            pos += 1
            continue
        key, pos = _read_key(text, pos, start)
        value, pos = _read_value(text, pos, start)
        yield key, value


def _read_key(text: str, pos: int, start: int) -> tuple[str, int]:
    """Read up to the '='; `==` inside a keyword is a literal '=' (SqlClient's rule)."""
    chars: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "=" and text.startswith("==", pos):
            chars.append("=")
            pos += 2
        elif char == "=":
            break
        elif char in ";\0":
            raise _format_error(start)
        else:
            chars.append(char)
            pos += 1
    key = " ".join("".join(chars).split()).lower()  # SqlClient trims; we also fold runs of spaces
    if pos == len(text) or not key:
        raise _format_error(start)
    return key, pos + 1


def _read_value(text: str, pos: int, start: int) -> tuple[str, int]:
    """Read a value: '...' or "..." (doubled quote escapes), ODBC {...} (`}}` escapes), or bare to ';'."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos < len(text) and text[pos] in "'\"{":
        closer = "}" if text[pos] == "{" else text[pos]
        value, pos = _read_quoted(text, pos + 1, closer, start)
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos < len(text) and text[pos] != ";":
            raise _format_error(start)
        return value, pos + 1
    end = text.find(";", pos)
    end = len(text) if end < 0 else end
    value = text[pos:end].rstrip()
    if "\0" in value:
        raise _format_error(start)
    return value, end + 1


def _read_quoted(text: str, pos: int, closer: str, start: int) -> tuple[str, int]:
    chars: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "\0":
            raise _format_error(start)
        if char != closer:
            chars.append(char)
            pos += 1
        elif text.startswith(closer * 2, pos):
            chars.append(closer)
            pos += 2
        else:
            return "".join(chars), pos + 1
    raise _format_error(start)  # no closing quote


# ---------------------------------------------------------------------------------------------
# Connection strings: keywords and values


# Canonical keyword (SqlClient's, lower case) -> synonyms from SqlClient and the ODBC driver.
# Keys are matched case-insensitively with runs of spaces folded to one.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "data source": ("server", "address", "addr", "network address"),
    "network library": ("network", "net"),
    "initial catalog": ("database",),
    "user id": ("uid", "user"),
    "password": ("pwd",),
    "integrated security": ("trusted_connection",),
    "encrypt": (),
    "trust server certificate": ("trustservercertificate",),
    "host name in certificate": ("hostnameincertificate",),
    "server certificate": ("servercertificate",),
    "connect timeout": ("connection timeout", "timeout", "connecttimeout"),
    "application name": ("app",),
    "workstation id": ("wsid",),
    "packet size": (),
    "multi subnet failover": ("multisubnetfailover",),
    "application intent": ("applicationintent",),
    "failover partner": ("failover_partner", "failoverpartner"),
    "driver": (),
    "pooling": (),
    "max pool size": (),
    "min pool size": (),
    "load balance timeout": ("connection lifetime",),
    "enlist": (),
    "persist security info": ("persistsecurityinfo",),
    "multiple active result sets": ("multipleactiveresultsets", "mars_connection", "mars connection"),
    "current language": ("language",),
    "command timeout": ("commandtimeout",),
    "connect retry count": ("connectretrycount",),
    "connect retry interval": ("connectretryinterval",),
    "transparent network ip resolution": ("transparentnetworkipresolution",),
    "ip address preference": ("ipaddresspreference",),
    "type system version": (),
    "authentication": (),
    "user instance": (),
    "attachdbfilename": ("extended properties", "initial file name"),
    "replication": (),
    "column encryption setting": ("columnencryption",),
    "pool blocking period": ("poolblockingperiod",),
    "server spn": ("serverspn",),
    "failover partner spn": ("failoverpartnerspn",),
}
_CANONICAL: dict[str, str] = {
    name: canonical for canonical, others in _SYNONYMS.items() for name in (canonical, *others)
}

_NETWORK_LIBRARIES = {"dbmssocn": Protocol.TCP, "dbnmpntw": Protocol.NAMED_PIPES, "dbmslpcn": Protocol.SHARED_MEMORY}
# Net-Libraries SQL Server dropped long ago; naming them beats a bare "invalid value".
_DROPPED_LIBRARIES = {
    "dbmsadsn": "AppleTalk",
    "dbmsvinn": "Banyan VINES",
    "dbmsrpcn": "Multiprotocol (RPC)",
    "dbmsspxn": "NWLink IPX/SPX",
    "dbmsgnet": "VIA",
    "dbmsdecn": "DECnet",
}
_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}
_ENCRYPT = {
    "no": EncryptOption.OPTIONAL,
    "false": EncryptOption.OPTIONAL,
    "optional": EncryptOption.OPTIONAL,
    "yes": EncryptOption.MANDATORY,
    "true": EncryptOption.MANDATORY,
    "mandatory": EncryptOption.MANDATORY,
    "strict": EncryptOption.STRICT,
}
_INTENTS = {"readwrite": ApplicationIntent.READ_WRITE, "readonly": ApplicationIntent.READ_ONLY}
_IP_PREFERENCES = {p.value.lower(): p for p in IPAddressPreference}
_TYPE_SYSTEMS = {
    name.lower(): name
    for name in ("Latest", "SQL Server 2000", "SQL Server 2005", "SQL Server 2008", "SQL Server 2012")
}
_AUTHENTICATIONS = {
    name.lower(): name
    for name in (
        "SqlPassword",
        "ActiveDirectoryPassword",
        "ActiveDirectoryIntegrated",
        "ActiveDirectoryInteractive",
        "ActiveDirectoryServicePrincipal",
        "ActiveDirectoryDeviceCodeFlow",
        "ActiveDirectoryManagedIdentity",
        "ActiveDirectoryMSI",
        "ActiveDirectoryDefault",
        "ActiveDirectoryWorkloadIdentity",
    )
}
# SqlClient writes "Sql Password", "Active Directory Password"... too: spaces are ignored.
_AUTHENTICATIONS.update({name.replace(" ", ""): value for name, value in list(_AUTHENTICATIONS.items())})
_COLUMN_ENCRYPTION = {"enabled": True, "disabled": False}
_POOL_BLOCKING = {name.lower(): name for name in ("Auto", "AlwaysBlock", "NeverBlock")}
_INT32_MAX = 2**31 - 1
_INT32_TEXT = re.compile(r"[+-]?[0-9]+")
_T = TypeVar("_T")


def _invalid(key: str) -> ConnectionStringError:
    return ConnectionStringError(f"Invalid value for key '{key}'.")


def _lookup(table: dict[str, _T], key: str, value: str) -> _T:
    try:
        return table[value.strip().lower()]
    except KeyError:
        raise _invalid(key) from None


def _to_bool(key: str, value: str) -> bool:
    return _lookup(_BOOLEANS, key, value)


def _to_integrated_security(key: str, value: str) -> bool:
    return True if value.strip().lower() == "sspi" else _to_bool(key, value)


def _to_encrypt(key: str, value: str) -> EncryptOption:
    return _lookup(_ENCRYPT, key, value)


def _to_intent(key: str, value: str) -> ApplicationIntent:
    return _lookup(_INTENTS, key, value)


def _to_int(key: str, value: str) -> int:
    """An Int32 as .NET's int.Parse reads it (optional sign); SqlClient rejects anything else."""
    digits = value.strip()
    if not _INT32_TEXT.fullmatch(digits) or len(digits.lstrip("+-0")) > 10 or abs(int(digits)) > _INT32_MAX:
        raise _invalid(key)
    return int(digits)


def _to_timeout(key: str, value: str) -> int:
    seconds = _to_int(key, value)
    if seconds < 0:
        raise _invalid(key)
    return seconds


def _to_packet_size(key: str, value: str) -> int:
    size = _to_int(key, value)
    if not MIN_PACKET_SIZE <= size <= MAX_PACKET_SIZE:
        raise ConnectionStringError(
            f"Invalid 'Packet Size'. The value must be an integer >= {MIN_PACKET_SIZE} and <= {MAX_PACKET_SIZE}."
        )
    return size


def _to_ranged(low: int, high: int) -> Callable[[str, str], int]:
    def convert(key: str, value: str) -> int:
        number = _to_int(key, value)
        if not low <= number <= high:
            raise _invalid(key)
        return number

    return convert


def _to_ip_preference(key: str, value: str) -> IPAddressPreference:
    return _lookup(_IP_PREFERENCES, key, value)


def _to_type_system(key: str, value: str) -> str:
    return _lookup(_TYPE_SYSTEMS, key, value)


def _to_authentication(key: str, value: str) -> str | None:
    if not value.strip():
        return None
    return _lookup(_AUTHENTICATIONS, key, value.replace(" ", ""))


def _to_column_encryption(key: str, value: str) -> bool:
    return _lookup(_COLUMN_ENCRYPTION, key, value)


def _to_pool_blocking(key: str, value: str) -> str:
    return _lookup(_POOL_BLOCKING, key, value)


def _to_network_library(key: str, value: str) -> Protocol:
    name = value.strip().lower()
    if name in _DROPPED_LIBRARIES:
        raise ConnectionStringError(
            f"Network library '{value.strip()}' ({_DROPPED_LIBRARIES[name]}) is not supported; "
            "use dbmssocn (TCP/IP), dbnmpntw (named pipes) or dbmslpcn (shared memory)."
        )
    return _lookup(_NETWORK_LIBRARIES, key, value)


def _to_server(key: str, value: str) -> ServerTarget:
    _check_length(key, value)
    try:
        return parse_server(value)
    except ConnectionStringError as error:
        raise ConnectionStringError(f"Invalid value for key '{key}'. {error}") from None


def _to_text(key: str, value: str) -> str | None:
    """A name; empty means not given, as in SqlClient where every string defaults to ''."""
    _check_length(key, value)
    return value or None


def _to_secret(key: str, value: str) -> str:
    """Password= keeps an empty value: an empty password is a real credential."""
    _check_length(key, value)
    return value


def _to_free_text(key: str, value: str) -> str | None:
    return value or None


def _check_length(key: str, value: str) -> None:
    if len(value) > _MAX_NAME_LENGTH:
        raise ConnectionStringError(f"The value's length for key '{key}' exceeds its limit of '{_MAX_NAME_LENGTH}'.")


# Canonical keyword -> (ConnectionSettings field, converter).
_FIELDS: dict[str, tuple[str, Callable[[str, str], object]]] = {
    "data source": ("server", _to_server),
    "network library": ("network_library", _to_network_library),
    "initial catalog": ("database", _to_text),
    "user id": ("user_id", _to_text),
    "password": ("password", _to_secret),
    "integrated security": ("integrated_security", _to_integrated_security),
    "encrypt": ("encrypt", _to_encrypt),
    "trust server certificate": ("trust_server_certificate", _to_bool),
    "host name in certificate": ("host_name_in_certificate", _to_free_text),
    "server certificate": ("server_certificate", _to_free_text),
    "connect timeout": ("connect_timeout", _to_timeout),
    "application name": ("application_name", _to_text),
    "workstation id": ("workstation_id", _to_text),
    "packet size": ("packet_size", _to_packet_size),
    "multi subnet failover": ("multi_subnet_failover", _to_bool),
    "application intent": ("application_intent", _to_intent),
    "failover partner": ("failover_partner", _to_server),
    "driver": ("driver", _to_free_text),
    "pooling": ("pooling", _to_bool),
    "max pool size": ("max_pool_size", _to_ranged(1, _INT32_MAX)),
    "min pool size": ("min_pool_size", _to_ranged(0, _INT32_MAX)),
    "load balance timeout": ("load_balance_timeout", _to_ranged(0, _INT32_MAX)),
    "enlist": ("enlist", _to_bool),
    "persist security info": ("persist_security_info", _to_bool),
    "multiple active result sets": ("multiple_active_result_sets", _to_bool),
    "current language": ("current_language", _to_text),
    "command timeout": ("command_timeout", _to_timeout),
    "connect retry count": ("connect_retry_count", _to_ranged(0, 255)),
    "connect retry interval": ("connect_retry_interval", _to_ranged(1, 60)),
    "transparent network ip resolution": ("transparent_network_ip_resolution", _to_bool),
    "ip address preference": ("ip_address_preference", _to_ip_preference),
    "type system version": ("type_system_version", _to_type_system),
    "authentication": ("authentication", _to_authentication),
    "user instance": ("user_instance", _to_bool),
    "attachdbfilename": ("attach_db_filename", _to_free_text),
    "replication": ("replication", _to_bool),
    "column encryption setting": ("column_encryption", _to_column_encryption),
    "pool blocking period": ("pool_blocking_period", _to_pool_blocking),
    "server spn": ("server_spn", _to_free_text),
    "failover partner spn": ("failover_partner_spn", _to_free_text),
}


def parse_connection_string(text: str) -> ConnectionSettings:
    """Parse an ADO.NET (SqlClient) or ODBC connection string; the last of repeated keywords wins."""
    values: dict[str, str] = {}
    for key, value in _pairs(text):
        canonical = _CANONICAL.get(key)
        if canonical is None:
            raise ConnectionStringError(f"Keyword not supported: '{key}'.")
        values.pop(canonical, None)  # keep dict order = order of the winning occurrences
        values[canonical] = value
    if not values.get("data source", "").strip():
        raise ConnectionStringError("The connection string names no server (Server= or Data Source=).")
    if not values.get("failover partner", "").strip():
        values.pop("failover partner", None)  # SqlClient: an empty partner means none
    settings = {name: convert(key, values[key]) for key, (name, convert) in _FIELDS.items() if key in values}
    result = ConnectionSettings(**settings)  # type: ignore[arg-type]
    _check_consistency(result)
    return result


def _check_consistency(settings: ConnectionSettings) -> None:
    if settings.min_pool_size > settings.max_pool_size:
        raise ConnectionStringError(
            "Invalid min or max pool size values, min pool size cannot be greater than the max pool size."
        )
    if settings.multi_subnet_failover and settings.failover_partner is not None:
        raise ConnectionStringError(
            "Connecting to a mirrored SQL Server instance using the MultiSubnetFailover connection option "
            "is not supported."
        )
    library = settings.network_library
    for target in (settings.server, settings.failover_partner):
        if library is None or target is None or target.protocol in (None, library):
            continue
        raise ConnectionStringError(
            f"Network Library selects {library.title} but the server name {target.text!r} "
            f"selects {target.protocol.title}."
        )
