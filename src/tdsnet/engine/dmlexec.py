"""Running INSERT, UPDATE and DELETE plans (`dml`) with SQL Server's statement semantics.

A write is atomic: a direct form is one SQLite statement; a row form, OUTPUT ... INTO and the
identity bookkeeping run inside a transaction of their own (autocommit) or a savepoint (in the
session's transaction).  A constraint failure of a direct form is run again in the row form,
inside a savepoint that is rolled back, to learn which row and which constraint failed, so the
error says what SQL Server's says.
"""

from __future__ import annotations

import math
import sqlite3
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot.tokens import TokenType

from . import batch, constraints, dml, dmlparse, errors, identity, values, violations
from .errors import SqlError
from .results import Message, Result, ResultSet, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame

SAVEPOINT = "__tdsnet_statement"
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE"})
# Errors of a write after which SQL Server sends 3621 "The statement has been terminated."
_TERMINATING = frozenset({512, 515, 547, 2601, 2627, 2628, 8115, 8134, 8152, 8672})


class ConstraintFailed(Exception):
    """SQLite refused a row; ``text`` is its message."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def is_write(stmt: Statement) -> bool:
    """WITH ... INSERT/UPDATE/DELETE/MERGE: the statement the common table expressions belong to."""
    depth = 0
    for token in stmt.tokens[1:]:
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and batch.upper(token) in _WRITES:
            return True
        elif depth == 0 and batch.upper(token) == "SELECT":
            return False
    return False


def terminates(stmt: Statement, error: SqlError) -> bool:
    """Whether SQL Server follows this error with 3621 "The statement has been terminated." (a failed
    INSERT, UPDATE, DELETE, MERGE or SELECT INTO)."""
    if error.number not in _TERMINATING:
        return False
    if stmt.keyword in _WRITES or (stmt.keyword == "WITH" and is_write(stmt)):
        return True
    return stmt.keyword == "SELECT" and any(batch.upper(t) == "INTO" for t in stmt.tokens)


def parsed(stmt: Statement) -> dmlparse.DmlStatement:
    if not isinstance(stmt.parsed, dmlparse.DmlStatement):
        stmt.parsed = dmlparse.parse(stmt)
    return stmt.parsed


# --- the statement -------------------------------------------------------------------------------


def execute(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    statement = parsed(stmt)
    if statement.kind == "MERGE":
        from . import merge

        yield from merge.execute(session, stmt, statement, frame)
        return
    plan = _plan(session, stmt, statement, frame)
    if statement.where is not None and statement.where.text[:7].upper() == "CURRENT":
        from . import cursors

        if cursors.current_of(statement.where) is not None:
            cursors.position(session, statement, plan, frame)  # WHERE CURRENT OF: the cursor's row
    if plan.triggers is not None:
        from . import triggers

        yield from triggers.execute(session, plan, frame)
        return
    exec_rows: list[tuple[list[Any], list[tuple]]] = []
    if plan.exec_text is not None:
        yield from _run_exec(session, plan.exec_text, frame, exec_rows)
    try:
        count, outputs = write(session, plan, frame, exec_rows)
    except SqlError as error:
        raise _terse(session, error) from None
    yield from finish(session, plan.command, plan.outputs, count, outputs, frame)


def _plan(session: EngineSession, stmt: Statement, statement: dmlparse.DmlStatement, frame: Frame) -> dml.WritePlan:
    from . import triggers

    ctx = session._context(frame)
    rowcount = session.options.rowcount
    running = triggers.variant(session)  # INSTEAD OF triggers running: their own writes are planned apart
    if statement.kind == "INSERT":
        identity_insert = _identity_insert(session, statement, frame)
        return session._plan(
            stmt,
            frame,
            lambda: dml.compile_insert(statement, ctx, identity_insert, rowcount),
            ("write", identity_insert, rowcount, running),
        )
    build = dml.compile_update if statement.kind == "UPDATE" else dml.compile_delete
    return session._plan(stmt, frame, lambda: build(statement, ctx, rowcount), ("write", rowcount, running))


def _identity_insert(session: EngineSession, statement: dmlparse.DmlStatement, frame: Frame) -> bool:
    if session.options.identity_insert is None:
        return False
    source = dml.resolve_source(dml.table_node(statement.target), session._context(frame))
    return session.options.identity_insert == f"{source.sqlite_db}.{source.storage}".lower()


def finish(
    session: EngineSession,
    command: str,
    outputs: tuple[dml.Output, ...],
    count: int,
    rows: list[list[Any]],
    frame: Frame,
) -> Iterator[Result]:
    """The OUTPUT result set (if any), then DONE with the row count."""
    shown = next((o for o in outputs if o.into is None), None)
    if shown is not None:
        columns = tuple(item.column for item in shown.items)
        readers = [values.reader_for(c.type) for c in columns]
        position = outputs.index(shown)
        result = [tuple(read(v) for read, v in zip(readers, row[position], strict=True)) for row in rows]
        yield ResultSet(columns, iter([result] if result else []))
    session.rowcount = count
    yield StatementDone(command, None if session.options.nocount else count, in_procedure=frame.in_procedure)


# --- transactions of a statement -------------------------------------------------------------------


@dataclass(slots=True)
class Scope:
    """The transaction (or savepoint) one statement's writes run in."""

    session: EngineSession
    own: bool = False
    savepoint: bool = False
    done: bool = False

    @classmethod
    def open(cls, session: EngineSession) -> Scope:
        con = session._connection()
        session._ensure_transaction()
        if con.in_transaction:
            session._run_sql(con, f"SAVEPOINT {SAVEPOINT}")
            return cls(session, savepoint=True)
        session._run_sql(con, "BEGIN IMMEDIATE")
        return cls(session, own=True)

    def commit(self) -> None:
        con = self.session._connection()
        if self.savepoint:
            con.execute(f"RELEASE {SAVEPOINT}")
        elif self.own and con.in_transaction:
            self.session._run_sql(con, "COMMIT")
        self.done = True

    def rollback(self) -> None:
        if self.done:
            return
        con = self.session._connection()
        if con.in_transaction:
            if self.savepoint:
                con.execute(f"ROLLBACK TO {SAVEPOINT}")
                con.execute(f"RELEASE {SAVEPOINT}")
            elif self.own:
                con.execute("ROLLBACK")
        self.done = True


