"""The sans-IO client protocol (tds/client.py) with bytes alone: what it sends is what the server's
codec reads, and the server's token writers' bytes become the right events, however they are cut."""

from __future__ import annotations

import pytest

from tdsnet import sqltypes
from tdsnet.sqltypes import Column
from tdsnet.tds import client as tds
from tdsnet.tds import collation, login7, prelogin, requests, tokens
from tdsnet.tds.connection import LoginReceived, PreLoginReceived, RequestReceived, ServerConnection
from tdsnet.tds.errors import ProtocolError
from tdsnet.tds.packets import PacketType, packetize
from tdsnet.tds.prelogin import Encryption
from tdsnet.tds.tokens import DoneStatus, EnvChange

OFF, ON, NOT_SUP, REQ = Encryption.OFF, Encryption.ON, Encryption.NOT_SUP, Encryption.REQ
NONE, LOGIN, FULL = tds.EncryptionLevel.NONE, tds.EncryptionLevel.LOGIN_ONLY, tds.EncryptionLevel.FULL


@pytest.mark.parametrize(
    ("requested", "answered", "level"),
    [
        (OFF, OFF, LOGIN),  # SQL Server always encrypts the login
        (OFF, ON, FULL),
        (OFF, REQ, FULL),  # the server forces encryption
        (OFF, NOT_SUP, NONE),
        (OFF, None, NONE),  # no ENCRYPTION option in the reply
        (ON, ON, FULL),
        (ON, OFF, FULL),
        (ON, REQ, FULL),
        (NOT_SUP, NOT_SUP, NONE),
        (NOT_SUP, OFF, NONE),
        (NOT_SUP, REQ, FULL),
    ],
)
def test_encryption_matrix(requested: int, answered: int | None, level: tds.EncryptionLevel) -> None:
    assert tds.negotiate_encryption(requested, answered) is level


@pytest.mark.parametrize("requested", [ON, REQ])
def test_required_encryption_against_a_server_without_it(requested: int) -> None:
    with pytest.raises(tds.EncryptionNotSupported, match="does not support encryption"):
        tds.negotiate_encryption(requested, NOT_SUP)


def tabular(payload: bytes, packet_size: int = 4096) -> bytes:
    return packetize(PacketType.TABULAR_RESULT, payload, packet_size)


def prelogin_reply(encryption: int = OFF, instance_ok: bool = True) -> bytes:
    reply = prelogin.PreLogin(
        [
            (prelogin.Option.VERSION, prelogin.version_bytes(16, 0, 4135)),
            (prelogin.Option.ENCRYPTION, bytes([encryption])),
            (prelogin.Option.INSTOPT, b"\x00" if instance_ok else b"\x01"),
        ]
    )
    return tabular(prelogin.encode(reply))


def login_reply(packet_size: int = 8000, extra: bytes = b"") -> bytes:
    payload = (
        tokens.env_change_text(EnvChange.DATABASE, "master", "master")
        + tokens.message(5701, 2, 0, "Changed database context to 'master'.")
        + tokens.env_change_bytes(EnvChange.SQL_COLLATION, collation.DEFAULT_BYTES)
        + tokens.env_change_text(EnvChange.LANGUAGE, "us_english")
        + tokens.login_ack(tds.TDS_7_4, "Microsoft SQL Server", (16, 0, 4135))
        + extra
        + tokens.env_change_text(EnvChange.PACKET_SIZE, str(packet_size), "4096")
        + tokens.done()
    )
    return tabular(payload)


def logged_in(packet_size: int = 8000) -> tds.ClientConnection:
    conn = tds.ClientConnection()
    conn.prelogin(OFF)
    conn.receive_data(prelogin_reply())
    conn.login(tds.login_record("sa", "pw"))
    conn.receive_data(login_reply(packet_size))
    assert conn.state is tds.State.LOGGED_IN
    return conn


def byte_by_byte(conn: tds.ClientConnection, data: bytes) -> list:
    events = []
    for index in range(len(data)):
        events += conn.receive_data(data[index : index + 1])
    return events


def test_messages_are_what_the_server_codec_reads() -> None:
    client, server = tds.ClientConnection(), ServerConnection()
    (received,) = server.receive_data(client.prelogin(ON, instance="INST", thread_id=7))
    assert isinstance(received, PreLoginReceived)
    assert (received.prelogin.encryption, received.prelogin.instance, received.prelogin.thread_id) == (ON, "INST", 7)
    client.receive_data(prelogin_reply(ON))
    record = tds.login_record("sa", "p@ss", database="pubs", appname="app", hostname="ws", packet_size=8000)
    (login,) = server.receive_data(client.login(record))
    assert isinstance(login, LoginReceived) and not login.without_prelogin
    decoded = login.login
    assert (decoded.username, decoded.password, decoded.database, decoded.appname) == ("sa", "p@ss", "pubs", "app")
    assert decoded.packet_size == 8000 and decoded.tds_version == tds.TDS_7_4
    assert decoded.features == [(login7.Feature.UTF8_SUPPORT, b"")]


