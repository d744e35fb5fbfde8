"""Query rewrites and checks around name binding (`compiler.qualify_tree`).

Before binding (the tree as written, tables resolved): PIVOT and UNPIVOT become grouping
and UNION ALL, recursive CTEs are marked for SQLite's WITH RECURSIVE, keyword arguments
(ISJSON(x, OBJECT)) become strings, and the errors SQL Server finds in a query's shape are
raised (1033, 8155, 4108).

After binding (every column qualified, ``*`` expanded): the checks that need bound columns
(8120, 145, 205), then the rewrites of what SQLite lacks: GROUPING SETS/ROLLUP/CUBE, TOP
PERCENT and WITH TIES, OFFSET/FETCH ranges, MAXRECURSION, ALL/ANY, CHECKSUM(*) and the
single-row rule of scalar subqueries (512).  New nodes are built with qualified columns, so
they are typed with the rest of the tree.  A binding error names the line of its column (209,
207, 4104).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from sqlglot import exp

from . import errors, grouping, paging, pivot, recursion, subqueries
from .treeutil import output_position

if TYPE_CHECKING:
    from .compiler import Compiling

# --- before binding ----------------------------------------------------------------------------


_JSON_KINDS = frozenset({"VALUE", "ARRAY", "OBJECT", "SCALAR"})


def before_qualify(tree: exp.Expression, state: Compiling) -> None:
    _check_shapes(tree)
    _keyword_arguments(tree)
    pivot.rewrite(tree, state)
    recursion.mark(tree)


def _check_shapes(tree: exp.Expression) -> None:
    for select in tree.find_all(exp.Select):
        _check_order_by(select)
        _check_windows(select)
    for node in tree.find_all(exp.Subquery, exp.CTE, exp.Lateral):
        if isinstance(node, exp.Subquery) and not isinstance(node.parent, exp.From | exp.Join):
            continue
        _check_column_names(node.args.get("alias"), node.this)


def _keyword_arguments(tree: exp.Expression) -> None:
    """ISJSON(x, OBJECT): a keyword argument, not a column."""
    for call in tree.find_all(exp.Anonymous):
        if str(call.this).upper() == "ISJSON" and len(call.expressions) == 2:
            kind = call.expressions[1]
            if isinstance(kind, exp.Column) and not kind.table and kind.name.upper() in _JSON_KINDS:
                kind.replace(exp.Literal.string(kind.name.upper()))


def _check_order_by(select: exp.Select) -> None:
    """ORDER BY only orders a query's result: inside a derived table, subquery or CTE it needs
    TOP or OFFSET (which make it choose rows)."""
    if not select.args.get("order") or select.args.get("limit") or select.args.get("offset"):
        return
    if isinstance(select.parent, exp.Subquery | exp.CTE | exp.Exists):
        raise errors.order_by_in_derived()


def _check_windows(select: exp.Select) -> None:
    for clause in ("where", "group", "having"):
        part = select.args.get(clause)
        if part is not None and _own_nodes(part, exp.Window):
            raise errors.SqlError(4108, 15, 1, "Windowed functions can only appear in the SELECT or ORDER BY clauses.")


def _own_nodes(node: exp.Expression, kind: type) -> list[exp.Expression]:
    """Nodes of a kind in this query level (not in nested subqueries)."""
    found = []
    for child in node.walk(prune=lambda n: n is not node and isinstance(n, exp.Select | exp.Subquery)):
        if isinstance(child, kind):
            found.append(child)
    return found


def _check_column_names(alias: exp.TableAlias | None, query: exp.Expression) -> None:
    """Every column of a derived table or CTE needs a name (from the query or a column list)."""
    if alias is None or alias.columns or not alias.name:
        return
    while isinstance(query, exp.SetOperation | exp.Subquery):
        query = query.this
    if not isinstance(query, exp.Select):
        return
    for index, projection in enumerate(query.expressions, 1):
        if not isinstance(projection, exp.Alias | exp.Column | exp.Star):
            raise errors.SqlError(
                8155, 16, 2, f"No column name was specified for column {index} of '{alias.name}'.", aborts_batch=True
            )


# --- after binding -----------------------------------------------------------------------------


# Output names the binder derives from expressions that SQLite reads as keywords: CAST(NULL AS int) is "null".
_KEYWORD_NAMES = frozenset({"null", "true", "false", "current_date", "current_time", "current_timestamp"})


def after_qualify(tree: exp.Expression, state: Compiling) -> exp.Expression:
    for alias in tree.find_all(exp.Alias):
        identifier = alias.args.get("alias")
        if isinstance(identifier, exp.Identifier) and identifier.name.lower() in _KEYWORD_NAMES:
            identifier.set("quoted", True)
    for node in list(tree.find_all(exp.SetOperation)):
        _check_set_operation(node)
    for select in list(tree.find_all(exp.Select)):
        grouping.check_grouped(select)
        _check_distinct_order(select)
    subqueries.expand_checksum_star(tree, state)
    subqueries.quantified_comparisons(tree)
    subqueries.guard_scalar_subqueries(tree)
    recursion.limit_depth(tree)
    tree = grouping.expand(tree)
    return paging.rewrite(tree)


def _check_set_operation(node: exp.SetOperation) -> None:
    from .compiler import projections_of

    if len(projections_of(node.left)) != len(projections_of(node.right)):
        raise errors.SqlError(
            205,
            16,
            1,
            "All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of "
            "expressions in their target lists.",
        )


def _check_distinct_order(select: exp.Select) -> None:
    order = select.args.get("order")
    if not select.args.get("distinct") or order is None:
        return
    for ordered in order.expressions:
        if output_position(select, ordered.this) is None:
            raise errors.SqlError(
                145, 15, 1, "ORDER BY items must appear in the select list if SELECT DISTINCT is specified."
            )


def binding_error(message: str, tree: exp.Expression, state: Compiling) -> errors.SqlError | None:
    """A column the binder could not resolve because two sources of its query have it: 209."""
    match = re.search(r"Column '([^']+)' could not be resolved\.", message)
    if match is None:
        return None
    name = match.group(1).lower()
    for column in tree.find_all(exp.Column):
        if column.table or column.name.lower() != name:
            continue
        select = column.find_ancestor(exp.Select)
        if select is not None and _sources_with(select, name, state) > 1:
            return errors.ambiguous_column(column.name)
    return None


def _sources_with(select: exp.Select, name: str, state: Compiling) -> int:
    from .compiler import projections_of

    from_ = select.args.get("from_")
    items = ([from_.this] if from_ is not None else []) + [j.this for j in select.args.get("joins") or []]
    count = 0
    for item in items:
        if isinstance(item, exp.Table) and item.args.get("db"):
            source = state.sources.get((item.args["db"].name.lower(), item.name.lower()))
            count += bool(source is not None and source.column(name) is not None)
        elif isinstance(item, exp.Subquery):
            count += any(p.alias_or_name.lower() == name for p in projections_of(item.this))
    return count


def located(error: errors.SqlError, tree: exp.Expression) -> errors.SqlError:
    """A binding error at the line of the column it names, when that is not the statement's first."""
    match = re.search(r"""(?:name|identifier) ["']([^"']+)["']""", error.message)
    if match is None:
        return error
    *table, name = match.group(1).lower().split(".")
    for column in tree.find_all(exp.Column):
        if column.name.lower() == name and (not table or column.table.lower() == table[-1]):
            line = column.this.meta.get("line") if isinstance(column.this, exp.Identifier) else None
            return dataclasses.replace(error, offset=line - 1) if line else error
    return error
