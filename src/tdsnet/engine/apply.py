"""CROSS APPLY and OUTER APPLY, and STRING_SPLIT as a table, on SQLite.

SQLite has no LATERAL.  An applied query that does not refer to the row on its left is an
ordinary join (CROSS JOIN, or LEFT JOIN ... ON 1 = 1 for OUTER APPLY).  One that does runs
per left row as a correlated scalar subquery that packs its rows into a JSON array, and
SQLite's json_each (a table-valued function, which may read columns to its left) unpacks
them: column i of the applied query is ``json_extract(alias.value, '$[i]')``.  Values that
JSON would not carry exactly travel as text: floats with 17 digits, binaries as hex.

STRING_SPLIT(text, separator [, enable_ordinal]) is json_each over `functions.tsql_split_json`, and a
multi-statement table-valued function json_each over the rows the session returns for it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from sqlglot import exp

from .. import sqltypes
from ..sqltypes import SqlType, parse_type
from . import errors, inlining, modules, nodes
from .dialect import parse_one
from .storage import DECIMAL_COLLATION, DEFAULT_COLLATION, DTO_COLLATION

if TYPE_CHECKING:
    from .catalog import ModuleDef
    from .compiler import Compiling, SourceColumn

_STAND_IN = "__tdsnet_rows"
_stand_ins = itertools.count(1)
_SPLIT = "tsql_split_json"
_TABLE_FUNCTION = "tsql_table_function"


# --- before binding: what an APPLY applies ---------------------------------------------------------


def tables_in_laterals(tree: exp.Expression) -> None:
    """APPLY schema.f(args) and APPLY STRING_SPLIT(...) as table references, so the function is
    inlined (or built in) like one in FROM; APPLY (VALUES ...) as a UNION ALL of SELECTs."""
    for lateral in list(tree.find_all(exp.Lateral)):
        target = lateral.this
        if isinstance(target, exp.Dot) and isinstance(target.expression, exp.Anonymous):
            table = exp.Table(this=target.expression, db=exp.to_identifier(target.this.name))
        elif isinstance(target, exp.Anonymous):
            table = exp.Table(this=target)
        elif isinstance(target, exp.Subquery) and isinstance(target.this, exp.Values):
            _values_as_union(lateral)
            continue
        else:
            continue
        alias = lateral.args.get("alias")
        if alias is not None:
            table.set("alias", exp.TableAlias(this=alias.this.copy()))
        lateral.set("this", exp.Subquery(this=exp.select("*").from_(table, copy=False)))


def _values_as_union(lateral: exp.Lateral) -> None:
    """SQLite's VALUES cannot read an outer query's columns in every position; SELECTs can."""
    alias = lateral.args.get("alias")
    names = [c.name for c in alias.columns] if alias is not None and alias.columns else []
    rows = lateral.this.this.expressions
    selects = []
    for row in rows:
        cells = row.expressions if isinstance(row, exp.Tuple) else [row]
        if names and len(cells) != len(names):
            raise errors.SqlError(
                8158, 16, 1, f"'{alias.name}' has more columns than were specified in the column list."
            )
        selects.append(exp.select(*[exp.alias_(c.copy(), n) for c, n in zip(cells, names, strict=False)]))
    union = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    lateral.set("this", exp.Subquery(this=union))
    if alias is not None:
        alias.set("columns", None)


# --- table-valued functions that produce rows: STRING_SPLIT, multi-statement functions ---------------


def builtin_table(table: exp.Table, state: Compiling) -> bool:
    """FROM STRING_SPLIT(...) or FROM schema.f(...) of a multi-statement function: a derived table
    over a stand-in source the binder can see, which becomes json_each after the rewrite.  False
    for other table-valued functions (an inline function is inlined instead)."""
    call = table.this
    schema = table.args.get("db")
    if str(call.this).upper() == "STRING_SPLIT" and schema is None:
        _string_split(table, list(call.expressions), state)
        return True
    catalog = table.args.get("catalog")
    module = state.module(catalog.name if catalog else None, schema.name if schema else None, str(call.this))
    if module is None or module.kind != modules.TABLE_FUNCTION:
        return False
    _table_function(table, module, list(call.expressions), state)
    return True


def _stand_in(table: exp.Table, columns: list[SourceColumn], marker: exp.Expression, state: Compiling) -> None:
    from .compiler import Source

    storage = f"{_STAND_IN}{next(_stand_ins)}"
    state.add(Source("temp", storage, table.name, tuple(columns)))
    inner = "__rows"
    select = exp.select(*[exp.alias_(exp.column(c.name, table=inner), c.name) for c in columns]).from_(
        exp.Table(
            this=exp.to_identifier(storage),
            db=exp.to_identifier("temp"),
            alias=exp.TableAlias(this=exp.to_identifier(inner)),
        ),
        copy=False,
    )
    select.set("where", exp.Where(this=marker))
    alias = table.alias or str(table.this.this)
    table.replace(exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(alias))))


def _string_split(table: exp.Table, args: list[exp.Expression], state: Compiling) -> None:
    from .compiler import SourceColumn

    if len(args) not in (2, 3):
        raise errors.SqlError(
            216,
            16,
            1,
            "Parameters supplied for object 'STRING_SPLIT' which is not a function. If the parameters "
            "are intended as a table hint, a WITH keyword is required.",
        )
    columns = [SourceColumn("value", _split_type(args[0], state))]
    if len(args) == 3 and _enabled(args[2]):
        columns.append(SourceColumn("ordinal", sqltypes.BIGINT, False))
    _stand_in(table, columns, nodes.internal(_SPLIT, args[0].copy(), args[1].copy()), state)


def _table_function(table: exp.Table, module: ModuleDef, args: list[exp.Expression], state: Compiling) -> None:
    """A multi-statement table-valued function: `session` runs it and returns its rows as JSON."""
    from .compiler import SourceColumn

    spec = module.spec
    bound = inlining.bind(spec, args)
    names = [exp.Literal.string(part) for part in (state.ctx.database, module.schema, spec.name)]
    marker = nodes.internal(_TABLE_FUNCTION, *names, *[bound[p.key] for p in spec.parameters])
    columns = [SourceColumn(name, st, nullable) for name, st, nullable in returned_columns(spec.returns_table or "")]
    _stand_in(table, columns, marker, state)


def returned_columns(definition: str) -> list[tuple[str, SqlType, bool]]:
    """The columns of RETURNS @t TABLE (...): name, type, nullable."""
    declare = parse_one(f"DECLARE {definition}")
    schema = declare.expressions[0].args.get("kind") if isinstance(declare, exp.Declare) else None
    if not isinstance(schema, exp.Schema):
        raise errors.syntax_error(definition.split(maxsplit=1)[0] if definition else "", 1)
    columns = []
    for column in schema.expressions:
        if not isinstance(column, exp.ColumnDef):
            continue
        constraints = [c.args.get("kind") for c in column.args.get("constraints") or []]
        nullable = not any(
            isinstance(k, exp.NotNullColumnConstraint | exp.PrimaryKeyColumnConstraint) for k in constraints
        )
        columns.append((column.name, parse_type(column.args["kind"].sql(dialect="tsql")), nullable))
    return columns


def _enabled(flag: exp.Expression) -> bool:
    if isinstance(flag, exp.Literal) and not flag.is_string and flag.this in ("0", "1"):
        return flag.this == "1"
    if isinstance(flag, exp.Null):
        return False
    raise errors.SqlError(
        8748,
        16,
        1,
        "The enable_ordinal argument for STRING_SPLIT only supports constant values (not variables or columns).",
    )


def _split_type(text: exp.Expression, state: Compiling) -> SqlType:
    """The value column is the input's string type (nvarchar when it is unicode)."""
    if isinstance(text, exp.National):
        return sqltypes.SqlType("nvarchar", length=max(len(text.this), 1))
    if isinstance(text, exp.Literal) and text.is_string:
        return sqltypes.SqlType("varchar", length=max(len(text.this), 1))
    if isinstance(text, exp.Parameter):
        declared = state.ctx.variable_type(text.name.lower())
        if declared is not None and declared.is_string:
            return declared
    if isinstance(text, exp.Column) and text.table:
        column = _bound_column(text, state)
        if column is not None and column.type.is_string:
            return column.type
    return sqltypes.NVARCHAR_MAX


