r"""Stand-ins for server features the client must handle but tdsnet's server does not offer yet, or
that are failures by nature: each is a few lines of socket code in front of (or instead of) a
real `tdsnet serve`, never a fake of the client.

- `UnixRelay`: a named pipe or shared memory endpoint (a Unix socket at net.local's path) whose
  bytes are relayed to the real server's TCP port;
- `Browser`: an SQL Server Browser on 127.0.0.N:1434 answering with the records it is given;
- `ClosingListener`: a TCP endpoint that accepts and closes at once (a STOPPED endpoint, seed 001);
- `SilentListener`: a TCP endpoint that accepts and never answers (a hung server: timeouts).
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from tdsnet.net import local
from tdsnet.tds import ssrp


class UnixRelay:
    """Listen on a Unix socket; relay each connection to (host, port)."""

    def __init__(self, path: Path, host: str, port: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        self.listener.listen(16)
        self.path = path
        self.target = (host, port)
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            upstream = socket.create_connection(self.target)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        self.listener.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class TcpRelay:
    """Listen on (address, any port); relay each connection to (host, port)."""

    def __init__(self, address: str, host: str, port: int) -> None:
        self.listener = socket.create_server((address, 0))
        self.port = self.listener.getsockname()[1]
        self.target = (host, port)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        self.listener.close()


def pipe_relay(pipe: str, host: str, port: int) -> UnixRelay:
    return UnixRelay(local.pipe_socket(pipe), host, port)


def shared_memory_relay(instance: str, host: str, port: int) -> UnixRelay:
    return UnixRelay(local.shared_memory_socket(instance), host, port)


class Browser:
    """An SQL Server Browser on UDP 1434 of its own loopback address (127.0.0.N)."""

    def __init__(
        self,
        records: Sequence[ssrp.InstanceRecord] = (),
        dac_ports: dict[str, int] | None = None,
        address: str | None = None,
    ) -> None:
        self.records = {r.instance_name.upper(): r for r in records}
        self.dac_ports = {k.upper(): v for k, v in (dac_ports or {}).items()}
        self.requests: list[ssrp.Request] = []
        self.drop = 0  # datagrams to lose before answering (UDP may)
        self.sock, self.address = _bind_udp_1434() if address is None else (_bind_exactly(address), address)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            try:
                request = ssrp.decode_request(data)
            except Exception:
                continue
            self.requests.append(request)
            if self.drop > 0:
                self.drop -= 1
                continue
            reply = self._answer(request)
            if reply is not None:
                self.sock.sendto(reply, peer)

    def add(self, instance: ssrp.InstanceRecord) -> None:
        self.records[instance.instance_name.upper()] = instance

    def _answer(self, request: ssrp.Request) -> bytes | None:
        name = (request.instance or "").upper()
        if request.kind == ssrp.RequestKind.CLNT_UCAST_DAC:
            port = self.dac_ports.get(name)
            return None if port is None else ssrp.encode_dac_response(port)
        record = self.records.get(name)
        if record is None:
            return None
        return ssrp.encode_response([record], request.kind)

    def close(self) -> None:
        self.sock.close()


def _bind_udp_1434() -> tuple[socket.socket, str]:
    """A UDP socket on port 1434 of a free 127.0.0.N (each test its own Browser)."""
    for _ in range(50):
        address = f"127.0.{random.randint(1, 254)}.{random.randint(2, 254)}"
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((address, ssrp.SSRP_PORT))
        except OSError:
            sock.close()
            continue
        return sock, address
    raise RuntimeError("no free 127.0.0.N address for a Browser on UDP 1434")


def _bind_exactly(address: str) -> socket.socket:
    """UDP 1434 on one given address; OSError if it is taken."""
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((address, ssrp.SSRP_PORT))
    except OSError:
        sock.close()
        raise
    return sock


def record(instance: str, tcp_port: int | None = None, pipe: str | None = None) -> ssrp.InstanceRecord:
    return ssrp.InstanceRecord("TDSNETHOST", instance, False, "16.0.1000.6", tcp_port, pipe)


class _Listener:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.on_accept(conn)

    def on_accept(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.sock.close()
        for conn in self._held:
            conn.close()


class ClosingListener(_Listener):
    """Accepts, then resets the connection: what a client sees from a STOPPED endpoint."""

    def on_accept(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()


class SilentListener(_Listener):
    """Accepts and never answers."""

    def on_accept(self, conn: socket.socket) -> None:
        self._held.append(conn)


@contextlib.contextmanager
def closing(*things: object) -> Iterator[None]:
    try:
        yield
    finally:
        for thing in things:
            thing.close()  # type: ignore[attr-defined]
