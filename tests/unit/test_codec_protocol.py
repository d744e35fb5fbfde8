"""The codec's contract on bad input: decoding PRELOGIN, LOGIN7, batches, RPC, transaction
requests and token streams from arbitrary or mutated bytes raises ProtocolError and nothing
else; framing reassembles messages however the bytes are split."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tdsnet import sqltypes
from tdsnet.tds import connection as conn
from tdsnet.tds import login7, prelogin, requests, tokens
from tdsnet.tds.errors import ProtocolError
from tdsnet.tds.packets import HEADER, HEADER_SIZE, MessageAssembler, PacketType, Status, packetize

VERSION = 0x74000004
FUZZ = settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])


def _sample_login() -> bytes:
    return login7.encode(
        login7.Login7(
            username="sa",
            password="Secret!1",
            hostname="host",
            appname="app",
            database="master",
            features=[(login7.Feature.UTF8_SUPPORT, b""), (0x42, b"\x01\x02")],
        )
    )


def _sample_rpc() -> bytes:
    call = requests.RpcCall(
        "sp_executesql",
        [
            requests.RpcParam("", "SELECT @a", sqltypes.NVARCHAR_MAX),
            requests.RpcParam("", "@a int", sqltypes.nvarchar(10)),
            requests.RpcParam("@a", 5, sqltypes.INT),
            requests.RpcParam("@t", "long text", sqltypes.SqlType("ntext", length=sqltypes.MAX)),
        ],
    )
    return requests.encode_rpc(requests.RpcRequest([call, call]), VERSION)


SAMPLES = {
    "prelogin": prelogin.encode(
        prelogin.PreLogin(
            [
                (prelogin.Option.VERSION, prelogin.version_bytes(16, 0, 1000)),
                (prelogin.Option.ENCRYPTION, b"\x00"),
                (prelogin.Option.INSTOPT, b"MSSQLServer\x00"),
                (prelogin.Option.THREADID, b"\x00\x00\x10\x00"),
                (prelogin.Option.MARS, b"\x00"),
            ]
        )
    ),
    "login7": _sample_login(),
    "batch": requests.encode_sql_batch(requests.SqlBatch("SELECT 1"), VERSION),
    "rpc": _sample_rpc(),
    "tm": requests.encode_transaction_manager(
        requests.TransactionManagerRequest(requests.TmRequest.COMMIT_XACT, begin_new=True, new_name="x"),
        VERSION,
    ),
}

DECODERS = {
    "prelogin": prelogin.decode,
    "login7": login7.decode,
    "batch": lambda b: requests.decode_sql_batch(b, VERSION),
    "rpc": lambda b: requests.decode_rpc(b, VERSION),
    "tm": lambda b: requests.decode_transaction_manager(b, VERSION),
}


def only_protocol_errors(decode, data: bytes) -> None:
    try:
        decode(data)
    except ProtocolError:
        pass


@pytest.mark.parametrize("kind", list(DECODERS))
@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(kind, data) -> None:
    only_protocol_errors(DECODERS[kind], data)


@pytest.mark.parametrize("kind", list(DECODERS))
@FUZZ
@given(st.data())
def test_mutated_and_truncated_samples(kind, data) -> None:
    sample = bytearray(SAMPLES[kind])
    cut = data.draw(st.integers(0, len(sample)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, max(len(sample) - 1, 0)), st.integers(0, 255)), max_size=6))
    for index, value in flips:
        if index < len(sample):
            sample[index] = value
    only_protocol_errors(DECODERS[kind], bytes(sample[:cut]))


def test_samples_decode() -> None:
    login = login7.decode(SAMPLES["login7"])
    assert (login.username, login.password, login.database) == ("sa", "Secret!1", "master")
    assert login.features == [(login7.Feature.UTF8_SUPPORT, b""), (0x42, b"\x01\x02")]
    rpc = requests.decode_rpc(SAMPLES["rpc"], VERSION)
    assert [p.value for p in rpc.calls[1].params] == ["SELECT @a", "@a int", 5, "long text"]


@FUZZ
@given(st.binary(max_size=800))
def test_token_stream_garbage(data) -> None:
    reader = tokens.TokenReader(VERSION)
    try:
        reader.read(data)
    except ProtocolError:
        pass


def test_password_obfuscation_known_vector() -> None:
    # MS-TDS 2.2.6.4: 'a' (0x61 0x00) becomes 0xB3 0xA5 (swap nibbles, then XOR 0xA5).
    assert login7.obfuscate_password("a") == b"\xb3\xa5"
    assert login7.deobfuscate_password(b"\xb3\xa5") == "a"


@given(st.lists(st.integers(1, 300), min_size=1, max_size=20), st.binary(min_size=1, max_size=5000))
def test_messages_reassemble_however_split(cuts, payload) -> None:
    stream = packetize(PacketType.SQL_BATCH, payload, 512) + packetize(PacketType.RPC, payload, 4096)
    assembler = MessageAssembler()
    messages = []
    pos = 0
    for cut in cuts * (len(stream) // sum(cuts) + 1):
        messages += assembler.feed(stream[pos : pos + cut])
        pos += cut
        if pos >= len(stream):
            break
    assert [(m.type, m.payload) for m in messages] == [
        (PacketType.SQL_BATCH, payload),
        (PacketType.RPC, payload),
    ]


def test_bad_packet_lengths_are_protocol_errors() -> None:
    for header in (b"\x01\x01\x00\x04\x00\x00\x01\x00", b"\x01\x01\xff\xff\x00\x00\x01\x00"):
        with pytest.raises(ProtocolError):
            MessageAssembler().feed(header + b"x" * 100)


def test_attention_mid_message_drops_the_partial_message() -> None:
    assembler = MessageAssembler()
    first = packetize(PacketType.SQL_BATCH, b"x" * 1000, 512)[:512]  # one packet, no EOM
    messages = assembler.feed(first + packetize(PacketType.ATTENTION, b""))
    assert [m.type for m in messages] == [PacketType.ATTENTION]
    assert assembler.pending == 0


def test_ignore_bit_discards_a_message() -> None:
    data = packetize(PacketType.SQL_BATCH, b"abc", 512, status=Status.IGNORE)
    assert MessageAssembler().feed(data) == []


def test_prelogin_reply_keeps_client_order() -> None:
    options = [
        (prelogin.Option.VERSION, b"\x0f\x00\x00\x00\x00\x00"),
        (prelogin.Option.MARS, b"\x00"),
        (prelogin.Option.ENCRYPTION, b"\x02"),
        (0x33, b"future"),
    ]
    decoded = prelogin.decode(prelogin.encode(prelogin.PreLogin(options)))
    assert [o for o, _ in decoded.options] == [0, 4, 1, 0x33]
    assert decoded.encryption == 2 and decoded.get(0x33) == b"future"


def test_login7_without_prelogin_is_accepted() -> None:
    """jTDS and nmap send LOGIN7 first; the state machine takes it."""
    server = conn.ServerConnection()
    record = login7.Login7(tds_version=login7.TdsVersion.V7_1_REV1, username="sa", password="x")
    events = server.receive_data(packetize(PacketType.LOGIN7, login7.encode(record)))
    assert isinstance(events[0], conn.LoginReceived) and events[0].without_prelogin
    assert server.tds_version == 0x71000001


@pytest.mark.parametrize(
    ("client", "answer"),
    [
        (0x71000001, 0x71000001),
        (0x72090002, 0x72090002),
        (0x730A0003, 0x730A0003),
        (0x730B0003, 0x730B0003),
        (0x74000004, 0x74000004),
        (0x08000000, 0x74000004),
    ],
)
def test_versions_answered_in_the_clients_own(client, answer) -> None:
    assert conn.negotiate_version(client) == answer


def test_too_old_tds_version_is_refused() -> None:
    with pytest.raises(ProtocolError, match="not supported"):
        conn.negotiate_version(0x70000000)


@FUZZ
@given(st.binary(min_size=1, max_size=400))
def test_server_state_machine_on_garbage(data) -> None:
    assume(data[:1] != b"\x16")
    server = conn.ServerConnection()
    try:
        server.receive_data(data)
    except ProtocolError:
        pass


def test_packet_ids_wrap_in_long_responses() -> None:
    """A response of more than 255 packets numbers them modulo 256 and arrives whole (found by the
    benchmark: the last packet of a 1,000,000-row SELECT was lost)."""
    writer = conn.ResponseWriter(512, 51)
    payload = bytes(range(256)) * 700  # about 360 packets of 512 bytes
    writer.write(payload[:100_000])
    first = writer.flush_full()
    writer.write(payload[100_000:])
    wire = first + writer.finish()
    ids, at = [], 0
    while at < len(wire):
        header = HEADER.unpack(wire[at : at + HEADER_SIZE])
        ids.append(header[4])
        at += header[2]
    assert len(ids) > 300 and ids[:3] == [1, 2, 3] and ids[255] == 0 and max(ids) == 255
    assembler = MessageAssembler()
    (message,) = assembler.feed(wire)
    assert message.payload == payload


def test_rpc_table_valued_parameter_is_read_in_full() -> None:
    """A TVP (MS-TDS 2.2.5.5.5): type name, column metadata, optional order tokens, rows, then the
    next parameter still decodes."""
    from tdsnet.tds.wire import b_varchar

    intn = b"\x26\x04"  # TYPE_INFO of int (INTN, 4 bytes)
    tvp = (
        b_varchar("@ids")
        + b"\x00\xf3"
        + b_varchar("")
        + b_varchar("dbo")
        + b_varchar("IdList")
        + (1).to_bytes(2, "little")
        + bytes(4)  # user type
        + (1).to_bytes(2, "little")  # flags: nullable
        + intn
        + b_varchar("")
        + b"\x10\x01\x00\x01\x00\x01"  # TVP_ORDER_UNIQUE: column 1 ascending
        + b"\x00"
        + b"".join(b"\x01\x04" + n.to_bytes(4, "little") for n in (7, 8))
        + b"\x01\x00"  # a row with NULL
        + b"\x00"
    )
    after = b_varchar("@n") + b"\x00" + intn + b"\x04" + (5).to_bytes(4, "little")
    call_head = b"\xff\xff" + (10).to_bytes(2, "little") + b"\x00\x00"  # sp_executesql by id, no options
    payload = requests.encode_headers(requests.Headers()) + call_head + tvp + after
    call = requests.decode_rpc(payload, VERSION).calls[0]
    table = call.params[0].value
    assert isinstance(table, requests.TableValue)
    assert (table.type_name, table.rows) == ("dbo.IdList", [[7], [8], [None]])
    assert call.params[1].value == 5
    with pytest.raises(ProtocolError):
        requests.decode_rpc(payload[: len(payload) - len(after) - 1], VERSION)
