"""INSERT, UPDATE and DELETE: from the statement's clauses (`dmlparse`) to `WritePlan`s.

Every value written goes through ``tsql_store`` with the column's declared type, so conversion
(245, 8114...), truncation (2628) and the storage form are SQL Server's whatever SQLite would
have done.  A plan has two forms of the same write:

* the *direct* form: one SQLite statement (INSERT ... SELECT, UPDATE ... FROM, DELETE ... WHERE
  rowid IN (...)), with RETURNING for OUTPUT.  It is what normally runs.
* the *row* form: a SELECT of the rows to write, with the value each column gets, then one
  statement per row.  It runs where one SQLite statement cannot do what SQL Server does (OUTPUT
  of DELETED values in an UPDATE, variables set by UPDATE, TOP ... PERCENT, NULLs in UNIQUE
  keys, which SQL Server counts as equal), and after a direct form failed on a constraint, to
  find the row SQL Server's message names.

`dmlexec` runs plans; `merge` builds MERGE's on the same pieces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from .. import sqltypes
from ..sqltypes import Column, SqlType
from . import dmlparse, errors, functions
from .compiler import (
    Compiling,
    Context,
    Source,
    SourceColumn,
    annotate,
    call,
    compile_query,
    prepare,
    qualify_tree,
    resolve_source,
    rewrite,
    set_type,
    sqlite_sql,
    table_name,
    type_hint,
    type_of,
    typed_constant,
)
from .dialect import parse_one
from .storage import quote

ROWID = "__rid"


# --- plans -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputItem:
    image: str  # inserted, deleted, action or extra (a column of another table of the FROM clause)
    index: int  # the column's position in its image
    column: Column  # as the result set describes it


@dataclass(frozen=True, slots=True)
class RowsInsert:
    """An INSERT of rows that Python holds (INSERT ... EXEC, OUTPUT ... INTO): one statement per row,
    its parameters the row's values in storage form."""

    target: Source
    sql: str
    columns: tuple[str, ...]  # the columns the parameters go to
    identity: bool
    dependencies: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Output:
    items: tuple[OutputItem, ...]
    into: RowsInsert | None = None


@dataclass(frozen=True, slots=True)
class Assigned:
    """UPDATE ... SET @v = ...: the variable, and where its value is in a row of the row form."""

    variable: str
    position: int
    reader_type: SqlType  # the type of that value


@dataclass(frozen=True, slots=True)
class WritePlan:
    command: str  # INSERT, UPDATE or DELETE
    target: Source
    direct: str  # the one-statement form ('' when there is none)
    returning: tuple[int, ...]  # the target columns the direct form's RETURNING gives
    rows_sql: str  # the row form's SELECT
    apply_sql: str  # the row form's statement for one row
    layout: tuple[int, int, int]  # the row form's rows: (values, variables, extras) before the old image
    written: tuple[int, ...]  # the target columns the row form writes (its parameters, in order)
    outputs: tuple[Output, ...] = ()
    assigned: tuple[Assigned, ...] = ()
    rows_first: bool = False  # the direct form cannot do it: run the row form
    identity: bool = False  # generates identity values
    explicit_identity: bool = False  # IDENTITY_INSERT values that may move the identity on
    percent: str = ""  # TOP (n) PERCENT: n, as SQL for the row form
    null_keys: tuple[tuple[int, ...], ...] = ()  # unique keys with nullable columns: checked per row
    exec_text: dmlparse.Piece | None = None  # INSERT ... EXEC: the EXEC statement
    exec_insert: dict = field(default_factory=dict, compare=False)  # RowsInsert by result column types
    constants_sql: str = ""  # INSERT ... OUTPUT 1: the OUTPUT values that are the same for every row
    variables: tuple[str, ...] = ()
    system_views: tuple[str, ...] = ()
    dependencies: tuple[tuple[str, int], ...] = ()
    triggers: Any = None  # triggers.TriggerPlan: the triggers it fires (None: none)


# --- names as messages give them -----------------------------------------------------------------


def database_of(target: Source) -> str:
    return "tempdb" if target.sqlite_db.lower() == "temp" else target.sqlite_db


def full_name(target: Source) -> str:
    """db.schema.table, as 515 and 2628 name a table."""
    return f"{database_of(target)}.{target.display}"


# --- compiling pieces ----------------------------------------------------------------------------


def parse_select(text: str, line: int) -> exp.Select:
    tree = parse_one(text, line - 1)
    if not isinstance(tree, exp.Select):
        raise errors.syntax_error(text.split(maxsplit=1)[0] if text.split() else "", line)
    return tree


def bound(select: exp.Select, state: Compiling) -> exp.Select:
    """Tables resolved, columns qualified, every node typed (not yet rewritten for SQLite)."""
    prepare(select, state)
    qualified = qualify_tree(select, state)
    annotate(qualified, state)
    return qualified


def store(value: exp.Expression, column: SourceColumn, target: Source, action: str = "INSERT") -> exp.Expression:
    stored = call(
        "tsql_store",
        value,
        exp.Literal.string(str(column.type)),
        exp.Literal.string(full_name(target)),
        exp.Literal.string(column.name),
        type_hint(type_of(value)),
    )
    if not column.nullable and _is_rowid(column, target):
        # SQLite fills a NULL in an INTEGER PRIMARY KEY with a rowid of its own: refuse it first.
        literals = (column.name, full_name(target), action)
        return call("tsql_not_null", stored, *(exp.Literal.string(t) for t in literals))
    return stored


