"""The T-SQL conformance corpus: the cases in tests/tsql/*.sql, one test each.

Each file gets a fresh database (``corpus_<file stem>``) on a fresh engine; its setup batches run once,
then every case runs as one batch in a session of its own.  The expected values come from SQL Server's
documented behaviour, not from tdsnet: see tests/tsql/README.md for the case format.

Engine mode (the default) runs the cases on an instance opened without its network (the engine with the
server's views and procedures).  Live mode runs them against a server
through a real client (python-tds) when ``TDSNET_CORPUS_SERVER`` names one (``host,port``), with
``TDSNET_CORPUS_USER`` (default ``sa``) and ``TDSNET_CORPUS_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tdsnet.engine import results as r
from tdsnet.server.instance import Instance, InstanceConfig

CORPUS = Path(__file__).resolve().parents[1] / "tsql"
SERVER_VARIABLE = "TDSNET_CORPUS_SERVER"


# --- the case format --------------------------------------------------------------------------------------


class Anything:
    """``*`` in an expected row: any value, NULL included."""

    def __repr__(self) -> str:
        return "*"


ANY = Anything()


@dataclass
class Diagnostic:
    """An expected error or message: every field but the ones given is left unchecked."""

    number: int | None = None
    severity: int | None = None
    state: int | None = None
    line: int | None = None
    procedure: str | None = None
    text: str | None = None


@dataclass
class ResultExpect:
    rows: list[tuple] | None = None
    unordered: bool = False
    columns: list[str] | None = None
    types: list[str] | None = None


@dataclass
class Case:
    file: str
    name: str
    line: int
    sql: str = ""
    results: list[ResultExpect] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    messages: list[Diagnostic] = field(default_factory=list)
    rowcount: int | Anything | None = ANY
    result_count: int | None = None
    ok: bool = False

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


@dataclass
class CorpusFile:
    path: Path
    setup: list[str]
    cases: list[Case]

    @property
    def database(self) -> str:
        return f"corpus_{self.path.stem}"


_TYPED_LITERAL = re.compile(
    r"(date|time|datetime|datetime2|smalldatetime|datetimeoffset|guid)\s*'([^']*)'", re.IGNORECASE
)
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _parse_datetime(text: str) -> dt.datetime:
    text = text.strip().replace("T", " ")
    match = re.fullmatch(r"(.*?)(\.\d+)?\s*([-+]\d\d:\d\d)?", text)
    assert match, text
    base, fraction, offset = match.groups()
    value = dt.datetime.fromisoformat(base.strip())
    if fraction:
        value = value.replace(microsecond=round(float(fraction) * 1_000_000))
    if offset:
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        value = value.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))
    return value


def _typed_value(kind: str, text: str) -> Any:
    kind = kind.lower()
    if kind == "date":
        return dt.date.fromisoformat(text.strip())
    if kind == "time":
        return _parse_datetime(f"1900-01-01 {text}").time()
    if kind == "guid":
        return uuid.UUID(text)
    return _parse_datetime(text)


def parse_values(text: str) -> list[Any]:
    """A comma-separated list of literals: NULL, 12, 1.50, 1e0, 'str', N'str', 0x0A, date '...', *."""
    values: list[Any] = []
    rest = text.strip()
    while rest:
        value, rest = _parse_one_value(rest)
        values.append(value)
        rest = rest.lstrip()
        if rest:
            assert rest.startswith(","), f"expected ',' in {text!r} at {rest!r}"
            rest = rest[1:].lstrip()
            assert rest, f"trailing ',' in {text!r}"
    return values


def _parse_string(text: str) -> tuple[str, str]:
    """A quoted T-SQL string at the start of ``text`` (after an optional N): its value and the rest."""
    start = 2 if text[:1] in "Nn" else 1
    out, index = [], start
    while True:
        end = text.find("'", index)
        assert end >= 0, f"unterminated string in {text!r}"
        out.append(text[index:end])
        if text[end + 1 : end + 2] == "'":
            out.append("'")
            index = end + 2
            continue
        return "".join(out), text[end + 1 :]


def _parse_one_value(text: str) -> tuple[Any, str]:
    if text.startswith("'") or text[:2] in ("N'", "n'"):
        return _parse_string(text)
    if text.startswith("*"):
        return ANY, text[1:]
    if text[:4].upper() == "NULL" and not text[4:5].isalnum():
        return None, text[4:]
    if binary := re.match(r"0x([0-9A-Fa-f]*)", text):
        return bytes.fromhex(binary.group(1)), text[binary.end() :]
    if typed := _TYPED_LITERAL.match(text):
        return _typed_value(typed.group(1), typed.group(2)), text[typed.end() :]
    number = _NUMBER.match(text)
    assert number, f"not a value: {text!r}"
    literal = number.group(0)
    if number.group(2):
        return float(literal), text[number.end() :]
    if "." in literal:
        return Decimal(literal), text[number.end() :]
    return int(literal), text[number.end() :]


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside quotes and parentheses."""
    parts, depth, quoted, current = [], 0, False, []
    for char in text:
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def parse_diagnostic(text: str) -> Diagnostic:
    """``8134, severity 16, state 1, line 2, procedure p, 'Divide by zero error encountered.'``"""
    diagnostic = Diagnostic()
    for part in _split_top_level(text):
        if part.startswith("'") or part[:2] in ("N'", "n'"):
            diagnostic.text, rest = _parse_string(part)
            assert not rest.strip(), f"text after the message in {text!r}"
        elif part.lstrip("-").isdigit():
            diagnostic.number = int(part)
        else:
            key, _, value = part.partition(" ")
            key, value = key.lower(), value.strip()
            assert key in ("severity", "state", "line", "procedure"), f"unknown field {key!r} in {text!r}"
            setattr(diagnostic, key, value.strip("'") if key == "procedure" else int(value))
    return diagnostic


