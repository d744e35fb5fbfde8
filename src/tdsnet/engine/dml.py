"""INSERT, UPDATE and DELETE: plans that convert values into each column's type.

Every value written goes through ``tsql_store`` with the column's declared type,
so conversion (245, 8114...), truncation (2628) and the storage form are SQL
Server's whatever SQLite would have done.  IDENTITY values come from the session
(``tsql_identity``) after the executor has taken the table's write lock.
"""

from __future__ import annotations

from sqlglot import exp

from ..sqltypes import Column
from . import errors, values
from .compiler import (
    Compiling,
    Context,
    Plan,
    Source,
    SourceColumn,
    annotate,
    call,
    prepare,
    qualify_tree,
    resolve_source,
    rewrite,
    sqlite_sql,
    type_hint,
    type_of,
)
from .storage import quote


def _store(value: exp.Expression, column: SourceColumn, target: Source) -> exp.Expression:
    return call(
        "tsql_store",
        value,
        exp.Literal.string(str(column.type)),
        exp.Literal.string(target.display),
        exp.Literal.string(column.name),
        type_hint(type_of(value)),
    )


def _typed_expressions(
    expressions: list[exp.Expression],
    state: Compiling,
    source: exp.Table | None = None,
    where: exp.Expression | None = None,
) -> tuple[list[exp.Expression], exp.Expression | None]:
    """Type and rewrite expressions (and a WHERE) as a SELECT over one table would."""
    select = exp.select(*[exp.alias_(e.copy(), f"__v{i}") for i, e in enumerate(expressions)])
    if source is not None:
        select = select.from_(source.copy())
    if where is not None:
        select = select.where(where.copy())
    if not select.expressions:
        select = select.select(exp.Literal.number(1))
    prepare(select, state)
    qualified = qualify_tree(select, state)
    annotate(qualified, state)
    rewritten = rewrite(qualified, state)
    outputs = [p.this if isinstance(p, exp.Alias) else p for p in rewritten.expressions]
    return outputs[: len(expressions)], rewritten.args.get("where")


def _target(table: exp.Expression, state: Compiling) -> tuple[Source, exp.Table]:
    if not isinstance(table, exp.Table):
        raise errors.not_supported("this INSERT/UPDATE/DELETE target")
    source = resolve_source(table, state.ctx)
    if source.system_view or (source.table is not None and source.table.type == "V"):
        raise errors.SqlError(
            4406,
            16,
            1,
            f"Update or insert of view or function '{source.display}' failed because it contains "
            "a derived or constant field.",
        )
    state.add(source)
    return source, table


def _output(
    returning: exp.Returning | None, target: Source, state: Compiling, prefixes: tuple[str, ...]
) -> tuple[list[Column], str]:
    """OUTPUT inserted.x / deleted.x as SQLite's RETURNING (the row as written)."""
    if returning is None:
        return [], ""
    if returning.args.get("into"):
        raise errors.not_supported("OUTPUT ... INTO")
    columns: list[Column] = []
    parts: list[str] = []
    for item in returning.expressions:
        node = item.this if isinstance(item, exp.Alias) else item
        alias = item.alias if isinstance(item, exp.Alias) else ""
        if not isinstance(node, exp.Column) or node.table.lower() not in prefixes:
            raise errors.not_supported("OUTPUT expressions other than inserted.column / deleted.column")
        if isinstance(node.this, exp.Star):
            chosen = [c for c in target.columns]
        else:
            col = target.column(node.name)
            if col is None:
                raise errors.invalid_column(node.name)
            chosen = [col]
        for col in chosen:
            columns.append(Column(alias or col.name, col.type, col.nullable, col.identity))
            parts.append(quote(col.name))
    return columns, " RETURNING " + ", ".join(parts)


def compile_insert(tree: exp.Insert, ctx: Context, identity_insert: bool) -> Plan:
    state = Compiling(ctx)
    schema = tree.this
    table_node = schema.this if isinstance(schema, exp.Schema) else schema
    target, _ = _target(table_node, state)
    listed = [_column(target, ident.name) for ident in schema.expressions] if isinstance(schema, exp.Schema) else None
    identity = next((c for c in target.columns if c.identity), None)
    if listed is None:
        listed = [c for c in target.columns if not c.identity and not c.computed]
    elif identity is not None and identity in listed and not identity_insert:
        raise errors.identity_insert_off(target.display)
    for col in listed:
        if col.computed:
            raise errors.SqlError(
                271,
                16,
                1,
                f'The column "{col.name}" cannot be modified because it is either a computed column'
                " or is the result of a UNION operator.",
            )
    generate_identity = identity is not None and identity not in listed
    names = [c.name for c in listed] + ([identity.name] if generate_identity and identity else [])
    identity_value = call("tsql_identity") if generate_identity else None
    source = tree.expression
    prefix = ""
    if tree.args.get("default"):
        body = _default_values(target, identity_value)
    elif isinstance(source, exp.Values):
        body = _values_body(source, listed, target, state, identity_value)
    elif isinstance(source, exp.Select | exp.SetOperation | exp.Subquery):
        prefix, body = _select_body(source, listed, target, state, identity_value)
    else:
        raise errors.not_supported("this form of INSERT")
    output_columns, returning = _output(tree.args.get("returning"), target, state, ("inserted",))
    column_list = f" ({', '.join(quote(n) for n in names)})" if names else ""
    if tree.args.get("default") and not names:
        sql = f"INSERT INTO {target.qualified} DEFAULT VALUES{returning}"
    else:
        sql = f"{prefix}INSERT INTO {target.qualified}{column_list} {body}{returning}"
    return Plan(
        sql=sql,
        command="INSERT",
        columns=tuple(output_columns),
        readers=tuple(values.reader_for(c.type) for c in output_columns),
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        identity_table=target if generate_identity else None,
        target=target,
        returns_rows=bool(output_columns),
    )


