"""Engine-level fixtures: a T-SQL session on a fresh embedded store, no server, no sockets.

def test_something(tsql):
    assert tsql.scalar("SELECT 1 + 1") == 2
    result = tsql.run("SELECT a FROM t")        # the last result set: columns and rows
    error = tsql.error("SELECT * FROM nosuch")  # the first error: number, severity, state, text
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tdsnet.engine import Engine, ServerInfo, SessionInfo
from tdsnet.engine import results as r


@dataclass
class Outcome:
    """Everything a batch produced, in the shapes tests compare."""

    result_sets: list[tuple[list[Any], list[tuple]]] = field(default_factory=list)
    messages: list[r.Message] = field(default_factory=list)
    done: list[r.StatementDone] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)

    @property
    def errors(self) -> list[r.Message]:
        return [m for m in self.messages if m.severity > 10]

    @property
    def rows(self) -> list[tuple]:
        return self.result_sets[-1][1] if self.result_sets else []

    @property
    def columns(self) -> list[Any]:
        return self.result_sets[-1][0] if self.result_sets else []


class TSQL:
    def __init__(self, engine: Engine, login: str = "sa", sysadmin: bool = True, spid: int = 51) -> None:
        self.engine = engine
        self.session = engine.new_session(SessionInfo(spid=spid, login=login, is_sysadmin=sysadmin), "master")

    def execute(self, sql: str) -> Outcome:
        outcome = Outcome()
        for item in self.session.execute_batch(sql):
            outcome.items.append(item)
            if isinstance(item, r.ResultSet):
                rows = [row for chunk in item.chunks for row in chunk]
                outcome.result_sets.append((list(item.columns), rows))
            elif isinstance(item, r.Message):
                outcome.messages.append(item)
            elif isinstance(item, r.StatementDone):
                outcome.done.append(item)
        return outcome

    def run(self, sql: str) -> Outcome:
        """Execute and insist on no errors."""
        outcome = self.execute(sql)
        assert not outcome.errors, [f"{m.number}: {m.text}" for m in outcome.errors]
        return outcome

    def rows(self, sql: str) -> list[tuple]:
        return self.run(sql).rows

    def scalar(self, sql: str) -> Any:
        rows = self.rows(sql)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return rows[0][0]

    def error(self, sql: str) -> r.Message:
        errors = self.execute(sql).errors
        assert errors, f"expected an error from: {sql}"
        return errors[0]

    def type_of(self, expression: str) -> str:
        """The declared type SQL Server would report for ``SELECT <expression>``."""
        columns = self.run(f"SELECT {expression}").columns
        return str(columns[0].type)

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    made = Engine(tmp_path / "data", ServerInfo("TESTHOST"))
    made.open()
    yield made
    made.close()


@pytest.fixture
def tsql(engine: Engine) -> TSQL:
    session = TSQL(engine)
    yield session
    session.close()


# --- many stateless expressions on one module-wide session (test_functions, test_conversions) ---------------


class Runner:
    """One session for many stateless expressions (a fresh engine per case is slow)."""

    def __init__(self, engine: Engine) -> None:
        self.session = engine.new_session(SessionInfo(spid=61, login="sa", is_sysadmin=True), "master")

    def execute(self, sql: str) -> tuple[list[Any], list[tuple], list[r.Message]]:
        columns: list[Any] = []
        rows: list[tuple] = []
        messages: list[r.Message] = []
        for item in self.session.execute_batch(sql):
            if isinstance(item, r.ResultSet):
                columns, rows = list(item.columns), [row for chunk in item.chunks for row in chunk]
            elif isinstance(item, r.Message) and item.severity > 10:
                messages.append(item)
        return columns, rows, messages


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    engine = Engine(Path(tmp_path_factory.mktemp("shared")) / "data", ServerInfo("TESTHOST"))
    engine.open()
    runner = Runner(engine)
    yield runner
    runner.session.close()
    engine.close()


def check(runner: Runner, expression: str, expected: Any, type_name: str | None = None) -> None:
    """SELECT expression gives the value (of the same Python type) and the declared type."""
    columns, rows, errors = runner.execute(f"SELECT {expression}")
    assert not errors, (expression, [f"{m.number}: {m.text}" for m in errors])
    value = rows[0][0]
    assert value == expected and isinstance(value, type(expected)), (expression, value)
    if isinstance(expected, Decimal):
        assert value.as_tuple().exponent == expected.as_tuple().exponent, (expression, value)
    if isinstance(expected, dt.datetime):
        assert (value.tzinfo is None) == (expected.tzinfo is None), (expression, value)
    if type_name is not None:
        assert str(columns[0].type) == type_name, (expression, str(columns[0].type))


def check_error(runner: Runner, sql: str, number: int, text: str | None = None) -> None:
    statement = sql if sql.lstrip().upper().startswith(("SELECT", "DECLARE", "SET")) else f"SELECT {sql}"
    _columns, _rows, errors = runner.execute(statement)
    assert errors, f"expected an error from: {statement}"
    assert errors[0].number == number, (sql, errors[0].number, errors[0].text)
    if text is not None:
        assert errors[0].text == text, (sql, errors[0].text)