def bind(
    session: EngineSession, variables: tuple[str, ...], system_views: tuple[str, ...], frame: Frame
) -> dict[str, Any]:
    """A plan's parameters (the variables it reads) and the system views it reads, filled."""
    params = {}
    for name in variables:
        variable = session._variable(frame, name)
        params[name] = values.storage_value(variable.value, variable.type)
    for view in system_views:
        session._materialize(view)
    return params


def run_sql(session: EngineSession, sql: str, params: Any = ()) -> sqlite3.Cursor:
    """The session's executor (lock waits, ATTENTION, errors raised in functions), with SQLite's
    constraint failures kept as `ConstraintFailed` for the caller to word."""
    try:
        return session._run_sql(session._connection(), sql, params)
    except SqlError as error:
        cause = error.__context__
        if isinstance(cause, sqlite3.IntegrityError) and violations.is_constraint_error(str(cause)):
            raise ConstraintFailed(str(cause)) from None
        raise


def fetch_all(session: EngineSession, cursor: sqlite3.Cursor) -> list[tuple]:
    rows: list[tuple] = []
    while True:
        chunk = session._fetch(cursor, 512)
        if not chunk:
            return rows
        rows.extend(chunk)


# --- writing ------------------------------------------------------------------------------------


def write(
    session: EngineSession,
    plan: dml.WritePlan,
    frame: Frame,
    exec_rows: list[tuple[list[Any], list[tuple]]] | None = None,
    captured: list[Affected] | None = None,
) -> tuple[int, list[list[Any]]]:
    """Run the plan: (rows affected, per affected row the values of each OUTPUT clause); ``captured``
    receives the affected rows' images (for triggers, whose plans run in the row form)."""
    if session.doomed and session.trancount:
        raise errors.uncommittable_transaction()
    session._connection()
    session._ensure_transaction()  # BEGIN TRAN (or IMPLICIT_TRANSACTIONS) opens the store's transaction now
    params = bind(session, plan.variables, plan.system_views, frame)
    whole = (
        plan.rows_first
        or plan.identity
        or plan.explicit_identity
        or plan.exec_text is not None
        or any(o.into is not None for o in plan.outputs)
    )
    if not whole:
        try:
            count, affected = _direct(session, plan, params)
        except ConstraintFailed as failure:
            count, affected = _recovered(session, plan, params, frame, failure)
        return count, output_rows(plan.outputs, _with_constants(session, plan, params, affected))
    scope = Scope.open(session)
    used = None
    try:
        if plan.identity:
            identity.begin(session, plan.target)
        try:
            if plan.exec_text is not None:
                count, affected = _insert_exec(session, plan, exec_rows or [], frame)
            else:
                count, affected = (
                    _rows_then_keys(session, plan, params, frame) if plan.rows_first else _direct(session, plan, params)
                )
        except ConstraintFailed as failure:
            count, affected = _recovered(session, plan, params, frame, failure)
        if plan.identity:
            used = identity.end(session, plan.target, succeeded=True)
        if plan.explicit_identity:
            identity.move_on(session, plan.target)
        rows = _into(session, plan.outputs, _with_constants(session, plan, params, affected))
        if captured is not None:
            captured.extend(affected)
    except BaseException:
        used = identity.take(session) or used
        scope.rollback()
        if plan.identity and used is not None:
            identity.keep(session, plan.target, used)
        raise
    scope.commit()
    return count, rows


