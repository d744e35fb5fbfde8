"""MERGE: one SELECT joins the source to the target, then each joined row takes the action of its first
WHEN clause whose condition holds.

The SELECT gives, per row, the target's rowid (NULL: not matched by target), whether a source row is
there (NULL: not matched by source), each conditional clause's condition, the values of every UPDATE
and INSERT clause, the target's old row and what OUTPUT needs from the source.  The actions then run
one row at a time inside the statement's savepoint, so MERGE is atomic and a constraint failure names
its row; a target row that two source rows match is error 8672, as in SQL Server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from . import dml, dmlexec, dmlparse, errors, identity, violations
from .compiler import Compiling, Context, Source, rewrite, set_type, sqlite_sql, type_of
from .dialect import parse_one
from .errors import SqlError
from .results import Result
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame

PRESENT = "__tdsnet_present"


@dataclass(frozen=True, slots=True)
class ClausePlan:
    match: str  # MATCHED, NOT MATCHED or BY SOURCE
    flag: int | None  # the row position of its condition (None: no condition)
    action: str  # UPDATE, DELETE or INSERT
    first: int  # the row position of its first value
    columns: tuple[int, ...]  # the target columns it writes
    sql: str  # the statement that applies it to one row
    null_keys: tuple[tuple[int, ...], ...] = ()  # unique keys to check for a second NULL (see dml.null_keys)


@dataclass(frozen=True, slots=True)
class MergePlan:
    target: Source
    rows_sql: str
    clauses: tuple[ClausePlan, ...]
    outputs: tuple[dml.Output, ...]
    extra: int  # the row position of the first extra (OUTPUT's source columns)
    old: int  # the row position of the target's old row
    identity: bool
    top: str
    variables: tuple[str, ...]
    system_views: tuple[str, ...]
    dependencies: tuple[tuple[str, int], ...]
    triggers: dict | None = None  # AFTER triggers by action (triggers.TriggerPlan); None: none


def execute(
    session: EngineSession, stmt: Statement, statement: dmlparse.DmlStatement, frame: Frame
) -> Iterator[Result]:
    if not statement.terminated:
        raise SqlError(10713, 15, 1, "A MERGE statement must be terminated by a semi-colon (;).")
    ctx = session._context(frame)
    rowcount = session.options.rowcount
    plan = session._plan(stmt, frame, lambda: compile_merge(statement, ctx, rowcount), ("merge", rowcount))
    if plan.triggers is not None:
        from . import triggers

        yield from triggers.execute_merge(session, plan, frame)
        return
    count, rows = _run(session, plan, frame)
    yield from dmlexec.finish(session, "MERGE", plan.outputs, count, rows, frame)


# --- compiling -----------------------------------------------------------------------------------


def compile_merge(statement: dmlparse.DmlStatement, ctx: Context, rowcount: int) -> MergePlan:
    state = Compiling(ctx)
    target_node = dml.table_node(statement.target)
    target = dml.writable_target(target_node, ctx)
    alias = statement.target_alias or target_node.name
    source_alias = _source_alias(statement)
    extra: list[exp.Expression] = []
    outputs = dml.compile_outputs(statement.outputs, target, state, ("inserted", "deleted", "action", "extra"), extra)
    from . import triggers

    fired = triggers.for_merge(ctx, target, {c.action for c in statement.clauses}, outputs)
    items: list[exp.Expression] = []
    clauses = []
    for clause in statement.clauses:
        flag = None
        if clause.condition is not None:
            where = dml.parse_select("SELECT 1 WHERE " + clause.condition.text, clause.condition.line).args["where"]
            condition = where.this
            flag = 2 + len(items)
            items.append(
                exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))], default=exp.Literal.number(0))
            )
        clauses.append((clause, flag, 2 + len(items), _clause_values(clause, target, alias, items)))
    first_extra = 2 + len(items)
    items.extend(extra)
    first_old = 2 + len(items)
    items.extend(exp.column(c.name, table=alias.lower()) for c in target.columns)
    select = _bound_join(statement, alias, source_alias, items, state)
    state.add(target)
    projections = [dml.projection(p) for p in select.expressions]
    outputs = dml.typed_extras(outputs, projections[first_extra - 2 : first_old - 2])
    plans = []
    for clause, flag, first, columns in clauses:
        types = [type_of(projections[first - 2 + offset]) for offset in range(len(columns))]
        sql = _apply_sql(clause, target, columns, types, state)
        written = set(range(len(target.columns))) if clause.action == "INSERT" else set(columns)
        keys = dml.null_keys(target, written) if clause.action != "DELETE" else ()
        plans.append(ClausePlan(clause.match, flag, clause.action, first, tuple(columns), sql, keys))
    marker = exp.column(PRESENT, table=source_alias.lower())
    select.set(
        "expressions",
        [
            exp.alias_(dml.rowid_of(alias.lower()), dml.ROWID),
            exp.alias_(marker, "__p"),
            *[exp.alias_(p, f"__x{i}") for i, p in enumerate(projections)],
        ],
    )
    top = dml.limit_sql(statement, state, rowcount)
    return MergePlan(
        target=target,
        rows_sql=sqlite_sql(select),
        clauses=tuple(plans),
        outputs=outputs,
        extra=first_extra,
        old=first_old,
        identity=any(c.action == "INSERT" for c in plans) and any(c.identity for c in target.columns),
        top=top,
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        triggers=fired,
    )


def _source_alias(statement: dmlparse.DmlStatement) -> str:
    assert statement.source is not None
    tree = parse_one(f"SELECT * FROM {statement.source.text}", statement.source.line - 1)
    source = tree.args["from_"].this
    alias = source.alias_or_name
    if not alias:
        raise errors.syntax_error("ON", statement.source.line)
    return alias


def _clause_values(clause: dmlparse.MergeClause, target: Source, alias: str, items: list[exp.Expression]) -> list[int]:
    """Append the clause's values to the SELECT's items; the target columns they go to."""
    columns: list[int] = []
    if clause.action == "UPDATE":
        seen: set[int] = set()
        for item in clause.assignments:
            if item.column is None:
                raise errors.not_supported("variables set by MERGE")
            col = dml.assigned_column(target, item.column)
            position = dml.index_of(target, col)
            if position in seen:
                raise errors.SqlError(
                    264, 16, 1, f"The column name '{col.name}' is specified more than once in the SET clause."
                )
            seen.add(position)
            value = dml.parse_select("SELECT " + item.value.text, item.value.line).expressions[0]
            if item.operator:
                value = dml.compound(exp.column(col.name, table=alias.lower()), item.operator, value)
            items.append(value)
            columns.append(position)
    elif clause.action == "INSERT" and not clause.default_values:
        assert clause.values is not None
        values = dml.parse_select("SELECT " + clause.values.text, clause.values.line).expressions
        if clause.columns is not None:
            listed = [dml.column_named(target, name) for name in clause.columns]
        else:
            listed = [c for c in target.columns if not c.identity and not c.computed]
        if len(values) != len(listed):
            raise errors.SqlError(
                109 if len(values) < len(listed) else 110,
                15,
                1,
                "There are more columns in the INSERT statement than values specified in the VALUES clause."
                if len(values) < len(listed)
                else "There are fewer columns in the INSERT statement than values specified in the VALUES clause.",
            )
        for col, value in zip(listed, values, strict=True):
            if col.identity or col.computed:
                raise (
                    dml.computed_column_error(col.name)
                    if col.computed
                    else errors.identity_insert_off(target.display.split(".")[-1])
                )
            items.append(value)
            columns.append(dml.index_of(target, col))
    return columns


def _bound_join(
    statement: dmlparse.DmlStatement, alias: str, source_alias: str, items: list[exp.Expression], state: Compiling
) -> exp.Select:
    """SELECT items FROM (source, with a marker column) <join> target ON <condition>."""
    assert statement.source is not None and statement.on is not None
    matches = {c.match for c in statement.clauses}
    join = "FULL OUTER JOIN" if "BY SOURCE" in matches else ("LEFT JOIN" if "NOT MATCHED" in matches else "JOIN")
    target = statement.target.text + (f" AS {statement.target_alias}" if statement.target_alias else "")
    text = (
        f"SELECT 1\nFROM (SELECT 1 AS {PRESENT}, {source_alias}.* FROM {statement.source.text}) AS {source_alias}\n"
        f"{join} {target}\nON {statement.on.text}"
    )
    line = statement.target.line
    if statement.cte is not None:
        text = statement.cte.text + "\n" + text
        line = statement.cte.line
    select = dml.parse_select(text, line)
    select.set("expressions", [exp.alias_(item, f"__x{i}") for i, item in enumerate(items)])
    return rewrite(dml.bound(select, state), state)


def _apply_sql(
    clause: dmlparse.MergeClause, target: Source, columns: list[int], types: list[Any], state: Compiling
) -> str:
    """The clause's statement for one row; its values are converted here, when the clause applies."""
    returning = f" RETURNING rowid, {dml.column_list(target)}"
    if clause.action == "DELETE":
        return f"DELETE FROM {target.qualified} WHERE rowid = ?{returning}"
    stored = {}
    for position, st in zip(columns, types, strict=True):
        value = exp.Placeholder()
        set_type(value, st)
        stored[position] = dml.store(value, target.columns[position], target, clause.action)
    if clause.action == "UPDATE":
        sets = ", ".join(f"{quote(target.columns[p].name)} = {sqlite_sql(stored[p])}" for p in columns)
        return f"UPDATE {target.qualified} SET {sets} WHERE rowid = ?{returning}"
    given = {id(target.columns[p]): stored[p] for p in columns}
    listed = [target.columns[p] for p in columns]
    written, expressions, _ = dml.insert_columns(target, listed, given, state, generate=True)
    names = ", ".join(quote(c.name) for c in written)
    values = ", ".join(sqlite_sql(e) for e in expressions)
    return f"INSERT INTO {target.qualified} ({names}) VALUES ({values}){returning}"