def _bound_column(column: exp.Column, state: Compiling) -> SourceColumn | None:
    """t.c where t is a table the query has already resolved (APPLY STRING_SPLIT(t.c, ',')."""
    for table in column.root().find_all(exp.Table):
        if table.alias_or_name.lower() == column.table.lower() and table.args.get("db"):
            source = state.sources.get((table.args["db"].name.lower(), table.name.lower()))
            return source.column(column.name) if source is not None else None
    return None


# --- after the rewrite -----------------------------------------------------------------------------


def after_rewrite(tree: exp.Expression, state: Compiling) -> exp.Expression:
    for table in list(tree.find_all(exp.Table)):
        if table.name.startswith(_STAND_IN):
            _rows_from_json(table)
    for join in list(tree.find_all(exp.Join)):
        if isinstance(join.this, exp.Lateral):
            _apply_as_join(join)
    return tree


def _rows_from_json(table: exp.Table) -> None:
    """A stand-in source as json_each over the rows its marker's function returns."""
    from .compiler import call, type_hint, type_of

    select = table.find_ancestor(exp.Select)
    marker = select.args["where"].this
    select.set("where", None)
    rows = "__json"
    if str(marker.this) == _SPLIT:
        text, separator = marker.expressions
        produced = call(_SPLIT, text, separator, type_hint(type_of(text)), type_hint(type_of(separator)))
        cells = [
            exp.alias_(exp.column("value", table=rows), "value"),
            exp.alias_(exp.Add(this=exp.column("key", table=rows), expression=exp.Literal.number(1)), "ordinal"),
        ]
    else:
        produced = marker
        names = [p.alias_or_name for p in select.expressions]
        types = [type_of(p) for p in select.expressions]
        cells = [exp.alias_(_unpacked(rows, i, st), n) for i, (n, st) in enumerate(zip(names, types, strict=True))]
    source = exp.select(*cells).from_(
        exp.Table(
            this=exp.Anonymous(this="json_each", expressions=[produced]),
            alias=exp.TableAlias(this=exp.to_identifier(rows)),
        ),
        copy=False,
    )
    table.replace(exp.Subquery(this=source, alias=exp.TableAlias(this=exp.to_identifier(table.alias))))