def _is_rowid(column: SourceColumn, target: Source) -> bool:
    """An integer column that is the whole PRIMARY KEY: SQLite's rowid under another name."""
    if column.type.family != "int" or target.table is None:
        return False
    key = next((i.key_columns for i in target.table.indexes if i.is_primary_key), ())
    return len(key) == 1 and key[0].name.lower() == column.name.lower()


def _not_null(value: Any, column: str, table: str, action: str) -> Any:
    if value is None:
        raise errors.null_not_allowed(column, table, action)
    return value


functions.SQLITE_FUNCTIONS.append(("tsql_not_null", 4, functions.guarded(_not_null), True))


def projection(node: exp.Expression) -> exp.Expression:
    """A SELECT item without its alias (sqlglot puts a subquery's alias on the subquery itself)."""
    if isinstance(node, exp.Alias):
        return node.this
    if isinstance(node, exp.Subquery) and node.args.get("alias") is not None:
        node.set("alias", None)
    return node


def rowid_of(alias: str) -> exp.Column:
    return exp.Column(this=exp.to_identifier("rowid"), table=exp.to_identifier(alias))


def writable_target(table: exp.Table, ctx: Context, through_view: bool = False, command: str = "") -> Source:
    """The table a statement writes: a user table, or (``through_view``) the one table under a view
    that SQL Server could write through; a table or view whose INSTEAD OF trigger takes ``command``."""
    source = resolve_source(table, ctx)
    if source.system_view:
        raise errors.SqlError(259, 16, 1, "Ad hoc updates to system catalogs are not allowed.")
    if command and source.table is not None:
        from . import triggers

        if triggers.instead_of(ctx, source, command) is not None:
            return source
    if source.table is not None and source.table.type == "V":
        base = _view_base(source, ctx) if through_view else None
        if base is None:
            raise errors.SqlError(
                4406,
                16,
                1,
                f"Update or insert of view or function '{source.display}' failed because it contains "
                "a derived or constant field.",
            )
        return base
    return source


def _view_base(view: Source, ctx: Context) -> Source | None:
    """A view that selects columns of one table under their own names: that table, with those columns."""
    from . import modules

    assert view.table is not None and view.table.definition
    select = parse_one(modules.view_parts(view.table.definition)[0])
    if not isinstance(select, exp.Select) or select.args.get("joins") or select.args.get("group"):
        return None
    if select.args.get("distinct") or select.args.get("limit") or select.args.get("with"):
        return None
    base_node = select.args["from_"].this if select.args.get("from_") else None
    if not isinstance(base_node, exp.Table) or isinstance(base_node.this, exp.Anonymous):
        return None
    base = resolve_source(base_node, ctx)
    if base.table is None or base.table.type != "U":
        return None
    names = []
    for node in select.expressions:
        if isinstance(node, exp.Star) or (isinstance(node, exp.Column) and isinstance(node.this, exp.Star)):
            names.extend(c.name for c in base.columns)
        elif isinstance(node, exp.Column) and base.column(node.name) is not None:
            names.append(node.name)
        else:
            return None
    if [n.lower() for n in names] != [c.name.lower() for c in view.columns]:
        return None
    columns = tuple(c for c in base.columns if c.name.lower() in {n.lower() for n in names})
    return Source(base.sqlite_db, base.storage, base.display, columns, base.table, dependency=base.dependency)


def table_node(piece: dmlparse.Piece) -> exp.Table:
    found = parse_one(f"SELECT * FROM {piece.text}", piece.line - 1).find(exp.Table)
    if found is None:
        raise errors.syntax_error(piece.text, piece.line)
    return found


def column_named(target: Source, name: str) -> SourceColumn:
    col = target.column(name)
    if col is None:
        raise errors.invalid_column(name)
    return col


def index_of(target: Source, col: SourceColumn) -> int:
    return target.columns.index(col)


def computed_column_error(name: str) -> errors.SqlError:
    return errors.SqlError(
        271,
        16,
        1,
        f'The column "{name}" cannot be modified because it is either a computed column or is the result of a '
        "UNION operator.",
    )


def column_list(target: Source) -> str:
    return ", ".join(quote(c.name) for c in target.columns)


def null_keys(target: Source, written: set[int]) -> tuple[tuple[int, ...], ...]:
    """The unique keys (PRIMARY KEY, UNIQUE, unique indexes) with a nullable column among the written ones:
    SQLite lets NULLs repeat in them, SQL Server does not."""
    table = target.table
    if table is None:
        return ()
    keys = []
    for index in table.indexes:
        if not index.is_unique or index.filter:
            continue
        positions = []
        for key in index.key_columns:
            col = target.column(key.name)
            if col is None:
                break
            positions.append(index_of(target, col))
        else:
            if any(target.columns[p].nullable for p in positions) and written & set(positions):
                keys.append(tuple(positions))
    return tuple(keys)


# --- OUTPUT --------------------------------------------------------------------------------------


