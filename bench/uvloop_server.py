"""A bare uvloop request/response server: each fixed-size request gets a fixed reply, nothing else.

It is the ceiling for any asyncio Python server on this machine: tdsnet does this much work per round trip
plus decoding TDS, running the statement and encoding its result. The sizes are those of a TDS `SELECT 1`
exchange as FreeTDS sends it (8-byte header, 22-byte ALL_HEADERS, 16 bytes of UTF-16 text) and its reply.

Usage: python bench/uvloop_server.py --port 0   (prints "listening on port N", stops on SIGTERM/SIGINT)
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

import uvloop

REQUEST_SIZE = 46
REPLY = bytes(range(42))


class Echo(asyncio.Protocol):
    """Answers every complete request in the buffer with one reply, in a single write per read."""

    def __init__(self) -> None:
        self.transport: Any = None  # uvloop's TCPTransport, which is no asyncio.Transport subclass
        self.pending = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport  # uvloop sets TCP_NODELAY on TCP transports itself

    def data_received(self, data: bytes) -> None:
        self.pending += len(data)
        count, self.pending = divmod(self.pending, REQUEST_SIZE)
        if count and self.transport is not None:
            self.transport.write(REPLY * count)


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, host, port, backlog=1024)
    print(f"listening on port {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    uvloop.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