# An affected row: (inserted image, deleted image, extra values, action); images are lists by target column.
Affected = tuple[list[Any] | None, list[Any] | None, list[Any], str]


def _with_constants(
    session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], affected: list[Affected]
) -> list[Affected]:
    """INSERT ... OUTPUT 1: the values every row outputs alike."""
    if not plan.constants_sql or not affected:
        return affected
    constants = list(run_sql(session, plan.constants_sql, params).fetchone())
    return [(inserted, deleted, constants, action) for inserted, deleted, _, action in affected]


def _direct(session: EngineSession, plan: dml.WritePlan, params: dict[str, Any]) -> tuple[int, list[Affected]]:
    cursor = run_sql(session, plan.direct, params)
    if not plan.returning:
        cursor.close()
        return session._connection().execute("SELECT changes()").fetchone()[0], []
    rows = fetch_all(session, cursor)
    width = len(plan.target.columns)
    affected: list[Affected] = []
    for row in rows:
        image: list[Any] = [None] * width
        for index, value in zip(plan.returning, row, strict=True):
            image[index] = value
        if plan.command == "DELETE":
            affected.append((None, image, [], plan.command))
        else:
            affected.append((image, None, [], plan.command))
    return len(rows), affected


def _by_rows(
    session: EngineSession,
    plan: dml.WritePlan,
    params: dict[str, Any],
    frame: Frame,
    order: bool | None = None,
) -> tuple[int, list[Affected]]:
    """The row form; ``order`` applies an UPDATE's rows by their new keys, descending (True) or ascending."""
    rows = fetch_all(session, run_sql(session, plan.rows_sql, params))
    if plan.command != "INSERT":
        seen: set[Any] = set()
        rows = [r for r in rows if not (r[0] in seen or seen.add(r[0]))]  # type: ignore[func-returns-value]
    if plan.percent:
        rows = rows[: _percent_of(session, plan, params, len(rows))]
    if order is not None:
        rows.sort(key=lambda row: _new_key(plan, row), reverse=order)
    apply = {"INSERT": _insert_row, "UPDATE": _update_row, "DELETE": _delete_row}[plan.command]
    affected = [apply(session, plan, row) for row in rows]
    if plan.assigned and rows:
        last = rows[-1]
        for item in plan.assigned:
            value = values.reader_for(item.reader_type)(last[item.position])  # type: ignore[arg-type]
            session._set_variable(frame, item.variable, value)
    return len(rows), affected