def compile_outputs(
    clauses: list[dmlparse.Output],
    target: Source,
    state: Compiling,
    images: tuple[str, ...],
    extra: list[exp.Expression],
) -> tuple[Output, ...]:
    """OUTPUT lists: INSERTED/DELETED columns (and *), $action, and columns of the other tables of
    a FROM clause, which are appended to ``extra`` for the row SELECT to fetch."""
    outputs = []
    for clause in clauses:
        select = parse_select("SELECT " + clause.items.text, clause.items.line)
        items: list[OutputItem] = []
        for node in select.expressions:
            items.extend(_output_items(node, target, images, extra))
        into = compile_output_into(clause, items, state.ctx) if clause.into is not None else None
        if into is not None:
            state.extra_dependencies.update(into.dependencies)
        outputs.append(Output(tuple(items), into))
    if sum(1 for o in outputs if o.into is None) > 1:
        raise errors.syntax_error("OUTPUT", clauses[-1].items.line)
    return tuple(outputs)


def _output_items(
    node: exp.Expression, target: Source, images: tuple[str, ...], extra: list[exp.Expression]
) -> list[OutputItem]:
    alias = node.alias if isinstance(node, exp.Alias) else ""
    inner = projection(node)
    if isinstance(inner, exp.Column) and inner.name.lower() == "$action" and not inner.table:
        if "action" not in images:
            raise errors.invalid_column("$action")
        return [OutputItem("action", 0, Column(alias or "$action", sqltypes.nvarchar(10), False))]
    if isinstance(inner, exp.Column) and inner.table.lower() in ("inserted", "deleted"):
        image = inner.table.lower()
        if image not in images:
            raise errors.multipart_not_bound(f"{inner.table}.{inner.name}")
        nullable_image = "action" in images  # MERGE: a row has only one of the two images
        if isinstance(inner.this, exp.Star):
            return [
                OutputItem(image, i, Column(c.name, c.type, c.nullable or nullable_image))
                for i, c in enumerate(target.columns)
            ]
        col = column_named(target, inner.name)
        return [
            OutputItem(
                image, index_of(target, col), Column(alias or col.name, col.type, col.nullable or nullable_image)
            )
        ]
    images_used = {c.table.lower() for c in inner.find_all(exp.Column)} & {"inserted", "deleted"}
    if images_used or any(c.name.lower() == "$action" for c in inner.find_all(exp.Column)):
        raise errors.not_supported("OUTPUT expressions computed from INSERTED, DELETED or $action")
    if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
        raise errors.not_supported("OUTPUT * of the FROM tables")
    if "extra" in images or not any(True for _ in inner.find_all(exp.Column)):
        # Columns of the FROM tables, constants, variables (OUTPUT 1): values of the row SELECT, or of the
        # statement (``constant``: an INSERT evaluates them once).
        extra.append(inner.copy())
        name = alias or (inner.name if isinstance(inner, exp.Column) else "")
        kind = "extra" if "extra" in images else "constant"
        return [OutputItem(kind, len(extra) - 1, Column(name, sqltypes.INT))]
    raise errors.invalid_column(next(iter(inner.find_all(exp.Column))).name)


def typed_extras(outputs: tuple[Output, ...], projections: list[exp.Expression]) -> tuple[Output, ...]:
    """OUTPUT's columns of the FROM tables take the types the bound query gave them."""
    typed = []
    for output in outputs:
        items = []
        for item in output.items:
            if item.image in ("extra", "constant"):
                st = type_of(projections[item.index]) or item.column.type
                item = OutputItem(item.image, item.index, Column(item.column.name, st, True))  # noqa: PLW2901
            items.append(item)
        typed.append(Output(tuple(items), output.into))
    return tuple(typed)


def compile_output_into(clause: dmlparse.Output, items: list[OutputItem], ctx: Context) -> RowsInsert:
    assert clause.into is not None
    target = writable_target(table_node(clause.into), ctx)
    from . import triggers

    triggers.check_output_into(ctx, target)
    if clause.into_columns is not None:
        listed = [column_named(target, name) for name in clause.into_columns]
    else:
        listed = [c for c in target.columns if not c.identity and not c.computed]
    if len(listed) != len(items):
        raise errors.SqlError(
            404 if len(listed) < len(items) else 405,
            16,
            1,
            "Column name or number of supplied values does not match table definition.",
        )
    return rows_insert(target, listed, [i.column.type for i in items], ctx)


def rows_insert(target: Source, listed: list[SourceColumn], types: list[object], ctx: Context) -> RowsInsert:
    """INSERT INTO target (listed...) of one row of parameters of the given types (the rest defaulted)."""
    state = Compiling(ctx)
    state.add(target)
    for col in listed:
        if col.computed:
            raise computed_column_error(col.name)
    params = []
    for i, st in enumerate(types):
        ref = exp.column(f"__p{i}")
        set_type(ref, st)  # type: ignore[arg-type]
        params.append(ref)
    given = {id(col): store(p, col, target) for col, p in zip(listed, params, strict=True)}
    columns, expressions, identity = insert_columns(target, listed, given, state, generate=True)
    select_params = ", ".join(f"? AS __p{i}" for i in range(len(types))) or "NULL AS __p0"
    sql = (
        f"INSERT INTO {target.qualified} ({', '.join(quote(c.name) for c in columns)}) "
        f"SELECT {', '.join(sqlite_sql(e) for e in expressions)} FROM (SELECT {select_params})"
    )
    return RowsInsert(target, sql, tuple(c.name for c in listed), identity, state.dependencies())


