"""A minimal blocking TDS client for protocol-level tests: it sends exactly the messages a
test needs (ATTENTION mid-query, an SSPI login, garbage) and reads the token stream with the
codec's reader.  Everyday client behaviour is tested with the real clients instead.
"""

from __future__ import annotations

import socket
from typing import Any

from tdsnet.tds import login7, prelogin, requests, tokens
from tdsnet.tds.packets import HEADER, HEADER_SIZE, PacketType, Status, packetize

TDS_7_4 = 0x74000004


class RawClient:
    def __init__(self, host: str, port: int = 0, timeout: float = 10) -> None:
        """TCP to host:port, or (port 0) a Unix socket path: a named pipe or shared memory."""
        if port:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        else:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(host)
        self.reader = tokens.TokenReader(TDS_7_4)
        self.packet_size = 4096

    def close(self) -> None:
        self.sock.close()

    def send(self, ptype: int, payload: bytes, status: int = 0) -> None:
        self.sock.sendall(packetize(ptype, payload, self.packet_size, status=status))

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def receive_message(self) -> bytes:
        """One whole server message (packets up to EOM)."""
        parts = []
        while True:
            header = self._exactly(HEADER_SIZE)
            _ptype, status, length = HEADER.unpack(header)[:3]
            parts.append(self._exactly(length - HEADER_SIZE))
            if status & Status.EOM:
                return b"".join(parts)

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("server closed the connection")
            data += chunk
        return data

    def events(self) -> list[Any]:
        return [e for e in self.reader.read(self.receive_message()) if e is not None]

    def prelogin(self, encryption: int = prelogin.Encryption.NOT_SUP, mars: bool = False) -> prelogin.PreLogin:
        request = prelogin.PreLogin(
            [
                (prelogin.Option.VERSION, prelogin.version_bytes(16, 0, 0)),
                (prelogin.Option.ENCRYPTION, bytes([encryption])),
                (prelogin.Option.INSTOPT, b"\x00"),
                (prelogin.Option.THREADID, b"\x00\x00\x00\x01"),
                (prelogin.Option.MARS, b"\x01" if mars else b"\x00"),
            ]
        )
        self.send(PacketType.PRELOGIN, prelogin.encode(request))
        return prelogin.decode(self.receive_message())

    def login(self, user: str, password: str, database: str = "", **fields: Any) -> list[Any]:
        record = login7.Login7(
            username=user,
            password=password,
            database=database,
            hostname="rawtds",
            appname="rawtds",
            **fields,
        )
        self.send(PacketType.LOGIN7, login7.encode(record))
        return self.events()

    def batch(self, text: str) -> list[Any]:
        self.send_batch(text)
        return self.events()

    def send_batch(self, text: str) -> None:
        self.send(PacketType.SQL_BATCH, requests.encode_sql_batch(requests.SqlBatch(text), TDS_7_4))

    def attention(self) -> None:
        self.send(PacketType.ATTENTION, b"")


def connect(host: str, port: int, user: str, password: str) -> RawClient:
    """Log in (port 0: host is a Unix socket path) or raise ConnectionError with the events."""
    client = RawClient(host, port)
    client.prelogin()
    events = client.login(user, password)
    if not any(isinstance(e, tokens.LoginAck) for e in events):
        raise ConnectionError(f"login failed: {events}")
    return client


def errors_in(events: list[Any]) -> list[tokens.ServerMessage]:
    return [e for e in events if isinstance(e, tokens.ServerMessage) and e.is_error]


def rows_in(events: list[Any]) -> list[list[Any]]:
    return [e.values for e in events if isinstance(e, tokens.Row)]