def _names(text: str) -> list[str]:
    return [_parse_string(part)[0] if part.startswith("'") else part for part in _split_top_level(text)]


_EXPECT = re.compile(r"--\s*expect\b\s*(.*)$", re.IGNORECASE)
_CASE = re.compile(r"--\s*case:\s*(.+?)\s*$", re.IGNORECASE)


class _CaseParser:
    """Reads one case's lines after the ``-- case:`` header."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.body: list[str] = []
        self.body_done = False
        self.rows_target: ResultExpect | None = None

    def feed(self, line: str, where: str) -> None:
        stripped = line.strip()
        expect = _EXPECT.match(stripped)
        if self.rows_target is not None and stripped.startswith("--") and not expect:
            row = stripped[2:].strip()
            if row:
                assert self.rows_target.rows is not None
                self.rows_target.rows.append(tuple(parse_values(row)))
            return
        if expect:
            self.rows_target = None
            self.body_done = True
            self._expectation(expect.group(1), where)
        elif self.body_done:
            assert not stripped or stripped.startswith("--"), f"{where}: SQL after the expectations"
        else:
            self.body.append(line)

    def _expectation(self, text: str, where: str) -> None:
        keyword, colon, value = text.partition(":")
        keyword, value = " ".join(keyword.lower().split()), value.strip()
        assert colon or keyword == "ok", f"{where}: expectation without ':'"
        case = self.case
        if keyword == "":
            case.results.append(ResultExpect(rows=[tuple(parse_values(value))]))
            assert len(case.results[-1].rows[0]) == 1, f"{where}: '-- expect:' takes one value; use 'expect rows:'"
        elif keyword in ("rows", "rows unordered"):
            case.results.append(ResultExpect(rows=[], unordered=keyword.endswith("unordered")))
            if value and value.lower() != "none":
                case.results[-1].rows.append(tuple(parse_values(value)))
            elif not value:
                self.rows_target = case.results[-1]
        elif keyword in ("type", "types"):
            self._current_result().types = [t.strip() for t in _split_top_level(value)]
        elif keyword == "columns":
            self._current_result().columns = _names(value)
        elif keyword == "error":
            case.errors.append(parse_diagnostic(value))
        elif keyword == "message":
            case.messages.append(parse_diagnostic(value))
        elif keyword == "result sets":
            case.result_count = int(value)
        elif keyword == "rowcount":
            case.rowcount = None if value.lower() == "none" else int(value)
        elif keyword == "ok":
            case.ok = True
        else:
            raise AssertionError(f"{where}: unknown expectation {keyword!r}")

    def _current_result(self) -> ResultExpect:
        if not self.case.results:
            self.case.results.append(ResultExpect())
        return self.case.results[-1]

    def finish(self, where: str) -> Case:
        case = self.case
        case.sql = "\n".join(self.body).strip("\n")
        has_expectation = self.body_done
        assert case.sql.strip(), f"{where}: case {case.name!r} has no SQL"
        assert has_expectation, f"{where}: case {case.name!r} has no expectation"
        return case


def parse_file(path: Path) -> CorpusFile:
    setup: list[list[str]] = [[]]
    cases: list[Case] = []
    parser: _CaseParser | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        header = _CASE.match(line.strip())
        if header:
            if parser:
                cases.append(parser.finish(where))
            parser = _CaseParser(Case(path.name, header.group(1), number))
        elif line.strip().upper() == "GO":
            if parser:
                cases.append(parser.finish(where))
                parser = None
            else:
                setup.append([])
        elif parser:
            parser.feed(line, where)
        else:
            setup[-1].append(line)
    if parser:
        cases.append(parser.finish(path.name))
    names = [case.name for case in cases]
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates, f"{path.name}: duplicate case names {sorted(duplicates)}"
    batches = ["\n".join(lines).strip("\n") for lines in setup]
    return CorpusFile(path, [b for b in batches if _has_sql(b)], cases)


def _has_sql(batch: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in batch.splitlines())


# --- what a batch produced ------------------------------------------------------------------------------


@dataclass
class ObservedResult:
    columns: list[str]
    types: list[str] | None  # None when the client cannot tell
    rows: list[tuple]


@dataclass
class Observed:
    results: list[ObservedResult] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    messages: list[Diagnostic] = field(default_factory=list)
    rowcount: int | None = None


def _diagnostic(message: r.Message) -> Diagnostic:
    return Diagnostic(message.number, message.severity, message.state, message.line, message.procedure, message.text)


def observe_engine(outcome: Any) -> Observed:
    observed = Observed()
    for columns, rows in outcome.result_sets:
        names = [column.name for column in columns]
        types = [str(column.type) for column in columns]
        observed.results.append(ObservedResult(names, types, [tuple(row) for row in rows]))
    for message in outcome.messages:
        target = observed.errors if message.severity > 10 else observed.messages
        target.append(_diagnostic(message))
    counts = [done.row_count for done in outcome.done if done.row_count is not None]
    observed.rowcount = counts[-1] if counts else None
    return observed


# --- comparing ------------------------------------------------------------------------------------------


def render(value: Any) -> str:
    """A value in the corpus's literal syntax, for failure reports."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bytes):
        return "0x" + value.hex().upper()
    if isinstance(value, bool):
        return f"{int(value)} (bit)"
    if isinstance(value, float):
        return repr(value) if "e" in repr(value) else f"{value!r}e0"
    if isinstance(value, dt.datetime):
        return f"datetime '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, dt.time):
        return f"time '{value.isoformat()}'"
    if isinstance(value, uuid.UUID):
        return f"guid '{value}'"
    if isinstance(value, Decimal):
        return str(value) if "." in str(value) or "E" in str(value) else f"{value}."
    if isinstance(value, int):
        return str(value)
    return f"{value!r} ({type(value).__name__})"