# --- INSERT --------------------------------------------------------------------------------------


def insert_columns(
    target: Source,
    listed: list[SourceColumn],
    given: dict[int, exp.Expression],
    state: Compiling,
    generate: bool,
) -> tuple[list[SourceColumn], list[exp.Expression], bool]:
    """Every column an INSERT writes, with its (stored) value: the listed ones as given, the others their
    default or NULL, the identity column the next identity value.  Writing NULL explicitly lets the
    store report 515 as SQL Server words it, where SQLite would let a rowid column choose a value."""
    columns: list[SourceColumn] = []
    expressions: list[exp.Expression] = []
    identity = False
    for col in target.columns:
        if col.computed:
            continue
        if id(col) in given:
            expressions.append(given[id(col)])
        elif col.identity:
            if not generate:
                continue
            expressions.append(call("tsql_identity"))
            identity = True
        else:
            expressions.append(default_value(col, target, state))
        columns.append(col)
    return columns, expressions, identity


def _default_expression(col: SourceColumn, target: Source) -> exp.Expression:
    """SET col = DEFAULT: the column's DEFAULT as written (NULL without one)."""
    table_column = target.table.column(col.name) if target.table is not None else None
    definition = table_column.default_sql if table_column is not None else None
    return parse_one(f"SELECT {definition}").expressions[0] if definition else exp.Null()


def default_value(col: SourceColumn, target: Source, state: Compiling) -> exp.Expression:
    """The column's DEFAULT (compiled from its definition), or NULL."""
    table_column = target.table.column(col.name) if target.table is not None else None
    definition = table_column.default_sql if table_column is not None else None
    if definition is None:
        return exp.Null()
    expression = parse_one(f"SELECT {definition}").expressions[0]
    select = exp.select(exp.alias_(expression, "__d"))
    typed = rewrite(bound(select, state), state)
    return store(projection(typed.expressions[0]), col, target)


def compile_insert(statement: dmlparse.DmlStatement, ctx: Context, identity_insert: bool, rowcount: int) -> WritePlan:
    state = Compiling(ctx)
    target = writable_target(table_node(statement.target), ctx, through_view=True, command="INSERT")
    state.add(target)
    if target.dependency is not None:
        state.extra_dependencies.add(target.dependency)
    listed = _listed_columns(statement, target, identity_insert)
    extra: list[exp.Expression] = []
    outputs = compile_outputs(statement.outputs, target, state, ("inserted",), extra)
    fired = _triggers(ctx, target, "INSERT", outputs)
    constants_sql = ""
    if extra:  # OUTPUT 1, OUTPUT @v: evaluated once for the statement
        select = rewrite(bound(exp.select(*[exp.alias_(e, f"__c{i}") for i, e in enumerate(extra)]), state), state)
        outputs = typed_extras(outputs, [projection(p) for p in select.expressions])
        constants_sql = sqlite_sql(select)
    limit = limit_sql(statement, state, rowcount)
    kind = statement.source_kind
    exec_text = None
    if kind == "DEFAULT":
        columns, expressions, identity = insert_columns(target, [], {}, state, generate=True)
        rows_sql = f"SELECT {', '.join(sqlite_sql(e) for e in expressions)}"
    elif kind == "VALUES":
        assert statement.source is not None
        columns, rows_sql, identity = _values_rows(statement, listed, target, state)
    elif kind == "SELECT":
        assert statement.source is not None
        columns, rows_sql, identity = _select_rows(statement, listed, target, state)
    else:
        columns, identity = listed, any(c.identity for c in target.columns) and not identity_insert
        exec_text, rows_sql = statement.source, ""
    if limit and rows_sql:
        rows_sql = f"SELECT * FROM ({rows_sql}) LIMIT {limit}"
    written = tuple(index_of(target, c) for c in columns)
    returning = _returning(outputs, "inserted", target)
    names = ", ".join(quote(c.name) for c in columns)
    direct = f"INSERT INTO {target.qualified} ({names}) {rows_sql}" if rows_sql else ""
    if direct and returning:
        direct += " RETURNING " + ", ".join(quote(target.columns[i].name) for i in returning)
    marks = ", ".join("?" for _ in columns)
    apply_sql = f"INSERT INTO {target.qualified} ({names}) VALUES ({marks}) RETURNING rowid, {column_list(target)}"
    explicit = identity_insert and any(c.identity for c in listed)
    keys = null_keys(target, set(written))
    return WritePlan(
        command="INSERT",
        target=target,
        direct=direct,
        returning=returning,
        rows_sql=rows_sql,
        apply_sql=apply_sql,
        layout=(len(columns), 0, 0),
        written=written,
        outputs=outputs,
        rows_first=bool(keys) or bool(statement.percent) or fired is not None,
        identity=identity,
        explicit_identity=explicit,
        percent=limit if statement.percent else "",
        null_keys=keys,
        exec_text=exec_text,
        constants_sql=constants_sql,
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        triggers=fired,
    )