# --- running -------------------------------------------------------------------------------------


def _run(
    session: EngineSession, plan: MergePlan, frame: Frame, captured: list[dmlexec.Affected] | None = None
) -> tuple[int, list[list[Any]]]:
    if session.doomed and session.trancount:
        raise errors.uncommittable_transaction()
    session._connection()
    session._ensure_transaction()
    params = dmlexec.bind(session, plan.variables, plan.system_views, frame)
    scope = dmlexec.Scope.open(session)
    used = None
    try:
        if plan.identity:
            identity.begin(session, plan.target)
        rows = dmlexec.fetch_all(session, dmlexec.run_sql(session, plan.rows_sql, params))
        chosen = _choose(plan, rows)
        if plan.top:
            limit = session._connection().execute(f"SELECT {plan.top}", params).fetchone()[0]
            chosen = chosen[: max(int(limit or 0), 0)]
        affected = [_apply(session, plan, clause, row) for clause, row in chosen]
        if plan.identity:
            used = identity.end(session, plan.target, succeeded=True)
        outputs = dmlexec._into(session, plan.outputs, affected)
        if captured is not None:
            captured.extend(affected)
    except BaseException:
        used = identity.take(session) or used
        scope.rollback()
        if used is not None:
            identity.keep(session, plan.target, used)
        raise
    scope.commit()
    return len(chosen), outputs


