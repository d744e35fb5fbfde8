"""Server configuration options: sp_configure, RECONFIGURE and sys.configurations.

Values live in master (``__tdsnet_configurations``); ``value`` is what sp_configure set,
``value_in_use`` what RECONFIGURE installed (at once for dynamic options, at the next start for
the others).  Options tdsnet acts on register a callback (remote admin connections reopens the
DAC listener); the rest are kept and shown as SQL Server shows them, so scripts that set them run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import sqltypes
from ..engine import EngineSession, SqlError
from ..engine.results import Message, Result, ResultSet, StatementDone
from ..engine.system import ServerStatement, SystemView, columns
from . import masterdb

if TYPE_CHECKING:
    from .instance import Instance


@dataclass(frozen=True, slots=True)
class Option:
    configuration_id: int
    name: str
    minimum: int
    maximum: int
    default: int
    is_dynamic: bool
    is_advanced: bool
    description: str


OPTIONS = (
    Option(101, "recovery interval (min)", 0, 32767, 0, True, True, "Maximum recovery interval in minutes"),
    Option(103, "user connections", 0, 32767, 0, False, True, "Number of user connections allowed"),
    Option(109, "fill factor (%)", 0, 100, 0, False, True, "Default fill factor percentage"),
    Option(115, "nested triggers", 0, 1, 1, True, False, "Allow triggers to be invoked within triggers"),
    Option(117, "remote access", 0, 1, 1, False, False, "Allow remote access"),
    Option(124, "default language", 0, 9999, 0, True, False, "default language"),
    Option(518, "show advanced options", 0, 1, 0, True, False, "show advanced options"),
    Option(1534, "user options", 0, 32767, 0, True, False, "user options"),
    Option(1538, "cost threshold for parallelism", 0, 32767, 5, True, True, "cost threshold for parallelism"),
    Option(1539, "max degree of parallelism", 0, 32767, 0, True, True, "maximum degree of parallelism"),
    Option(1541, "remote query timeout (s)", 0, 2147483647, 600, True, False, "remote query timeout"),
    Option(1543, "min server memory (MB)", 0, 2147483647, 0, True, True, "Minimum size of server memory (MB)"),
    Option(1544, "max server memory (MB)", 128, 2**31 - 1, 2**31 - 1, True, True, "Maximum size of server memory (MB)"),
    Option(1562, "clr enabled", 0, 1, 0, True, False, "CLR user code execution enabled in the server"),
    Option(
        1576,
        "remote admin connections",
        0,
        1,
        0,
        True,
        False,
        "Dedicated Admin Connections are allowed from remote clients",
    ),
    Option(1579, "backup compression default", 0, 1, 0, True, False, "Enable compression of backups by default"),
    Option(
        1581,
        "optimize for ad hoc workloads",
        0,
        1,
        0,
        True,
        True,
        "When this option is set, plan cache size is further reduced for single-use adhoc OLTP workload.",
    ),
    Option(16384, "Agent XPs", 0, 1, 0, True, True, "Enable or disable Agent XPs"),
    Option(16390, "xp_cmdshell", 0, 1, 0, True, True, "Enable or disable command shell"),
    Option(16391, "Ad Hoc Distributed Queries", 0, 1, 0, True, True, "Enable or disable Ad Hoc Distributed Queries"),
    Option(
        16393,
        "contained database authentication",
        0,
        1,
        0,
        True,
        False,
        "Enables contained databases and contained authentication",
    ),
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS __tdsnet_configurations (
    configuration_id INTEGER PRIMARY KEY,
    value INTEGER NOT NULL,
    value_in_use INTEGER NOT NULL
);
"""


class ConfigurationError(Exception):
    """An sp_configure call SQL Server refuses: (number, text)."""

    def __init__(self, number: int, text: str) -> None:
        super().__init__(text)
        self.number = number
        self.text = text


@dataclass(frozen=True, slots=True)
class Setting:
    option: Option
    value: int
    value_in_use: int