def _triggers(ctx: Context, target: Source, command: str, outputs: tuple[Output, ...]) -> Any:
    """The triggers the write fires (None for a table without any): found once, when the plan is made."""
    from . import triggers

    return triggers.for_statement(ctx, target, command, outputs)


def _listed_columns(statement: dmlparse.DmlStatement, target: Source, identity_insert: bool) -> list[SourceColumn]:
    identity = next((c for c in target.columns if c.identity), None)
    if statement.columns is None:
        if identity_insert and identity is not None:
            raise errors.SqlError(
                8101,
                16,
                1,
                f"An explicit value for the identity column in table '{target.display.split('.')[-1]}' can only be "
                "specified when a column list is used and IDENTITY_INSERT is ON.",
            )
        return [c for c in target.columns if not c.identity and not c.computed]
    listed = [column_named(target, name) for name in statement.columns]
    seen: set[int] = set()
    for col in listed:
        if id(col) in seen:
            raise errors.column_assigned_twice(col.name)
        seen.add(id(col))
        if col.computed:
            raise computed_column_error(col.name)
        if col.identity and not identity_insert:
            raise errors.identity_insert_off(target.display.split(".")[-1])
    return listed


def limit_sql(statement: dmlparse.DmlStatement, state: Compiling, rowcount: int) -> str:
    """TOP (n) and SET ROWCOUNT n as a LIMIT (for PERCENT, the percentage)."""
    top = None
    if statement.top is not None:
        select = parse_select("SELECT " + statement.top.text, statement.top.line)
        typed = rewrite(bound(select, state), state)
        top = sqlite_sql(projection(typed.expressions[0]))
        if statement.percent:
            return top
    if rowcount and top is not None:
        return f"min({top}, {rowcount})"
    if rowcount:
        return str(rowcount)
    return top or ""


def _count_error(given: int, wanted: int, listed_explicitly: bool) -> errors.SqlError:
    if not listed_explicitly:
        return errors.SqlError(213, 16, 1, "Column name or number of supplied values does not match table definition.")
    if given > wanted:
        return errors.SqlError(
            110,
            15,
            1,
            "There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number "
            "of values in the VALUES clause must match the number of columns specified in the INSERT statement.",
        )
    return errors.SqlError(
        109,
        15,
        1,
        "There are more columns in the INSERT statement than values specified in the VALUES clause. The number of "
        "values in the VALUES clause must match the number of columns specified in the INSERT statement.",
    )


_DEFAULT_MARK = "__tdsnet_default__"


def _values_rows(
    statement: dmlparse.DmlStatement, listed: list[SourceColumn], target: Source, state: Compiling
) -> tuple[list[SourceColumn], str, bool]:
    """VALUES (...), (...): every row's items typed (in one SELECT), DEFAULT as the column's default."""
    piece = statement.source
    assert piece is not None
    tree = parse_one(f"SELECT * FROM ({_mark_defaults(piece.text)}) AS __v", piece.line - 1)
    rows = tree.find(exp.Values)
    if rows is None:
        raise errors.syntax_error("VALUES", piece.line)
    if len(rows.expressions) > 1000:
        raise errors.SqlError(
            10738,
            15,
            1,
            "The number of row value expressions in the INSERT statement exceeds the maximum allowed number of "
            "1000 row values.",
        )
    cells = []
    for row in rows.expressions:
        items = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
        if len(items) != len(listed):
            raise _count_error(len(items), len(listed), statement.columns is not None)
        cells.extend(items)
    typed = _typed_cells(cells, state)
    rendered = []
    columns: list[SourceColumn] = []
    identity = False
    width = len(listed)
    for start in range(0, len(cells), width or 1):
        given: dict[int, exp.Expression] = {}
        fresh: set[int] = set()  # the values built here for this row alone, spelled without a copy
        for col, item, node in zip(listed, cells[start : start + width], typed[start : start + width], strict=True):
            if _is_default(item) or node is None:
                given[id(col)] = default_value(col, target, state)
            else:
                given[id(col)] = stored = store(node, col, target)
                fresh.add(id(stored))
        columns, expressions, identity = insert_columns(target, listed, given, state, generate=True)
        rendered.append("(" + ", ".join(sqlite_sql(e, copy=id(e) not in fresh) for e in expressions) + ")")
    return columns, "VALUES " + ", ".join(rendered), identity


def _typed_cells(cells: list[exp.Expression], state: Compiling) -> list[exp.Expression | None]:
    """Each VALUES item typed and rewritten for SQLite (None for DEFAULT): constants on their own,
    the rest bound together in one SELECT (binding costs a quarter of a millisecond a cell)."""
    typed = [None if _is_default(item) else typed_constant(item) for item in cells]
    pending = [i for i, item in enumerate(cells) if typed[i] is None and not _is_default(item)]
    if pending:
        select = exp.select(*[exp.alias_(cells[i].copy(), f"__v{i}") for i in pending])
        for i, node in zip(pending, rewrite(bound(select, state), state).expressions, strict=True):
            typed[i] = projection(node)
    return typed


def _is_default(item: exp.Expression) -> bool:
    return isinstance(item, exp.Column) and item.name == _DEFAULT_MARK


