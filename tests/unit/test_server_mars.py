"""The MARS layer of a connection (`server.mars`): channels opened, fed and closed by SMP packets."""

from __future__ import annotations

import pytest

from tdsnet.server import mars
from tdsnet.tds import connection as tdsconn
from tdsnet.tds import smp
from tdsnet.tds.errors import ProtocolError
from tdsnet.tds.packets import PacketType, packetize


def _packet(flags: int, sid: int, seqnum: int = 0, window: int = 4, data: bytes = b"") -> bytes:
    return smp.HEADER.pack(smp.SMID, flags, sid, smp.HEADER_SIZE + len(data), seqnum, window) + data


def _mux() -> tuple[mars.MarsMux, list[bytes]]:
    sent: list[bytes] = []
    return mars.MarsMux(sent.append), sent


def test_channels_get_their_own_bytes_and_answers() -> None:
    mux, sent = _mux()
    batch = packetize(PacketType.SQL_BATCH, b"x" * 10, 4096)
    got = mux.receive(
        _packet(smp.Flag.SYN, 0) + _packet(smp.Flag.SYN, 1) + _packet(smp.Flag.DATA, 1, 1, 4, batch),
        tdsconn.ServerConnection,
    )
    assert [(c.smp.sid, data) for c, data in got] == [(1, batch)]
    mux.write(mux.channels[1], packetize(PacketType.TABULAR_RESULT, b"r" * 5000, 4096))  # two TDS packets
    framed = smp.Reader().feed(b"".join(sent))
    assert [(p.flags, p.sid, p.seqnum) for p in framed] == [(smp.Flag.DATA, 1, 1), (smp.Flag.DATA, 1, 2)]


def test_output_for_a_closed_session_is_dropped() -> None:
    mux, sent = _mux()
    mux.receive(_packet(smp.Flag.SYN, 3), tdsconn.ServerConnection)
    channel = mux.channels[3]
    mux.receive(_packet(smp.Flag.FIN, 3), tdsconn.ServerConnection)
    assert [p.flags for p in smp.Reader().feed(b"".join(sent))] == [smp.Flag.FIN]  # answered with a FIN
    mux.write(channel, packetize(PacketType.TABULAR_RESULT, b"late", 4096))
    assert len(b"".join(sent)) == smp.HEADER_SIZE


@pytest.mark.parametrize(
    "stream",
    [
        _packet(smp.Flag.DATA, 9, 1),  # a session never opened
        _packet(smp.Flag.SYN, 0) + _packet(smp.Flag.SYN, 0),  # opened twice
        b"".join(_packet(smp.Flag.SYN, sid) for sid in range(mars.MAX_CHANNELS + 1)),
    ],
)
def test_misbehaving_clients_are_protocol_errors(stream: bytes) -> None:
    mux, _ = _mux()
    with pytest.raises(ProtocolError):
        mux.receive(stream, tdsconn.ServerConnection)
