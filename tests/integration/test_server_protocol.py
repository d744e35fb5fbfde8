"""[core] protocol details: RESETCONNECTION, packet size, transaction manager requests,
IPv6, a configured certificate, ForceEncryption, default databases."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import rawtds
from harness import Server, start_server
from tdsnet.tds import prelogin, requests, tokens
from tdsnet.tds.packets import PacketType, Status

pymssql = pytest.importorskip("pymssql")


def test_reset_connection_bit_resets_the_session(server: Server) -> None:
    client = rawtds.connect(server.host, server.port, "sa", server.sa_password)
    client.batch("SET NOCOUNT ON; CREATE TABLE #scratch (a int); SET LANGUAGE us_english; SET DATEFORMAT dmy")
    assert rawtds.rows_in(client.batch("SELECT CASE WHEN OBJECT_ID('tempdb..#scratch') IS NULL THEN 0 ELSE 1 END")) == [
        [1]
    ]
    text = "SELECT OBJECT_ID('tempdb..#scratch'), @@OPTIONS & 512"
    payload = requests.encode_sql_batch(requests.SqlBatch(text), 0x74000004)
    client.send(PacketType.SQL_BATCH, payload, status=Status.RESET_CONNECTION)
    events = client.events()
    resets = [
        e for e in events if isinstance(e, tokens.EnvChangeEvent) and e.kind == tokens.EnvChange.RESET_CONNECTION_ACK
    ]
    assert resets, events
    assert rawtds.rows_in(events) == [[None, 0]]  # the temp table is gone, NOCOUNT is off again
    assert rawtds.errors_in(client.batch("SELECT * FROM #scratch"))[0].number == 208
    client.close()


@pytest.mark.parametrize("size", [512, 32767])
def test_packet_size_is_negotiated(server: Server, size: int) -> None:
    client = rawtds.RawClient(server.host, server.port)
    client.prelogin()
    events = client.login("sa", server.sa_password, packet_size=size)
    changes = [e for e in events if isinstance(e, tokens.EnvChangeEvent) and e.kind == tokens.EnvChange.PACKET_SIZE]
    assert changes[0].new == str(size)
    client.packet_size = size
    long_text = "x" * 100_000
    rows = rawtds.rows_in(client.batch(f"SELECT REPLICATE(CAST('x' AS varchar(max)), {len(long_text)})"))
    assert rows == [[long_text]]
    (row,) = rawtds.rows_in(
        client.batch("SELECT net_packet_size FROM sys.dm_exec_connections WHERE session_id = @@SPID")
    )
    assert row == [size]
    client.close()


def test_transaction_manager_requests_and_dtc(server: Server) -> None:
    client = rawtds.connect(server.host, server.port, "sa", server.sa_password)

    def tm(kind: int, **fields) -> list:
        request = requests.TransactionManagerRequest(kind, **fields)
        client.send(PacketType.TRANSACTION_MANAGER, requests.encode_transaction_manager(request, 0x74000004))
        return client.events()

    begin = tm(requests.TmRequest.BEGIN_XACT)
    changes = [e for e in begin if isinstance(e, tokens.EnvChangeEvent)]
    assert changes[0].kind == tokens.EnvChange.BEGIN_TRANSACTION and len(changes[0].new) == 8
    assert rawtds.rows_in(client.batch("SELECT @@TRANCOUNT")) == [[1]]
    commit = tm(requests.TmRequest.COMMIT_XACT)
    assert [e.kind for e in commit if isinstance(e, tokens.EnvChangeEvent)] == [tokens.EnvChange.COMMIT_TRANSACTION]
    assert rawtds.rows_in(client.batch("SELECT @@TRANCOUNT")) == [[0]]
    dtc = rawtds.errors_in(tm(requests.TmRequest.GET_DTC_ADDRESS))
    assert dtc[0].number == 8501 and "MSDTC on server" in dtc[0].text
    client.close()


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_ipv6_listener(tmp_path) -> None:
    running = start_server(tmp_path / "v6", listen="::1")
    try:
        assert "Server is listening on [ ::1 <ipv6>" in running.errorlog_text()
        pytds = pytest.importorskip("pytds")
        conn = pytds.connect(server="::1", port=running.port, user="sa", password=running.sa_password)
        cursor = conn.cursor()
        cursor.execute("SELECT client_net_address FROM sys.dm_exec_connections WHERE session_id = @@SPID")
        assert cursor.fetchone()[0] == "::1"
        conn.close()
    finally:
        running.stop()


def _write_certificate(directory) -> tuple:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "configured.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path, cert.fingerprint(hashes.SHA1()).hex().upper()


def test_configured_certificate_and_force_encryption(tmp_path) -> None:
    cert_path, key_path, thumbprint = _write_certificate(tmp_path)
    running = start_server(
        tmp_path / "forced", "--certificate", str(cert_path), "--private-key", str(key_path), "--force-encryption"
    )
    try:
        text = running.errorlog_text()
        assert f'The certificate [Cert Hash(sha1) "{thumbprint}"] was successfully loaded for encryption.' in text
        # A client that says encryption OFF is told REQ and must encrypt everything.
        client = rawtds.RawClient(running.host, running.port)
        answer = client.prelogin(prelogin.Encryption.OFF)
        assert answer.encryption == prelogin.Encryption.REQ
        client.close()
        # TDS 8.0 strict presents the configured certificate.
        context = ssl.create_default_context(cafile=str(cert_path))
        context.check_hostname = False
        context.set_alpn_protocols(["tds/8.0"])
        with socket.create_connection((running.host, running.port)) as raw, context.wrap_socket(raw) as tls:
            assert tls.selected_alpn_protocol() == "tds/8.0"
            seen = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
            assert seen.subject.rfc4514_string() == "CN=configured.test"
        # pymssql (FreeTDS) with encryption off still works: the server insists on TLS.
        conn = pymssql.connect(server=running.host, port=running.port, user="sa", password=running.sa_password)
        cursor = conn.cursor()
        cursor.execute("SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID")
        assert cursor.fetchone()[0] == "TRUE"
        conn.close()
    finally:
        running.stop()


def test_login_lands_in_its_default_database_and_use_switches(server: Server) -> None:
    admin = pymssql.connect(
        server=server.host, port=server.port, user="sa", password=server.sa_password, autocommit=True
    )
    cursor = admin.cursor()
    cursor.execute("IF DB_ID('sales') IS NULL CREATE DATABASE sales")
    cursor.execute("CREATE LOGIN sales_user WITH PASSWORD = 'Sales!Pass1', DEFAULT_DATABASE = sales")
    user = pymssql.connect(
        server=server.host, port=server.port, user="sales_user", password="Sales!Pass1", autocommit=True
    )
    user_cursor = user.cursor()
    user_cursor.execute("SELECT DB_NAME()")
    assert user_cursor.fetchone()[0] == "sales"
    user_cursor.execute("USE master; SELECT DB_NAME()")
    assert user_cursor.fetchone()[0] == "master"
    user.close()
    for _ in range(50):  # the server sees the disconnect a moment later
        cursor.execute("SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE login_name = 'sales_user'")
        if cursor.fetchone()[0] == 0:
            break
        time.sleep(0.05)
    cursor.execute("DROP LOGIN sales_user")
    admin.close()


def test_a_result_of_many_packets_arrives_whole(server: Server) -> None:
    """More than 255 packets: their ids wrap around, and the last one still arrives."""
    pymssql = pytest.importorskip("pymssql")
    with contextlib.closing(
        pymssql.connect(server=server.host, port=server.port, user="sa", password=server.sa_password)
    ) as conn:
        cursor = conn.cursor()
        cursor.execute(
            "WITH d AS (SELECT n FROM (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) v(n)) "
            "SELECT a.n * 10000 + b.n * 1000 + c.n * 100 + e.n * 10 + f.n AS id, REPLICATE('x', 40) AS pad "
            "FROM d a, d b, d c, d e, d f"
        )
        rows = cursor.fetchall()
    assert len(rows) == 100_000 and sorted(r[0] for r in rows) == list(range(100_000))
