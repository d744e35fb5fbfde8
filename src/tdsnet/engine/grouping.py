"""GROUP BY: the select-list rule (error 8120) and ROLLUP, CUBE and GROUPING SETS.

SQLite groups by one list of expressions, so a query with several grouping sets becomes a
UNION ALL of one query per set, wrapped in a derived table that takes the query's ORDER BY,
TOP and DISTINCT.  In the branch for a set, the grouping expressions it leaves out are NULL
(outside aggregates), GROUPING(e) is 1 for them and 0 otherwise, and GROUPING_ID(e1, ...)
is those bits as an int.
"""

from __future__ import annotations

import itertools
from functools import reduce

from sqlglot import exp

from .. import sqltypes
from . import errors, inlining
from .treeutil import fresh, key, output_position, source_aliases

# T-SQL aggregates tdsnet keeps as named calls (COUNT, SUM, AVG, MIN and MAX are sqlglot's own).
AGGREGATES = frozenset(
    {"COUNT_BIG", "STRING_AGG", "VAR", "VARP", "STDEV", "STDEVP", "CHECKSUM_AGG", "GROUPING", "GROUPING_ID"}
)
_SET_KINDS = (exp.Rollup, exp.Cube, exp.GroupingSets)


def is_aggregate(node: exp.Expression) -> bool:
    if isinstance(node, exp.AggFunc | exp.WithinGroup):
        return True
    return isinstance(node, exp.Anonymous) and str(node.this).upper() in AGGREGATES


# --- error 8120 ---------------------------------------------------------------------------------

_CLAUSE_ERRORS = {
    "select": (
        8120,
        "Column '{}' is invalid in the select list because it is not contained in either an "
        "aggregate function or the GROUP BY clause.",
    ),
    "having": (
        8121,
        "Column '{}' is invalid in the HAVING clause because it is not contained in either an "
        "aggregate function or the GROUP BY clause.",
    ),
    "order": (
        8127,
        'Column "{}" is invalid in the ORDER BY clause because it is not contained in either an '
        "aggregate function or the GROUP BY clause.",
    ),
}


def check_grouped(select: exp.Select) -> None:
    """In a grouped query every column outside an aggregate must be a GROUP BY expression."""
    group = select.args.get("group")
    having = select.args.get("having")
    if group is None and having is None and not any(_own_aggregate(p) for p in select.expressions):
        return
    keys = {key(e) for e in _group_items(group)} if group is not None else set()
    own = set(source_aliases(select))
    parts = [("select", p) for p in select.expressions]
    if having is not None:
        parts.append(("having", having.this))
    order = select.args.get("order")
    for ordered in order.expressions if order is not None else []:
        if output_position(select, ordered.this) is None or not isinstance(ordered.this, exp.Column):
            parts.append(("order", ordered.this))
    for clause, node in parts:
        column = _ungrouped(node, keys, own)
        if column is not None:
            number, text = _CLAUSE_ERRORS[clause]
            raise errors.SqlError(number, 16, 1, text.format(f"{column.table}.{column.name}"))


def _own_aggregate(node: exp.Expression) -> bool:
    stop = (exp.Window, exp.Select, exp.Subquery)
    return any(is_aggregate(n) for n in node.walk(prune=lambda n: n is not node and isinstance(n, stop)))


def _ungrouped(node: exp.Expression, keys: set[str], own: set[str]) -> exp.Column | None:
    if isinstance(node, exp.Column):
        if node.table.lower() in own and key(node) not in keys:
            return node
        return None
    if is_aggregate(node) or isinstance(node, exp.Window | exp.Select | exp.Subquery):
        return None
    if not isinstance(node, exp.Literal | exp.Null | exp.Parameter) and key(node) in keys:
        return None
    for child in node.iter_expressions():
        found = _ungrouped(child, keys, own)
        if found is not None:
            return found
    return None


def _group_items(group: exp.Group) -> list[exp.Expression]:
    """Every grouping expression, inside ROLLUP, CUBE and GROUPING SETS too."""
    return _items(list(group.expressions))


def _items(items: list[exp.Expression]) -> list[exp.Expression]:
    found = []
    for item in items:
        if isinstance(item, exp.Paren):
            found.extend(_items([item.this]))
        elif isinstance(item, (*_SET_KINDS, exp.Tuple)):
            found.extend(_items(list(item.expressions)))
        else:
            found.append(item)
    return found


# --- grouping sets ------------------------------------------------------------------------------


def expand(tree: exp.Expression) -> exp.Expression:
    for select in reversed(list(tree.find_all(exp.Select))):
        group = select.args.get("group")
        if group is None:
            continue
        if any(isinstance(item, _SET_KINDS) for item in group.expressions):
            wrapper = _union_of_sets(select)
            if select is tree:
                tree = wrapper
            else:
                select.replace(wrapper)
        else:
            _fold_grouping_calls(select, set())
    return tree