def _apply_as_join(join: exp.Join) -> None:
    lateral = join.this
    alias = lateral.alias
    query = lateral.this.this if isinstance(lateral.this, exp.Subquery) else lateral.this
    outer = lateral.args.get("cross_apply") is False
    if not _correlated(query):
        derived = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias)))
        join.set("this", derived)
        join.set("kind", None)
        if outer:
            join.set("side", "LEFT")
            join.set("on", exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(1)))
        else:
            join.set("kind", "CROSS")
        return
    from .compiler import projections_of, type_of

    projections = projections_of(query)
    names = [p.alias_or_name for p in projections]
    types = [type_of(p) for p in projections]
    packed = exp.Subquery(this=_packing_query(query, names, types))
    join.set(
        "this",
        exp.Table(
            this=exp.Anonymous(this="json_each", expressions=[packed]),
            alias=exp.TableAlias(this=exp.to_identifier(alias)),
        ),
    )
    join.set("kind", None)
    if outer:
        join.set("side", "LEFT")
        join.set("on", exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(1)))
    _unpack_references(join.find_ancestor(exp.Select), join, alias, names, types)


def _correlated(query: exp.Expression) -> bool:
    """Whether the applied query reads a column of a table outside it."""
    inside = {t.alias_or_name.lower() for t in query.find_all(exp.Table, exp.Subquery) if t.alias_or_name}
    inside |= {cte.alias.lower() for cte in query.find_all(exp.CTE)}
    return any(c.table and c.table.lower() not in inside for c in query.find_all(exp.Column))


def _packing_query(query: exp.Expression, names: list[str], types: list[SqlType | None]) -> exp.Select:
    rows = "__applied"
    cells = [_packed(exp.column(n, table=rows), st) for n, st in zip(names, types, strict=True)]
    array = exp.Anonymous(this="json_array", expressions=cells)
    return exp.select(exp.Anonymous(this="json_group_array", expressions=[array])).from_(
        exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(rows))), copy=False
    )


def _packed(column: exp.Column, st: SqlType | None) -> exp.Expression:
    family = st.family if st is not None else ""
    if family == "float":
        text = exp.Anonymous(this="printf", expressions=[exp.Literal.string("%!.17g"), column.copy()])
    elif family == "binary":
        text = exp.Anonymous(this="hex", expressions=[column.copy()])
    else:
        return column
    return exp.Case(ifs=[exp.If(this=exp.Is(this=column, expression=exp.Null()), true=exp.Null())], default=text)


def _unpacked(alias: str, index: int, st: SqlType | None) -> exp.Expression:
    value = exp.Anonymous(
        this="json_extract", expressions=[exp.column("value", table=alias), exp.Literal.string(f"$[{index}]")]
    )
    family = st.family if st is not None else ""
    if family == "float":
        return exp.Cast(this=value, to=exp.DataType.build("REAL"))
    if family == "binary":
        return exp.Anonymous(this="tsql_unhex", expressions=[value])
    collation = _collation(st)
    if collation is not None:  # a column's collation does not survive JSON: compare as the type does
        return exp.Paren(this=exp.Collate(this=value, expression=exp.to_identifier(collation)))
    return value


def _collation(st: SqlType | None) -> str | None:
    if st is None:
        return None
    if st.is_string:
        return DEFAULT_COLLATION
    if st.family in ("decimal", "money"):
        return DECIMAL_COLLATION
    return DTO_COLLATION if st.name == "datetimeoffset" else None


def _unpack_references(
    select: exp.Select, join: exp.Join, alias: str, names: list[str], types: list[SqlType | None]
) -> None:
    """Columns of the applied query, wherever this query level (or a subquery of it) reads them."""
    positions = {n.lower(): i for i, n in enumerate(names)}
    lowered = alias.lower()

    def shadowed(node: exp.Expression) -> bool:
        if node is join:
            return True
        if isinstance(node, exp.Select) and node is not select:
            return lowered in _own_aliases(node)
        return False

    for column in list(select.walk(prune=shadowed)):
        if isinstance(column, exp.Column) and column.table.lower() == lowered:
            index = positions.get(column.name.lower())
            if index is not None:
                column.replace(_unpacked(alias, index, types[index]))


def _own_aliases(select: exp.Select) -> set[str]:
    from_ = select.args.get("from_")
    items = ([from_.this] if from_ is not None else []) + [j.this for j in select.args.get("joins") or []]
    return {i.alias_or_name.lower() for i in items if i.alias_or_name}