def values_match(expected: Any, actual: Any) -> bool:
    """Typed comparison: 1 is not 1.0 is not 1e0; Decimals keep their scale; strings compare exactly."""
    if expected is ANY:
        return True
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool | int) and not isinstance(expected, float):
        if isinstance(actual, bool):
            return expected in (0, 1) and int(actual) == expected
        return isinstance(actual, int) and actual == expected
    if isinstance(expected, Decimal):
        return (
            isinstance(actual, Decimal)
            and actual.as_tuple().exponent == expected.as_tuple().exponent
            and (actual == expected)
        )
    if isinstance(expected, float):
        return isinstance(actual, float) and math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-300)
    if isinstance(expected, dt.datetime):
        return (
            isinstance(actual, dt.datetime)
            and actual == expected
            and (actual.tzinfo is None) == (expected.tzinfo is None)
        )
    if isinstance(expected, dt.date):
        return isinstance(actual, dt.date) and not isinstance(actual, dt.datetime) and actual == expected
    if isinstance(expected, uuid.UUID):
        return str(actual).lower() == str(expected)
    return type(actual) is type(expected) and actual == expected


def normalize_type(name: str) -> str:
    """decimal and numeric are one type, sysname is nvarchar(128); case and spaces do not matter."""
    text = re.sub(r"\s+", "", name.lower())
    text = "nvarchar(128)" if text == "sysname" else text
    return re.sub(r"^numeric\b", "decimal", text)