def _mark_defaults(text: str) -> str:
    """DEFAULT inside VALUES rows as a marker column sqlglot can parse."""
    from .batch import tokenize

    tokens = tokenize(text)
    out = []
    last = 0
    depth = 0
    for token in tokens:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 1 and token.text.upper() == "DEFAULT" and token.token_type.name == "DEFAULT":
            out.append(text[last : token.start])
            out.append(_DEFAULT_MARK)
            last = token.end + 1
    out.append(text[last:])
    return "".join(out)


def _select_rows(
    statement: dmlparse.DmlStatement, listed: list[SourceColumn], target: Source, state: Compiling
) -> tuple[list[SourceColumn], str, bool]:
    """INSERT ... SELECT: the query as a CTE with positional column names, and the SELECT that
    converts its columns into the target's."""
    assert statement.source is not None
    text = statement.source.text
    if statement.cte is not None:
        text = statement.cte.text + "\n" + text
    query = parse_one(text, statement.source.line - 1)
    while isinstance(query, exp.Subquery) and not query.alias:  # INSERT ... (SELECT ...)
        query = query.this
    if not isinstance(query, exp.Query):
        raise errors.syntax_error(text.split()[0], statement.source.line)
    if isinstance(query, exp.Select) and query.args.get("into"):
        raise errors.keyword_syntax_error("into", statement.source.line)
    plan = compile_query(query, state.ctx)
    if len(plan.columns) != len(listed):
        if statement.columns is None:
            raise errors.SqlError(
                213, 16, 1, "Column name or number of supplied values does not match table definition."
            )
        fewer = len(plan.columns) < len(listed)
        raise errors.SqlError(
            120 if fewer else 121,
            15,
            1,
            f"The select list for the INSERT statement contains {'fewer' if fewer else 'more'} items than the insert "
            "list. The number of SELECT values must match the number of INSERT columns.",
        )
    state.variables.update(plan.variables)
    state.views.update(plan.system_views)
    state.extra_dependencies.update(plan.dependencies)
    given: dict[int, exp.Expression] = {}
    for index, (col, out) in enumerate(zip(listed, plan.columns, strict=True)):
        ref = exp.column(f"c{index}")
        set_type(ref, out.type)
        given[id(col)] = store(ref, col, target)
    columns, expressions, identity = insert_columns(target, listed, given, state, generate=True)
    names = ", ".join(f"c{i}" for i in range(len(listed))) or "c0"
    body = plan.sql if listed else f"SELECT NULL FROM ({plan.sql})"
    rows = f"WITH __src({names}) AS ({body}) SELECT {', '.join(sqlite_sql(e) for e in expressions)} FROM __src"
    return columns, rows, identity


def _returning(outputs: tuple[Output, ...], image: str, target: Source) -> tuple[int, ...]:
    """The image columns the direct form must return for OUTPUT (all of them when an OUTPUT needs more
    than RETURNING gives, which sends the statement to the row form anyway)."""
    if not outputs:
        return ()
    wanted = sorted({item.index for o in outputs for item in o.items if item.image == image})
    return tuple(wanted) if wanted else (0,)


def direct_output_ok(plan_outputs: tuple[Output, ...], image: str) -> bool:
    return all(item.image in (image, "constant") for o in plan_outputs for item in o.items)


# --- UPDATE and DELETE ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Target:
    """Where an UPDATE or DELETE finds its rows: the target, its alias in the FROM clause, and that clause."""

    source: Source
    alias: str  # as the bound FROM clause names it (a #temp table by its name without the #)
    from_text: str
    grouped: bool  # joins may repeat a target row: one row per target row


def _find_target(statement: dmlparse.DmlStatement, ctx: Context) -> _Target:
    target_node = table_node(statement.target)
    if statement.cte is not None:
        ctes = parse_one(statement.cte.text + "\nSELECT 1", statement.cte.line - 1)
        names = {cte.alias.lower() for cte in ctes.find_all(exp.CTE)}
        if not target_node.args.get("db") and table_name(target_node).lower() in names:
            raise errors.not_supported(f"{statement.kind} of a common table expression")
    if statement.from_ is None:
        return _Target(
            writable_target(target_node, ctx, command=statement.kind), target_node.name, statement.target.text, False
        )
    probe = parse_select("SELECT 1\nFROM " + statement.from_.text, statement.from_.line)
    tables = [probe.args["from_"].this] + [j.this for j in probe.args.get("joins") or []]
    name = table_name(target_node).lower()
    plain = not target_node.args.get("db") and not target_node.args.get("catalog")
    for table in tables:
        if isinstance(table, exp.Table) and plain and table.alias and table.alias.lower() == name:
            if isinstance(table.this, exp.Anonymous):
                break
            return _Target(writable_target(table, ctx, command=statement.kind), table.alias, statement.from_.text, True)
    matches = [
        t
        for t in tables
        if isinstance(t, exp.Table) and not t.alias and table_name(t).lower() == name and _same_parts(t, target_node)
    ]
    if len(matches) > 1:
        raise errors.SqlError(8154, 16, 1, f"The table '{table_name(target_node)}' is ambiguous.")
    if matches:
        source = writable_target(matches[0], ctx, command=statement.kind)
        return _Target(source, matches[0].name, statement.from_.text, True)
    # A target the FROM clause does not name joins it as one more table, as in SQL Server.
    from_text = f"{statement.target.text},\n{statement.from_.text}"
    return _Target(writable_target(target_node, ctx, command=statement.kind), target_node.name, from_text, True)