def _new_key(plan: dml.WritePlan, row: tuple) -> tuple:
    """An UPDATE row's new values as sortable Python values (NULLs first)."""
    key = []
    for offset, index in enumerate(plan.written):
        value = row[1 + offset]
        python = values.reader_for(plan.target.columns[index].type)(value)
        key.append((python is not None, python if python is not None else 0))
    return tuple(key)


def _recovered(
    session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], frame: Frame, failure: ConstraintFailed
) -> tuple[int, list[Affected]]:
    """A write whose constraint check failed: an UPDATE that only collided with its own old keys on
    the way (SQL Server checks unique keys when the statement ends, SQLite row by row) is tried again;
    anything else is worded as SQL Server words it."""
    if plan.command == "UPDATE" and "UNIQUE" in failure.text and plan.written:
        retried = _reordered(session, plan, params, frame) or _keys_checked_at_the_end(session, plan, params, frame)
        if retried is not None:
            return retried
    raise _diagnose(session, plan, params, failure, frame) from None


def _reordered(
    session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], frame: Frame
) -> tuple[int, list[Affected]] | None:
    """An UPDATE that shifts keys (SET id = id + 1) fails in SQLite in one row order and succeeds in the
    other, which is tried here."""
    for order in (True, False):
        scope = Scope.open(session)
        try:
            result = _by_rows(session, plan, params, frame, order)
        except SqlError as error:
            scope.rollback()
            if error.number in (2601, 2627):
                continue
            raise
        except BaseException:
            scope.rollback()
            raise
        scope.commit()
        return result
    return None


def _rows_then_keys(
    session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], frame: Frame
) -> tuple[int, list[Affected]]:
    """The row form; an UPDATE whose row-by-row key check fails is undone and tried again with its
    keys checked at the end (`_keys_checked_at_the_end`)."""
    if plan.command != "UPDATE" or not plan.written:
        return _by_rows(session, plan, params, frame)
    attempt = Scope.open(session)  # a savepoint: the rows written before the failure go
    try:
        result = _by_rows(session, plan, params, frame)
    except SqlError as error:
        attempt.rollback()
        retried = _keys_checked_at_the_end(session, plan, params, frame) if error.number in (2601, 2627) else None
        if retried is None:
            raise
        return retried
    except BaseException:
        attempt.rollback()
        raise
    attempt.commit()
    return result


def _keys_checked_at_the_end(
    session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], frame: Frame
) -> tuple[int, list[Affected]] | None:
    """When no row order works (keys swapped: SET k = 3 - k), the UPDATE runs with the target's unique
    indexes dropped, and creating them again checks the statement's result as SQL Server does; all
    in a savepoint, so anything that fails (a duplicate left, an index a foreign key needs) leaves
    the original error to be reported."""
    con = session._connection()
    db = quote(plan.target.sqlite_db)
    indexes = con.execute(
        f"SELECT name, sql FROM {db}.sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql LIKE 'CREATE UNIQUE INDEX %'",
        (plan.target.storage,),
    ).fetchall()
    if not indexes:
        return None
    scope = Scope.open(session)
    try:
        for name, _ in indexes:
            con.execute(f"DROP INDEX {db}.{quote(name)}")
        result = _by_rows(session, plan, params, frame) if plan.rows_first else _direct(session, plan, params)
        for _, sql in indexes:
            con.execute(sql.replace("CREATE UNIQUE INDEX ", f"CREATE UNIQUE INDEX {db}.", 1))
    except (SqlError, ConstraintFailed, sqlite3.Error):
        scope.rollback()
        return None
    except BaseException:
        scope.rollback()
        raise
    scope.commit()
    return result


def _percent_of(session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], total: int) -> int:
    percent = session._connection().execute(f"SELECT {plan.percent}", params).fetchone()[0]
    share = float(percent or 0)
    if share < 0 or share > 100:
        raise SqlError(1031, 16, 1, "Percent values must be between 0 and 100.")
    return math.ceil(total * share / 100)