def _row_text(row: tuple) -> str:
    return ", ".join(render(value) for value in row)


def _rows_match(expected: list[tuple], actual: list[tuple], unordered: bool) -> bool:
    if len(expected) != len(actual):
        return False
    if not unordered:
        return all(_row_matches(e, a) for e, a in zip(expected, actual, strict=True))
    remaining = list(actual)
    for row in expected:
        found = next((i for i, candidate in enumerate(remaining) if _row_matches(row, candidate)), None)
        if found is None:
            return False
        remaining.pop(found)
    return True


def _row_matches(expected: tuple, actual: tuple) -> bool:
    return len(expected) == len(actual) and all(values_match(e, a) for e, a in zip(expected, actual, strict=True))


def _compare_result(index: int, expected: ResultExpect, actual: ObservedResult) -> list[str]:
    problems = []
    label = f"result set {index + 1}"
    if expected.rows is not None and not _rows_match(expected.rows, actual.rows, expected.unordered):
        want = "\n      ".join(_row_text(row) for row in expected.rows) or "(no rows)"
        got = "\n      ".join(_row_text(row) for row in actual.rows) or "(no rows)"
        problems.append(f"{label} rows differ\n    expected:\n      {want}\n    actual:\n      {got}")
    if expected.columns is not None and [c.lower() for c in expected.columns] != [c.lower() for c in actual.columns]:
        problems.append(f"{label} columns: expected {expected.columns}, actual {actual.columns}")
    if expected.types is not None and actual.types is not None:
        want_types = [normalize_type(t) for t in expected.types]
        if want_types != [normalize_type(t) for t in actual.types]:
            problems.append(f"{label} types: expected {expected.types}, actual {actual.types}")
    return problems


def _diagnostic_problem(kind: str, expected: Diagnostic, actual: Diagnostic) -> str | None:
    fields = ("number", "severity", "state", "line", "procedure", "text")
    wrong = []
    for name in fields:
        want, got = getattr(expected, name), getattr(actual, name)
        if want is None or got is None:  # not expected, or not reported by the client
            continue
        if name == "procedure" and _same_procedure(want, str(got)):
            continue
        if want != got:
            wrong.append(f"{name} {want!r} != {got!r}")
    return f"{kind}: {'; '.join(wrong)} (actual: {_diagnostic_text(actual)})" if wrong else None


def _same_procedure(expected: str, actual: str) -> bool:
    """SQL Server 2017 and later name the procedure with its schema: either form matches."""
    want, got = expected.lower(), actual.lower()
    return got == want or ("." not in want and got.rsplit(".", 1)[-1] == want)


def _diagnostic_text(d: Diagnostic) -> str:
    return f"Msg {d.number}, Level {d.severity}, State {d.state}, Line {d.line}: {d.text}"


def _compare_diagnostics(kind: str, expected: list[Diagnostic], actual: list[Diagnostic]) -> list[str]:
    if len(expected) != len(actual):
        listed = "; ".join(_diagnostic_text(d) for d in actual) or "none"
        return [f"expected {len(expected)} {kind}(s), got {len(actual)}: {listed}"]
    found = (_diagnostic_problem(kind, e, a) for e, a in zip(expected, actual, strict=True))
    return [problem for problem in found if problem]


def compare(case: Case, observed: Observed) -> list[str]:
    problems = _compare_diagnostics("error", case.errors, observed.errors)
    if case.messages:
        problems += _compare_diagnostics("message", case.messages, observed.messages)
    if case.results:
        if len(case.results) != len(observed.results):
            shapes = [f"{len(o.rows)} row(s) of {o.columns}" for o in observed.results]
            problems.append(f"expected {len(case.results)} result set(s), got {len(observed.results)}: {shapes}")
        for index, (want, got) in enumerate(zip(case.results, observed.results, strict=False)):
            problems += _compare_result(index, want, got)
    if case.result_count is not None and case.result_count != len(observed.results):
        problems.append(f"expected {case.result_count} result set(s), got {len(observed.results)}")
    if case.rowcount is not ANY and case.rowcount != observed.rowcount:
        problems.append(f"rowcount: expected {case.rowcount}, actual {observed.rowcount}")
    return problems


