"""Auto-parameterization (engine.autoparam): texts that differ only in their literals share one parsed
and compiled template, and nothing a client sees changes.

Every check runs the same batches on two engines, one with auto-parameterization and one without (the
literal path), and compares all they return: columns (names, types, nullability), rows, messages
(number, state, text, line) and row counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdsnet.engine import Engine, ServerInfo, SessionInfo
from tdsnet.engine import results as r
from tdsnet.engine.autoparam import fast_lexemes, scan, sqlglot_lexemes

SETUP = [
    "CREATE TABLE t (id int CONSTRAINT pk_t PRIMARY KEY, qty int, name varchar(40), uname nvarchar(20),"
    " price decimal(10,2), cash money, d date, dt datetime, f float, b varbinary(10))",
    "INSERT INTO t VALUES (1, 10, 'one', N'ü', 1.50, $2.5, '2020-01-02', '2020-01-02 03:04:05', 1.5, 0x01)",
    "INSERT INTO t VALUES (2, 20, 'two', N'u', 2.25, $1, '2021-06-30', '2021-06-30 23:59:59', 0.25, 0x0102)",
    "INSERT INTO t VALUES (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    "CREATE TABLE empty (id int CONSTRAINT pk_empty PRIMARY KEY)",
    "CREATE TABLE w (id int CONSTRAINT pk_w PRIMARY KEY, name varchar(10) NOT NULL, price decimal(6,2))",
]


def _outcome(session: Any, sql: str) -> list[tuple]:
    """What a client would see of a batch."""
    seen: list[tuple] = []
    for item in session.execute_batch(sql):
        if isinstance(item, r.ResultSet):
            columns = [(c.name, str(c.type), c.nullable) for c in item.columns]
            seen.append(("rows", columns, [tuple(row) for chunk in item.chunks for row in chunk]))
        elif isinstance(item, r.Message):
            seen.append(("message", item.number, item.severity, item.state, item.text, item.line))
        elif isinstance(item, r.StatementDone):
            seen.append(("done", item.command, item.row_count, item.error))
    return seen


class Twin:
    """The same session twice: auto-parameterized and on the literal path."""

    def __init__(self, root: Path) -> None:
        self.engine = self._engine(root / "on", True)
        self.literal = self._engine(root / "off", False)
        self.sessions = [
            e.new_session(SessionInfo(spid=51, login="sa", is_sysadmin=True), "master")
            for e in (self.engine, self.literal)
        ]
        for sql in SETUP:
            self.run(sql)

    @staticmethod
    def _engine(path: Path, enabled: bool) -> Engine:
        engine = Engine(path, ServerInfo("TESTHOST"))
        engine.open()
        engine.autoparam.enabled = enabled
        return engine

    def run(self, sql: str) -> list[tuple]:
        """The batch's outcome, the same on both."""
        parameterized, literal = (_outcome(s, sql) for s in self.sessions)
        assert parameterized == literal, sql
        return parameterized

    @property
    def engines(self) -> tuple[Engine, Engine]:
        return self.engine, self.literal

    @property
    def counts(self) -> tuple[int, int]:
        return self.engine.parse_count, self.engine.compile_count

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        self.engine.close()
        self.literal.close()


@pytest.fixture
def twin(tmp_path: Path) -> Iterator[Twin]:
    made = Twin(tmp_path)
    yield made
    made.close()


# --- one parse, one compile -------------------------------------------------------------------------------


def test_different_literals_share_one_template(twin: Twin) -> None:
    twin.run("SELECT id, qty, name FROM t WHERE id = 1")
    parses, compiles = twin.counts
    safe = twin.engine.autoparam.safe
    for key in (2, 3, 4, -5, 2147483647):
        twin.run(f"SELECT id, qty, name FROM t WHERE id = {key}")
    assert twin.counts == (parses, compiles)  # no parse, no compile
    assert twin.engine.autoparam.safe == safe + 5