def _choose(plan: MergePlan, rows: list[tuple]) -> list[tuple[ClausePlan, tuple]]:
    """Each joined row's action: the first clause of its kind whose condition holds."""
    chosen = []
    touched: set[Any] = set()
    for row in rows:
        rowid, present = row[0], row[1]
        if rowid is not None and present is not None:
            match = "MATCHED"
        elif rowid is None:
            match = "NOT MATCHED"
        else:
            match = "BY SOURCE"
        clause = next(
            (c for c in plan.clauses if c.match == match and (c.flag is None or row[c.flag] == 1)),
            None,
        )
        if clause is None:
            continue
        if clause.action != "INSERT":
            if rowid in touched:
                raise SqlError(
                    8672,
                    16,
                    1,
                    "The MERGE statement attempted to UPDATE or DELETE the same row more than once. This happens when "
                    "a target row matches more than one source row. A MERGE statement cannot UPDATE/DELETE the same "
                    "row of the target table multiple times. Refine the ON clause to ensure a target row matches at "
                    "most one source row, or use the GROUP BY clause to group the source rows.",
                )
            touched.add(rowid)
        chosen.append((clause, row))
    return chosen


def _apply(session: EngineSession, plan: MergePlan, clause: ClausePlan, row: tuple) -> dmlexec.Affected:
    target = plan.target
    width = len(target.columns)
    old = list(row[plan.old : plan.old + width])
    extra = list(row[plan.extra : plan.old])
    values = list(row[clause.first : clause.first + len(clause.columns)])
    params = [*values, row[0]] if clause.action == "UPDATE" else ([row[0]] if clause.action == "DELETE" else values)
    try:
        returned = dmlexec.run_sql(session, clause.sql, params).fetchone()
    except dmlexec.ConstraintFailed as failure:
        names = [c.name.lower() for c in target.columns]
        new = dict(zip(names, old, strict=True)) if clause.action == "UPDATE" else {}
        new.update({names[p]: v for p, v in zip(clause.columns, values, strict=True)})
        error = violations.violation(failure.text, target, clause.action, new)
        raise error or violations.generic(failure.text, target, "MERGE") from None
    image = list(returned[1:]) if returned is not None else None
    for key in clause.null_keys if image is not None else ():
        duplicate = violations.null_key_duplicate(session, target, key, image, returned[0])
        if duplicate is not None:
            raise duplicate
    if clause.action == "DELETE":
        return None, image or old, extra, "DELETE"
    if clause.action == "INSERT":
        return image, None, extra, "INSERT"
    return image, old, extra, "UPDATE"
