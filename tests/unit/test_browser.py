"""The SQL Server Browser's decisions (what to answer, whom to ignore), without sockets; the
Browser on UDP 1434 with real clients is in tests/integration/test_protocols.py."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from tdsnet.server.browser import BrowserProtocol, RateLimiter, Registration, answer, registrations
from tdsnet.tds import ssrp

SALES = Registration("SALES", "HOST1", os.getpid(), "16.0.1000", 50123, r"\\.\pipe\MSSQL$SALES\sql\query", 50200, False)
HIDDEN = Registration("SECRET", "HOST1", os.getpid(), "16.0.1000", 50124, None, 50201, True)


def test_instances_listed_without_hidden_ones() -> None:
    reply = answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_EX), [SALES, HIDDEN])
    (record,) = ssrp.decode_response(reply, ssrp.RequestKind.CLNT_UCAST_EX)
    assert (record.instance_name, record.tcp_port) == ("SALES", 50123)
    assert record.pipe == r"\\HOST1\pipe\MSSQL$SALES\sql\query"  # the host named, as SQL Server's Browser does


def test_instance_names_match_in_any_case() -> None:
    reply = answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_INST, "sales"), [SALES])  # ODBC sends lowercase
    assert ssrp.decode_response(reply, ssrp.RequestKind.CLNT_UCAST_INST)[0].instance_name == "SALES"


def test_silence_for_unknown_and_hidden_instances() -> None:
    assert answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_INST, "NOPE"), [SALES]) is None
    assert answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_INST, "SECRET"), [HIDDEN]) is None
    assert answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_DAC, "SECRET"), [HIDDEN]) is None
    assert answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_EX), [HIDDEN]) is None


def test_dac_port() -> None:
    reply = answer(ssrp.Request(ssrp.RequestKind.CLNT_UCAST_DAC, "SALES"), [SALES])
    assert ssrp.decode_dac_response(reply) == 50200


def test_rate_limit_per_source() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=5, burst=3, clock=lambda: now[0])
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")  # another source has its own bucket
    now[0] += 0.2  # one token back after 1/rate seconds
    assert limiter.allow("10.0.0.1") and not limiter.allow("10.0.0.1")


class _Transport:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, tuple]] = []

    def sendto(self, data: bytes, addr: tuple) -> None:
        self.sent.append((data, addr))


def _register_sales(root: Path) -> None:
    folder = root / "instances"
    folder.mkdir()
    fields = dict(instance="SALES", server_name="HOST1", pid=os.getpid(), version="16.0.1000", tcp=50123)
    (folder / "sales.json").write_text(json.dumps(fields))


def _protocol(tmp_path: Path) -> tuple[BrowserProtocol, _Transport]:
    _register_sales(tmp_path)
    protocol = BrowserProtocol(tmp_path, RateLimiter())
    transport = _Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


def test_answers_well_formed_requests_only(tmp_path: Path) -> None:
    protocol, transport = _protocol(tmp_path)
    protocol.datagram_received(b"\x03", ("127.0.0.1", 50000))
    protocol.datagram_received(b"\x04SALES", ("127.0.0.1", 50001))  # no NUL terminator: malformed
    protocol.datagram_received(b"\x03\x00\x00", ("127.0.0.1", 50002))  # trailing bytes: malformed
    protocol.datagram_received(b"\x03", ("127.0.0.1", ssrp.SSRP_PORT))  # another Browser: never answered
    assert [addr[1] for _data, addr in transport.sent] == [50000]


def test_registrations_of_dead_processes_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "instances"
    folder.mkdir()
    alive = dict(instance="A", server_name="H", pid=os.getpid(), version="16.0.1000", tcp=1)
    dead = dict(alive, instance="B", pid=2**22 + 12345)
    (folder / "a.json").write_text(json.dumps(alive))
    (folder / "b.json").write_text(json.dumps(dead))
    (folder / "c.json").write_text("{half written")
    assert [r.instance for r in registrations(tmp_path)] == ["A"]


def test_the_protocol_runs_on_an_event_loop(tmp_path: Path) -> None:
    async def exchange() -> bytes:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: BrowserProtocol(tmp_path, RateLimiter()), local_addr=("127.0.0.1", 0)
        )
        port = transport.get_extra_info("sockname")[1]
        received: asyncio.Future[bytes] = loop.create_future()

        class Client(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: tuple) -> None:
                received.set_result(data)

        client, _ = await loop.create_datagram_endpoint(Client, remote_addr=("127.0.0.1", port))
        client.sendto(b"\x03")
        try:
            return await asyncio.wait_for(received, 5)
        finally:
            client.close()
            transport.close()

    _register_sales(tmp_path)
    records = ssrp.decode_response(asyncio.run(exchange()), ssrp.RequestKind.CLNT_UCAST_EX)
    assert [r.instance_name for r in records] == ["SALES"]