def test_the_first_text_compiles_the_literal_statement_and_the_template(twin: Twin) -> None:
    parses, compiles = twin.counts
    twin.run("SELECT name FROM t WHERE id = 2")
    assert twin.counts == (parses + 2, compiles + 2)
    twin.run("SELECT name FROM t WHERE id = 2")  # the same text: the parse cache
    twin.run("SELECT name FROM t WHERE id = 3")
    assert twin.counts == (parses + 2, compiles + 2)


def test_inserts_with_new_values_are_not_compiled_again(twin: Twin) -> None:
    twin.run("INSERT INTO w (id, name, price) VALUES (1, 'abc', 1.25)")
    counts = twin.counts
    for key in range(2, 10):  # the same types: int, varchar(3), numeric(3,2)
        twin.run(f"INSERT INTO w (id, name, price) VALUES ({key}, 'x{key % 10}y', {key}.75)")
    assert twin.counts == counts
    twin.run("SELECT * FROM w ORDER BY id")


def test_literal_types_are_part_of_the_template(twin: Twin) -> None:
    twin.run("SELECT name FROM t WHERE name = 'one'")
    counts = twin.counts
    twin.run("SELECT name FROM t WHERE name = 'two'")  # varchar(3) again
    assert twin.counts == counts
    twin.run("SELECT name FROM t WHERE name = 'three'")  # varchar(5): a template of its own
    assert twin.counts == (counts[0] + 2, counts[1] + 2)


def test_counters(twin: Twin) -> None:
    auto = twin.engine.autoparam
    before = (auto.attempts, auto.safe, auto.failed)
    twin.run("SELECT qty FROM t WHERE id = 1")
    twin.run("SELECT qty FROM t WHERE id = 2")
    twin.run("SELECT 1 + 2")  # constant arithmetic is checked when compiled: unsafe
    twin.run("SELECT 3 + 4")
    twin.run("SELECT qty FROM t")  # no literal: no attempt
    assert (auto.attempts, auto.safe, auto.failed) == (before[0] + 4, before[1] + 2, before[2] + 2)


def test_an_unsafe_template_is_remembered(twin: Twin) -> None:
    twin.run("SELECT 2147483647 + 0, id FROM t WHERE id = 1")
    parses, compiles = twin.counts
    failed = twin.engine.autoparam.failed
    twin.run("SELECT 2147483647 + 1, id FROM t WHERE id = 1")  # 8115 when compiled: the literal path
    assert twin.counts == (parses + 1, compiles)  # the text alone (whose compile fails), no second judging
    assert twin.engine.autoparam.failed == failed + 1


# --- the literal path's results, types and errors -------------------------------------------------------