def _names(plan: dml.WritePlan) -> list[str]:
    return [c.name.lower() for c in plan.target.columns]


def _image_of(plan: dml.WritePlan, row: tuple) -> list[Any]:
    return list(row[1:])


def _insert_row(session: EngineSession, plan: dml.WritePlan, row: tuple) -> Affected:
    try:
        returned = run_sql(session, plan.apply_sql, row).fetchone()
    except ConstraintFailed as failure:
        names = _names(plan)
        new = {names[i]: v for i, v in zip(plan.written, row, strict=True)}
        raise _worded(session, plan, failure, new) from None
    image = _image_of(plan, returned)
    _check_null_keys(session, plan, image, returned[0])
    return image, None, [], "INSERT"


def _update_row(session: EngineSession, plan: dml.WritePlan, row: tuple) -> Affected:
    count, variables, extras = plan.layout
    width = len(plan.target.columns)
    old = list(row[1 + count + variables + extras : 1 + count + variables + extras + width])
    extra = list(row[1 + count + variables : 1 + count + variables + extras])
    if not count:
        return old, old, extra, "UPDATE"
    changed = list(row[1 : 1 + count])
    try:
        returned = run_sql(session, plan.apply_sql, [*changed, row[0]]).fetchone()
    except ConstraintFailed as failure:
        names = _names(plan)
        after = dict(zip(names, old, strict=True))
        after.update({names[i]: v for i, v in zip(plan.written, changed, strict=True)})
        raise _worded(session, plan, failure, after) from None
    image = _image_of(plan, returned)
    _check_null_keys(session, plan, image, returned[0])
    return image, old, extra, "UPDATE"


def _delete_row(session: EngineSession, plan: dml.WritePlan, row: tuple) -> Affected:
    extras = plan.layout[2]
    try:
        returned = run_sql(session, plan.apply_sql, [row[0]]).fetchone()
    except ConstraintFailed as failure:
        raise _worded(session, plan, failure, None) from None
    if returned is None:  # a cascade removed it already
        return None, None, [], "DELETE"
    return None, _image_of(plan, returned), list(row[1 : 1 + extras]), "DELETE"


def _check_null_keys(session: EngineSession, plan: dml.WritePlan, image: list[Any], rowid: int) -> None:
    for key in plan.null_keys:
        error = violations.null_key_duplicate(session, plan.target, key, image, rowid)
        if error is not None:
            raise error


def _worded(
    session: EngineSession, plan: dml.WritePlan, failure: ConstraintFailed, new: dict[str, Any] | None
) -> SqlError:
    found = violations.violation(failure.text, plan.target, _action(plan), new)
    return found or violations.generic(failure.text, plan.target, _action(plan))


def _action(plan: dml.WritePlan) -> str:
    return plan.command


def _diagnose(
    session: EngineSession, plan: dml.WritePlan, params: dict[str, Any], failure: ConstraintFailed, frame: Frame
) -> SqlError:
    """The direct form failed: word the error, running the row form (and rolling it back) when the
    message needs the row."""
    simple = violations.violation(failure.text, plan.target, _action(plan))
    if simple is not None:
        return simple
    counter = session._identity_counter
    saved = (counter.next_value, counter.last) if counter is not None else None
    scope = Scope.open(session)
    try:
        _by_rows(session, plan, params, frame)
    except SqlError as error:
        return error
    finally:
        scope.rollback()
        if counter is not None and saved is not None:
            counter.next_value, counter.last = saved
    return violations.generic(failure.text, plan.target, _action(plan))


# --- OUTPUT ... INTO and INSERT ... EXEC -----------------------------------------------------------


def output_rows(outputs: tuple[dml.Output, ...], affected: list[Affected]) -> list[list[list[Any]]]:
    """Per affected row, the values of each OUTPUT clause (storage form)."""
    rows = []
    for inserted, deleted, extra, action in affected:
        if inserted is None and deleted is None:
            continue
        per_clause = []
        for output in outputs:
            per_clause.append([_item_value(item, inserted, deleted, extra, action) for item in output.items])
        rows.append(per_clause)
    return rows