# --- running: engine mode -------------------------------------------------------------------------------


_spids = itertools.count(51)


class EngineFileRun:
    """A fresh engine with the file's database and setup; one session per case."""

    def __init__(self, corpus_file: CorpusFile, data_dir: Path, tsql: type) -> None:
        self.file = corpus_file
        self.tsql = tsql
        # The instance without its network: the engine with the server's views and procedures
        # (sys.databases, sys.server_principals, sp_configure...), as a session on a server sees it.
        self.instance = Instance(InstanceConfig(data_dir, sa_password="Corpus!Passw0rd"))
        self.instance.open()
        self.engine = self.instance.engine
        self.setup_notes: list[str] = []
        self.setup_error = self._setup()

    def _setup(self) -> str | None:
        """Create the database (a failure there fails every case) and run the setup batches (a failing batch
        is noted on the file's failing cases, and the rest of the setup still runs)."""
        session = self.tsql(self.engine, spid=next(_spids))
        try:
            for statement in (f"CREATE DATABASE [{self.file.database}]", f"USE [{self.file.database}]"):
                outcome = session.execute(statement)
                if outcome.errors:
                    return f"{statement} failed: {_errors_text(outcome.errors)}"
            for number, batch in enumerate(self.file.setup, start=1):
                try:
                    errors = _errors_text(session.execute(batch).errors)
                except Exception as exc:  # the engine itself failed
                    errors = f"raised {type(exc).__name__}: {exc}"
                if errors:
                    self.setup_notes.append(f"setup batch {number} ({_first_line(batch)}) failed: {errors}")
            return None
        except Exception as exc:
            return f"setup raised {type(exc).__name__}: {exc}"
        finally:
            session.close()

    def run(self, case: Case) -> Observed:
        session = self.tsql(self.engine, spid=next(_spids))
        try:
            used = session.execute(f"USE [{self.file.database}]")
            assert not used.errors, _errors_text(used.errors)
            return observe_engine(session.execute(case.sql))
        finally:
            session.close()

    def close(self) -> None:
        self.engine.close()
        self.instance.errorlog.close()


def _errors_text(errors: list[r.Message]) -> str:
    return "; ".join(f"{m.number}: {m.text}" for m in errors)


def _first_line(batch: str) -> str:
    lines = (line.strip() for line in batch.splitlines())
    return next((line for line in lines if line and not line.startswith("--")), "")[:60]


# --- running: live mode ---------------------------------------------------------------------------------


@dataclass
class LiveServer:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_environment(cls) -> LiveServer | None:
        named = os.environ.get(SERVER_VARIABLE, "").strip()
        if not named:
            return None
        host, _, port = named.partition(",")
        user = os.environ.get("TDSNET_CORPUS_USER", "sa")
        return cls(host.strip(), int(port or 1433), user, os.environ.get("TDSNET_CORPUS_PASSWORD", ""))

    def connect(self, database: str = "master") -> Any:
        import pytds

        return pytds.connect(
            dsn=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
            autocommit=True,
            login_timeout=15,
            timeout=60,
        )


class LiveFileRun:
    """The same cases through python-tds against a running server: a database per file, a connection per case."""

    def __init__(self, corpus_file: CorpusFile, server: LiveServer) -> None:
        self.file = corpus_file
        self.server = server
        self.setup_notes: list[str] = []
        self.setup_error = self._setup()

    def _setup(self) -> str | None:
        name = self.file.database
        try:
            with self.server.connect() as connection:
                drop = f"IF DB_ID(N'{name}') IS NOT NULL DROP DATABASE [{name}];"
                observed = run_live_batch(connection, f"{drop}\nCREATE DATABASE [{name}]")
                if observed.errors:
                    return f"CREATE DATABASE failed: {observed.errors}"
            with self.server.connect(name) as connection:
                for number, batch in enumerate(self.file.setup, start=1):
                    errors = run_live_batch(connection, batch).errors
                    if errors:
                        texts = "; ".join(f"{e.number}: {e.text}" for e in errors)
                        self.setup_notes.append(f"setup batch {number} ({_first_line(batch)}) failed: {texts}")
            return None
        except Exception as exc:
            return f"setup raised {type(exc).__name__}: {exc}"

    def run(self, case: Case) -> Observed:
        with self.server.connect(self.file.database) as connection:
            return run_live_batch(connection, case.sql)

    def close(self) -> None:
        pass