MATRIX = {
    "SELECT {}": [
        "1",
        "0",
        "-7",
        "2147483647",
        "-2147483648",
        "2147483648",
        "-2147483649",
        "9223372036854775807",
        "12345678901234567890123456789012345678",
        "123456789012345678901234567890123456789",
        "1.50",
        "-1.50",
        "0.25",
        "12.34",
        "1.",
        "001.5",
        "0.0",
        "-0.00",
        "'abc'",
        "'xyz'",
        "''",
        "'it''s'",
        "'é'",
        "' sp '",
        "'a\nb'",
        "N'abc'",
        "N'日本'",
        "N''",
        "$1",
        "$-2.5",
        "$.5",
        "-$3",
        "$12.3456",
        "0x",
        "0x00",
        "0xABCD",
        "0xabcd",
        "0xABC",
        "NULL",
        "1e5",
        "1.5E-3",
        "-1e3",
    ],
    "SELECT id, name FROM t WHERE id = {}": ["1", "2", "99", "-1", "'1'", "'abc'", "1.0", "2147483648", "$1", "0x01"],
    "SELECT id FROM empty WHERE id = {}": ["'abc'", "1"],
    "SELECT COUNT(*) FROM t WHERE name LIKE {}": ["'o%'", "'%o'", "'_w_'", "'[ot]%'", "N'%e'"],
    "SELECT qty + {} FROM t ORDER BY id": ["1", "2147483647", "-5", "1.5", "'3'", "'x'"],
    "SELECT qty / {} FROM t WHERE id = 1": ["2", "0", "0.5", "-3"],
    "SELECT qty % {}, {} % 3 FROM t WHERE id = 1": ["3", "0"],
    "SELECT name + {} FROM t ORDER BY id": ["'x'", "'yy'", "N'z'", "1"],
    "SELECT CAST({} AS date)": ["'2020-01-02'", "'2020-13-01'", "'20200102'", "'Jan 2 2020'"],
    "SELECT CAST(name AS varchar({})) FROM t ORDER BY id": ["2", "5"],
    "SELECT CAST({} AS decimal(5, 2))": ["1.005", "123.456", "'1.5'", "9999"],
    "SELECT CONVERT(varchar(30), dt, {}) FROM t ORDER BY id": ["101", "103", "112", "120", "126"],
    "SELECT DATEADD(day, {}, d) FROM t ORDER BY id": ["1", "-1", "365"],
    "SELECT DATEDIFF(day, {}, d) FROM t ORDER BY id": ["'2020-01-01'", "'2019-12-31'"],
    "SELECT TOP {} id FROM t ORDER BY id": ["1", "2"],
    "SELECT TOP ({}) id FROM t ORDER BY id": ["1", "2", "0"],
    "SELECT id, qty FROM t ORDER BY {}, id": ["1", "2"],
    "SELECT id FROM t ORDER BY id OFFSET {} ROWS": ["0", "1", "5"],
    "SELECT IIF(qty > {}, 'big', 'small') FROM t ORDER BY id": ["5", "50", "15.5"],
    "SELECT CHOOSE({}, 'a', 'bb', 'c')": ["1", "2", "4"],
    "SELECT SUBSTRING(name, {}, 2) FROM t ORDER BY id": ["1", "2", "0", "-1"],
    "SELECT ROUND(price, {}) FROM t ORDER BY id": ["0", "1", "-1"],
    "SELECT ISNULL(name, {}) FROM t ORDER BY id": ["'none'", "'x'", "N'y'"],
    "SELECT COALESCE(qty, {}) FROM t ORDER BY id": ["0", "1.5", "'a'"],
    "SELECT price * {} FROM t ORDER BY id": ["2", "1.5", "$2", "-0.001"],
    "SELECT id FROM t WHERE price = {}": ["1.5", "1.50", "2.25", "2"],
    "SELECT id FROM t WHERE cash > {}": ["$1", "1", "1.5", "'2'"],
    "SELECT id FROM t WHERE d = {}": ["'2020-01-02'", "'2021-06-30'", "'2020-01-02T00:00:00'"],
    "SELECT id FROM t WHERE dt < {}": ["'2021-01-01'", "'2021-06-30 23:59:59.997'"],
    "SELECT id FROM t WHERE f >= {}": ["1", "0.25", "'0.5'"],
    "SELECT id FROM t WHERE b = {}": ["0x01", "0x0102", "0x"],
    "SELECT id FROM t WHERE uname = {}": ["N'ü'", "'u'", "N'U'"],
    "SELECT id FROM t WHERE id IN ({})": ["1", "1, 2", "3, 2, 1", "'1', 2"],
    "SELECT id FROM t WHERE qty BETWEEN {} AND 100": ["10", "15", "-1"],
    "SELECT DATETIME2FROMPARTS(2020, 1, 2, 3, 4, 5, 6, {})": ["1", "3", "7"],
    "SELECT value FROM STRING_SPLIT({}, ',')": ["'a,b'", "'c,d,e'"],
    "SELECT NTILE({}) OVER (ORDER BY id) FROM t": ["2", "3"],
    "SELECT LAG(qty, {}, 0) OVER (ORDER BY id) FROM t": ["1", "2"],
    "SELECT 5 - {}, {} - 5": ["3", "-3"],
    "SELECT qty - -{} FROM t ORDER BY id": ["1", "2.5"],
    "SELECT -{} * qty FROM t ORDER BY id": ["1", "1.5", "2147483648"],
    "SELECT FORMAT(price, {}) FROM t ORDER BY id": ["'N2'", "'C'", "'0.0'"],
    'SELECT JSON_VALUE(\'{{"a": 1, "b": "x"}}\', {})': ["'$.a'", "'$.b'", "'$.c'"],
    "SELECT {} AS v, {} 'w'": ["1", "'a'"],
    "SELECT 'x' = {}": ["5", "6"],
    "SELECT id\nFROM t\nWHERE id = CAST({} AS int)": ["'1'", "'x'", "'y'"],
    "SELECT LEN({}), DATALENGTH({})": ["'ab '", "N'ab '", "0xAB"],
    "SELECT UPPER({}) COLLATE Latin1_General_CS_AS": ["'a'", "'b'"],
    "SELECT CASE {} WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END": ["1", "2", "3"],
    "SELECT COUNT(*) FROM t GROUP BY qty HAVING COUNT(*) > {}": ["0", "1"],
    "SELECT EXISTS_TEST = CASE WHEN EXISTS (SELECT 1 FROM t WHERE id = {}) THEN 1 ELSE 0 END": ["1", "9"],
    "SELECT (SELECT name FROM t WHERE id = {}), {}": ["1", "2", "9"],
    "SELECT id FROM t WHERE name = {} OR uname = {}": ["'one'", "N'u'"],
}


