"""SELECT ... INTO new_table: a table with the query's columns (names, types, nullability), then its rows.

As in SQL Server, a column the query takes unchanged from the identity column of its only table keeps
the IDENTITY property (seed and increment), and the new table's identity continues after the rows
copied into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot import exp

from . import ddl, dmlexec, errors, identity
from .catalog import ColumnDef
from .compiler import Plan, Source, compile_query, resolve_source
from .results import Result, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame


def is_into(tree: exp.Expression) -> bool:
    leftmost = _leftmost(tree)
    return leftmost is not None and leftmost.args.get("into") is not None


def execute(session: EngineSession, stmt: Statement, tree: exp.Expression, frame: Frame) -> Iterator[Result]:
    query = tree.copy()
    leftmost = _leftmost(query)
    assert leftmost is not None
    into = leftmost.args["into"]
    leftmost.set("into", None)
    table = into.this
    if not isinstance(table, exp.Table) or isinstance(table.this, exp.Parameter):
        raise errors.syntax_error(into.sql(dialect="tsql")[:30], stmt.line)
    ctx = session._context(frame)
    plan = session._plan(stmt, frame, lambda: compile_query(query, ctx), "into")
    db, schema, name, con = session._ddl_target(table)
    cat = session._catalog(db)
    if cat.table(schema, name) is not None:
        raise errors.object_exists(name)
    schema_id = cat.existing_schema_id(schema)
    columns = _columns(plan, _identities(query, session, frame))
    spec = ddl.TableSpec(schema, name, columns)
    params = dmlexec.bind(session, plan.variables, plan.system_views, frame)
    count = [0]

    def write() -> None:
        object_id = ddl.create_table(con, db, spec, schema_id, ctx)
        created = ddl.fresh_catalog(con, db).by_id[object_id]
        target = f"{quote(db)}.{quote(created.storage_name)}"
        session._run_sql(con, _insert_sql(target, columns, plan.sql), params)
        count[0] = con.execute("SELECT changes()").fetchone()[0]
        if created.identity is not None:
            source = Source(db, created.storage_name, f"{schema}.{name}", (), created)
            identity.move_on(session, source)

    session._in_write(write)
    session.rowcount = count[0]
    yield StatementDone("SELECT", None if session.options.nocount else count[0], in_procedure=frame.in_procedure)


def _leftmost(query: exp.Expression) -> exp.Select | None:
    """The first SELECT of a query (the one INTO belongs to)."""
    node = query
    while isinstance(node, exp.SetOperation):
        node = node.this
    if isinstance(node, exp.Subquery):
        return _leftmost(node.this)
    return node if isinstance(node, exp.Select) else None


def _identities(query: exp.Expression, session: EngineSession, frame: Frame) -> dict[int, ColumnDef]:
    """The projections that copy the identity column of the query's only table, by position."""
    if not isinstance(query, exp.Select) or query.args.get("joins") or query.args.get("group"):
        return {}
    if query.args.get("distinct") or not query.args.get("from_"):
        return {}
    source_table = query.args["from_"].this
    if not isinstance(source_table, exp.Table):
        return {}
    try:
        source = resolve_source(source_table, session._context(frame))
    except errors.SqlError:
        return {}
    if source.table is None or source.table.identity is None:
        return {}
    found = {}
    for position, node in enumerate(query.expressions):
        inner = node.this if isinstance(node, exp.Alias) else node
        if isinstance(inner, exp.Column) and inner.name.lower() == source.table.identity.name.lower():
            found[position] = source.table.identity
        elif isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
            return {i: source.table.identity for i, c in enumerate(source.table.columns) if c.identity}
    return found


def _columns(plan: Plan, identities: dict[int, ColumnDef]) -> list[ColumnDef]:
    columns: list[ColumnDef] = []
    seen: set[str] = set()
    for position, column in enumerate(plan.columns):
        if not column.name:
            raise errors.SqlError(
                1038,
                15,
                5,
                "An object or column name is missing or empty. For SELECT INTO statements, verify each column has "
                'a name. For other statements, look for empty alias names. Aliases defined as "" or [] are not '
                "allowed. Change the alias to a valid name.",
            )
        if column.name.lower() in seen:
            raise errors.SqlError(
                2705,
                16,
                3,
                f"Column names in each table must be unique. Column name '{column.name}' in table is specified more "
                "than once.",
            )
        seen.add(column.name.lower())
        source = identities.get(position)
        if source is not None and len(identities) == 1:
            columns.append(
                ColumnDef(position + 1, column.name, column.type, False, True, source.seed, source.increment)
            )
        else:
            columns.append(ColumnDef(position + 1, column.name, column.type, column.nullable))
    return columns


def _insert_sql(target: str, columns: list[ColumnDef], query_sql: str) -> str:
    """The query's rows, each value normalized to its column's storage form."""
    names = ", ".join(quote(c.name) for c in columns)
    positional = ", ".join(f"c{i}" for i in range(len(columns)))
    stored = ", ".join(
        f"tsql_store(c{i}, '{c.type}', '', {_literal(c.name)}, '{c.type}')" for i, c in enumerate(columns)
    )
    return f"INSERT INTO {target} ({names}) WITH __src({positional}) AS ({query_sql}) SELECT {stored} FROM __src"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