def _column(target: Source, name: str) -> SourceColumn:
    col = target.column(name)
    if col is None:
        raise errors.invalid_column(name)
    return col


def _default_values(target: Source, identity_value: exp.Expression | None) -> str:
    if identity_value is None:
        return "DEFAULT VALUES"
    return f"VALUES ({sqlite_sql(identity_value)})"


def _values_body(
    values_node: exp.Values,
    listed: list[SourceColumn],
    target: Source,
    state: Compiling,
    identity_value: exp.Expression | None,
) -> str:
    rows = []
    for row in values_node.expressions:
        items = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
        if len(items) != len(listed):
            raise errors.SqlError(
                110 if len(items) < len(listed) else 109,
                15,
                1,
                "There are fewer columns in the INSERT statement than values specified in the "
                "VALUES clause. The number of values in the VALUES clause must match the number "
                "of columns specified in the INSERT statement."
                if len(items) > len(listed)
                else "There are more columns in the INSERT statement than values specified in the "
                "VALUES clause. The number of values in the VALUES clause must match the number "
                "of columns specified in the INSERT statement.",
            )
        typed, _ = _typed_expressions(items, state)
        stored = [_store(v, c, target) for v, c in zip(typed, listed, strict=True)]
        if identity_value is not None:
            stored.append(identity_value.copy())
        rows.append("(" + ", ".join(sqlite_sql(v) for v in stored) + ")")
    return "VALUES " + ", ".join(rows)


def _select_body(
    query: exp.Expression,
    listed: list[SourceColumn],
    target: Source,
    state: Compiling,
    identity_value: exp.Expression | None,
) -> tuple[str, str]:
    """INSERT ... SELECT: the source query as a CTE with positional column names,
    and the SELECT that converts its columns into the target's."""
    from .compiler import compile_query

    plan = compile_query(query, state.ctx)
    if len(plan.columns) != len(listed):
        fewer = len(plan.columns) < len(listed)
        raise errors.SqlError(
            120 if fewer else 121,
            15,
            1,
            f"The select list for the INSERT statement contains {'fewer' if fewer else 'more'} "
            "items than the insert list. The number of SELECT values must match the number of "
            "INSERT columns.",
        )
    state.variables.update(plan.variables)
    state.views.update(plan.system_views)
    state.extra_dependencies.update(plan.dependencies)
    stored = []
    for index, (col, out) in enumerate(zip(listed, plan.columns, strict=True)):
        ref = exp.column(f"c{index}")
        ref.meta["tds_type"] = out.type
        stored.append(sqlite_sql(_store(ref, col, target)))
    if identity_value is not None:
        stored.append(sqlite_sql(identity_value))
    names = ", ".join(f"c{i}" for i in range(len(listed)))
    return f"WITH __src({names}) AS ({plan.sql}) ", f"SELECT {', '.join(stored)} FROM __src"


def compile_update(tree: exp.Update, ctx: Context) -> Plan:
    state = Compiling(ctx)
    if tree.args.get("from_") or tree.args.get("joins"):
        raise errors.not_supported("UPDATE ... FROM")
    target, table_node = _target(tree.this, state)
    assignments = []
    for item in tree.expressions:
        if not isinstance(item, exp.EQ) or not isinstance(item.this, exp.Column):
            raise errors.not_supported("this SET clause")
        col = _column(target, item.this.name)
        if col.identity:
            raise errors.SqlError(8102, 16, 1, f"Cannot update identity column '{col.name}'.")
        if col.computed:
            raise errors.SqlError(
                271,
                16,
                1,
                f'The column "{col.name}" cannot be modified because it is either a computed column'
                " or is the result of a UNION operator.",
            )
        assignments.append((col, item.expression))
    where = tree.args.get("where")
    typed, where_sql = _typed_expressions(
        [value for _, value in assignments], state, table_node, where.this if where else None
    )
    alias = (table_node.alias or table_node.name).lower()
    sets = ", ".join(
        f"{quote(col.name)} = {sqlite_sql(_store(v, col, target))}"
        for (col, _), v in zip(assignments, typed, strict=True)
    )
    output_columns, returning = _output(tree.args.get("returning"), target, state, ("inserted",))
    sql = f"UPDATE {target.qualified} AS {quote(alias)} SET {sets}"
    if where_sql is not None:
        sql += f" WHERE {sqlite_sql(where_sql.this)}"
    return _dml_plan(sql + returning, "UPDATE", state, target, output_columns)


def compile_delete(tree: exp.Delete, ctx: Context) -> Plan:
    state = Compiling(ctx)
    if tree.args.get("tables") or tree.args.get("using") or tree.args.get("joins"):
        raise errors.not_supported("DELETE ... FROM with a join")
    target, table_node = _target(tree.this, state)
    where = tree.args.get("where")
    _, where_sql = _typed_expressions([], state, table_node, where.this if where else None)
    alias = (table_node.alias or table_node.name).lower()
    output_columns, returning = _output(tree.args.get("returning"), target, state, ("deleted",))
    sql = f"DELETE FROM {target.qualified} AS {quote(alias)}"
    if where_sql is not None:
        sql += f" WHERE {sqlite_sql(where_sql.this)}"
    return _dml_plan(sql + returning, "DELETE", state, target, output_columns)


def _dml_plan(sql: str, command: str, state: Compiling, target: Source, output_columns: list[Column]) -> Plan:
    return Plan(
        sql=sql,
        command=command,
        columns=tuple(output_columns),
        readers=tuple(values.reader_for(c.type) for c in output_columns),
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        target=target,
        returns_rows=bool(output_columns),
    )
