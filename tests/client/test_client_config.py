r"""The client configuration: ConnectTo aliases in the registry's syntax, ProtocolOrder, the files and
their precedence, and `tdsnet config client`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tdsnet.cli.main import build_parser
from tdsnet.client.config import (
    DEFAULT_PROTOCOL_ORDER,
    ENV_CONFIG,
    Alias,
    ClientConfig,
    ConfigError,
    config_from_data,
    config_paths,
    load_config,
    parse_alias,
    parse_protocol_order,
    render,
    save_config,
)
from tdsnet.client.connstr import Protocol

TCP, NP, LPC = Protocol.TCP, Protocol.NAMED_PIPES, Protocol.SHARED_MEMORY

ALIASES = [
    ("a", "DBMSSOCN,10.1.2.3,1433", Alias("a", TCP, "10.1.2.3", 1433)),
    ("a", "dbmssocn,10.1.2.3", Alias("a", TCP, "10.1.2.3")),
    ("a", r"DBMSSOCN,box\INST", Alias("a", TCP, r"box\INST")),
    ("a", r"DBMSSOCN,box\INST,1500", Alias("a", TCP, r"box\INST", 1500)),
    ("a", "DBMSSOCN, box , 1500 ", Alias("a", TCP, "box", 1500)),
    ("a", "DBMSSOCN,::1,1433", Alias("a", TCP, "::1", 1433)),
    ("a", r"DBNMPNTW,\\box\pipe\sql\query", Alias("a", NP, r"\\box\pipe\sql\query")),
    ("a", r"DBNMPNTW,\\.\pipe\MSSQL$INST\sql\query", Alias("a", NP, r"\\.\pipe\MSSQL$INST\sql\query")),
    ("a", "DBNMPNTW,box", Alias("a", NP, "box")),  # a server name: its default pipe
    ("a", "DBMSLPCN,(local)", Alias("a", LPC, "(local)")),
    ("a", r"DBMSLPCN,.\INST", Alias("a", LPC, r".\INST")),
]


@pytest.mark.parametrize(("name", "value", "alias"), ALIASES, ids=[a[1] for a in ALIASES])
def test_parse_alias(name: str, value: str, alias: Alias) -> None:
    assert parse_alias(name, value) == alias
    assert parse_alias(name, alias.value) == alias  # value round-trips


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("DBMSADSN,box", "not a network library"),
        ("TCP,box,1433", "not a network library"),
        ("DBMSSOCN", "names no server"),
        ("DBMSSOCN,", "names no server"),
        ("DBMSSOCN,box,0", "not a port number"),
        ("DBMSSOCN,box,http", "not a port number"),
        ("DBMSSOCN,box,70000", "not a port number"),
        ("DBMSSOCN,my box", "not a valid host name"),
        (r"DBNMPNTW,\\box\share\x", r"a pipe path has the form"),
    ],
)
def test_bad_aliases(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_alias("a", value)


@pytest.mark.parametrize(
    ("value", "order"),
    [
        ("sm tcp np", (LPC, TCP, NP)),
        ("tcp,np", (TCP, NP)),
        (["np", "TCP"], (NP, TCP)),
        ("lpc", (LPC,)),
    ],
)
def test_protocol_order(value: str | list[str], order: tuple[Protocol, ...]) -> None:
    assert parse_protocol_order(value) == order


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "at least one"), ("tcp tcp", "listed twice"), ("via", "VIA protocol is not supported"), ("ipx", "not a")],
)
def test_bad_protocol_order(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_protocol_order(value)


def test_config_from_toml_data() -> None:
    config = config_from_data(
        {
            "protocolorder": "tcp np",
            "ForceEncryption": True,
            "ConnectTo": {"MyAlias": "DBMSSOCN,box,1500"},
        }
    )
    assert config.protocol_order == (TCP, NP) and config.force_encryption
    assert config.alias("myalias") == Alias("MyAlias", TCP, "box", 1500)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ProtocolOrdr": "tcp"}, "unknown setting 'ProtocolOrdr'"),
        ({"ForceEncryption": "yes"}, "true or false"),
        ({"ConnectTo": {"a": 1}}, "must be a string"),
        ({"ConnectTo": "DBMSSOCN,x"}, "is a table"),
        ({"ProtocolOrder": 3}, "list of protocols"),
    ],
)
def test_bad_config_data(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_data(data)


def test_files_overlay_and_render_round_trips(tmp_path: Path) -> None:
    system, user = tmp_path / "system.toml", tmp_path / "user.toml"
    system.write_text('ProtocolOrder = "np tcp"\nForceEncryption = true\n[ConnectTo]\nshared = "DBMSSOCN,a,1"\n')
    user.write_text("[ConnectTo]\nshared = \"DBMSSOCN,b,2\"\nmine = 'DBNMPNTW,\\\\.\\pipe\\x'\n")
    config = load_config([system, user, tmp_path / "missing.toml"])
    assert config.sources == (system, user)
    assert config.protocol_order == (NP, TCP) and config.force_encryption
    assert config.alias("shared") == Alias("shared", TCP, "b", 2)  # the user's file wins
    assert config.alias("mine") == Alias("mine", NP, r"\\.\pipe\x")
    written = tmp_path / "out" / "client.toml"
    save_config(config, written)
    again = load_config([written])
    assert (again.aliases, again.protocol_order, again.force_encryption) == (
        config.aliases,
        config.protocol_order,
        True,
    )


def test_a_broken_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "client.toml"
    path.write_text("ProtocolOrder = [")
    with pytest.raises(ConfigError, match=r"client\.toml: not valid TOML"):
        load_config([path])


def test_defaults_are_not_written() -> None:
    text = render(ClientConfig())
    assert "ProtocolOrder" not in text and "ForceEncryption" not in text and "[ConnectTo]" in text
    assert ClientConfig().protocol_order == DEFAULT_PROTOCOL_ORDER


def test_environment_override_and_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_CONFIG, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_paths() == [Path("/etc/tdsnet/client.toml"), tmp_path / "xdg" / "tdsnet" / "client.toml"]
    monkeypatch.setenv(ENV_CONFIG, str(tmp_path / "only.toml"))
    assert config_paths() == [tmp_path / "only.toml"]


# --- tdsnet config client ------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    args: argparse.Namespace = build_parser().parse_args(["config", "client", *argv])
    code = args.run(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_edits_the_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "client.toml"
    monkeypatch.setenv(ENV_CONFIG, str(path))
    assert run_cli(capsys, "alias", "add", "web", "DBMSSOCN,10.0.0.7,1500")[0] == 0
    assert run_cli(capsys, "alias", "add", "pipe", "--protocol", "np", "--server", r"\\.\pipe\sql\query")[0] == 0
    assert run_cli(capsys, "order", "tcp", "np")[0] == 0
    assert run_cli(capsys, "set", "TrustServerCertificate", "yes")[0] == 0
    config = load_config()
    assert config.alias("web") == Alias("web", TCP, "10.0.0.7", 1500)
    assert config.alias("pipe") == Alias("pipe", NP, r"\\.\pipe\sql\query")
    assert config.protocol_order == (TCP, NP) and config.trust_server_certificate
    code, out, _ = run_cli(capsys)
    assert code == 0 and "ProtocolOrder: tcp np" in out and "web = DBMSSOCN,10.0.0.7,1500" in out
    assert str(path) in run_cli(capsys, "path")[1]
    assert run_cli(capsys, "alias", "remove", "web")[0] == 0
    assert load_config().alias("web") is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["alias", "add", "x", "DBMSVINN,box"], "not a network library"),
        (["alias", "add", "x"], "give the alias as VALUE"),
        (["alias", "remove", "nobody"], "there is no alias 'nobody'"),
        (["order", "tcp", "via"], "VIA protocol is not supported"),
        (["set", "Encrypt", "yes"], "is not a setting"),
        (["set", "ForceEncryption", "maybe"], "is not yes or no"),
    ],
)
def test_cli_refuses_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    monkeypatch.setenv(ENV_CONFIG, str(tmp_path / "client.toml"))
    code, _, err = run_cli(capsys, *argv)
    assert code == 1 and message in err
