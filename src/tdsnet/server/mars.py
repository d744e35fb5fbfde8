"""MARS: a client connection's SMP sessions, each a TDS conversation of its own.

A client that asks for MARS in PRELOGIN sends SMP packets from then on (`tds.smp`).  Every SMP
session (a "channel" here) decodes its own TDS messages; they all share the connection's login
and engine session, whose requests run one at a time, in the order they arrive, as SQL Server
interleaves MARS requests only at points a client cannot tell apart from that.  A channel's
response waits in memory while the client's window for it is closed, so a result the client has
not read yet never holds up a request on another channel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..tds import connection as tdsconn
from ..tds import smp
from ..tds.errors import ProtocolError
from ..tds.packets import HEADER_SIZE as TDS_HEADER_SIZE


@dataclass(slots=True, eq=False)
class Channel:
    """One SMP session: its flow control and its TDS state machine."""

    smp: smp.Session
    tds: tdsconn.ServerConnection


# SQL Server caps a MARS connection's sessions; a client that opens more is misbehaving.
MAX_CHANNELS = 1024


class MarsMux:
    """The SMP layer of one client connection: packets in, each channel's bytes out, and back."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write
        self._reader = smp.Reader()
        self.channels: dict[int, Channel] = {}

    def receive(self, data: bytes, new_tds: Callable[[], tdsconn.ServerConnection]) -> list[tuple[Channel, bytes]]:
        """The TDS bytes each channel received; opens and closes channels, moves windows."""
        out: list[tuple[Channel, bytes]] = []
        for packet in self._reader.feed(data):
            if packet.flags == smp.Flag.SYN:
                if packet.sid in self.channels:
                    raise ProtocolError(f"SMP session {packet.sid} opened twice")
                if len(self.channels) >= MAX_CHANNELS:
                    raise ProtocolError(f"more than {MAX_CHANNELS} SMP sessions on one connection")
                self.channels[packet.sid] = Channel(smp.Session(packet.sid, packet.window), new_tds())
                continue
            channel = self.channels.get(packet.sid)
            if channel is None:
                raise ProtocolError(f"SMP packet for session {packet.sid}, which is not open")
            channel.smp.receive(packet)
            if packet.flags == smp.Flag.DATA:
                out.append((channel, packet.data))
                ack = channel.smp.acknowledgement()
                if ack is not None:
                    self._write(ack)
            elif packet.flags == smp.Flag.FIN:
                del self.channels[packet.sid]
                self._write(channel.smp.fin())
            self._flush(channel)
        return out

    def write(self, channel: Channel, data: bytes) -> None:
        """Whole TDS packets for a channel: sent as its window allows, the rest when it opens."""
        if self.channels.get(channel.smp.sid) is not channel:
            return  # the client closed that session: what it asked for has nobody to go to
        view = memoryview(data)
        pos = 0
        while pos < len(data):
            length = int.from_bytes(view[pos + 2 : pos + 4], "big")
            if length < TDS_HEADER_SIZE:
                raise ValueError("MARS output must be whole TDS packets")
            channel.smp.send(bytes(view[pos : pos + length]))
            pos += length
        self._flush(channel)

    def _flush(self, channel: Channel) -> None:
        ready = channel.smp.sendable()
        if ready:
            self._write(b"".join(ready))