def run_live_batch(connection: Any, sql: str) -> Observed:
    """Every result set, message and row count of one batch, reading on past errors."""
    from pytds import tds_base

    observed = Observed()
    cursor = connection.cursor()
    session = cursor._session  # python-tds keeps every message, with its number, here
    counts: list[int] = []
    _record_done_counts(session, counts)
    seen: list[Any] = [None]
    _live_step(observed, cursor, lambda: cursor.execute(sql), seen)
    for _ in range(100_000):
        if session.state == tds_base.TDS_IDLE or not _live_step(observed, cursor, cursor.nextset, seen):
            break
    _collect_live_messages(session.messages, observed)
    observed.rowcount = counts[-1] if counts else None
    return observed


def _live_step(observed: Observed, cursor: Any, step: Callable[[], Any], seen: list[Any]) -> bool:
    """One step through the response; reads a new result set's rows.  False at the end."""
    from pytds import tds_base

    try:
        more = step()
    except tds_base.Error:
        more = True
    info = cursor._session.res_info
    if info is not None and info is not seen[0]:
        seen[0] = info
        result = ObservedResult([column[0] for column in info.description], None, [])
        observed.results.append(result)
        scales = [_live_scale(column.serializer) for column in info.columns]
        try:
            while (row := cursor.fetchone()) is not None:
                result.rows.append(tuple(_live_value(v, s) for v, s in zip(row, scales, strict=False)))
        except tds_base.Error:
            pass
    return more is not None and more is not False


def _live_scale(serializer: Any) -> int | None:
    """The scale of a money or decimal column, which python-tds drops from the values it returns."""
    if type(serializer).__name__.startswith("Money"):
        return 4
    return getattr(serializer, "scale", None) if type(serializer).__name__ == "MsDecimalSerializer" else None


def _live_value(value: Any, scale: int | None) -> Any:
    """A Decimal with its column's scale back (python-tds returns 1.5 for a numeric(3,2) 1.50)."""
    if scale is None or not isinstance(value, Decimal):
        return value
    return value.quantize(Decimal(1).scaleb(-scale))


def _record_done_counts(session: Any, counts: list[int]) -> None:
    original = session.process_end

    def process_end(marker: int) -> None:
        try:
            original(marker)
        finally:
            if session.rows_affected >= 0:
                counts.append(session.rows_affected)

    session.process_end = process_end


def _collect_live_messages(messages: list[dict], observed: Observed) -> None:
    for message in messages:
        diagnostic = Diagnostic(
            message["msgno"],
            message["severity"],
            message["state"],
            message["line_number"],
            message["proc_name"],
            message["message"],
        )
        (observed.errors if diagnostic.severity > 10 else observed.messages).append(diagnostic)


# --- pytest ---------------------------------------------------------------------------------------------


def corpus_files() -> list[CorpusFile]:
    return [parse_file(path) for path in sorted(CORPUS.glob("*.sql"))]


KNOWN_FAILURES = Path(__file__).resolve().parents[1] / "tsql" / "known_failures.txt"
RECORD = os.environ.get("TDSNET_CORPUS_RECORD")  # a path: write the failing cases there instead


def known_failures() -> set[str]:
    """Cases the engine does not pass yet, one `file::case` per line: each is a strict xfail, so a
    case that starts passing fails until it is taken off the list."""
    if RECORD or not KNOWN_FAILURES.exists():
        return set()
    lines = KNOWN_FAILURES.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _params() -> Iterator[Any]:
    known = known_failures()
    xfail = pytest.mark.xfail(strict=True, reason=f"known engine gap, listed in {KNOWN_FAILURES.name}")
    for corpus_file in corpus_files():
        for case in corpus_file.cases:
            yield pytest.param(corpus_file, case, id=case.id, marks=[xfail] if case.id in known else [])


