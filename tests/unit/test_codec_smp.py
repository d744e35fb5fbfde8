"""MC-SMP framing and flow control (`tds.smp`): packets in and out, windows, and malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdsnet.tds import smp
from tdsnet.tds.errors import ProtocolError


def _packet(flags: int, sid: int = 0, seqnum: int = 0, window: int = 4, data: bytes = b"") -> bytes:
    return smp.HEADER.pack(smp.SMID, flags, sid, smp.HEADER_SIZE + len(data), seqnum, window) + data


def test_reader_cuts_packets_across_reads() -> None:
    stream = _packet(smp.Flag.SYN) + _packet(smp.Flag.DATA, seqnum=1, data=b"\x01tds") + _packet(smp.Flag.FIN)
    reader = smp.Reader()
    packets = [p for i in range(0, len(stream), 5) for p in reader.feed(stream[i : i + 5])]
    assert [(p.flags, p.seqnum, p.data) for p in packets] == [
        (smp.Flag.SYN, 0, b""),
        (smp.Flag.DATA, 1, b"\x01tds"),
        (smp.Flag.FIN, 0, b""),
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"\x54" + _packet(smp.Flag.SYN)[1:],  # not SMP
        _packet(0x03),  # SYN and ACK at once
        _packet(smp.Flag.ACK, data=b"x"),  # only DATA carries data
        smp.HEADER.pack(smp.SMID, smp.Flag.DATA, 0, 8, 1, 4),  # shorter than its header
        smp.HEADER.pack(smp.SMID, smp.Flag.DATA, 0, 1 << 20, 1, 4),  # longer than a TDS packet can be
    ],
)
def test_reader_refuses_malformed_packets(raw: bytes) -> None:
    with pytest.raises(ProtocolError):
        smp.Reader().feed(raw)


@given(st.binary(max_size=200))
def test_reader_raises_only_protocol_errors(data: bytes) -> None:
    try:
        smp.Reader().feed(data)
    except ProtocolError:
        pass


def test_data_waits_for_the_peer_window() -> None:
    session = smp.Session(sid=1, send_window=2)
    for n in range(4):
        session.send(bytes([n]))
    first = session.sendable()
    assert [smp.HEADER.unpack_from(p)[4] for p in first] == [1, 2] and session.sendable() == []
    session.receive(smp.Packet(smp.Flag.ACK, 1, 0, 4))  # the peer opens its window to 4
    rest = session.sendable()
    assert [(smp.HEADER.unpack_from(p)[4], p[smp.HEADER_SIZE :]) for p in rest] == [(3, b"\x02"), (4, b"\x03")]


def test_receiving_moves_our_window_once_half_is_used() -> None:
    session = smp.Session(sid=0, send_window=4)
    session.receive(smp.Packet(smp.Flag.DATA, 0, 1, 4, b"a"))
    assert session.acknowledgement() is None  # 3 of 4 left
    session.receive(smp.Packet(smp.Flag.DATA, 0, 2, 4, b"b"))
    ack = session.acknowledgement()
    assert ack is not None and smp.HEADER.unpack(ack) == (smp.SMID, smp.Flag.ACK, 0, 16, 0, 6)


def test_data_out_of_order_or_beyond_the_window_is_refused() -> None:
    session = smp.Session(sid=0, send_window=4)
    with pytest.raises(ProtocolError):
        session.receive(smp.Packet(smp.Flag.DATA, 0, 2, 4, b"x"))
    for seqnum in range(1, 5):
        session.receive(smp.Packet(smp.Flag.DATA, 0, seqnum, 4, b"x"))
    with pytest.raises(ProtocolError):
        session.receive(smp.Packet(smp.Flag.DATA, 0, 5, 4, b"x"))


def test_sequence_numbers_wrap() -> None:
    session = smp.Session(sid=0, send_window=1, sent=0xFFFFFFFF)
    session.send(b"x")
    assert smp.HEADER.unpack_from(session.sendable()[0])[4] == 0
