"""MC-SQLR (SSRP) codec: the spec's own examples byte for byte, round trips, size limits, and
decoders that raise nothing but ProtocolError on arbitrary bytes."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tdsnet.tds import ssrp
from tdsnet.tds.errors import ProtocolError
from tdsnet.tds.ssrp import InstanceRecord, Request, RequestKind

FUZZ = settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
INST = RequestKind.CLNT_UCAST_INST
EX = RequestKind.CLNT_UCAST_EX


def svr_resp(text: str) -> bytes:
    data = text.encode("latin-1")
    return b"\x05" + struct.pack("<H", len(data)) + data


def record(name: str = "SQLEXPRESS", **fields: object) -> InstanceRecord:
    values: dict = {"server_name": "HOST", "instance_name": name, "is_clustered": False, "version": "16.0.1000.6"}
    return InstanceRecord(**(values | fields))


# --- the spec's examples (MC-SQLR section 4) and the brief's --------------------------------------

YUKONSTD = "ServerName;ILSUNG1;InstanceName;YUKONSTD;IsClustered;No;Version;9.00.1399.06;tcp;57137;;"
YUKONDEV = (
    "ServerName;ILSUNG1;InstanceName;YUKONDEV;IsClustered;No;Version;9.00.1399.06;"
    "np;\\\\ILSUNG1\\pipe\\MSSQL$YUKONDEV\\sql\\query;;"
)
MSSQLSERVER = (
    "ServerName;ILSUNG1;InstanceName;MSSQLSERVER;IsClustered;No;Version;9.00.1399.06;"
    "tcp;1433;np;\\\\ILSUNG1\\pipe\\sql\\query;;"
)


@pytest.mark.parametrize(
    ("request_", "wire"),
    [
        (Request(RequestKind.CLNT_BCAST_EX), b"\x02"),
        (Request(RequestKind.CLNT_UCAST_EX), b"\x03"),
        (Request(INST, "YUKONSTD"), bytes.fromhex("04 59 55 4b 4f 4e 53 54 44 00")),
        (Request(RequestKind.CLNT_UCAST_DAC, "YUKONSTD"), bytes.fromhex("0f 01 59 55 4b 4f 4e 53 54 44 00")),
    ],
)
def test_request_bytes(request_: Request, wire: bytes) -> None:
    assert ssrp.encode_request(request_) == wire
    assert ssrp.decode_request(wire) == request_


def test_spec_ucast_ex_response() -> None:
    wire = bytes.fromhex("05 47 01") + (YUKONSTD + YUKONDEV + MSSQLSERVER).encode()
    records = ssrp.decode_response(wire)
    assert [r.instance_name for r in records] == ["YUKONSTD", "YUKONDEV", "MSSQLSERVER"]
    assert records[0] == InstanceRecord("ILSUNG1", "YUKONSTD", False, "9.00.1399.06", tcp_port=57137)
    assert records[1].tcp_port is None and records[1].pipe == "\\\\ILSUNG1\\pipe\\MSSQL$YUKONDEV\\sql\\query"
    assert (records[2].tcp_port, records[2].pipe) == (1433, "\\\\ILSUNG1\\pipe\\sql\\query")
    assert ssrp.encode_response(records, EX) == wire


def test_spec_ucast_inst_response() -> None:
    wire = bytes.fromhex("05 58 00") + YUKONSTD.encode()
    [only] = ssrp.decode_response(wire, INST)
    assert only.tcp_port == 57137
    assert ssrp.encode_response([only], INST) == wire


def test_spec_dac_response() -> None:
    wire = bytes.fromhex("05 06 00 01 32 df")
    assert ssrp.decode_dac_response(wire) == 57138
    assert ssrp.encode_dac_response(57138) == wire


def test_sqlexpress_response_bytes() -> None:
    pipe = "\\\\HOST\\pipe\\MSSQL$SQLEXPRESS\\sql\\query"
    text = f"ServerName;HOST;InstanceName;SQLEXPRESS;IsClustered;No;Version;16.0.1000.6;tcp;1433;np;{pipe};;"
    wire = ssrp.encode_response([record(tcp_port=1433, pipe=pipe)], INST)
    assert wire == svr_resp(text)
    assert wire[:3] == b"\x05" + len(text).to_bytes(2, "little")
    assert ssrp.decode_response(wire, INST) == [record(tcp_port=1433, pipe=pipe)]


def test_legacy_protocols_round_trip() -> None:
    others = (("via", "HOST,0:1433,1:1434"), ("rpc", "HOST"), ("spx", "HOSTSPX"), ("adsp", "HOSTADSP"))
    rec = record(is_clustered=True, others=(*others, ("bv", "item;group;org")))
    text = ";".join(f"{name};{value}" for name, value in rec.others)
    expected = f"ServerName;HOST;InstanceName;SQLEXPRESS;IsClustered;Yes;Version;16.0.1000.6;{text};;"
    assert ssrp.encode_response([rec], EX) == svr_resp(expected)
    assert ssrp.decode_response(svr_resp(expected)) == [rec]


def test_protocols_in_any_order_and_any_case() -> None:
    text = "servername;H;INSTANCENAME;I;isclustered;YES;VERSION;1.0;NP;\\\\H\\pipe\\sql\\query;Rpc;H;TCP;1500;;"
    [rec] = ssrp.decode_response(svr_resp(text))
    assert rec == InstanceRecord("H", "I", True, "1.0", 1500, "\\\\H\\pipe\\sql\\query", (("rpc", "H"),))


# --- round trips ------------------------------------------------------------------------------

LATIN1 = st.characters(codec="latin-1", exclude_characters=";\x00")
VERSIONS = st.text(alphabet="0123456789.", min_size=1, max_size=ssrp.VERSION_STRING_MAX)
PORTS = st.integers(1, 0xFFFF)


def names(max_size: int) -> st.SearchStrategy[str]:
    return st.text(LATIN1, min_size=1, max_size=max_size)


OTHERS = st.lists(
    st.sampled_from(["rpc", "spx", "adsp", "via", "bv"]).flatmap(
        lambda name: st.tuples(
            st.just(name),
            {
                "via": st.builds("{},{}:{}".format, names(15).filter(lambda s: "," not in s), st.integers(0, 9), PORTS),
                "bv": st.lists(names(20), min_size=3, max_size=3).map(";".join),
            }.get(name, names(60)),
        )
    ),
    max_size=5,
    unique_by=lambda entry: entry[0],
).map(tuple)

RECORDS = st.builds(
    InstanceRecord,
    server_name=names(100),
    instance_name=names(100),
    is_clustered=st.booleans(),
    version=VERSIONS,
    tcp_port=st.none() | PORTS,
    pipe=st.none() | names(200),
    others=OTHERS,
)


@given(st.sampled_from([INST, RequestKind.CLNT_UCAST_DAC]), names(ssrp.INSTANCENAME_MAX))
def test_named_request_round_trip(kind: RequestKind, name: str) -> None:
    request = Request(kind, name)
    assert ssrp.decode_request(ssrp.encode_request(request)) == request


@given(st.lists(RECORDS, min_size=1, max_size=6))
def test_response_round_trip(records: list[InstanceRecord]) -> None:
    wire = ssrp.encode_response(records, RequestKind.CLNT_BCAST_EX)
    assert ssrp.decode_response(wire, RequestKind.CLNT_BCAST_EX) == records
    assert ssrp.encode_response(ssrp.decode_response(wire), EX) == wire


@given(RECORDS)
def test_single_instance_round_trip(rec: InstanceRecord) -> None:
    assert ssrp.decode_response(ssrp.encode_response([rec], INST), INST) == [rec]


@given(PORTS)
def test_dac_round_trip(port: int) -> None:
    assert ssrp.decode_dac_response(ssrp.encode_dac_response(port)) == port


# --- fuzz: nothing but ProtocolError ----------------------------------------------------------


def _decodes_or_protocol_error(decode: Callable[[bytes], object], data: bytes) -> None:
    try:
        decode(data)
    except ProtocolError:
        pass


@FUZZ
@given(st.binary(max_size=64) | st.builds(bytes.__add__, st.sampled_from([b"\x04", b"\x0f\x01", b"\x0f"]), st.binary()))
def test_decode_request_fuzz(data: bytes) -> None:
    _decodes_or_protocol_error(ssrp.decode_request, data)


TOKENS = st.sampled_from(
    ["ServerName", "InstanceName", "IsClustered", "Version", "Yes", "No", "tcp", "np", "via", "bv", "1433", "9.0"]
) | st.text(st.characters(codec="latin-1"), max_size=8)


@FUZZ
@given(
    st.binary(max_size=64)
    | st.lists(TOKENS, max_size=24).map(lambda tokens: svr_resp(";".join(tokens)))
    | st.builds(bytes.__add__, st.sampled_from([b"\x05", b"\x05\x10\x00"]), st.binary(max_size=40)),
    st.sampled_from([EX, INST, RequestKind.CLNT_BCAST_EX]),
)
def test_decode_response_fuzz(data: bytes, answering: RequestKind) -> None:
    _decodes_or_protocol_error(lambda d: ssrp.decode_response(d, answering), data)


@FUZZ
@given(RECORDS, st.integers(0, 2000), st.integers(0, 255))
def test_decode_mutated_response(rec: InstanceRecord, position: int, byte: int) -> None:
    wire = bytearray(ssrp.encode_response([rec], EX))
    wire[position % len(wire)] = byte
    _decodes_or_protocol_error(ssrp.decode_response, bytes(wire))


@FUZZ
@given(st.binary(max_size=8) | st.binary(min_size=6, max_size=6))
def test_decode_dac_response_fuzz(data: bytes) -> None:
    _decodes_or_protocol_error(ssrp.decode_dac_response, data)


# --- strict requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wire",
    [
        b"",  # empty datagram
        b"\x01",  # unknown kind
        b"\x05",  # a response is not a request
        b"\x02\x00",  # CLNT_BCAST_EX with junk
        b"\x03x",  # CLNT_UCAST_EX with junk
        b"\x04",  # no name, no terminator
        b"\x04\x00",  # empty name
        b"\x04MSSQLSERVER",  # missing terminator
        b"\x04MSSQLSERVER\x00\x00",  # trailing junk
        b"\x04MSSQL\x00SERVER\x00",  # NUL inside the name
        b"\x04" + b"A" * 33 + b"\x00",  # over 32 bytes
        b"\x0f",  # DAC without PROTOCOLVERSION
        b"\x0f\x02YUKONSTD\x00",  # wrong PROTOCOLVERSION
        b"\x0fYUKONSTD\x00",  # PROTOCOLVERSION left out
        b"\x0f\x01" + b"A" * 33 + b"\x00",
        b"\x0f\x01\x00",
    ],
)
def test_malformed_requests(wire: bytes) -> None:
    with pytest.raises(ProtocolError):
        ssrp.decode_request(wire)


def test_instance_name_bounds() -> None:
    assert ssrp.decode_request(b"\x04" + b"A" * 32 + b"\x00") == Request(INST, "A" * 32)
    for bad in ("", "A" * 33, "a\x00b", "\u0100"):
        with pytest.raises(ValueError):
            ssrp.encode_request(Request(INST, bad))
    with pytest.raises(ValueError):
        Request(INST)
    with pytest.raises(ValueError):
        Request(RequestKind.CLNT_BCAST_EX, "SQLEXPRESS")


def test_request_bytes_round_trip_latin1() -> None:
    wire = b"\x04caf\xe9\x00"
    assert ssrp.decode_request(wire) == Request(INST, "caf\u00e9")
    assert ssrp.encode_request(ssrp.decode_request(wire)) == wire


# --- size limits and strict responses --------------------------------------------------------


def test_resp_data_limits() -> None:
    big = record(pipe="p" * 250, others=(("rpc", "r" * 250), ("spx", "s" * 250), ("adsp", "a" * 178)))
    assert len(ssrp.encode_response([big], INST)) == 3 + ssrp.RESP_DATA_MAX_INST  # exactly at the limit
    with pytest.raises(ValueError, match="Note 3"):
        ssrp.encode_response([record(pipe=big.pipe + "p", others=big.others)], EX)
    with pytest.raises(ValueError, match="one instance"):
        ssrp.encode_response([big, big], INST)
    many = [record(f"I{n}", pipe="p" * 800) for n in range(80)]  # about 70,000 bytes
    with pytest.raises(ValueError, match="exceeds 65535"):
        ssrp.encode_response(many, EX)
    assert len(ssrp.decode_response(ssrp.encode_response(many[:70], EX))) == 70
    with pytest.raises(ValueError):
        ssrp.encode_response([], EX)
    with pytest.raises(ValueError):
        ssrp.encode_response([big], RequestKind.CLNT_UCAST_DAC)


def test_oversize_inst_response_rejected_by_decoder() -> None:
    text = "".join(f"ServerName;H;InstanceName;I{n};IsClustered;No;Version;1.0;tcp;1433;;" for n in range(20))
    assert len(text) > ssrp.RESP_DATA_MAX_INST
    assert len(ssrp.decode_response(svr_resp(text))) == 20
    with pytest.raises(ProtocolError, match="at most 1024"):
        ssrp.decode_response(svr_resp(text), INST)
    with pytest.raises(ProtocolError, match="exactly one"):
        ssrp.decode_response(svr_resp(YUKONSTD * 2), INST)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"server_name": "S" * 256}, "SERVERNAME"),
        ({"instance_name": "I" * 256}, "INSTANCENAME"),
        ({"instance_name": "A;B"}, "INSTANCENAME"),
        ({"server_name": ""}, "SERVERNAME"),
        ({"version": "1" * 17}, "VERSION_STRING"),
        ({"version": "16.0-beta"}, "VERSION_STRING"),
        ({"tcp_port": 0}, "TCP_PORT"),
        ({"tcp_port": 65536}, "TCP_PORT"),
        ({"pipe": ""}, "np"),
        ({"pipe": "a;b"}, "np"),
        ({"pipe": "\\\\H\\pipe\\\u20ac"}, "code page"),
        ({"others": (("tcp", "1433"),)}, "others"),
        ({"others": (("rpc", "A"), ("rpc", "B"))}, "others"),
        ({"others": (("bv", "item;group"),)}, "bv"),
        ({"others": (("via", "NETBIOSNAMEISLONG,0:1433"),)}, "via"),
        ({"others": (("via", "HOST"),)}, "via"),
        ({"pipe": "p" * 1000}, "Note 3"),
    ],
)
def test_invalid_records(fields: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ssrp.encode_response([record(**fields)], EX)


def test_name_limits_are_inclusive() -> None:
    rec = record("I" * 255, server_name="S" * 255, version="1" * 16)
    assert ssrp.decode_response(ssrp.encode_response([rec], EX)) == [rec]


def test_parameters_over_255_bytes_only_refused_answering_inst() -> None:
    rec = record(pipe="p" * 256)
    assert ssrp.decode_response(ssrp.encode_response([rec], EX)) == [rec]
    with pytest.raises(ValueError, match="255"):
        ssrp.encode_response([rec], INST)
    with pytest.raises(ProtocolError, match="255"):
        ssrp.decode_response(ssrp.encode_response([rec], EX), INST)


def test_record_over_1024_bytes_rejected_by_decoder() -> None:
    text = f"ServerName;H;InstanceName;I;IsClustered;No;Version;1.0;np;{'p' * 1000};;"
    with pytest.raises(ProtocolError, match="1024"):
        ssrp.decode_response(svr_resp(text))


@pytest.mark.parametrize(
    "wire",
    [
        b"",
        b"\x05",
        b"\x05\x00\x00",  # no instance
        svr_resp(YUKONSTD)[:-1],  # RESP_SIZE says one byte more
        svr_resp(YUKONSTD) + b"x",  # trailing junk
        b"\x04" + svr_resp(YUKONSTD)[1:],  # not 0x05
        svr_resp(YUKONSTD[:-1]),  # no ';;' at the end
        svr_resp(YUKONSTD + ";"),
        svr_resp(YUKONSTD.replace("tcp;57137", "tcp;0")),
        svr_resp(YUKONSTD.replace("tcp;57137", "tcp;70000")),
        svr_resp(YUKONSTD.replace("tcp;57137", "tcp;1433;tcp;1434")),  # listed twice (Note 1)
        svr_resp(YUKONSTD.replace("tcp;57137", "tcp;\u00b2")),  # a superscript digit is no digit
        svr_resp(YUKONSTD.replace("tcp;57137", "http;80")),  # unknown protocol
        svr_resp(YUKONSTD.replace("tcp;57137", "tcp")),  # protocol without its port
        svr_resp(YUKONSTD.replace("tcp;57137", "bv;item;group")),  # bv has three parameters
        svr_resp(YUKONSTD.replace("IsClustered;No", "IsClustered;Maybe")),
        svr_resp(YUKONSTD.replace("ServerName", "Server")),
        svr_resp(YUKONSTD.replace("9.00.1399.06", "")),
        svr_resp(YUKONSTD.replace("9.00.1399.06", "9.00.1399.06.12345")),  # 18 bytes
        svr_resp(YUKONSTD.replace("YUKONSTD", "YUKON\x00STD")),
        svr_resp("ServerName;ILSUNG1;InstanceName;YUKONSTD;;"),  # header cut short
    ],
)
def test_malformed_responses(wire: bytes) -> None:
    with pytest.raises(ProtocolError):
        ssrp.decode_response(wire)


DAC_GOOD = bytes.fromhex("05 06 00 01 32 df")


@pytest.mark.parametrize(
    "wire",
    [
        b"",
        DAC_GOOD[:-1],
        DAC_GOOD + b"\x00",
        b"\x04" + DAC_GOOD[1:],  # not SVR_RESP
        DAC_GOOD[:1] + b"\x03\x00" + DAC_GOOD[3:],  # RESP_SIZE counting only the data
        DAC_GOOD[:3] + b"\x02" + DAC_GOOD[4:],  # PROTOCOLVERSION
        DAC_GOOD[:4] + b"\x00\x00",  # port 0
    ],
)
def test_malformed_dac_responses(wire: bytes) -> None:
    with pytest.raises(ProtocolError):
        ssrp.decode_dac_response(wire)


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_dac_port_range(port: int) -> None:
    with pytest.raises(ValueError):
        ssrp.encode_dac_response(port)


# --- fitting an instance into 1,024 bytes (MC-SQLR 3.1.5.2) -------------------------------------


def test_fit_record_skips_protocols_that_do_not_fit() -> None:
    rec = record(tcp_port=1433, pipe="p" * 950, others=(("rpc", "HOST"),))
    fitted = ssrp.fit_record(rec)
    assert fitted == record(tcp_port=1433, others=(("rpc", "HOST"),))  # the pipe is skipped, rpc still sent
    assert ssrp.decode_response(ssrp.encode_response([fitted], INST), INST) == [fitted]


def test_fit_record_answering_inst_skips_long_parameters() -> None:
    rec = record(tcp_port=1433, pipe="p" * 300)
    assert ssrp.fit_record(rec, EX) == rec
    assert ssrp.fit_record(rec, INST) == record(tcp_port=1433)


def test_fit_record_keeps_a_fitting_record_and_refuses_a_broken_one() -> None:
    rec = record(tcp_port=1433, pipe="\\\\HOST\\pipe\\sql\\query")
    assert ssrp.fit_record(rec) == rec
    with pytest.raises(ValueError, match="SERVERNAME"):
        ssrp.fit_record(record(server_name="S" * 256))


@given(RECORDS, st.lists(names(400), max_size=3))
def test_fit_record_always_encodes(rec: InstanceRecord, long_values: list[str]) -> None:
    others = tuple(zip(["rpc", "spx", "adsp"], long_values, strict=False))
    fitted = ssrp.fit_record(InstanceRecord(rec.server_name, rec.instance_name, True, "1", 1433, "p" * 700, others))
    assert len(ssrp.encode_response([fitted], EX)) <= 3 + ssrp.RECORD_MAX