def _item_value(
    item: dml.OutputItem, inserted: list[Any] | None, deleted: list[Any] | None, extra: list[Any], action: str
) -> Any:
    if item.image == "inserted":
        return inserted[item.index] if inserted is not None else None
    if item.image == "deleted":
        return deleted[item.index] if deleted is not None else None
    if item.image == "action":
        return action
    return extra[item.index] if item.index < len(extra) else None  # extra and constant


def _into(session: EngineSession, outputs: tuple[dml.Output, ...], affected: list[Affected]) -> list[list[Any]]:
    rows = output_rows(outputs, affected)
    for position, output in enumerate(outputs):
        if output.into is not None:
            insert_rows(session, output.into, [r[position] for r in rows])
    return rows


def insert_rows(session: EngineSession, target: dml.RowsInsert, rows: list[list[Any]]) -> int:
    """Rows Python holds into a table, one statement each (so a failure names its row)."""
    if target.identity:
        identity.begin(session, target.target)
    try:
        for row in rows:
            try:
                run_sql(session, target.sql, row)
            except ConstraintFailed as failure:
                new = {name.lower(): value for name, value in zip(target.columns, row, strict=False)}
                error = violations.violation(failure.text, target.target, "INSERT", new)
                raise error or violations.generic(failure.text, target.target, "INSERT") from None
    finally:
        if target.identity:
            identity.end(session, target.target, succeeded=True)
    return len(rows)


def _run_exec(
    session: EngineSession, piece: dmlparse.Piece, frame: Frame, collected: list[tuple[list[Any], list[tuple]]]
) -> Iterator[Result]:
    """INSERT ... EXEC: run the procedure or batch, keeping its result sets (its messages go on)."""
    block = batch.parse(piece.text)
    for node in block.statements:
        if not isinstance(node, batch.Statement):
            raise SqlError(156, 15, 1, "Incorrect syntax near the keyword 'EXEC'.")
        node.line += piece.line - 1
        for item in session._exec(node, frame):
            if isinstance(item, ResultSet):
                rows = [row for chunk in item.chunks for row in chunk]
                collected.append((list(item.columns), rows))
            elif isinstance(item, Message):
                yield item


def _insert_exec(
    session: EngineSession, plan: dml.WritePlan, collected: list[tuple[list[Any], list[tuple]]], frame: Frame
) -> tuple[int, list[Affected]]:
    """Each result set's rows go into the target, converted from the result's column types."""
    listed = [plan.target.columns[i] for i in plan.written]
    affected: list[Affected] = []
    total = 0
    for columns, rows in collected:
        if len(columns) != len(listed):
            raise SqlError(213, 16, 7, "Column name or number of supplied values does not match table definition.")
        key = tuple(str(c.type) for c in columns)
        target = plan.exec_insert.get(key)
        if target is None:
            target = dml.rows_insert(plan.target, listed, [c.type for c in columns], session._context(frame))
            plan.exec_insert[key] = target
        stored = [[values.storage_value(v, c.type) for v, c in zip(row, columns, strict=True)] for row in rows]
        for row in stored:
            affected.append((_exec_row(session, plan, target, row), None, [], "INSERT"))
        total += len(stored)
    return total, affected


def _exec_row(session: EngineSession, plan: dml.WritePlan, target: dml.RowsInsert, row: list[Any]) -> list[Any]:
    try:
        run_sql(session, target.sql, row)
    except ConstraintFailed as failure:
        new = {name.lower(): value for name, value in zip(target.columns, row, strict=False)}
        raise _worded(session, plan, failure, new) from None
    if not plan.outputs and plan.triggers is None:
        return []
    found = session._connection().execute(
        f"SELECT {dml.column_list(plan.target)} FROM {plan.target.qualified} WHERE rowid = last_insert_rowid()"
    )
    return list(found.fetchone() or [])


# --- TRUNCATE TABLE --------------------------------------------------------------------------------