def _same_parts(table: exp.Table, target: exp.Table) -> bool:
    for part in ("db", "catalog"):
        wanted = target.args.get(part)
        have = table.args.get(part)
        if wanted is not None and (have is None or have.name.lower() != wanted.name.lower()):
            return False
    return True


def _bound_rows(
    statement: dmlparse.DmlStatement, where: _Target, items: list[exp.Expression], state: Compiling
) -> exp.Select:
    """SELECT items FROM <the FROM clause, or the target> WHERE ..., bound and typed."""
    from . import cursors

    positioned = cursors.current_of(statement.where) is not None  # WHERE CURRENT OF cursor
    text = "SELECT 1\nFROM " + where.from_text
    if statement.where is not None and not positioned:
        text += "\nWHERE " + statement.where.text
    line = statement.target.line
    if statement.cte is not None:
        text = statement.cte.text + "\n" + text
        line = statement.cte.line
    select = parse_select(text, line)
    select.set("expressions", [exp.alias_(item, f"__x{i}") for i, item in enumerate(items)] or [exp.Literal.number(1)])
    select = bound(select, state)
    if positioned:
        cursors.restrict(select, where.alias, state)
    return select


def _rows_sql(select: exp.Select, where: _Target, limit: str, percent: bool) -> str:
    """The row form's SELECT: the target row's rowid first."""
    alias = where.alias.lower()
    if where.source.table is not None and where.source.table.type == "V":  # a view's INSTEAD OF trigger: no rowid
        select.set("expressions", [exp.alias_(exp.Null(), ROWID), *select.expressions])
        return sqlite_sql(select) + (f" LIMIT {limit}" if limit and not percent else "")
    select.set("expressions", [exp.alias_(rowid_of(alias), ROWID), *select.expressions])
    if where.grouped:
        select.set("group", exp.Group(expressions=[rowid_of(alias)]))
    sql = sqlite_sql(select)
    if limit and not percent:
        sql += f" LIMIT {limit}"
    return sql


def _assignments(statement: dmlparse.DmlStatement, target: Source, alias: str) -> tuple[list, list, list]:
    """SET items as (column, value) pairs, variables set from a column's new value, variables set
    from an expression."""
    pairs: list[tuple[SourceColumn, exp.Expression]] = []
    from_column: list[tuple[str, int]] = []
    from_value: list[tuple[str, exp.Expression]] = []
    seen: set[int] = set()
    for item in statement.assignments:
        if item.value.text.strip().upper() == "DEFAULT" and item.column is not None and not item.operator:
            value = _default_expression(assigned_column(target, item.column), target)
        else:
            value = parse_select("SELECT " + item.value.text, item.value.line).expressions[0]
        if item.column is None:
            assert item.variable is not None
            if item.operator:
                value = compound(exp.Parameter(this=exp.Var(this=item.variable)), item.operator, value)
            from_value.append((item.variable, value))
            continue
        col = assigned_column(target, item.column)
        if id(col) in seen:
            raise errors.column_assigned_twice(col.name)
        seen.add(id(col))
        if item.operator:
            value = compound(exp.column(col.name, table=alias.lower()), item.operator, value)
        pairs.append((col, value))
        if item.variable is not None:
            from_column.append((item.variable, len(pairs) - 1))
    return pairs, from_column, from_value


def assigned_column(target: Source, name: str) -> SourceColumn:
    col = column_named(target, name)
    if col.identity:
        raise errors.SqlError(8102, 16, 1, f"Cannot update identity column '{col.name}'.")
    if col.computed:
        raise computed_column_error(col.name)
    return col


def compound(left: exp.Expression, operator: str, value: exp.Expression) -> exp.Expression:
    """col += v and friends."""
    classes = {
        "+": exp.Add,
        "-": exp.Sub,
        "*": exp.Mul,
        "/": exp.Div,
        "%": exp.Mod,
        "&": exp.BitwiseAnd,
        "|": exp.BitwiseOr,
        "^": exp.BitwiseXor,
    }
    return classes[operator](this=left, expression=exp.Paren(this=value))