def test_strict_login_announces_tds_8() -> None:
    record = login7.decode(login7.encode(tds.login_record("sa", "x", strict=True, read_only=True)))
    assert record.tds_version == tds.TDS_8_0 and record.read_only_intent


def test_login_succeeds_whatever_the_packet_cuts() -> None:
    conn = tds.ClientConnection()
    conn.prelogin(OFF)
    (reply,) = byte_by_byte(conn, prelogin_reply(REQ))
    assert isinstance(reply, tds.PreLoginResponse) and reply.encryption == REQ and reply.instance_valid
    conn.login(tds.login_record("sa", "pw"))
    events = byte_by_byte(conn, login_reply(packet_size=1024))
    done = events[-1]
    assert isinstance(done, tds.LoggedIn)
    assert (done.database, done.language, done.packet_size, done.collation) == (
        "master",
        "us_english",
        1024,
        collation.DEFAULT_BYTES,
    )
    assert done.ack.version == (16, 0, 4135) and conn.packet_size == 1024
    assert [e.number for e in events if isinstance(e, tokens.ServerMessage)] == [5701]


def test_login_rejected() -> None:
    conn = tds.ClientConnection()
    conn.login(tds.login_record("sa", "wrong"))  # no PRELOGIN first, as old clients do
    payload = (
        tokens.message(4060, 1, 11, 'Cannot open database "x" requested by the login. The login failed.')
        + tokens.message(18456, 1, 14, "Login failed for user 'sa'.")
        + tokens.done(DoneStatus.ERROR)
    )
    events = conn.receive_data(tabular(payload))
    rejected = events[-1]
    assert isinstance(rejected, tds.LoginRejected)
    assert [e.number for e in rejected.errors] == [4060, 18456]
    assert conn.state is tds.State.CLOSED


def test_routing_is_reported_at_login() -> None:
    conn = tds.ClientConnection()
    conn.login(tds.login_record("sa", "pw"))
    value = (
        bytes([0]) + (1444).to_bytes(2, "little") + len("replica").to_bytes(2, "little") + "replica".encode("utf-16-le")
    )
    routing = bytes([tokens.Token.ENVCHANGE]) + (len(value) + 5).to_bytes(2, "little") + bytes([EnvChange.ROUTING])
    routing += len(value).to_bytes(2, "little") + value + b"\x00\x00"
    events = conn.receive_data(login_reply(extra=routing))
    assert tds.Routing(0, 1444, "replica") in events
    assert events[-1].routing == tds.Routing(0, 1444, "replica")


def test_requests_carry_the_transaction_descriptor() -> None:
    conn = logged_in()
    server = ServerConnection()
    server.state = server.state.LOGGED_IN  # the server side of an already logged-in connection
    conn.transaction(requests.TmRequest.BEGIN_XACT)
    begin = tokens.env_change_bytes(EnvChange.BEGIN_TRANSACTION, (0x1122334455667788).to_bytes(8, "little"))
    events = conn.receive_data(tabular(begin + tokens.done()))
    assert tds.TransactionChange(EnvChange.BEGIN_TRANSACTION, 0x1122334455667788) in events
    assert isinstance(events[-1], tds.ResponseComplete)
    (request,) = server.receive_data(conn.batch("SELECT 1"))
    assert isinstance(request, RequestReceived)
    assert request.request.headers.transaction_descriptor == 0x1122334455667788
    assert request.request.text == "SELECT 1"
    commit = tokens.env_change_bytes(EnvChange.COMMIT_TRANSACTION, b"", (0x1122334455667788).to_bytes(8, "little"))
    conn.receive_data(tabular(commit + tokens.done()))
    assert conn.transaction_descriptor == 0


def test_rpc_parameters_reach_the_server_typed() -> None:
    conn = logged_in()
    server = ServerConnection()
    server.state = server.state.LOGGED_IN
    call = requests.RpcCall(
        "sp_executesql",
        [
            requests.RpcParam("", "SELECT @P1", sqltypes.NVARCHAR_MAX),
            requests.RpcParam("", "@P1 decimal(10,2)", sqltypes.NVARCHAR_MAX),
            requests.RpcParam("@P1", 12.5, sqltypes.decimal(10, 2)),
        ],
        proc_id=requests.ProcId.SP_EXECUTESQL,
    )
    (request,) = server.receive_data(conn.rpc([call]))
    (decoded,) = request.request.calls
    assert decoded.name == "sp_executesql" and str(decoded.params[2].value) == "12.50"