def truncate(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """TRUNCATE TABLE: every row goes and the identity starts again at its seed; refused (4712) while a
    FOREIGN KEY references the table."""
    if stmt.word(1) != "TABLE" or len(stmt.tokens) < 3:
        raise errors.syntax_error(stmt.tokens[1].text if len(stmt.tokens) > 1 else "TRUNCATE", stmt.line)
    reader = dmlparse.Reader(stmt)
    reader.pos = 2
    piece = reader.name()
    if not reader.at_end():
        raise reader.error()
    target = dml.writable_target(dml.table_node(piece), session._context(frame))
    table = target.table
    assert table is not None
    if constraints.references_to(session._catalog(target.sqlite_db), table):
        raise SqlError(
            4712,
            16,
            1,
            f"Cannot truncate table '{table.name}' because it is being referenced by a FOREIGN KEY constraint.",
        )
    scope = Scope.open(session)
    try:
        session._run_sql(session._connection(), f"DELETE FROM {target.qualified}")
        identity.reset(session, target)
    except BaseException:
        scope.rollback()
        raise
    scope.commit()
    session.rowcount = 0
    yield StatementDone("", in_procedure=frame.in_procedure)


# --- ALTER DATABASE SCOPED CONFIGURATION -----------------------------------------------------------

# Per engine, per database: the scoped configuration options set (those DML reads).
_SCOPED: weakref.WeakKeyDictionary[Any, dict[str, dict[str, str]]] = weakref.WeakKeyDictionary()
_SCOPED_OPTIONS = frozenset(
    {
        "VERBOSE_TRUNCATION_WARNINGS",
        "MAXDOP",
        "LEGACY_CARDINALITY_ESTIMATION",
        "PARAMETER_SNIFFING",
        "QUERY_OPTIMIZER_HOTFIXES",
        "IDENTITY_CACHE",
        "OPTIMIZE_FOR_AD_HOC_WORKLOADS",
        "XTP_PROCEDURE_EXECUTION_STATISTICS",
        "XTP_QUERY_EXECUTION_STATISTICS",
        "BATCH_MODE_ON_ROWSTORE",
        "ACCELERATED_PLAN_FORCING",
        "LAST_QUERY_PLAN_STATS",
        "LIGHTWEIGHT_QUERY_PROFILING",
        "TSQL_SCALAR_UDF_INLINING",
        "ASYNC_STATS_UPDATE_WAIT_AT_LOW_PRIORITY",
    }
)


def scoped_configuration(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """ALTER DATABASE SCOPED CONFIGURATION [FOR SECONDARY] SET option = value | CLEAR PROCEDURE_CACHE.
    VERBOSE_TRUNCATION_WARNINGS = OFF makes truncation 8152 without names; the others are accepted."""
    words = [t.text.upper() for t in stmt.tokens]
    position = 4 if words[4:6] != ["FOR", "SECONDARY"] else 6
    if words[position : position + 2] == ["CLEAR", "PROCEDURE_CACHE"]:
        yield StatementDone("", in_procedure=frame.in_procedure)
        return
    if len(words) < position + 4 or words[position] != "SET" or words[position + 2] != "=":
        raise errors.syntax_error(stmt.tokens[min(position, len(words) - 1)].text, stmt.line)
    option, value = words[position + 1], words[position + 3]
    if option not in _SCOPED_OPTIONS:
        raise errors.syntax_error(stmt.tokens[position + 1].text, stmt.line)
    settings = _SCOPED.setdefault(session.engine, {}).setdefault(session.database.lower(), {})
    settings[option] = value
    yield StatementDone("", in_procedure=frame.in_procedure)


def verbose_truncation(session: EngineSession) -> bool:
    settings = _SCOPED.get(session.engine, {}).get(session.database.lower(), {})
    return settings.get("VERBOSE_TRUNCATION_WARNINGS", "ON") != "OFF"


def _terse(session: EngineSession, error: SqlError) -> SqlError:
    """2628 names the table, column and value; with VERBOSE_TRUNCATION_WARNINGS OFF it is the old 8152."""
    if error.number == 2628 and not verbose_truncation(session):
        return errors.string_truncated()
    return error