def compile_update(statement: dmlparse.DmlStatement, ctx: Context, rowcount: int) -> WritePlan:
    state = Compiling(ctx)
    where = _find_target(statement, ctx)
    target = where.source
    pairs, from_column, from_value = _assignments(statement, target, where.alias)
    assigned_variables = {name for name, _ in from_value} | {name for name, _ in from_column}
    for _, value in from_value:
        if any(p.name.lower() in assigned_variables for p in value.find_all(exp.Parameter)):
            # SET @total = @total + v accumulates row by row in SQL Server: not done here.
            raise errors.not_supported("an UPDATE that sets a variable from itself (a running total)")
    extra: list[exp.Expression] = []
    outputs = compile_outputs(statement.outputs, target, state, ("inserted", "deleted", "extra"), extra)
    fired = _triggers(ctx, target, "UPDATE", outputs)
    limit = limit_sql(statement, state, rowcount)
    by_rows = bool(from_column or from_value) or not direct_output_ok(outputs, "inserted") or statement.percent
    by_rows = by_rows or fired is not None
    alias = where.alias.lower()
    old_image = [exp.column(c.name, table=alias) for c in target.columns]
    items = [v for _, v in pairs] + [v for _, v in from_value] + extra + old_image
    select = rewrite(_bound_rows(statement, where, items, state), state)
    state.add(target)
    projections = [projection(p) for p in select.expressions]
    first_extra = len(pairs) + len(from_value)
    outputs = typed_extras(outputs, projections[first_extra : first_extra + len(extra)])
    for i, (col, _) in enumerate(pairs):
        projections[i] = store(projections[i], col, target, "UPDATE")
    select.set("expressions", [exp.alias_(p, f"__x{i}") for i, p in enumerate(projections)])
    direct_where = select.args.get("where")
    changes = select.copy()
    changes.set("expressions", changes.expressions[: len(pairs)])
    rows_sql = _rows_sql(select, where, limit, statement.percent)
    returning = _returning(outputs, "inserted", target)
    returning_sql = (" RETURNING " + ", ".join(quote(target.columns[i].name) for i in returning)) if returning else ""
    if not where.grouped and not limit and statement.cte is None:
        simple = [f"{quote(col.name)} = {sqlite_sql(projections[i])}" for i, (col, _) in enumerate(pairs)]
        direct = f"UPDATE {target.qualified} AS {quote(alias)} SET {', '.join(simple)}"
        if direct_where is not None:
            direct += f" WHERE {sqlite_sql(direct_where.this)}"
    else:
        sets = [f"{quote(col.name)} = __chg.__x{i}" for i, (col, _) in enumerate(pairs)]
        direct = (
            f"WITH __chg AS MATERIALIZED ({_rows_sql(changes, where, limit, statement.percent)}) "
            f"UPDATE {target.qualified} AS __tgt SET {', '.join(sets)} FROM __chg WHERE __tgt.rowid = __chg.{ROWID}"
        )
    marks = ", ".join(f"{quote(col.name)} = ?" for col, _ in pairs)
    apply_sql = f"UPDATE {target.qualified} SET {marks} WHERE rowid = ? RETURNING rowid, {column_list(target)}"
    assigned = [Assigned(name, 1 + index, pairs[index][0].type) for name, index in from_column]
    assigned += [
        Assigned(name, 1 + len(pairs) + i, type_of(projections[len(pairs) + i]) or sqltypes.INT)
        for i, (name, _) in enumerate(from_value)
    ]
    written = tuple(index_of(target, col) for col, _ in pairs)
    return WritePlan(
        command="UPDATE",
        target=target,
        direct=direct + returning_sql,
        returning=returning,
        rows_sql=rows_sql,
        apply_sql=apply_sql,
        layout=(len(pairs), len(from_value), len(extra)),
        written=written,
        outputs=outputs,
        assigned=tuple(sorted(assigned, key=lambda a: a.position)),
        rows_first=bool(by_rows) or bool(null_keys(target, set(written))) or not pairs,
        percent=limit if statement.percent else "",
        null_keys=null_keys(target, set(written)),
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        triggers=fired,
    )


def compile_delete(statement: dmlparse.DmlStatement, ctx: Context, rowcount: int) -> WritePlan:
    state = Compiling(ctx)
    where = _find_target(statement, ctx)
    target = where.source
    extra: list[exp.Expression] = []
    outputs = compile_outputs(statement.outputs, target, state, ("deleted", "extra"), extra)
    fired = _triggers(ctx, target, "DELETE", outputs)
    limit = limit_sql(statement, state, rowcount)
    items = list(extra)
    if fired is not None and fired.instead_of is not None:  # the rows it would delete, as they are
        items += [exp.column(c.name, table=where.alias.lower()) for c in target.columns]
    select = rewrite(_bound_rows(statement, where, items, state), state)
    state.add(target)
    outputs = typed_extras(outputs, [projection(p) for p in select.expressions])
    direct_where = select.args.get("where")
    rows_sql = _rows_sql(select, where, limit, statement.percent)
    alias = where.alias.lower()
    returning = _returning(outputs, "deleted", target)
    returning_sql = (" RETURNING " + ", ".join(quote(target.columns[i].name) for i in returning)) if returning else ""
    if not where.grouped and not limit and statement.cte is None:
        direct = f"DELETE FROM {target.qualified} AS {quote(alias)}"
        if direct_where is not None:
            direct += f" WHERE {sqlite_sql(direct_where.this)}"
    else:
        direct = f"DELETE FROM {target.qualified} WHERE rowid IN (SELECT {ROWID} FROM ({rows_sql}))"
    return WritePlan(
        command="DELETE",
        target=target,
        direct=direct + returning_sql,
        returning=returning,
        rows_sql=rows_sql,
        apply_sql=f"DELETE FROM {target.qualified} WHERE rowid = ? RETURNING rowid, {column_list(target)}",
        layout=(0, 0, len(extra)),
        written=(),
        outputs=outputs,
        rows_first=not direct_output_ok(outputs, "deleted") or statement.percent or fired is not None,
        percent=limit if statement.percent else "",
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        triggers=fired,
    )
