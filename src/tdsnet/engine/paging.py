"""TOP and OFFSET/FETCH on SQLite's LIMIT/OFFSET.

TOP n and OFFSET/FETCH are LIMIT and OFFSET, with SQL Server's range errors where the count
is not a constant.  TOP (n) PERCENT and TOP n WITH TIES number the rows with a window
function in a derived table and keep those within the limit:

    SELECT a FROM (SELECT a, RANK() OVER (ORDER BY k) AS r, COUNT(*) OVER () AS c, k AS o FROM ...) AS t
    WHERE (r - 1) * 100 < c * n ORDER BY o
"""

from __future__ import annotations

from sqlglot import exp

from . import errors, nodes
from .treeutil import fresh, output_position


def rewrite(tree: exp.Expression) -> exp.Expression:
    for select in reversed(list(tree.find_all(exp.Select))):
        _guard_offset(select)
        limit = select.args.get("limit")
        if isinstance(limit, exp.Fetch):
            _guard(limit, "count", "tsql_fetch_rows", lambda v: v > 0, _fetch_error)
            continue
        if not isinstance(limit, exp.Limit):
            continue
        options = limit.args.get("limit_options")
        percent = bool(options and options.args.get("percent"))
        ties = bool(options and options.args.get("with_ties"))
        if not (percent or ties):
            _guard(limit, "expression", "tsql_top_rows", lambda v: v >= 0, _negative_top)
            continue
        replacement = _numbered(select, limit, percent, ties)
        if select is tree:
            tree = replacement
        else:
            select.replace(replacement)
    return tree


def _guard(node: exp.Expression, arg: str, function: str, valid: object, error: object) -> None:
    """A constant count is checked now; any other is checked by a function when the query runs."""
    value = node.args.get(arg)
    if value is None:
        return
    constant = _constant(value)
    if constant is not None:
        if not valid(constant):  # type: ignore[operator]
            raise error()  # type: ignore[operator]
        return
    node.set(arg, nodes.internal(function, value))


def _constant(node: exp.Expression) -> float | None:
    while isinstance(node, exp.Paren):
        node = node.this
    negative = isinstance(node, exp.Neg)
    if negative:
        node = node.this
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            number = float(node.this)
        except ValueError:
            return None
        return -number if negative else number
    return None


def _guard_offset(select: exp.Select) -> None:
    offset = select.args.get("offset")
    if offset is not None:
        _guard(offset, "expression", "tsql_offset_rows", lambda v: v >= 0, _negative_offset)


def _negative_offset() -> errors.SqlError:
    return errors.SqlError(10742, 15, 1, "The offset specified in a OFFSET clause may not be negative.")


def _fetch_error() -> errors.SqlError:
    return errors.SqlError(10744, 15, 1, "The number of rows provided for a FETCH clause must be greater then zero.")


def _negative_top() -> errors.SqlError:
    return errors.SqlError(1014, 15, 1, "A TOP N or FETCH rows count value may not be negative.")


def _numbered(select: exp.Select, limit: exp.Limit, percent: bool, ties: bool) -> exp.Select:
    order = select.args.get("order")
    if ties and order is None:
        raise errors.SqlError(
            1062, 16, 1, "The TOP N WITH TIES clause is not allowed without a corresponding ORDER BY clause."
        )
    if select.args.get("distinct"):
        select = _distinct_first(select, order)
        order = select.args.get("order")
    count = limit.expression
    if percent:
        constant = _constant(count)
        if constant is not None and not 0 <= constant <= 100:
            raise errors.SqlError(1031, 15, 1, "Percent values must be between 0 and 100.")
        if constant is None:
            count = nodes.internal("tsql_top_percent", count)
    inner = select.copy()
    for arg in ("order", "limit", "offset"):
        inner.set(arg, None)
    keys = [_resolved(select, o) for o in (order.expressions if order is not None else [])]
    rank, total = fresh("rank"), fresh("count")
    numbering = exp.Window(
        this=exp.Anonymous(this="RANK" if ties else "ROW_NUMBER", expressions=[]),
        order=exp.Order(expressions=keys) if keys else None,
    )
    inner.append("expressions", exp.alias_(numbering, rank))
    if percent:
        inner.append("expressions", exp.alias_(exp.Window(this=exp.Count(this=exp.Star())), total))
    hidden = []
    for ordered in keys:
        name = fresh("order")
        inner.append("expressions", exp.alias_(ordered.this.copy(), name))
        hidden.append((name, ordered))
    table = fresh("top")
    outer = exp.Select(
        expressions=[exp.alias_(exp.column(p.alias_or_name, table=table), p.alias_or_name) for p in select.expressions]
    ).from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(table))), copy=False)
    position = exp.column(rank, table=table)
    if percent:
        kept = exp.LT(
            this=exp.Mul(
                this=exp.Paren(this=exp.Sub(this=position, expression=exp.Literal.number(1))),
                expression=exp.Literal.number(100),
            ),
            expression=exp.Mul(this=exp.column(total, table=table), expression=exp.Paren(this=count.copy())),
        )
    else:
        kept = exp.LTE(this=position, expression=exp.Paren(this=count.copy()))
    outer.set("where", exp.Where(this=kept))
    if hidden:
        outer.set("order", exp.Order(expressions=[_ordered_by(table, name, o) for name, o in hidden]))
    return outer


def _resolved(select: exp.Select, ordered: exp.Ordered) -> exp.Ordered:
    """An ORDER BY item as an expression over the sources (an output alias becomes its expression)."""
    item = ordered.this
    if isinstance(item, exp.Column) and not item.table:
        position = output_position(select, item)
        if position is not None:
            projection = select.expressions[position]
            resolved = ordered.copy()
            resolved.set("this", (projection.this if isinstance(projection, exp.Alias) else projection).copy())
            return resolved
    return ordered.copy()


def _ordered_by(table: str, name: str, ordered: exp.Ordered) -> exp.Ordered:
    moved = ordered.copy()
    moved.set("this", exp.column(name, table=table))
    return moved


def _distinct_first(select: exp.Select, order: exp.Order | None) -> exp.Select:
    """SELECT DISTINCT ... TOP: rows are numbered after DISTINCT, so DISTINCT goes in a derived
    table first (its ORDER BY items are output columns, error 145 saw to that)."""
    base = select.copy()
    for arg in ("order", "limit", "offset"):
        base.set(arg, None)
    table = fresh("distinct")
    names = [p.alias_or_name for p in select.expressions]
    wrapped = exp.Select(expressions=[exp.alias_(exp.column(n, table=table), n) for n in names]).from_(
        exp.Subquery(this=base, alias=exp.TableAlias(this=exp.to_identifier(table))), copy=False
    )
    if order is not None:
        items = []
        for ordered in order.expressions:
            position = output_position(select, ordered.this)
            items.append(_ordered_by(table, names[position if position is not None else 0], ordered))
        wrapped.set("order", exp.Order(expressions=items))
    return wrapped
