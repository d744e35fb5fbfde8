r"""Which protocols are tried, where, and whether a failure falls back (seeds 002, 003, 004): pure decisions."""

from __future__ import annotations

import pytest

from tdsnet.client.config import ClientConfig, parse_alias, parse_protocol_order
from tdsnet.client.connstr import Protocol, parse_connection_string
from tdsnet.client.resolve import Step, plan

TCP, NP, LPC = Protocol.TCP, Protocol.NAMED_PIPES, Protocol.SHARED_MEMORY
DEFAULT = ClientConfig()
ALIASES = ClientConfig(
    aliases={
        a.name.lower(): a
        for a in (
            parse_alias("myserver", "DBMSSOCN,10.0.0.5,1500"),  # seed 002: an alias named like the server
            parse_alias("pipes", r"DBNMPNTW,\\box\pipe\MSSQL$INST\sql\query"),
            parse_alias("mem", r"DBMSLPCN,(local)\INST"),
            parse_alias(r"box\INST", "DBMSSOCN,box,2000"),
            parse_alias("browsed", r"DBMSSOCN,box\INST"),
        )
    }
)
TCP_NP = ClientConfig(protocol_order=parse_protocol_order("tcp np"))


def local_names(host: str) -> bool:
    return host.lower() in {"(local)", ".", "localhost", "mybox"}


# (connection string, config, expected steps as server names, fallback)
CASES = [
    # Default order sm tcp np: shared memory only for a local name.
    ("Server=(local)", DEFAULT, ["lpc:(local)", "tcp:(local),1433", r"np:\\.\pipe\sql\query"], True),
    ("Server=.", DEFAULT, ["lpc:.", "tcp:.,1433", r"np:\\.\pipe\sql\query"], True),
    ("Server=localhost", DEFAULT, ["lpc:localhost", "tcp:localhost,1433", r"np:\\.\pipe\sql\query"], True),
    ("Server=mybox", DEFAULT, ["lpc:mybox", "tcp:mybox,1433", r"np:\\mybox\pipe\sql\query"], True),
    ("Server=remote", DEFAULT, ["tcp:remote,1433", r"np:\\remote\pipe\sql\query"], True),
    ("Server=127.0.0.1", DEFAULT, ["tcp:127.0.0.1,1433", r"np:\\127.0.0.1\pipe\sql\query"], True),
    (r"Server=.\INST", DEFAULT, [r"lpc:.\INST", r"tcp:.\INST", r"np:\\.\pipe\MSSQL$INST\sql\query"], True),
    (r"Server=remote\INST", DEFAULT, [r"tcp:remote\INST", r"np:\\remote\pipe\MSSQL$INST\sql\query"], True),
    (r"Server=remote\MSSQLSERVER", DEFAULT, ["tcp:remote,1433", r"np:\\remote\pipe\sql\query"], True),
    ("Server=::1", DEFAULT, ["tcp:[::1],1433", r"np:\\::1\pipe\sql\query"], True),
    # A configured order.
    ("Server=(local)", TCP_NP, ["tcp:(local),1433", r"np:\\.\pipe\sql\query"], True),
    # An explicit protocol: one step, no fallback (seed 004).
    ("Server=tcp:(local)", DEFAULT, ["tcp:(local),1433"], False),
    ("Server=remote,1500", DEFAULT, ["tcp:remote,1500"], False),
    (r"Server=remote\INST,1500", DEFAULT, [r"tcp:remote\INST,1500"], False),  # the port wins: no Browser
    ("Server=[::1],1433", DEFAULT, ["tcp:[::1],1433"], False),
    ("Server=np:remote", DEFAULT, [r"np:\\remote\pipe\sql\query"], False),
    (r"Server=\\.\pipe\custom", DEFAULT, [r"np:\\.\pipe\custom"], False),
    ("Server=lpc:(local)", DEFAULT, ["lpc:(local)"], False),
    ("Network Library=DBMSSOCN;Server=(local)", DEFAULT, ["tcp:(local),1433"], False),
    ("Network Library=DBNMPNTW;Server=(local)", DEFAULT, [r"np:\\.\pipe\sql\query"], False),
    ("Network Library=dbmslpcn;Server=.", DEFAULT, ["lpc:."], False),
    # The DAC: TCP, 1434 for the default instance, the Browser for a named one.
    ("Server=admin:(local)", DEFAULT, ["admin:(local),1434"], False),
    (r"Server=admin:remote\INST", DEFAULT, [r"admin:remote\INST"], False),
    ("Server=admin:remote,2000", DEFAULT, ["admin:remote,2000"], False),
    # Aliases pin protocol, server and port; no fallback (seeds 002 and 004).
    ("Server=myserver", ALIASES, ["tcp:10.0.0.5,1500"], False),
    ("Server=MYSERVER", ALIASES, ["tcp:10.0.0.5,1500"], False),  # alias names ignore case
    ("Server=pipes", ALIASES, [r"np:\\box\pipe\MSSQL$INST\sql\query"], False),
    ("Server=mem", ALIASES, [r"lpc:(local)\INST"], False),
    (r"Server=box\INST", ALIASES, ["tcp:box,2000"], False),
    ("Server=browsed", ALIASES, [r"tcp:box\INST"], False),
    # A prefix or a port bypasses the alias.
    ("Server=tcp:myserver", ALIASES, ["tcp:myserver,1433"], False),
    ("Server=myserver,1433", ALIASES, ["tcp:myserver,1433"], False),
]


@pytest.mark.parametrize(("text", "config", "steps", "fallback"), CASES, ids=[c[0] for c in CASES])
def test_plan(text: str, config: ClientConfig, steps: list[str], fallback: bool) -> None:
    result = plan(parse_connection_string(text), config, local_names)
    assert [step.describe() for step in result.steps] == steps
    assert result.fallback is fallback


def test_an_alias_is_named_in_the_plan() -> None:
    result = plan(parse_connection_string("Server=myserver"), ALIASES, local_names)
    assert result.alias is not None and result.alias.name == "myserver"
    assert "alias 'myserver'" in result.reason


def test_only_shared_memory_for_a_remote_server_still_tries_it() -> None:
    config = ClientConfig(protocol_order=(LPC,))
    result = plan(parse_connection_string("Server=remote"), config, local_names)
    assert result.steps == (Step(LPC, "remote"),)


def test_browser_and_dac_flags() -> None:
    named = plan(parse_connection_string(r"Server=tcp:remote\INST"), DEFAULT, local_names).steps[0]
    assert named.needs_browser and named.instance == "INST"
    dac = plan(parse_connection_string("Server=admin:remote"), DEFAULT, local_names).steps[0]
    assert dac.dac and dac.port == 1434 and dac.browser_fallback and not dac.needs_browser
    port = plan(parse_connection_string(r"Server=remote\INST,1500"), DEFAULT, local_names).steps[0]
    assert not port.needs_browser and port.instance == "INST"


def test_failover_partner_gets_its_own_plan() -> None:
    settings = parse_connection_string("Server=primary,1500;Failover Partner=mirror")
    assert plan(settings, DEFAULT, local_names, settings.failover_partner).steps[0].describe() == "tcp:mirror,1433"