class Configuration:
    def __init__(self, master_path: Path) -> None:
        self.path = master_path
        self._lock = threading.Lock()
        self.installed: dict[str, Callable[[int], None]] = {}  # option name -> called at RECONFIGURE
        with masterdb.connect(self.path) as con:
            con.executescript(SCHEMA)

    def settings(self) -> list[Setting]:
        with masterdb.connect(self.path) as con:
            stored = {row[0]: (row[1], row[2]) for row in con.execute("SELECT * FROM __tdsnet_configurations")}
        return [Setting(o, *stored.get(o.configuration_id, (o.default, o.default))) for o in OPTIONS]

    def value_in_use(self, name: str) -> int:
        return next(s.value_in_use for s in self.settings() if s.option.name == name)

    def find(self, name: str) -> Option:
        """sp_configure's lookup: an exact name, else the one option whose name contains the text."""
        show_advanced = self.value_in_use("show advanced options") == 1
        visible = [o for o in OPTIONS if show_advanced or not o.is_advanced]
        lowered = name.lower()
        exact = [o for o in visible if o.name.lower() == lowered]
        matches = exact or [o for o in visible if lowered in o.name.lower()]
        if len(matches) != 1:
            raise ConfigurationError(
                15123, f"The configuration option '{name}' does not exist, or it may be an advanced option."
            )
        return matches[0]

    def set(self, name: str, value: int) -> tuple[Option, int]:
        """sp_configure 'name', value: returns the option and its previous value."""
        option = self.find(name)
        if not option.minimum <= value <= option.maximum:
            raise ConfigurationError(15129, f"'{value}' is not a valid value for configuration option '{option.name}'.")
        previous = next(s for s in self.settings() if s.option is option)
        with self._lock, masterdb.connect(self.path) as con:
            con.execute(
                "INSERT OR REPLACE INTO __tdsnet_configurations VALUES (?, ?, ?)",
                (option.configuration_id, value, previous.value_in_use),
            )
        return option, previous.value

    def reconfigure(self) -> list[Setting]:
        """Install the dynamic options' values; returns the ones whose value in use changed."""
        changed = [s for s in self.settings() if s.option.is_dynamic and s.value != s.value_in_use]
        with self._lock, masterdb.connect(self.path) as con:
            for setting in changed:
                con.execute(
                    "UPDATE __tdsnet_configurations SET value_in_use = value WHERE configuration_id = ?",
                    (setting.option.configuration_id,),
                )
        for setting in changed:
            callback = self.installed.get(setting.option.name)
            if callback is not None:
                callback(setting.value)
        return changed

    def install_pending_at_start(self) -> None:
        """Options that need a restart take their configured value when the instance starts."""
        with self._lock, masterdb.connect(self.path) as con:
            con.execute("UPDATE __tdsnet_configurations SET value_in_use = value")


# --- T-SQL: sp_configure, RECONFIGURE, sys.configurations ---------------------------------------


def register(instance: Instance) -> None:
    registry = instance.engine.registry
    registry.view(SystemView("sys.configurations", CONFIGURATION_COLUMNS, lambda s: _rows(instance)))
    registry.procedure("sp_configure", lambda s, a, k: _sp_configure(instance, s, a, k))
    registry.statement(
        ServerStatement("RECONFIGURE", lambda w: w[:1] == ["RECONFIGURE"], lambda s, t: _reconfigure(instance, s, t))
    )


CONFIGURATION_COLUMNS = columns(
    ("configuration_id", sqltypes.INT, False),
    ("name", sqltypes.nvarchar(35), False),
    ("value", sqltypes.SQL_VARIANT),
    ("minimum", sqltypes.SQL_VARIANT),
    ("maximum", sqltypes.SQL_VARIANT),
    ("value_in_use", sqltypes.SQL_VARIANT),
    ("description", sqltypes.nvarchar(255), False),
    ("is_dynamic", sqltypes.BIT, False),
    ("is_advanced", sqltypes.BIT, False),
)
SP_CONFIGURE_COLUMNS = columns(
    ("name", sqltypes.nvarchar(35)),
    ("minimum", sqltypes.INT),
    ("maximum", sqltypes.INT),
    ("config_value", sqltypes.INT),
    ("run_value", sqltypes.INT),
)


def _rows(instance: Instance) -> Iterator[tuple]:
    for s in instance.configuration.settings():
        o = s.option
        yield (
            o.configuration_id,
            o.name,
            s.value,
            o.minimum,
            o.maximum,
            s.value_in_use,
            o.description,
            o.is_dynamic,
            o.is_advanced,
        )


def _sp_configure(instance: Instance, session: EngineSession, positional: list, named: dict) -> Iterator[Result]:
    name = named.get("configname", positional[0] if positional else None)
    value = named.get("configvalue", positional[1] if len(positional) > 1 else None)
    config = instance.configuration
    try:
        if value is None:
            show_advanced = config.value_in_use("show advanced options") == 1
            wanted = config.find(str(name)) if name is not None else None
            rows = [
                (s.option.name, s.option.minimum, s.option.maximum, s.value, s.value_in_use)
                for s in config.settings()
                if (wanted is None and (show_advanced or not s.option.is_advanced)) or s.option is wanted
            ]
            yield ResultSet(SP_CONFIGURE_COLUMNS, [rows])
            yield StatementDone("SELECT", len(rows), in_procedure=True)
            return
        if not instance.has_server_permission(session, "ALTER SETTINGS"):
            raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")
        option, previous = config.set(str(name), int(value))
    except ConfigurationError as exc:
        raise SqlError(exc.number, 16, 1, exc.text) from None
    yield Message(
        15457,
        0,
        1,
        f"Configuration option '{option.name}' changed from {previous} to {int(value)}. Run the RECONFIGURE "
        "statement to install.",
    )


def _reconfigure(instance: Instance, session: EngineSession, text: str) -> Iterator[Result]:
    if not instance.has_server_permission(session, "ALTER SETTINGS"):
        raise SqlError(15247, 16, 1, "User does not have permission to perform this action.")
    instance.configuration.reconfigure()
    yield StatementDone("")