def result(rows: list[list], columns: list[Column]) -> bytes:
    shape = tokens.ResultShape(columns)
    return shape.colmetadata + shape.encode_rows(rows) + tokens.done(DoneStatus.COUNT, 0xC1, len(rows))


def test_rows_stream_as_their_packets_arrive() -> None:
    conn = logged_in(packet_size=512)
    conn.batch("SELECT ...")
    big = "x" * 20_000
    columns = [Column("id", sqltypes.INT), Column("text", sqltypes.NVARCHAR_MAX)]
    packets = tabular(result([[1, "small"], [2, big], [3, None]], columns), 512)
    events: list = []
    seen_first_row_at = None
    for start in range(0, len(packets), 512):
        events += conn.receive_data(packets[start : start + 512])
        if seen_first_row_at is None and any(isinstance(e, tokens.Row) for e in events):
            seen_first_row_at = start
    rows = [e.values for e in events if isinstance(e, tokens.Row)]
    assert rows == [[1, "small"], [2, big], [3, None]]
    assert seen_first_row_at == 0  # the first row did not wait for the 40 KB one
    assert isinstance(events[-1], tds.ResponseComplete) and conn.state is tds.State.LOGGED_IN


def test_attention_waits_for_its_acknowledgement() -> None:
    conn = logged_in()
    conn.batch("WAITFOR DELAY '01:00'")
    conn.attention()
    events = conn.receive_data(tabular(tokens.done()))  # the request's own end: not the acknowledgement
    assert not any(isinstance(e, tds.ResponseComplete) for e in events)
    with pytest.raises(ProtocolError, match="ATTENTION acknowledgement"):
        conn.batch("SELECT 1")
    events = conn.receive_data(tabular(tokens.done(DoneStatus.ATTN)))
    assert events[-1] == tds.ResponseComplete(attention=True)
    assert not conn.attention_pending and conn.state is tds.State.LOGGED_IN


def test_attention_in_the_same_response() -> None:
    conn = logged_in()
    conn.batch("SELECT ...")
    conn.attention()
    columns = [Column("a", sqltypes.INT)]
    shape = tokens.ResultShape(columns)
    payload = shape.colmetadata + shape.encode_rows([[1]]) + tokens.done(DoneStatus.ATTN)
    assert conn.receive_data(tabular(payload))[-1] == tds.ResponseComplete(attention=True)


def test_rpc_return_status_and_output_values() -> None:
    conn = logged_in()
    conn.rpc([requests.RpcCall("p")])
    payload = (
        tokens.return_status(7)
        + tokens.return_value(1, "@b", sqltypes.INT, 42)
        + tokens.done(0, 0xE0, 0, token=tokens.Token.DONEPROC)
    )
    events = conn.receive_data(tabular(payload))
    assert tokens.ReturnStatus(7) in events
    (value,) = [e for e in events if isinstance(e, tokens.ReturnValue)]
    assert (value.name, value.value) == ("@b", 42)
    assert isinstance(events[-1], tds.ResponseComplete)


def test_done_inproc_and_more_do_not_end_the_response() -> None:
    conn = logged_in()
    conn.batch("INSERT ...; SELECT ...")
    first = conn.receive_data(tabular(tokens.done(DoneStatus.MORE | DoneStatus.COUNT, 0xC3, 2)))
    inproc = conn.receive_data(tabular(tokens.done(DoneStatus.COUNT, 0xC1, 1, token=tokens.Token.DONEINPROC)))
    assert not any(isinstance(e, tds.ResponseComplete) for e in first + inproc)
    assert isinstance(conn.receive_data(tabular(tokens.done()))[-1], tds.ResponseComplete)


@pytest.mark.parametrize(
    ("setup", "data", "message"),
    [
        ("idle", tabular(tokens.done()), "while no response is expected"),
        ("request", tabular(tokens.done()[:5]), "truncated input"),
        ("request", tabular(b"\x42"), "unexpected token"),
        ("request", b"\x04\x01\x00\x04\x00\x00\x01\x00", "invalid packet length"),
        ("prelogin", packetize(PacketType.LOGIN7, b"\x00"), "packet type 16 from the server"),
    ],
)
def test_protocol_violations(setup: str, data: bytes, message: str) -> None:
    if setup == "prelogin":
        conn = tds.ClientConnection()
        conn.prelogin(OFF)
    else:
        conn = logged_in()
        if setup == "request":
            conn.batch("SELECT 1")
    with pytest.raises(ProtocolError, match=message):
        conn.receive_data(data)


@pytest.mark.parametrize("step", ["prelogin twice", "request before login", "attention before login"])
def test_out_of_order_calls(step: str) -> None:
    conn = tds.ClientConnection()
    with pytest.raises(ProtocolError):
        if step == "prelogin twice":
            conn.prelogin(OFF)
            conn.prelogin(OFF)
        elif step == "request before login":
            conn.batch("SELECT 1")
        else:
            conn.attention()