@pytest.mark.parametrize("template", list(MATRIX))
def test_results_are_the_literal_paths(twin: Twin, template: str) -> None:
    for literal in MATRIX[template]:
        twin.run(template.replace("{}", literal))
    for literal in reversed(MATRIX[template]):  # each one after the others: hits of templates judged before
        twin.run(template.replace("{}", literal))


def test_writes_and_their_errors(twin: Twin) -> None:
    rows = [
        "(1, 'a', 1.50)",
        "(2, 'bb', 2.25)",
        "(2, 'dup', 1.00)",  # 2627, the duplicate key in the message
        "(3, 'waytoolongname', 1)",  # 2628, the value in the message
        "(4, NULL, 1)",  # 515
        "(5, 'e', 12345.67)",  # 8115
        "(6, 'f', 'x')",  # 8114
        "(7, N'g', $3)",
        "(8, 'h', -1)",
    ]
    for row in rows:
        twin.run(f"INSERT INTO w (id, name, price) VALUES {row}")
    for key, price in ((1, "9.99"), (2, "-1"), (3, "1e2"), (8, "'7'"), (9, "1")):
        twin.run(f"UPDATE w SET price = {price} WHERE id = {key}")
    for key in (1, 99, 7):
        twin.run(f"DELETE FROM w WHERE id = {key}")
    twin.run("INSERT INTO w (id, name) SELECT id + 100, 'copy' FROM t WHERE id < 3")
    twin.run("INSERT INTO w (id, name) SELECT id + 200, 'copy' FROM t WHERE id < 2")
    twin.run("UPDATE w SET name = 'n' OUTPUT inserted.id, deleted.name, 5 WHERE id = 2")
    twin.run("UPDATE w SET name = 'm' OUTPUT inserted.id, deleted.name, 6 WHERE id = 101")
    assert twin.run("SELECT * FROM w ORDER BY id")[0][2]


def test_many_literals(twin: Twin) -> None:
    auto = twin.engine.autoparam
    attempts = auto.attempts
    twin.run("INSERT INTO w VALUES " + ", ".join(f"({n}, 'n{n % 10}', 1.5)" for n in range(600)))  # 1,800
    assert auto.attempts == attempts + 1
    twin.run("INSERT INTO w VALUES " + ", ".join(f"({n}, 'm{n % 10}', 2.5)" for n in range(600, 1300)))
    assert auto.attempts == attempts + 1  # 2,100 literals: the literal path
    twin.run("INSERT INTO w VALUES " + ", ".join(f"({n}, 'k{n % 10}', 3.5)" for n in range(1300, 2400)))  # 10738
    twin.run("SELECT COUNT(*), SUM(price) FROM w")


