"""MC-SQLR, the SQL Server Resolution Protocol (SSRP): the SQL Server Browser's datagrams on UDP 1434.

A client sends one single-datagram request; the Browser answers with one SVR_RESP whose
RESP_DATA is ';'-separated text describing instances and their endpoints, or, for
CLNT_UCAST_DAC, a fixed six-byte SVR_RESP carrying the DAC's TCP port.  A Browser ignores
requests it does not understand (MC-SQLR 3.1.5.2), so the request decoder is strict.

Text is MBCS in "the current system code page" of both ends (MC-SQLR 2.2), which the wire never
names.  The codec uses Latin-1: it maps each byte to one code point and back, so every datagram
decodes, re-encodes byte for byte, and byte lengths equal string lengths.  The DBCS code pages
(932, 936, 949, 950) never use ';' or NUL as a trail byte, so splitting on ';' is safe for them
too; a caller that knows the peer's code page can recover its text with
``text.encode("latin-1").decode(codepage)``.

Strings are not case-sensitive (MC-SQLR 2.2): keywords and Yes/No are read in any case and
written in the spec's case.  Matching a requested instance name is the Browser's job and must
ignore case, because clients may send the name in any case.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum

from .errors import ProtocolError
from .wire import U8, U16

SSRP_PORT = 1434
SVR_RESP = 0x05
PROTOCOL_VERSION = 0x01  # CLNT_UCAST_DAC and SVR_RESP (DAC)
ENCODING = "latin-1"

INSTANCENAME_MAX = 32  # request INSTANCENAME in bytes, NUL excluded (2.2.3, 2.2.4)
RESP_DATA_MAX_INST = 1024  # answering CLNT_UCAST_INST (2.2.5)
RESP_DATA_MAX_EX = 65535  # answering CLNT_BCAST_EX or CLNT_UCAST_EX (2.2.5)
RECORD_MAX = 1024  # one instance's text, its ';;' included (2.2.5 Note 3)
SERVERNAME_MAX = 255
RECORD_INSTANCENAME_MAX = 255  # SHOULD also be at most 16 characters; not enforced
VERSION_STRING_MAX = 16
NETBIOS_MAX = 15  # VIA_PARAMETERS' machine name
PARAMETERS_MAX_INST = 255  # any one protocol's parameters, answering CLNT_UCAST_INST (3.2.5.4)
DAC_RESP_SIZE = 6  # unlike SVR_RESP, counts the whole datagram (2.2.6)

# Protocol keywords of an instance record.  bv's parameters are ITEMNAME;GROUPNAME;ORGNAME:
# the ABNF's BV_INFO repeats ITEMNAME;GROUPNAME before BV_PARAMETERS, read here as an erratum.
PROTOCOLS = ("tcp", "np", "via", "rpc", "spx", "adsp", "bv")
_WIDTH = {"bv": 3}
_HEADER = ("ServerName", "InstanceName", "IsClustered", "Version")
_DAC = struct.Struct("<BHBH")


class RequestKind(IntEnum):
    CLNT_BCAST_EX = 0x02
    CLNT_UCAST_EX = 0x03
    CLNT_UCAST_INST = 0x04
    CLNT_UCAST_DAC = 0x0F


_NAMED = frozenset({RequestKind.CLNT_UCAST_INST, RequestKind.CLNT_UCAST_DAC})


@dataclass(frozen=True, slots=True)
class Request:
    """One client datagram; ``instance`` is given exactly for CLNT_UCAST_INST and CLNT_UCAST_DAC."""

    kind: RequestKind
    instance: str | None = None

    def __post_init__(self) -> None:
        named = RequestKind(self.kind) in _NAMED
        if named != (self.instance is not None):
            need = "needs" if named else "takes no"
            raise ValueError(f"{RequestKind(self.kind).name} {need} instance name")


@dataclass(frozen=True, slots=True)
class InstanceRecord:
    """One instance in RESP_DATA.  ``others`` holds via/rpc/spx/adsp/bv entries in wire order."""

    server_name: str
    instance_name: str
    is_clustered: bool
    version: str
    tcp_port: int | None = None
    pipe: str | None = None
    others: tuple[tuple[str, str], ...] = ()


# --- requests ---------------------------------------------------------------------------------


def decode_request(data: bytes) -> Request:
    """Parse a client datagram; raises ProtocolError for anything a Browser must ignore."""
    data = bytes(data)
    if not data:
        raise ProtocolError("empty SSRP datagram", "MC-SQLR 2.2")
    try:
        kind = RequestKind(data[0])
    except ValueError:
        raise ProtocolError(f"unknown SSRP request {data[0]:#04x}", "MC-SQLR 2.2: 0x02, 0x03, 0x04 or 0x0F") from None
    if kind not in _NAMED:
        if len(data) != 1:
            raise ProtocolError(f"{kind.name} with {len(data) - 1} trailing bytes", "a single byte, MC-SQLR 2.2.1")
        return Request(kind)
    body = data[1:]
    if kind == RequestKind.CLNT_UCAST_DAC:
        if body[:1] != bytes((PROTOCOL_VERSION,)):
            raise ProtocolError(f"CLNT_UCAST_DAC PROTOCOLVERSION {body[:1].hex() or 'missing'}", "0x01, MC-SQLR 2.2.4")
        body = body[1:]
    return Request(kind, _decode_instancename(body, kind))


def _decode_instancename(body: bytes, kind: RequestKind) -> str:
    end = body.find(b"\x00")
    if end < 0:
        raise ProtocolError(f"{kind.name} INSTANCENAME lacks its NUL terminator", "MC-SQLR 2.2.3")
    if end != len(body) - 1:
        raise ProtocolError(f"{len(body) - end - 1} bytes after {kind.name}'s NUL terminator")
    if end == 0:
        raise ProtocolError(f"{kind.name} with an empty INSTANCENAME", "no instance can match it")
    if end > INSTANCENAME_MAX:
        raise ProtocolError(f"{kind.name} INSTANCENAME of {end} bytes", f"at most {INSTANCENAME_MAX}, MC-SQLR 2.2.3")
    return body[:end].decode(ENCODING)


def encode_request(request: Request) -> bytes:
    kind = RequestKind(request.kind)
    head = bytes((kind, PROTOCOL_VERSION)) if kind == RequestKind.CLNT_UCAST_DAC else bytes((kind,))
    if request.instance is None:
        return head
    if problem := _code_page_problem("INSTANCENAME", request.instance):
        raise ValueError(problem)
    name = request.instance.encode(ENCODING)
    if not name or b"\x00" in name or len(name) > INSTANCENAME_MAX:
        raise ValueError(f"INSTANCENAME {request.instance!r} must be 1-{INSTANCENAME_MAX} bytes without NUL")
    return head + name + b"\x00"


# --- SVR_RESP ---------------------------------------------------------------------------------


def encode_response(records: Sequence[InstanceRecord], answering: RequestKind) -> bytes:
    """The SVR_RESP answering a request of kind ``answering``.

    Raises ValueError instead of dropping anything: which instances to leave out is the
    Browser's choice, and `fit_record` applies the spec's rule for leaving out protocols.
    Microsoft's clients reject RESP_DATA above 4,096 bytes answering CLNT_UCAST_EX
    (MC-SQLR <4>), well below the 65,535 allowed here.
    """
    answering = RequestKind(answering)
    limit = _resp_data_limit(answering)
    if not records:
        raise ValueError("an SVR_RESP lists at least one instance; without one the Browser stays silent")
    if answering == RequestKind.CLNT_UCAST_INST and len(records) != 1:
        raise ValueError(f"CLNT_UCAST_INST is answered with one instance, not {len(records)}")
    for record in records:
        if problem := _record_problem(record, answering):
            raise ValueError(problem)
    data = "".join(_record_text(record) for record in records).encode(ENCODING)
    if len(data) > limit:
        raise ValueError(f"RESP_DATA of {len(data)} bytes exceeds {limit} answering {answering.name}")
    return U8.pack(SVR_RESP) + U16.pack(len(data)) + data


def decode_response(data: bytes, answering: RequestKind = RequestKind.CLNT_UCAST_EX) -> list[InstanceRecord]:
    """Parse an SVR_RESP answering ``answering``; raises ProtocolError for anything malformed."""
    answering = RequestKind(answering)
    limit = _resp_data_limit(answering)
    data = bytes(data)
    if len(data) < 3 or data[0] != SVR_RESP:
        raise ProtocolError("not an SVR_RESP", "0x05 then RESP_SIZE, MC-SQLR 2.2.5")
    size = U16.unpack_from(data, 1)[0]
    if size != len(data) - 3:
        raise ProtocolError(f"RESP_SIZE {size} but {len(data) - 3} bytes of RESP_DATA")
    if size > limit:
        raise ProtocolError(f"RESP_DATA of {size} bytes answering {answering.name}", f"at most {limit}")
    if not size:
        raise ProtocolError("SVR_RESP lists no instance", "a Browser with nothing to report stays silent")
    bodies = data[3:].decode(ENCODING).split(";;")
    if len(bodies) < 2 or bodies[-1]:
        raise ProtocolError("RESP_DATA does not end an instance with ';;'", "MC-SQLR 2.2.5")
    records = [_decode_record(body, answering) for body in bodies[:-1]]
    if answering == RequestKind.CLNT_UCAST_INST and len(records) != 1:
        raise ProtocolError(f"{len(records)} instances answering CLNT_UCAST_INST", "exactly one")
    return records


def fit_record(record: InstanceRecord, answering: RequestKind = RequestKind.CLNT_UCAST_EX) -> InstanceRecord:
    """``record`` without the protocols that cannot be sent, as a Browser SHOULD (MC-SQLR 3.1.5.2).

    Protocols go in tcp, np, others order; one that is invalid or would take the instance past
    RECORD_MAX is skipped and the next one tried.  Raises ValueError if the rest is invalid.
    """
    bare = replace(record, tcp_port=None, pipe=None, others=())
    if problem := _record_problem(bare, RequestKind(answering)):
        raise ValueError(problem)
    size = len(_record_text(bare))
    kept: dict[str, str] = {}
    for name, value in _entries(record):
        entry = f";{name};{value}"
        if name in kept or _entry_problem(name, value, answering) or size + len(entry) > RECORD_MAX:
            continue
        kept[name] = value
        size += len(entry)
    return _with_entries(bare, kept.items())


def _resp_data_limit(answering: RequestKind) -> int:
    if answering == RequestKind.CLNT_UCAST_INST:
        return RESP_DATA_MAX_INST
    if answering == RequestKind.CLNT_UCAST_DAC:
        raise ValueError("CLNT_UCAST_DAC is answered by the SVR_RESP (DAC) format")
    return RESP_DATA_MAX_EX


def _entries(record: InstanceRecord) -> list[tuple[str, str]]:
    """Protocol entries in the order they are written: tcp, np (as the Browser does), then others."""
    entries = [] if record.tcp_port is None else [("tcp", str(record.tcp_port))]
    if record.pipe is not None:
        entries.append(("np", record.pipe))
    return entries + list(record.others)


def _with_entries(record: InstanceRecord, entries: Iterable[tuple[str, str]]) -> InstanceRecord:
    found = dict(entries)
    tcp = found.pop("tcp", None)
    pipe = found.pop("np", None)
    return replace(record, tcp_port=None if tcp is None else int(tcp), pipe=pipe, others=tuple(found.items()))


def _record_text(record: InstanceRecord) -> str:
    clustered = "Yes" if record.is_clustered else "No"
    head = (
        f"ServerName;{record.server_name};InstanceName;{record.instance_name};"
        f"IsClustered;{clustered};Version;{record.version}"
    )
    return head + "".join(f";{name};{value}" for name, value in _entries(record)) + ";;"


def _decode_record(body: str, answering: RequestKind) -> InstanceRecord:
    tokens = body.split(";")
    if len(tokens) < 2 * len(_HEADER) or not all(tokens):
        raise ProtocolError(f"malformed instance in RESP_DATA: {body[:80]!r}", "MC-SQLR 2.2.5")
    for i, keyword in enumerate(_HEADER):
        if tokens[2 * i].lower() != keyword.lower():
            raise ProtocolError(f"expected {keyword!r} in RESP_DATA, got {tokens[2 * i][:40]!r}")
    clustered = tokens[5].lower()
    if clustered not in ("yes", "no"):
        raise ProtocolError(f"IsClustered {tokens[5][:40]!r}", "Yes or No")
    entries = _decode_entries(tokens[2 * len(_HEADER) :], answering)
    record = _with_entries(InstanceRecord(tokens[1], tokens[3], clustered == "yes", tokens[7]), entries)
    if problem := _record_problem(record, answering):
        raise ProtocolError(problem, "MC-SQLR 2.2.5")
    return record


def _decode_entries(tokens: list[str], answering: RequestKind) -> dict[str, str]:
    entries: dict[str, str] = {}
    pos = 0
    while pos < len(tokens):
        name = tokens[pos].lower()
        if name not in PROTOCOLS:
            raise ProtocolError(f"unknown protocol {tokens[pos][:40]!r} in RESP_DATA", ", ".join(PROTOCOLS))
        if name in entries:
            raise ProtocolError(f"protocol {name!r} listed twice for one instance", "MC-SQLR 2.2.5 Note 1")
        width = _WIDTH.get(name, 1)
        if pos + 1 + width > len(tokens):
            raise ProtocolError(f"protocol {name!r} without its parameters")
        value = ";".join(tokens[pos + 1 : pos + 1 + width])
        if problem := _entry_problem(name, value, answering):
            raise ProtocolError(problem, "MC-SQLR 2.2.5")
        entries[name] = value
        pos += 1 + width
    return entries


# --- validation shared by both directions: a message for ValueError or ProtocolError ----------


def _record_problem(record: InstanceRecord, answering: RequestKind) -> str | None:
    problem = (
        _text_problem("SERVERNAME", record.server_name, SERVERNAME_MAX)
        or _text_problem("INSTANCENAME", record.instance_name, RECORD_INSTANCENAME_MAX)
        or _version_problem(record.version)
    )
    if problem:
        return problem
    names = [name for name, _ in record.others]
    if len(set(names)) != len(names) or not set(names) <= set(PROTOCOLS[2:]):
        return f"others must name distinct protocols among {PROTOCOLS[2:]}, not {names}"
    for name, value in _entries(record):
        if problem := _entry_problem(name, value, answering):
            return problem
    size = len(_record_text(record))
    if size > RECORD_MAX:
        return f"instance {record.instance_name!r} takes {size} bytes, more than {RECORD_MAX} (Note 3)"
    return None


def _text_problem(what: str, text: str, limit: int) -> str | None:
    if not text or ";" in text or "\x00" in text:
        return f"{what} {text[:40]!r} must be non-empty, without ';' or NUL"
    if len(text) > limit:
        return f"{what} of {len(text)} bytes exceeds {limit}"
    return _code_page_problem(what, text)


def _code_page_problem(what: str, text: str) -> str | None:
    if max(map(ord, text), default=0) > 0xFF:
        return f"{what} {text[:40]!r} has characters outside the single-byte code page"
    return None


def _version_problem(version: str) -> str | None:
    if not 0 < len(version) <= VERSION_STRING_MAX or version.strip("0123456789."):
        return f"VERSION_STRING {version[:40]!r} must be 1-{VERSION_STRING_MAX} digits and dots"
    return None


def _entry_problem(name: str, value: str, answering: RequestKind) -> str | None:
    if name not in PROTOCOLS:
        return f"unknown protocol {name!r}"
    width = _WIDTH.get(name, 1)
    parts = value.split(";")
    if len(parts) != width or not all(parts) or "\x00" in value:
        return f"{name} needs {width} non-empty parameter(s) without ';' or NUL, not {value[:40]!r}"
    if answering == RequestKind.CLNT_UCAST_INST and len(value) > PARAMETERS_MAX_INST:
        return f"{name} parameters of {len(value)} bytes exceed {PARAMETERS_MAX_INST} answering CLNT_UCAST_INST"
    if name == "tcp":
        return _port_problem(value)
    if name == "via":
        return _via_problem(value)
    return _code_page_problem(name, value)


def _port_problem(value: str) -> str | None:
    if not (value.isascii() and value.isdigit() and len(value) <= 5 and 0 < int(value) <= 0xFFFF):
        return f"TCP_PORT {value[:40]!r} is not a port number 1-65535"
    return None


def _via_problem(value: str) -> str | None:
    """VIA_PARAMETERS = NETBIOS 1*("," VIANIC ":" VIAPORT)."""
    netbios, _, listeners = value.partition(",")
    if not netbios or len(netbios) > NETBIOS_MAX or not listeners:
        return f"via {value[:40]!r} needs a NETBIOS name of 1-{NETBIOS_MAX} bytes, then ',NIC:PORT' entries"
    for listener in listeners.split(","):
        nic, _, port = listener.partition(":")
        if not nic or not (port.isascii() and port.isdigit()):
            return f"via listener {listener[:40]!r} is not NIC:PORT"
    return _code_page_problem("via", value)


# --- SVR_RESP (DAC) ---------------------------------------------------------------------------


def encode_dac_response(port: int) -> bytes:
    if not 0 < port <= 0xFFFF:
        raise ValueError(f"DAC port {port} is not a TCP port 1-65535")
    return _DAC.pack(SVR_RESP, DAC_RESP_SIZE, PROTOCOL_VERSION, port)


def decode_dac_response(data: bytes) -> int:
    """The DAC's TCP port from an SVR_RESP (DAC); raises ProtocolError for anything malformed."""
    data = bytes(data)
    if len(data) != _DAC.size:
        raise ProtocolError(f"SVR_RESP (DAC) of {len(data)} bytes", f"exactly {_DAC.size}, MC-SQLR 2.2.6")
    svr_resp, size, version, port = _DAC.unpack(data)
    if svr_resp != SVR_RESP or size != DAC_RESP_SIZE or version != PROTOCOL_VERSION:
        raise ProtocolError(f"malformed SVR_RESP (DAC) {data.hex(' ')}", "05 06 00 01 then the port, MC-SQLR 2.2.6")
    if port == 0:
        raise ProtocolError("SVR_RESP (DAC) with TCP_DAC_PORT 0")
    return port