def _sets(group: exp.Group) -> list[list[exp.Expression]]:
    sets: list[list[exp.Expression]] = [[]]
    for item in group.expressions:
        sets = [a + b for a in sets for b in _sets_of(item)]
    return sets


def _sets_of(item: exp.Expression) -> list[list[exp.Expression]]:
    if isinstance(item, exp.Rollup):
        units = [_unit(u) for u in item.expressions]
        return [_flat(units[:size]) for size in range(len(units), -1, -1)]
    if isinstance(item, exp.Cube):
        units = [_unit(u) for u in item.expressions]
        return [_flat(chosen) for size in range(len(units), -1, -1) for chosen in itertools.combinations(units, size)]
    if isinstance(item, exp.GroupingSets):
        return [chosen for part in item.expressions for chosen in _sets_of(part)]
    return [_unit(item)]


def _unit(item: exp.Expression) -> list[exp.Expression]:
    """(a, b) groups together; (a) is a; () is the grand total."""
    if isinstance(item, exp.Tuple):
        return list(item.expressions)
    if isinstance(item, exp.Paren):
        return [item.this]
    return [item]


def _flat(units: list[list[exp.Expression]] | tuple[list[exp.Expression], ...]) -> list[exp.Expression]:
    return [e for unit in units for e in unit]


def _union_of_sets(select: exp.Select) -> exp.Select:
    sets = _sets(select.args["group"])
    every = {key(e) for chosen in sets for e in chosen}
    order = select.args.get("order")
    hidden = {}
    for index, ordered in enumerate(order.expressions if order is not None else []):
        if output_position(select, ordered.this) is None:
            hidden[index] = fresh("order")
    branches = [_branch(select, chosen, every, hidden) for chosen in sets]
    union = reduce(lambda left, right: exp.union(left, right, distinct=False), branches)
    name = fresh("sets")
    wrapper = exp.Select(
        expressions=[exp.alias_(exp.column(p.alias_or_name, table=name), p.alias_or_name) for p in select.expressions]
    ).from_(exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier(name))), copy=False)
    for arg in ("distinct", "limit", "offset", "options"):
        if select.args.get(arg) is not None:
            wrapper.set(arg, select.args[arg])
    if order is not None:
        wrapper.set("order", _outer_order(select, order, hidden, name))
    return wrapper


def _branch(select: exp.Select, chosen: list[exp.Expression], every: set[str], hidden: dict[int, str]) -> exp.Select:
    branch = select.copy()
    for arg in ("order", "limit", "offset", "distinct", "options"):
        branch.set(arg, None)
    if chosen:
        branch.set("group", exp.Group(expressions=[e.copy() for e in chosen]))
    elif any(_own_aggregate(p) for p in select.expressions):
        branch.set("group", None)  # the grand total: one row, as an aggregate query without GROUP BY
    else:  # no aggregate to make it one row: group all rows by a constant
        branch.set("group", exp.Group(expressions=[exp.Literal.string("")]))
    kept = {key(e) for e in chosen}
    order = select.args.get("order")
    for index, name in hidden.items():
        branch.append("expressions", exp.alias_(order.expressions[index].this.copy(), name))
    _fold_grouping_calls(branch, every - kept, every)
    return branch


def _fold_grouping_calls(select: exp.Select, missing: set[str], every: set[str] | None = None) -> None:
    """GROUPING/GROUPING_ID to constants; expressions of other sets to NULL (outside aggregates)."""
    parts = [*select.expressions]
    if select.args.get("having") is not None:
        parts.append(select.args["having"])
    for part in parts:
        _substitute(part, missing, every or set())


def _substitute(node: exp.Expression, missing: set[str], every: set[str]) -> None:
    for child in list(node.iter_expressions()):
        replacement = _replacement(child, missing, every)
        if replacement is not None:
            child.replace(replacement)
        elif not is_aggregate(child) and not isinstance(child, exp.Select | exp.Subquery):
            _substitute(child, missing, every)


def _replacement(node: exp.Expression, missing: set[str], every: set[str]) -> exp.Expression | None:
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        if name == "GROUPING":
            bit = 1 if key(node.expressions[0]) in missing else 0
            return inlining.converted(exp.Literal.number(bit), sqltypes.TINYINT)
        if name == "GROUPING_ID":
            bits = 0
            for argument in node.expressions:
                bits = bits * 2 + (1 if key(argument) in missing else 0)
            return exp.Literal.number(bits)
    if every and not isinstance(node, exp.Literal | exp.Null) and key(node) in missing:
        return exp.Null()
    return None


def _outer_order(select: exp.Select, order: exp.Order, hidden: dict[int, str], table: str) -> exp.Order:
    items = []
    for index, ordered in enumerate(order.expressions):
        position = output_position(select, ordered.this)
        name = hidden[index] if position is None else select.expressions[position].alias_or_name
        moved = ordered.copy()
        moved.set("this", exp.column(name, table=table))
        items.append(moved)
    return exp.Order(expressions=items)