def test_errors_name_the_literal_and_its_line(twin: Twin) -> None:
    twin.run("\n\nSELECT id\nFROM t\nWHERE id = 'abc'")
    outcome = twin.run("\n\nSELECT id\nFROM t\nWHERE id = 'xyz'")
    assert outcome[0][1:] == (
        245,
        16,
        1,
        "Conversion failed when converting the varchar value 'xyz' to data type int.",
        3,
    )


def test_set_options_of_plans(twin: Twin) -> None:
    twin.run("SELECT COUNT(*) FROM t WHERE NOT (name = 'one')")
    twin.run("SET ANSI_NULLS OFF")
    for name in ("'one'", "'two'", "NULL"):
        twin.run(f"SELECT COUNT(*) FROM t WHERE NOT (name = {name})")
        twin.run(f"SELECT COUNT(*) FROM t WHERE name <> {name}")
    twin.run("SET CONCAT_NULL_YIELDS_NULL OFF")
    twin.run("SELECT name + 'x' FROM t ORDER BY id")
    twin.run("SELECT name + 'y' FROM t ORDER BY id")
    twin.run("SET QUOTED_IDENTIFIER OFF")
    twin.run('SELECT "ab", name FROM t WHERE name = "one"')
    twin.run('SELECT "cd", name FROM t WHERE name = "two"')


def test_set_options_of_writes(twin: Twin) -> None:
    twin.run("INSERT INTO w VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)")
    twin.run("UPDATE w SET price = 5 WHERE id > 0")
    twin.run("SET ROWCOUNT 1")
    twin.run("UPDATE w SET price = 6 WHERE id > 0")
    twin.run("SET ROWCOUNT 0")
    twin.run("UPDATE w SET price = 7 WHERE id > 1")
    twin.run("SELECT * FROM w ORDER BY id")
    twin.run("CREATE TABLE ident (id int IDENTITY(1, 1) CONSTRAINT pk_ident PRIMARY KEY, v int)")
    twin.run("INSERT INTO ident (v) VALUES (1)")
    twin.run("INSERT INTO ident (id, v) VALUES (10, 2)")  # 544
    twin.run("SET IDENTITY_INSERT ident ON")
    twin.run("INSERT INTO ident (id, v) VALUES (11, 3)")
    twin.run("INSERT INTO ident (v) VALUES (4)")  # 545
    twin.run("SET IDENTITY_INSERT ident OFF")
    twin.run("INSERT INTO ident (v) VALUES (5)")
    twin.run("SELECT *, SCOPE_IDENTITY(), @@IDENTITY FROM ident ORDER BY id")


def test_schema_changes_recompile_the_template(twin: Twin) -> None:
    twin.run("CREATE TABLE s (id int PRIMARY KEY, v int)")
    twin.run("INSERT INTO s VALUES (1, 10), (2, 20)")
    twin.run("SELECT * FROM s WHERE v = 10")
    twin.run("SELECT * FROM s WHERE v = 20")
    twin.run("ALTER TABLE s ADD w varchar(5)")
    twin.run("SELECT * FROM s WHERE v = 10")
    twin.run("DROP TABLE s")
    twin.run("SELECT * FROM s WHERE v = 20")  # 208
    twin.run("CREATE TABLE s (id int PRIMARY KEY, v varchar(10))")
    twin.run("INSERT INTO s VALUES (1, '10'), (2, 'x')")
    twin.run("SELECT * FROM s WHERE v = 10")  # 245 now: 'x' does not convert
    twin.run("SELECT * FROM s WHERE v = 20")


