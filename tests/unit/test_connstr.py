r"""Connection strings and server names: every server form (Microsoft's TCP/IP and named-pipe
articles, IPv6, DAC), every keyword and synonym, quoting and escaping, and SqlClient's errors."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdsnet.client.connstr import (
    ApplicationIntent,
    ConnectionSettings,
    ConnectionStringError,
    EncryptOption,
    IPAddressPreference,
    Protocol,
    ServerTarget,
    default_pipe_path,
    parse_connection_string,
    parse_server,
    quote_value,
)

TCP, NP, LPC = Protocol.TCP, Protocol.NAMED_PIPES, Protocol.SHARED_MEMORY
PIPE = r"\\.\pipe\sql\query"


def target(text: str, host: str, **fields: object) -> ServerTarget:
    return ServerTarget(text=text, host=host, **fields)  # type: ignore[arg-type]


def local(text: str, host: str, **fields: object) -> ServerTarget:
    return target(text, host, is_local=True, **fields)


# (server text, expected ServerTarget)
SERVERS = [
    # "Creating a Valid Connection String Using TCP IP", every form.
    ("myserver", target("myserver", "myserver")),
    (r"myserver\INST", target(r"myserver\INST", "myserver", instance="INST")),
    ("myserver,1433", target("myserver,1433", "myserver", port=1433, protocol=TCP)),
    ("10.1.2.3", target("10.1.2.3", "10.1.2.3")),
    (r"10.1.2.3\INST", target(r"10.1.2.3\INST", "10.1.2.3", instance="INST")),
    ("10.1.2.3,2000", target("10.1.2.3,2000", "10.1.2.3", port=2000, protocol=TCP)),
    ("(local)", local("(local)", "(local)")),
    ("localhost", local("localhost", "localhost")),
    (r"localhost\INST", local(r"localhost\INST", "localhost", instance="INST")),
    (".", local(".", ".")),
    (r".\INST", local(r".\INST", ".", instance="INST")),
    ("tcp:myserver,1433", target("tcp:myserver,1433", "myserver", port=1433, protocol=TCP)),
    (
        r"tcp:myserver\INST,1500",
        target(r"tcp:myserver\INST,1500", "myserver", instance="INST", port=1500, protocol=TCP),
    ),
    ("tcp:10.1.2.3,1433", target("tcp:10.1.2.3,1433", "10.1.2.3", port=1433, protocol=TCP)),
    (
        r"tcp:10.1.2.3\INST,1500",
        target(r"tcp:10.1.2.3\INST,1500", "10.1.2.3", instance="INST", port=1500, protocol=TCP),
    ),
    # Protocol prefixes, any case, spaces around the colon.
    ("tcp:myserver", target("tcp:myserver", "myserver", protocol=TCP)),
    ("TCP:myserver", target("TCP:myserver", "myserver", protocol=TCP)),
    ("Tcp : myserver", target("Tcp : myserver", "myserver", protocol=TCP)),
    (r"tcp:myserver\INST", target(r"tcp:myserver\INST", "myserver", instance="INST", protocol=TCP)),
    ("tcp:(local)", local("tcp:(local)", "(local)", protocol=TCP)),
    ("np:myserver", target("np:myserver", "myserver", protocol=NP, pipe_path=r"\\myserver\pipe\sql\query")),
    (
        r"NP:myserver\INST",
        target(
            r"NP:myserver\INST",
            "myserver",
            instance="INST",
            protocol=NP,
            pipe_path=r"\\myserver\pipe\MSSQL$INST\sql\query",
        ),
    ),
    ("np:(local)", local("np:(local)", "(local)", protocol=NP, pipe_path=PIPE)),
    ("np:.", local("np:.", ".", protocol=NP, pipe_path=PIPE)),
    ("np:localhost", local("np:localhost", "localhost", protocol=NP, pipe_path=PIPE)),
    ("lpc:(local)", local("lpc:(local)", "(local)", protocol=LPC)),
    ("LPC:.", local("LPC:.", ".", protocol=LPC)),
    (r"lpc:.\INST", local(r"lpc:.\INST", ".", instance="INST", protocol=LPC)),
    ("lpc:myserver", target("lpc:myserver", "myserver", protocol=LPC)),
    # The dedicated admin connection: TCP, with or without an instance or a port.
    ("admin:myserver", target("admin:myserver", "myserver", protocol=TCP, dac=True)),
    ("ADMIN:(local)", local("ADMIN:(local)", "(local)", protocol=TCP, dac=True)),
    (r"admin:myserver\INST", target(r"admin:myserver\INST", "myserver", instance="INST", protocol=TCP, dac=True)),
    (r"admin:.\INST", local(r"admin:.\INST", ".", instance="INST", protocol=TCP, dac=True)),
    ("admin:myserver,1434", target("admin:myserver,1434", "myserver", port=1434, protocol=TCP, dac=True)),
    # Instance and port together: both kept, the port wins.
    (r"myserver\INST,1500", target(r"myserver\INST,1500", "myserver", instance="INST", port=1500, protocol=TCP)),
    (r".\SQLEXPRESS,1433", local(r".\SQLEXPRESS,1433", ".", instance="SQLEXPRESS", port=1433, protocol=TCP)),
    # Whitespace around parts is trimmed; text keeps the inside as written.
    ("  myserver  ", target("myserver", "myserver")),
    ("myserver , 1433 ", target("myserver , 1433", "myserver", port=1433, protocol=TCP)),
    (r" myserver \ INST ", target(r"myserver \ INST", "myserver", instance="INST")),
    (r"myserver\INST , 1500", target(r"myserver\INST , 1500", "myserver", instance="INST", port=1500, protocol=TCP)),
    # Port edges and other host names.
    ("myserver,1", target("myserver,1", "myserver", port=1, protocol=TCP)),
    ("myserver,65535", target("myserver,65535", "myserver", port=65535, protocol=TCP)),
    ("myserver,01433", target("myserver,01433", "myserver", port=1433, protocol=TCP)),
    ("db-01.example.com", target("db-01.example.com", "db-01.example.com")),
    ("SQL_BOX$1", target("SQL_BOX$1", "SQL_BOX$1")),
    (r"myserver\MSSQLSERVER", target(r"myserver\MSSQLSERVER", "myserver", instance="MSSQLSERVER")),
    ("LOCALHOST", local("LOCALHOST", "LOCALHOST")),
    ("(LOCAL)", local("(LOCAL)", "(LOCAL)")),
    ("(local),1433", local("(local),1433", "(local)", port=1433, protocol=TCP)),
    ("127.0.0.1", target("127.0.0.1", "127.0.0.1")),  # a loopback address, but not a local *name*
    # IPv6, with and without brackets; a comma never occurs in an IPv6 address, so `::1,1433` is a port.
    ("::1", target("::1", "::1")),
    ("[::1]", target("[::1]", "::1")),
    ("[::1],1433", target("[::1],1433", "::1", port=1433, protocol=TCP)),
    ("::1,1433", target("::1,1433", "::1", port=1433, protocol=TCP)),
    ("fe80::1%eth0", target("fe80::1%eth0", "fe80::1%eth0")),
    ("[fe80::1%eth0],1433", target("[fe80::1%eth0],1433", "fe80::1%eth0", port=1433, protocol=TCP)),
    ("2001:db8::5", target("2001:db8::5", "2001:db8::5")),
    (r"[::1]\INST", target(r"[::1]\INST", "::1", instance="INST")),
    (r"::1\INST", target(r"::1\INST", "::1", instance="INST")),
    (r"[::1]\INST,1500", target(r"[::1]\INST,1500", "::1", instance="INST", port=1500, protocol=TCP)),
    ("tcp:[::1],1433", target("tcp:[::1],1433", "::1", port=1433, protocol=TCP)),
    ("tcp:::1", target("tcp:::1", "::1", protocol=TCP)),
    ("admin:[::1]", target("admin:[::1]", "::1", protocol=TCP, dac=True)),
    # Named-pipe paths: np implied, the instance read from MSSQL$NAME.
    (
        r"\\myserver\pipe\sql\query",
        target(r"\\myserver\pipe\sql\query", "myserver", protocol=NP, pipe_path=r"\\myserver\pipe\sql\query"),
    ),
    (PIPE, local(PIPE, ".", protocol=NP, pipe_path=PIPE)),
    (
        r"\\.\pipe\MSSQL$INST\sql\query",
        local(
            r"\\.\pipe\MSSQL$INST\sql\query",
            ".",
            instance="INST",
            protocol=NP,
            pipe_path=r"\\.\pipe\MSSQL$INST\sql\query",
        ),
    ),
    (
        r"\\myserver\PIPE\mssql$inst\sql\query",
        target(
            r"\\myserver\PIPE\mssql$inst\sql\query",
            "myserver",
            instance="inst",
            protocol=NP,
            pipe_path=r"\\myserver\PIPE\mssql$inst\sql\query",
        ),
    ),
    (
        r"np:\\myserver\pipe\sql\query",
        target(r"np:\\myserver\pipe\sql\query", "myserver", protocol=NP, pipe_path=r"\\myserver\pipe\sql\query"),
    ),
    (r"  \\.\pipe\sql\query  ", local(PIPE, ".", protocol=NP, pipe_path=PIPE)),
    (
        r"\\myserver\pipe\custom",
        target(r"\\myserver\pipe\custom", "myserver", protocol=NP, pipe_path=r"\\myserver\pipe\custom"),
    ),
    (
        r"\\(local)\pipe\sql\query",
        local(r"\\(local)\pipe\sql\query", "(local)", protocol=NP, pipe_path=r"\\(local)\pipe\sql\query"),
    ),
    (
        r"\\10.1.2.3\pipe\sql\query",
        target(r"\\10.1.2.3\pipe\sql\query", "10.1.2.3", protocol=NP, pipe_path=r"\\10.1.2.3\pipe\sql\query"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), SERVERS, ids=[row[0] for row in SERVERS])
def test_parse_server(text: str, expected: ServerTarget) -> None:
    assert parse_server(text) == expected


# (server text, a fragment of the error message)
SERVER_ERRORS = [
    ("", "the server name is empty"),
    ("   ", "the server name is empty"),
    ("tcp:", "the host name is empty"),
    ("admin:  ", "the host name is empty"),
    (r"\INST", "the host name is empty"),
    (",1433", "the host name is empty"),
    (r"\INST,1433", "the host name is empty"),
    ("myserver\\", "the instance name after '\\' is empty"),
    ("myserver\\ ,1433", "the instance name after '\\' is empty"),
    (r"myserver\a\b", "not a valid instance name"),
    (r"myserver\in st", "not a valid instance name"),
    (r"myserver\in:st", "not a valid instance name"),
    ("myserver,", "is not a port number"),
    ("myserver,0", "'0' is not a port number"),
    ("myserver,65536", "'65536' is not a port number"),
    ("myserver,-1", "is not a port number"),
    ("myserver,+1433", "is not a port number"),
    ("myserver,abc", "is not a port number"),
    ("myserver,14 33", "is not a port number"),
    ("myserver,1433,1", "is not a port number"),
    (r"myserver,1433\INST", "is not a port number"),
    ("myserver," + "9" * 5000, "is not a port number"),
    ("myserver:1433", "takes a port after a comma"),
    ("1:2:3", "takes a port after a comma"),
    ("::g", "takes a port after a comma"),
    ("my server", "not a valid host name"),
    ("myserver/inst", "not a valid host name"),
    ("my;server", "not a valid host name"),
    ("\x00", "not a valid host name"),
    ("[::1", "not a bracketed IPv6 address"),
    ("[myserver]", "not a bracketed IPv6 address"),
    ("[::1]x", "not a bracketed IPv6 address"),
    ("np:myserver,1433", "a port can only be given for TCP, not named pipes"),
    ("lpc:.,1433", "a port can only be given for TCP, not shared memory"),
    ("via:myserver", "The VIA protocol ('via:') is not supported."),
    (r"(localdb)\MSSQLLocalDB", "LocalDB"),
    (r"\\myserver", r"a pipe path has the form \\host\pipe\name"),
    (r"\\myserver\pipe", r"a pipe path has the form \\host\pipe\name"),
    ("\\\\myserver\\pipe\\", r"a pipe path has the form \\host\pipe\name"),
    (r"\\myserver\pipe\sql\\query", r"a pipe path has the form \\host\pipe\name"),
    (r"\\myserver\share\sql\query", r"a pipe path has the form \\host\pipe\name"),
    (r"\\\pipe\sql\query", "the host name is empty"),
    (r"\\.\pipe\MSSQL$\sql\query", "names no instance"),
    (r"\\.\pipe\sql\query,1433", "a pipe path takes no port"),
    (r"tcp:\\.\pipe\sql\query", "a pipe path can only be used with named pipes"),
    (r"lpc:\\.\pipe\sql\query", "a pipe path can only be used with named pipes"),
    (r"admin:\\.\pipe\sql\query", "a pipe path can only be used with named pipes"),
]


@pytest.mark.parametrize(("text", "message"), SERVER_ERRORS, ids=[row[0][:40] for row in SERVER_ERRORS])
def test_parse_server_rejects(text: str, message: str) -> None:
    with pytest.raises(ConnectionStringError) as caught:
        parse_server(text)
    assert message in str(caught.value)


# (server text, needs_browser, pipe_name): how the connection layer reads a target.
RESOLUTION = [
    ("myserver", False, r"\\myserver\pipe\sql\query"),
    (r"myserver\INST", True, r"\\myserver\pipe\MSSQL$INST\sql\query"),
    (r"myserver\INST,1500", False, None),  # the port wins: no Browser
    (r"myserver\MSSQLSERVER", False, r"\\myserver\pipe\sql\query"),  # the default instance by name
    ("(local)", False, PIPE),
    (r".\INST", True, r"\\.\pipe\MSSQL$INST\sql\query"),
    ("admin:myserver", False, None),  # DAC on the default instance: port 1434
    (r"admin:myserver\INST", True, None),  # DAC on a named instance: the Browser's DAC port
    (r"np:myserver\INST", False, r"\\myserver\pipe\MSSQL$INST\sql\query"),
    (r"lpc:.\INST", False, None),
    (r"\\.\pipe\MSSQL$INST\sql\query", False, r"\\.\pipe\MSSQL$INST\sql\query"),
]


@pytest.mark.parametrize(("text", "needs_browser", "pipe_name"), RESOLUTION, ids=[row[0] for row in RESOLUTION])
def test_target_resolution(text: str, needs_browser: bool, pipe_name: str | None) -> None:
    parsed = parse_server(text)
    assert parsed.needs_browser is needs_browser
    assert parsed.pipe_name == pipe_name


@pytest.mark.parametrize(
    ("instance", "host", "path"),
    [
        (None, ".", r"\\.\pipe\sql\query"),
        ("MSSQLSERVER", ".", r"\\.\pipe\sql\query"),
        ("mssqlserver", "box", r"\\box\pipe\sql\query"),
        ("SQLEXPRESS", ".", r"\\.\pipe\MSSQL$SQLEXPRESS\sql\query"),
        ("INST", "box", r"\\box\pipe\MSSQL$INST\sql\query"),
    ],
)
def test_default_pipe_path(instance: str | None, host: str, path: str) -> None:
    assert default_pipe_path(instance, host) == path


def _field(settings_: ConnectionSettings, dotted: str) -> object:
    value: object = settings_
    for name in dotted.split("."):
        value = getattr(value, name)
    return value


S = "Server=myserver;"
# (connection string, {field or dotted field: expected value})
CONNECTION_STRINGS = [
    # Server and its synonyms.
    ("Server=myserver", {"server.host": "myserver", "server.text": "myserver"}),
    ("Data Source=myserver", {"server.host": "myserver"}),
    ("data source=myserver", {"server.host": "myserver"}),
    ("DATA SOURCE=myserver", {"server.host": "myserver"}),
    ("Data  Source=myserver", {"server.host": "myserver"}),
    ("Address=myserver", {"server.host": "myserver"}),
    ("Addr=myserver", {"server.host": "myserver"}),
    ("Network Address=myserver", {"server.host": "myserver"}),
    ("  Server  =  myserver  ;  ", {"server.host": "myserver", "server.text": "myserver"}),
    (r"Server=tcp:myserver\INST,1500", {"server.instance": "INST", "server.port": 1500, "protocol": TCP}),
    (r"Server=\\.\pipe\MSSQL$INST\sql\query", {"server.instance": "INST", "protocol": NP}),
    ("Server=[::1],1433", {"server.host": "::1", "server.port": 1433}),
    ("Server=admin:(local)", {"server.dac": True, "server.is_local": True, "protocol": TCP}),
    ("Server={tcp:myserver,1433}", {"server.port": 1433}),
    ("Server='myserver,1433'", {"server.port": 1433}),
    # Network Library, including the two classic examples.
    (
        "Network Library=DBMSSOCN;Data Source=10.1.2.3,1433;Initial Catalog=pubs;User ID=sa;Password=secret",
        {
            "network_library": TCP,
            "server.host": "10.1.2.3",
            "server.port": 1433,
            "database": "pubs",
            "user_id": "sa",
            "password": "secret",
            "protocol": TCP,
        },
    ),
    ("Network Library=DBNMPNTW;Data Source=myserver", {"network_library": NP, "protocol": NP, "server.protocol": None}),
    ("Network Library=dbmslpcn;Server=(local)", {"network_library": LPC, "protocol": LPC}),
    ("Network=dbmssocn;Server=myserver", {"network_library": TCP}),
    ("Net=dbnmpntw;Server=myserver", {"network_library": NP}),
    ("Network Library= DbMsSoCn ;Server=myserver", {"network_library": TCP}),
    ("Network Library=dbmssocn;Server=tcp:myserver", {"network_library": TCP, "server.protocol": TCP}),
    ("Network Library=dbmssocn;Server=myserver,1433", {"network_library": TCP, "server.protocol": TCP}),
    ("Network Library=dbmssocn;Server=admin:myserver", {"network_library": TCP, "server.dac": True}),
    ("Network Library=dbnmpntw;Server=np:myserver", {"network_library": NP, "server.protocol": NP}),
    (r"Network Library=dbnmpntw;Server=\\.\pipe\sql\query", {"network_library": NP, "server.pipe_path": PIPE}),
    ("Server=np:myserver", {"network_library": None, "protocol": NP}),
    ("Server=myserver", {"network_library": None, "protocol": None}),
    # Database.
    (S + "Database=pubs", {"database": "pubs"}),
    (S + "Initial Catalog=pubs", {"database": "pubs"}),
    (S + "initial catalog=pubs", {"database": "pubs"}),
    (S + "Database=", {"database": None}),
    (S + "Database=" + "d" * 128, {"database": "d" * 128}),
    # User ID and password.
    (S + "User ID=sa", {"user_id": "sa"}),
    (S + "UID=sa", {"user_id": "sa"}),
    (S + "User=sa", {"user_id": "sa"}),
    (S + "user id=DOMAIN\\me", {"user_id": "DOMAIN\\me"}),
    (S + "Password=secret", {"password": "secret"}),
    (S + "PWD=secret", {"password": "secret"}),
    (S + "Password=", {"password": ""}),
    ("Server=myserver", {"password": None, "user_id": None}),
    (S + "Password=a=b", {"password": "a=b"}),
    # Integrated Security / Trusted_Connection.
    (S + "Integrated Security=true", {"integrated_security": True}),
    (S + "Integrated Security=SSPI", {"integrated_security": True}),
    (S + "Integrated Security=sspi", {"integrated_security": True}),
    (S + "Integrated Security=yes", {"integrated_security": True}),
    (S + "Integrated Security=no", {"integrated_security": False}),
    (S + "Integrated Security=False", {"integrated_security": False}),
    (S + "Trusted_Connection=yes", {"integrated_security": True}),
    (S + "trusted_connection=No", {"integrated_security": False}),
    # Encrypt, normalized as SqlClient 5.
    ("Server=myserver", {"encrypt": EncryptOption.MANDATORY}),
    (S + "Encrypt=no", {"encrypt": EncryptOption.OPTIONAL}),
    (S + "Encrypt=false", {"encrypt": EncryptOption.OPTIONAL}),
    (S + "Encrypt=Optional", {"encrypt": EncryptOption.OPTIONAL}),
    (S + "Encrypt=yes", {"encrypt": EncryptOption.MANDATORY}),
    (S + "Encrypt=True", {"encrypt": EncryptOption.MANDATORY}),
    (S + "Encrypt=mandatory", {"encrypt": EncryptOption.MANDATORY}),
    (S + "Encrypt=strict", {"encrypt": EncryptOption.STRICT}),
    (S + "ENCRYPT=STRICT", {"encrypt": EncryptOption.STRICT}),
    (S + 'Encrypt=" yes "', {"encrypt": EncryptOption.MANDATORY}),
    # Certificates.
    (S + "TrustServerCertificate=true", {"trust_server_certificate": True}),
    (S + "Trust Server Certificate=yes", {"trust_server_certificate": True}),
    (S + "trustservercertificate=no", {"trust_server_certificate": False}),
    (S + "HostNameInCertificate=db.example.com", {"host_name_in_certificate": "db.example.com"}),
    (S + "Host Name In Certificate=*.example.com", {"host_name_in_certificate": "*.example.com"}),
    (S + "HostnameInCertificate=db", {"host_name_in_certificate": "db"}),
    (S + "ServerCertificate=/etc/ssl/server.pem", {"server_certificate": "/etc/ssl/server.pem"}),
    (S + r"Server Certificate=C:\certs\server.cer", {"server_certificate": r"C:\certs\server.cer"}),
    # Connect Timeout and synonyms.
    ("Server=myserver", {"connect_timeout": 15}),
    (S + "Connect Timeout=30", {"connect_timeout": 30}),
    (S + "Connection Timeout=5", {"connect_timeout": 5}),
    (S + "Timeout=0", {"connect_timeout": 0}),
    (S + "ConnectTimeout=7", {"connect_timeout": 7}),
    (S + "Connect Timeout=+10", {"connect_timeout": 10}),
    (S + "Connect Timeout= 30 ", {"connect_timeout": 30}),
    (S + "Connect Timeout=2147483647", {"connect_timeout": 2147483647}),
    # Application Name and Workstation ID.
    (S + "Application Name=myapp", {"application_name": "myapp"}),
    (S + "App=myapp", {"application_name": "myapp"}),
    (S + "APP={my;app}", {"application_name": "my;app"}),
    (S + "Workstation ID=ws1", {"workstation_id": "ws1"}),
    (S + "WSID=ws1", {"workstation_id": "ws1"}),
    # Packet Size.
    ("Server=myserver", {"packet_size": 8000}),
    (S + "Packet Size=512", {"packet_size": 512}),
    (S + "Packet Size=4096", {"packet_size": 4096}),
    (S + "packet size=32767", {"packet_size": 32767}),
    # MultiSubnetFailover and ApplicationIntent.
    (S + "MultiSubnetFailover=true", {"multi_subnet_failover": True}),
    (S + "Multi Subnet Failover=yes", {"multi_subnet_failover": True}),
    (S + "MultiSubnetFailover=False", {"multi_subnet_failover": False}),
    ("Server=myserver", {"application_intent": ApplicationIntent.READ_WRITE}),
    (S + "ApplicationIntent=ReadOnly", {"application_intent": ApplicationIntent.READ_ONLY}),
    (S + "Application Intent=readwrite", {"application_intent": ApplicationIntent.READ_WRITE}),
    (S + "applicationintent=READONLY", {"application_intent": ApplicationIntent.READ_ONLY}),
    # Failover Partner.
    (S + r"Failover Partner=mirror\INST", {"failover_partner.host": "mirror", "failover_partner.instance": "INST"}),
    (S + "Failover_Partner=mirror", {"failover_partner.host": "mirror"}),
    (S + "FailoverPartner=mirror,1500", {"failover_partner.port": 1500}),
    (S + "Failover Partner=", {"failover_partner": None}),
    ("Network Library=dbmssocn;" + S + "Failover Partner=mirror,1500", {"failover_partner.port": 1500}),
    # Driver (ODBC), kept and otherwise ignored.
    (S + "Driver={ODBC Driver 18 for SQL Server}", {"driver": "ODBC Driver 18 for SQL Server"}),
    (S + "DRIVER={SQL Server}", {"driver": "SQL Server"}),
    # SqlClient keywords for the pool and the session: accepted, checked, kept.
    ("Server=myserver", {"pooling": True, "max_pool_size": 100, "min_pool_size": 0, "persist_security_info": False}),
    (S + "Pooling=false", {"pooling": False}),
    (S + "Max Pool Size=5;Min Pool Size=5", {"max_pool_size": 5, "min_pool_size": 5}),
    (S + "Min Pool Size=0", {"min_pool_size": 0}),
    (S + "Load Balance Timeout=30", {"load_balance_timeout": 30}),
    (S + "Connection Lifetime=60", {"load_balance_timeout": 60}),
    (S + "Enlist=false", {"enlist": False}),
    (S + "Persist Security Info=True", {"persist_security_info": True}),
    (S + "PersistSecurityInfo=no", {"persist_security_info": False}),
    (S + "MultipleActiveResultSets=false", {"multiple_active_result_sets": False}),
    (S + "MultipleActiveResultSets=True", {"multiple_active_result_sets": True}),
    (S + "Multiple Active Result Sets=yes", {"multiple_active_result_sets": True}),
    (S + "MARS_Connection=yes", {"multiple_active_result_sets": True}),
    (S + "Current Language=us_english", {"current_language": "us_english"}),
    (S + "Language=Deutsch", {"current_language": "Deutsch"}),
    ("Server=myserver", {"command_timeout": None}),
    (S + "Command Timeout=45", {"command_timeout": 45}),
    (S + "CommandTimeout=0", {"command_timeout": 0}),
    (S + "ConnectRetryCount=0;ConnectRetryInterval=60", {"connect_retry_count": 0, "connect_retry_interval": 60}),
    (S + "Connect Retry Count=255", {"connect_retry_count": 255}),
    (S + "TransparentNetworkIPResolution=false", {"transparent_network_ip_resolution": False}),
    ("Server=myserver", {"ip_address_preference": IPAddressPreference.IPV4_FIRST}),
    (S + "IPAddressPreference=IPv6First", {"ip_address_preference": IPAddressPreference.IPV6_FIRST}),
    (S + "IP Address Preference=useplatformdefault", {"ip_address_preference": IPAddressPreference.PLATFORM_DEFAULT}),
    (S + "Type System Version=SQL Server 2012", {"type_system_version": "SQL Server 2012"}),
    (S + "type system version=latest", {"type_system_version": "Latest"}),
    (S + "Authentication=SqlPassword", {"authentication": "SqlPassword"}),
    (S + "Authentication=Sql Password", {"authentication": "SqlPassword"}),
    (S + "Authentication=Active Directory Integrated", {"authentication": "ActiveDirectoryIntegrated"}),
    (S + "Authentication=", {"authentication": None}),
    (S + "User Instance=false", {"user_instance": False}),
    (S + r"AttachDbFilename=|DataDirectory|\db.mdf", {"attach_db_filename": r"|DataDirectory|\db.mdf"}),
    (S + "Replication=true", {"replication": True}),
    (S + "Column Encryption Setting=Disabled", {"column_encryption": False}),
    (S + "Column Encryption Setting=enabled", {"column_encryption": True}),
    (S + "PoolBlockingPeriod=NeverBlock", {"pool_blocking_period": "NeverBlock"}),
    (S + "Server SPN=MSSQLSvc/myserver:1433", {"server_spn": "MSSQLSvc/myserver:1433"}),
    # Quoting and escaping.
    (S + 'Password="a;b"', {"password": "a;b"}),
    (S + "Password='a;b'", {"password": "a;b"}),
    (S + 'Password="a""b"', {"password": 'a"b'}),
    (S + "Password='a''b'", {"password": "a'b"}),
    (S + 'Password="it\'s"', {"password": "it's"}),
    (S + "Password='say \"hi\"'", {"password": 'say "hi"'}),
    (S + "Password={a;b=c}", {"password": "a;b=c"}),
    (S + "Password={a}}b}", {"password": "a}b"}),
    (S + "Password={a'b\"c}", {"password": "a'b\"c"}),
    (S + "Password={}", {"password": ""}),
    (S + 'Password=""', {"password": ""}),
    (S + 'Password=  "  padded  "  ', {"password": "  padded  "}),
    (S + "Password={ x }", {"password": " x "}),
    (S + 'Password=a"b', {"password": 'a"b'}),
    (S + "Password=a'b", {"password": "a'b"}),
    (S + "Password=a{b}", {"password": "a{b}"}),
    (S + "Password= spaced out ", {"password": "spaced out"}),
    (S + "Password=x=y=z", {"password": "x=y=z"}),
    (S + 'Password="{x}"', {"password": "{x}"}),
    (S + 'Password={"x"}', {"password": '"x"'}),
    (S + "Password='a;b';Database=pubs", {"password": "a;b", "database": "pubs"}),
    # Repeated keys: the last wins, synonyms included, before values are checked.
    ("Server=a;Server=b", {"server.host": "b"}),
    ("Server=a;Data Source=b", {"server.host": "b"}),
    (S + "Database=x;Initial Catalog=y;Database=z", {"database": "z"}),
    (S + "Encrypt=bogus;Encrypt=yes", {"encrypt": EncryptOption.MANDATORY}),
    (S + "Connect Timeout=5;Timeout=9", {"connect_timeout": 9}),
    (S + "UID=a;User ID=b;User=c", {"user_id": "c"}),
    # Empty segments and whitespace.
    (";;Server=myserver;;", {"server.host": "myserver"}),
    ("  ;  Server=myserver ; ; ", {"server.host": "myserver"}),
    ("\tServer=myserver;\n", {"server.host": "myserver"}),
    # Whole strings as real clients write them.
    (
        "DRIVER={ODBC Driver 18 for SQL Server};SERVER=tcp:myserver,1433;DATABASE=db;UID=sa;PWD={p;w}}};"
        "Encrypt=yes;TrustServerCertificate=yes",
        {
            "driver": "ODBC Driver 18 for SQL Server",
            "server.port": 1433,
            "database": "db",
            "user_id": "sa",
            "password": "p;w}",
            "encrypt": EncryptOption.MANDATORY,
            "trust_server_certificate": True,
        },
    ),
    (
        r"Data Source=.\SQLEXPRESS;Initial Catalog=AdventureWorks;Integrated Security=True;"
        "Application Name=report;Encrypt=False;Connection Timeout=30;Packet Size=4096",
        {
            "server.instance": "SQLEXPRESS",
            "server.is_local": True,
            "database": "AdventureWorks",
            "integrated_security": True,
            "application_name": "report",
            "encrypt": EncryptOption.OPTIONAL,
            "connect_timeout": 30,
            "packet_size": 4096,
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONNECTION_STRINGS, ids=[row[0][:60] for row in CONNECTION_STRINGS])
def test_parse_connection_string(text: str, expected: dict[str, object]) -> None:
    parsed = parse_connection_string(text)
    assert {name: _field(parsed, name) for name in expected} == expected


LONG = "x" * 129
# (connection string, a fragment of the error message)
CONNECTION_STRING_ERRORS = [
    # No server.
    ("", "names no server"),
    ("Database=pubs", "names no server"),
    ("Server=", "names no server"),
    ("Server=  ", "names no server"),
    ("Server=myserver;Server=", "names no server"),
    # Unknown keywords, in SqlClient's words (lower-cased as SqlClient reports them).
    (S + "Foo=bar", "Keyword not supported: 'foo'."),
    (S + "Asynchronous Processing=true", "Keyword not supported: 'asynchronous processing'."),
    (S + "Context Connection=false", "Keyword not supported: 'context connection'."),
    (S + "UserID=sa", "Keyword not supported: 'userid'."),
    ("DataSource=myserver", "Keyword not supported: 'datasource'."),
    (S + "Pass==word=x", "Keyword not supported: 'pass=word'."),
    (S + "Password==x=1", "Keyword not supported: 'password=x'."),
    (S + "Password==x", "starting at index 16."),  # `==` continues the keyword, which then has no value
    # Malformed strings.
    ("Server", "does not conform to specification starting at index 0."),
    (S + "Database", "starting at index 16."),
    ("=x;Server=y", "starting at index 0."),
    ("Server=myserver;  = x", "starting at index 16."),
    ("Database;Server=myserver", "starting at index 0."),
    (S + "Password='abc", "starting at index 16."),
    (S + 'Password="a"b', "starting at index 16."),
    (S + "Password={abc", "starting at index 16."),
    (S + "Password={a}b", "starting at index 16."),
    (S + "Pass\x00word=x", "starting at index 16."),
    (S + "Password=a\x00b", "starting at index 16."),
    (S + "Password='a\x00b'", "starting at index 16."),
    # Invalid values.
    (S + "Encrypt=maybe", "Invalid value for key 'encrypt'."),
    (S + "Encrypt=", "Invalid value for key 'encrypt'."),
    (S + "Encrypt=1", "Invalid value for key 'encrypt'."),
    (S + "Integrated Security=maybe", "Invalid value for key 'integrated security'."),
    (S + "Trusted_Connection=kerberos", "Invalid value for key 'integrated security'."),
    (S + "TrustServerCertificate=1", "Invalid value for key 'trust server certificate'."),
    (S + "MultiSubnetFailover=2", "Invalid value for key 'multi subnet failover'."),
    (S + "Connect Timeout=-1", "Invalid value for key 'connect timeout'."),
    (S + "Timeout=abc", "Invalid value for key 'connect timeout'."),
    (S + "Connect Timeout=1.5", "Invalid value for key 'connect timeout'."),
    (S + "Connect Timeout=2147483648", "Invalid value for key 'connect timeout'."),
    (S + "Connect Timeout=", "Invalid value for key 'connect timeout'."),
    (S + "Packet Size=511", "Invalid 'Packet Size'. The value must be an integer >= 512 and <= 32767."),
    (S + "Packet Size=32768", "Invalid 'Packet Size'."),
    (S + "Packet Size=big", "Invalid value for key 'packet size'."),
    (S + "ApplicationIntent=ReadMostly", "Invalid value for key 'application intent'."),
    (S + "Network Library=tcp", "Invalid value for key 'network library'."),
    (S + "Network Library=", "Invalid value for key 'network library'."),
    # Obsolete Net-Libraries, named.
    (S + "Network Library=dbmsspxn", "Network library 'dbmsspxn' (NWLink IPX/SPX) is not supported"),
    (S + "Network Library=DBMSADSN", "Network library 'DBMSADSN' (AppleTalk) is not supported"),
    (S + "Network=dbmsvinn", "Network library 'dbmsvinn' (Banyan VINES) is not supported"),
    (S + "Net=dbmsrpcn", "Network library 'dbmsrpcn' (Multiprotocol (RPC)) is not supported"),
    (S + "Network Library=dbmsgnet", "Network library 'dbmsgnet' (VIA) is not supported"),
    (S + "Network Library=dbmsdecn", "Network library 'dbmsdecn' (DECnet) is not supported"),
    # The pool's and the session's keywords, checked as SqlClient checks them.
    (S + "Pooling=maybe", "Invalid value for key 'pooling'."),
    (S + "Max Pool Size=0", "Invalid value for key 'max pool size'."),
    (S + "Min Pool Size=-1", "Invalid value for key 'min pool size'."),
    (S + "Min Pool Size=10;Max Pool Size=5", "min pool size cannot be greater than the max pool size"),
    (S + "Connect Retry Count=256", "Invalid value for key 'connect retry count'."),
    (S + "Connect Retry Interval=0", "Invalid value for key 'connect retry interval'."),
    (S + "Command Timeout=-5", "Invalid value for key 'command timeout'."),
    (S + "IPAddressPreference=IPv5First", "Invalid value for key 'ip address preference'."),
    (S + "Type System Version=SQL Server 7", "Invalid value for key 'type system version'."),
    (S + "Authentication=Kerberos", "Invalid value for key 'authentication'."),
    (S + "Column Encryption Setting=yes", "Invalid value for key 'column encryption setting'."),
    (S + "Pool Blocking Period=Sometimes", "Invalid value for key 'pool blocking period'."),
    (S + "Persist Security Info=1", "Invalid value for key 'persist security info'."),
    (S + "MultipleActiveResultSets=on", "Invalid value for key 'multiple active result sets'."),
    # Network Library against the server name's own protocol.
    ("Network Library=dbnmpntw;Server=tcp:myserver", "Network Library selects named pipes but the server name"),
    ("Network Library=dbmssocn;Server=np:myserver", "Network Library selects TCP/IP but the server name"),
    ("Network Library=dbmslpcn;Server=myserver,1433", "Network Library selects shared memory"),
    (r"Network Library=dbmssocn;Server=\\.\pipe\sql\query", "selects named pipes"),
    ("Network Library=dbnmpntw;Server=admin:myserver", "selects TCP/IP"),
    ("Network Library=dbnmpntw;Server=myserver;Failover Partner=mirror,1433", "'mirror,1433' selects TCP/IP"),
    # Bad server names inside a connection string.
    ("Server=myserver\\", "Invalid value for key 'data source'. Invalid server name"),
    ("Data Source=myserver,0", "Invalid value for key 'data source'."),
    ("Server=via:myserver", "The VIA protocol"),
    (S + "Failover Partner=mirror\\", "Invalid value for key 'failover partner'."),
    (S + "MultiSubnetFailover=true;Failover Partner=mirror", "using the MultiSubnetFailover connection option"),
    # SqlClient's length limits.
    ("Server=" + LONG, "The value's length for key 'data source' exceeds its limit of '128'."),
    (S + "Database=" + LONG, "The value's length for key 'initial catalog' exceeds its limit of '128'."),
    (S + "User ID=" + LONG, "key 'user id' exceeds"),
    (S + "Password=" + LONG, "key 'password' exceeds"),
    (S + "App=" + LONG, "key 'application name' exceeds"),
    (S + "WSID=" + LONG, "key 'workstation id' exceeds"),
    (S + "Failover Partner=" + LONG, "key 'failover partner' exceeds"),
]


@pytest.mark.parametrize(
    ("text", "message"), CONNECTION_STRING_ERRORS, ids=[row[0][:60] for row in CONNECTION_STRING_ERRORS]
)
def test_parse_connection_string_rejects(text: str, message: str) -> None:
    with pytest.raises(ConnectionStringError) as caught:
        parse_connection_string(text)
    assert message in str(caught.value)


def test_defaults_are_sqlclients() -> None:
    assert parse_connection_string("Server=myserver") == ConnectionSettings(server=parse_server("myserver"))
    defaults = ConnectionSettings(server=parse_server("x"))
    assert (defaults.encrypt, defaults.connect_timeout, defaults.packet_size) == (EncryptOption.MANDATORY, 15, 8000)


def test_results_are_frozen_and_hide_the_password() -> None:
    parsed = parse_connection_string("Server=myserver;Password=hunter2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.password = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.server.port = 1  # type: ignore[misc]
    assert "hunter2" not in repr(parsed)


def test_connection_error_is_a_value_error() -> None:
    assert issubclass(ConnectionStringError, ValueError)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("", ""),
        ("a=b", '"a=b"'),
        ("=", '"="'),
        ("a\tb", '"a\tb"'),
        ("a;b", '"a;b"'),
        (" padded", '" padded"'),
        ('say "hi";', "'say \"hi\";'"),
        ('it\'s "x";', '"it\'s ""x"";"'),
        ("{x}", '"{x}"'),
    ],
)
def test_quote_value(value: str, written: str) -> None:
    assert quote_value(value) == written


# --- properties ------------------------------------------------------------------------------

# Single characters and fragments that sit on the parser's edges.
CONNSTR_ALPHABET = st.sampled_from(
    [*"=;'\"{} \t\\,:[]().abcS\x00%01", "Server", "tcp:", "np:", "admin:", "Password", "==", "MSSQL$", "pipe", "::1"]
)
FUZZ = settings(max_examples=300, deadline=None)


@FUZZ
@given(st.text())
def test_parse_connection_string_only_raises_its_error(text: str) -> None:
    try:
        parse_connection_string(text)
    except ConnectionStringError:
        pass


@FUZZ
@given(st.lists(CONNSTR_ALPHABET, max_size=40).map("".join))
def test_parse_connection_string_only_raises_its_error_near_misses(tail: str) -> None:
    try:
        parse_connection_string("Server=x;" + tail)
    except ConnectionStringError:
        pass


@FUZZ
@given(st.one_of(st.text(), st.lists(CONNSTR_ALPHABET, max_size=30).map("".join)))
def test_parse_server_only_raises_its_error(text: str) -> None:
    try:
        parse_server(text)
    except ConnectionStringError:
        pass


VALUES = st.text(max_size=128).filter(lambda value: "\0" not in value)


@FUZZ
@given(VALUES)
def test_quoted_value_round_trips(value: str) -> None:
    text = f"Server=myserver;Password={quote_value(value)};Database=pubs"
    parsed = parse_connection_string(text)
    assert (parsed.password, parsed.database) == (value, "pubs")


@FUZZ
@given(VALUES, st.sampled_from(["double", "single", "braces"]))
def test_each_quoting_style_round_trips(value: str, style: str) -> None:
    quoted = {
        "double": '"' + value.replace('"', '""') + '"',
        "single": "'" + value.replace("'", "''") + "'",
        "braces": "{" + value.replace("}", "}}") + "}",
    }[style]
    assert parse_connection_string(f"PWD= {quoted} ;Server=myserver").password == value


HOSTS = st.from_regex(r"[A-Za-z][A-Za-z0-9\-]{0,14}(\.[a-z]{2,5})?", fullmatch=True)
INSTANCES = st.none() | st.from_regex(r"[A-Za-z_][A-Za-z0-9_$]{0,15}", fullmatch=True)
PORTS = st.none() | st.integers(1, 65535)


@FUZZ
@given(HOSTS, INSTANCES, PORTS)
def test_server_parts_round_trip(host: str, instance: str | None, port: int | None) -> None:
    text = host + (f"\\{instance}" if instance else "") + (f",{port}" if port else "")
    parsed = parse_server(text)
    assert (parsed.host, parsed.instance, parsed.port) == (host, instance, port)
    assert parsed.protocol == (TCP if port else None)