class CorpusRuns:
    """One run (engine or live) per file, made when the file's first case runs."""

    def __init__(self, make: Callable[[CorpusFile], Any]) -> None:
        self.make = make
        self.runs: dict[Path, Any] = {}

    def get(self, corpus_file: CorpusFile) -> Any:
        if corpus_file.path not in self.runs:
            self.runs[corpus_file.path] = self.make(corpus_file)
        return self.runs[corpus_file.path]

    def close(self) -> None:
        for run in self.runs.values():
            run.close()


def _tsql_class(config: pytest.Config) -> type:
    """`TSQL` from tests/engine/conftest.py, as pytest loaded it."""
    here = Path(__file__).with_name("conftest.py")
    for plugin in config.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", None) or "/") == here:
            return plugin.TSQL
    raise AssertionError("tests/engine/conftest.py is not loaded")


@pytest.fixture(scope="session")
def corpus_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusRuns]:
    server = LiveServer.from_environment()
    if server is not None:
        runs = CorpusRuns(lambda f: LiveFileRun(f, server))
    else:
        tsql = _tsql_class(request.config)
        runs = CorpusRuns(lambda f: EngineFileRun(f, tmp_path_factory.mktemp(f.path.stem) / "data", tsql))
    yield runs
    runs.close()


@pytest.mark.parametrize(("corpus_file", "case"), list(_params()))
def test_case(corpus_runs: CorpusRuns, corpus_file: CorpusFile, case: Case) -> None:
    run = corpus_runs.get(corpus_file)
    if run.setup_error:
        pytest.fail(f"{corpus_file.path.name}: {run.setup_error}", pytrace=False)
    try:
        observed = run.run(case)
        problems = compare(case, observed)
    except Exception as exc:  # the engine (or the client) failed outside T-SQL's error reporting
        problems = [f"raised {type(exc).__name__}: {exc}"]
    if problems and RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:  # one short write per line: safe across workers
            out.write(case.id + "\n")
    if problems:
        where = f"{case.file}:{case.line}: {case.name}"
        notes = f"\n  (note: {len(run.setup_notes)} setup batch(es) of this file failed)" if run.setup_notes else ""
        pytest.fail(f"{where}\n" + "\n".join(f"  - {p}" for p in problems) + notes, pytrace=False)


def _setup_params() -> Iterator[Any]:
    known = known_failures()
    xfail = pytest.mark.xfail(strict=True, reason=f"known engine gap, listed in {KNOWN_FAILURES.name}")
    for corpus_file in corpus_files():
        key = f"setup::{corpus_file.path.name}"
        yield pytest.param(corpus_file, id=corpus_file.path.name, marks=[xfail] if key in known else [])


@pytest.mark.parametrize("corpus_file", list(_setup_params()))
def test_setup(corpus_runs: CorpusRuns, corpus_file: CorpusFile) -> None:
    """Every setup batch of the file runs without an error (a failing one fails only the cases that need it)."""
    run = corpus_runs.get(corpus_file)
    problems = ([run.setup_error] if run.setup_error else []) + run.setup_notes
    if problems and RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(f"setup::{corpus_file.path.name}\n")
    if problems:
        pytest.fail(f"{corpus_file.path.name}\n" + "\n".join(f"  - {p}" for p in problems), pytrace=False)


def test_corpus_format() -> None:
    """The case files parse, and the literal syntax reads as documented."""
    assert sum(len(f.cases) for f in corpus_files()) > 0
    assert parse_values("1, -2.50, 1e0, 'it''s', N'x', NULL, 0x0aFF, *") == [
        1,
        Decimal("-2.50"),
        1.0,
        "it's",
        "x",
        None,
        b"\x0a\xff",
        ANY,
    ]
    assert parse_values("date '2020-01-02', time '12:30:00.5'") == [dt.date(2020, 1, 2), dt.time(12, 30, 0, 500000)]
    assert parse_diagnostic("8134, severity 16, state 1, 'Divide by zero error encountered.'") == Diagnostic(
        8134, 16, 1, None, None, "Divide by zero error encountered."
    )
    assert not values_match(Decimal("1.0"), Decimal("1.00"))
    assert not values_match(1, Decimal(1))
    assert values_match(1, True)