def test_databases_have_templates_of_their_own(twin: Twin) -> None:
    twin.run("CREATE DATABASE other")
    twin.run("USE other")
    twin.run("CREATE TABLE t (id int PRIMARY KEY, qty decimal(5,1))")
    twin.run("INSERT INTO t VALUES (1, 1.5)")
    twin.run("SELECT qty FROM t WHERE id = 1")
    twin.run("USE master")
    twin.run("SELECT qty FROM t WHERE id = 1")
    twin.run("SELECT qty FROM t WHERE id = 2")
    twin.run("USE other")
    twin.run("SELECT qty FROM t WHERE id = 2")


def test_temp_tables_are_each_sessions_own(twin: Twin) -> None:
    others = [e.new_session(SessionInfo(spid=52, login="sa", is_sysadmin=True), "master") for e in twin.engines]

    def other(sql: str) -> list[tuple]:
        parameterized, literal = (_outcome(s, sql) for s in others)
        assert parameterized == literal, sql
        return parameterized

    twin.run("CREATE TABLE #t (id int, v varchar(10))")
    twin.run("INSERT INTO #t VALUES (1, 'a'), (2, 'b')")
    other("CREATE TABLE #t (id varchar(10), v int)")
    other("INSERT INTO #t VALUES ('1', 5), ('x', 6)")
    assert twin.run("SELECT * FROM #t WHERE id = 1")[0][2] == [(1, "a")]
    assert other("SELECT * FROM #t WHERE id = 2")[0][0] == "message"  # 245: 'x' is not an int
    assert twin.run("SELECT * FROM #t WHERE id = 2")[0][2] == [(2, "b")]
    for session in others:
        session.close()


def test_dynamic_sql_uses_templates(twin: Twin) -> None:
    twin.run("SELECT qty FROM t WHERE id = 1")
    counts = twin.counts
    twin.run("EXEC('SELECT qty FROM t WHERE id = 2')")
    assert twin.counts[1] == counts[1]  # the EXEC's own text is parsed, its statement not compiled again


def test_batches_that_are_not_parameterized(twin: Twin) -> None:
    for sql in (
        "SELECT 1; SELECT 2",
        "SELECT 1 INTO #x",
        "SELECT 2 INTO #y",
        "DECLARE @a int = 1",
        "SELECT qty FROM t WHERE id = 1 /* a /* nested */ comment */",
        "SELECT qty FROM t WHERE id = 2 /* a /* nested */ comment */",
        "SELECT qty FROM t WHERE id = 1 -- 'comment'",
        "SELECT qty FROM t WHERE id = 2 -- 'comment'",
    ):
        twin.run(sql)


# --- reading texts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "template"),
    [
        ("SELECT a FROM t WHERE b = 5", "SELECT a FROM t WHERE b =  @__tdsnet_p0 "),
        ("SELECT -5, 1 - 2, x - -3", "SELECT  @__tdsnet_p0 ,  @__tdsnet_p1  -  @__tdsnet_p2 , x -  @__tdsnet_p3 "),
        ("SELECT CAST(a AS varchar(10)), CONVERT(decimal(5, 2), b)", None),
        ("SELECT TOP 5 a FROM t WHERE b = 1 ORDER BY 1", "SELECT TOP 5 a FROM t WHERE b =  @__tdsnet_p0  ORDER BY 1"),
        ("SELECT a AS 'x', 5 'y' FROM t", "SELECT a AS 'x',  @__tdsnet_p0  'y' FROM t"),
        ("SELECT 1e5, .5, 1., 5x", None),
        ("SELECT 1 INTO #t", None),
        ("EXEC p 1", None),
        ("SELECT @__tdsnet_p0 = 1", None),
    ],
)
def test_templates(text: str, template: str | None) -> None:
    candidate = scan(text, None)
    assert (candidate.text if candidate else None) == template
    reference = scan(text, None, sqlglot_lexemes)
    assert (reference.text if reference else None) == template


def test_the_fast_reading_is_sqlglots() -> None:
    """Every statement of the T-SQL corpus makes the same template read either way (or none the fast way)."""
    corpus = Path(__file__).resolve().parents[1] / "tsql"
    compared = 0
    for path in sorted(corpus.glob("*.sql")):
        batches = re.split(r"^GO\s*$", path.read_text(), flags=re.MULTILINE)
        for text in batches + [line for b in batches for line in b.splitlines()]:
            fast = scan(text, None)
            if fast is not None and fast_lexemes(text) is not None:
                assert fast.same(scan(text, None, sqlglot_lexemes)), text
                compared += 1
    assert compared > 100


def _quoted(text: str, prefix: str = "") -> str:
    return prefix + "'" + text.replace("'", "''") + "'"


LITERALS = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(_quoted),
    st.text(max_size=8).map(lambda t: _quoted(t, "N")),
    st.binary(max_size=6).map(lambda b: "0x" + b.hex()),
    st.decimals(-(10**6), 10**6, places=2).map(lambda d: f"${d}"),
)


CONTEXTS = [
    "= {}",
    "= -{}",
    "- {}",
    "IN ({}, 2)",
    "LIKE {}",
    "*-{}",
    "= ({})",
    "/*c*/{}--x\n",
    "{}x",
    "-{}'",
    "= {}\r\n",
]


@given(
    st.lists(LITERALS, min_size=1, max_size=3), st.lists(LITERALS, min_size=3, max_size=3), st.sampled_from(CONTEXTS)
)
def test_a_template_read_right_once_reads_its_other_texts_right(first: list, second: list, context: str) -> None:
    """The fast reading of a text is checked against sqlglot's tokens on the first text of a template
    only: every other text of the template (the same text but for its literals) must read the same."""

    def text(literals: list[str]) -> str:
        return "SELECT a FROM t WHERE b " + " AND b ".join(context.format(v) for v in literals) + " AND c = 'x'"

    judged = scan(text(first), None)
    if judged is None or not judged.same(scan(text(first), None, sqlglot_lexemes)):
        return
    other = text(second[: len(first)])
    found = scan(other, None)
    if found is not None and found.key == judged.key:
        assert found.same(scan(other, None, sqlglot_lexemes)), other


# --- through a real client ----------------------------------------------------------------------------------


def test_counters_through_pymssql(server: Any) -> None:
    pymssql = pytest.importorskip("pymssql")
    conn = pymssql.connect(
        server=server.host, port=server.port, user="sa", password=server.sa_password, autocommit=True
    )
    try:
        cursor = conn.cursor()
        cursor.execute("CREATE TABLE dbo.ap_points (id int PRIMARY KEY, v int)")
        cursor.execute("INSERT INTO dbo.ap_points VALUES " + ", ".join(f"({n}, {n * 10})" for n in range(1, 31)))

        def counters() -> dict[str, int]:
            cursor.execute("SELECT RTRIM(counter_name), cntr_value FROM sys.dm_os_performance_counters")
            return {name: int(value) for name, value in cursor.fetchall()}

        counters()  # its own text parsed here, once
        before = counters()
        for key in range(1, 21):
            cursor.execute(f"SELECT id, v FROM dbo.ap_points WHERE id = {key}")
            assert cursor.fetchall() == [(key, key * 10)]
        for key in range(3):
            # an alias no other test uses: the plan cache is the shared server's
            cursor.execute(f"SELECT {key} + 1 AS ap_counter_probe")
            assert cursor.fetchall() == [(key + 1,)]
        after = counters()
        cursor.execute("DROP TABLE dbo.ap_points")
    finally:
        conn.close()
    delta = {name: after[name] - before[name] for name in before}
    assert delta["Auto-Param Attempts/sec"] == 23
    assert delta["Safe Auto-Params/sec"] == 20
    assert delta["Failed Auto-Params/sec"] == 3
    # the first SELECT id and its template; the first SELECT n + 1 and its template (unsafe: 1 + 1 is
    # checked for overflow when compiled), then the other two texts of it
    assert delta["SQL Compilations/sec"] == 2 + 2 + 2
