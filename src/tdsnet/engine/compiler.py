"""From a parsed T-SQL statement to SQL SQLite runs, with SQL Server's result types.

The steps, for a query:

1. resolve each table name against the catalog (temp tables, other databases,
   system views) and replace it with the SQLite name of its storage;
2. let sqlglot's ``qualify`` bind every column to its source and expand ``*``
   (an unbound column is SQL Server's 207);
3. type every node bottom-up by SQL Server's rules (`typing`), which gives
   COLMETADATA and decides the rewrites;
4. rewrite T-SQL semantics SQLite lacks: string ``+`` becomes ``||``, decimal
   arithmetic goes through exact functions, ``/`` reports divide by zero,
   operands of different types convert by data type precedence, strings compare
   under the column's (or the default) collation, built-ins map to `functions`.

Plans are immutable and cached by the executor with the catalog versions they
depend on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import MappingSchema

from .. import sqltypes
from ..sqltypes import Column, SqlType, TypeError_, parse_type
from . import apply, errors, functions, inlining, modules, nodes, operators, queries, sequences, system, values
from . import typerules as ty
from .catalog import ModuleDef, TableDef
from .storage import DECIMAL_COLLATION, DEFAULT_COLLATION, DTO_COLLATION, quote

T = "tds_type"  # node.meta key: the node's SqlType (or None when unknown)
N = "tds_nullable"
# An auto-parameterized literal (engine.autoparam) is the variable @__tdsnet_p<n>: typed as the literal
# was and, like it, never NULL; spelled :__tdsnet_p<n> for SQLite, so it compares with NULL as a literal does.
SLOT_PREFIX = "__tdsnet_p"


@dataclass(frozen=True, slots=True)
class SourceColumn:
    name: str
    type: SqlType
    nullable: bool = True
    identity: bool = False
    computed: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """A table-like thing a statement reads or writes, resolved to its storage."""

    sqlite_db: str
    storage: str
    display: str  # as messages name it: dbo.t
    columns: tuple[SourceColumn, ...]
    table: TableDef | None = None
    system_view: str | None = None
    dependency: tuple[str, int] | None = None

    def column(self, name: str) -> SourceColumn | None:
        lowered = name.lower()
        for col in self.columns:
            if col.name.lower() == lowered:
                return col
        return None

    @property
    def qualified(self) -> str:
        return f"{quote(self.sqlite_db)}.{quote(self.storage)}"


class Context(Protocol):
    """What the compiler needs from the session that runs the statement."""

    database: str

    def resolve_table(self, catalog: str | None, schema: str | None, name: str) -> Source | None: ...

    def resolve_module(
        self, catalog: str | None, schema: str | None, name: str
    ) -> tuple[ModuleDef, tuple[str, int]] | None: ...

    def variable_type(self, name: str) -> SqlType | None: ...


@dataclass(frozen=True, slots=True)
class Plan:
    """A statement ready to run: SQLite SQL and what to do with its output."""

    sql: str
    command: str  # SELECT, INSERT, UPDATE, DELETE, SET (assignment)
    columns: tuple[Column, ...] = ()
    readers: tuple[Callable[[Any], Any], ...] = ()
    variables: tuple[str, ...] = ()
    system_views: tuple[str, ...] = ()
    dependencies: tuple[tuple[str, int], ...] = ()
    assignments: tuple[str, ...] = ()  # SELECT @a = ..., @b = ...: variable per column
    identity_table: Source | None = None  # INSERT that assigns identity values
    target: Source | None = None
    returns_rows: bool = True
    touches_store: bool = True


@dataclass(slots=True)
class Compiling:
    ctx: Context
    sources: dict[tuple[str, str], Source] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)
    extra_dependencies: set[tuple[str, int]] = field(default_factory=set)

    def add(self, source: Source) -> None:
        self.sources[(source.sqlite_db.lower(), source.storage.lower())] = source
        if source.system_view:
            self.views.add(source.system_view)

    def module(self, catalog: str | None, schema: str | None, name: str) -> ModuleDef | None:
        """A user function, remembered as a dependency of the plan (ALTER FUNCTION recompiles)."""
        found = self.ctx.resolve_module(catalog, schema, name)
        if found is None:
            return None
        self.extra_dependencies.add(found[1])
        return found[0]

    def dependencies(self) -> tuple[tuple[str, int], ...]:
        found = {s.dependency for s in self.sources.values() if s.dependency}
        return tuple(sorted(found | self.extra_dependencies))


# --- entry points ------------------------------------------------------------------------------


def compile_query(tree: exp.Expression, ctx: Context) -> Plan:
    """SELECT (and UNION/EXCEPT/INTERSECT, WITH ... SELECT)."""
    state = Compiling(ctx)
    tree = tree.copy()
    assignments = _take_assignments(tree)
    names = _projection_names(tree)
    prepare(tree, state)
    qualified = qualify_tree(tree, state)
    annotate(qualified, state)
    projections = projections_of(qualified)
    columns = []
    for index, projection in enumerate(projections):
        name = _output_name(projection, index, names, state)
        st = type_of(projection) or sqltypes.INT  # an untyped NULL is int, as in SQL Server
        columns.append(Column(name, st, bool(projection.meta.get(N, True))))
    sql = sqlite_sql(rewrite(qualified, state))
    touches = bool(state.sources)
    if assignments and len(assignments) != len(columns):
        raise errors.SqlError(
            141,
            15,
            1,
            "A SELECT statement that assigns a value to a variable must not be combined with "
            "data-retrieval operations.",
        )
    return Plan(
        sql=sql,
        command="SELECT",
        columns=tuple(columns),
        readers=tuple(values.reader_for(c.type) for c in columns),
        variables=tuple(sorted(state.variables)),
        system_views=tuple(sorted(state.views)),
        dependencies=state.dependencies(),
        assignments=tuple(assignments),
        touches_store=touches or bool(_store_functions(qualified)),
    )


def compile_expression(node: exp.Expression, ctx: Context) -> Plan:
    """A scalar expression (SET @x = ..., IF conditions, RETURN n) as ``SELECT expr``."""
    return compile_query(exp.select(node.copy()), ctx)


def _take_assignments(tree: exp.Expression) -> list[str]:
    """SELECT @a = x, @b = y: remember the variables, leave the expressions."""
    if not isinstance(tree, exp.Select):
        return []
    names: list[str] = []
    new = []
    for projection in tree.expressions:
        target = projection.this if isinstance(projection, exp.EQ | exp.PropertyEQ) else None
        if isinstance(target, exp.Parameter) and not isinstance(target.this, exp.Parameter):
            names.append(target.name.lower())
            new.append(projection.expression)
        else:
            new.append(projection)
    if names:
        tree.set("expressions", new)
    return names


# --- step 1: names -----------------------------------------------------------------------------

_DATEPART_FUNCTIONS = {"DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "DATETRUNC"}
_PLACEHOLDER = re.compile(r"^__p(\d+)$")


def _projection_names(tree: exp.Expression) -> dict[str, str]:
    """Output names as SQL Server reports them, before qualify lower-cases everything:
    an alias as written, a column's name as written, '' for an expression."""
    select = _leftmost_select(tree)
    names: dict[str, str] = {}
    if select is None:
        return names
    wrapped = []
    for index, projection in enumerate(select.expressions):
        if isinstance(projection, exp.Star) or (
            isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
        ):
            wrapped.append(projection)
            continue
        if isinstance(projection, exp.Alias):
            names[projection.alias.lower()] = projection.alias
            wrapped.append(projection)
            continue
        placeholder = f"__p{index}"
        names[placeholder] = projection.name if isinstance(projection, exp.Column) else ""
        wrapped.append(exp.alias_(projection, placeholder, quoted=False))
    select.set("expressions", wrapped)
    return names


def _leftmost_select(tree: exp.Expression) -> exp.Select | None:
    node = tree
    while isinstance(node, exp.SetOperation):
        node = node.this
    if isinstance(node, exp.Subquery | exp.Lateral):  # a derived table, or what APPLY applies
        return _leftmost_select(node.this)
    return node if isinstance(node, exp.Select) else None


def prepare(tree: exp.Expression, state: Compiling, depth: int = 0) -> None:
    """Inline user functions and views; resolve table names to storage; turn datepart
    arguments into literals; fold -literal."""
    if depth > modules.MAX_NESTING:
        raise errors.nesting_exceeded()
    sequences.prepare(tree, state.ctx, state.extra_dependencies)
    apply.tables_in_laterals(tree)
    inlining.inline_scalar_calls(tree, state)
    cte_names = {cte.alias.lower() for cte in tree.find_all(exp.CTE)}
    for neg in list(tree.find_all(exp.Neg)):
        folded = _negative_literal(neg)
        if folded is not None:
            neg.replace(folded)
    for node in list(tree.find_all(exp.Anonymous)):
        if str(node.this).upper() in _DATEPART_FUNCTIONS and node.expressions:
            first = node.expressions[0]
            if isinstance(first, exp.Column | exp.Identifier | exp.Var):
                first.replace(exp.Literal.string(first.name))
    for column in tree.find_all(exp.Column):
        # schema.table.column and db.schema.table.column: the table is aliased by its own name.
        if column.args.get("db") or column.args.get("catalog"):
            column.set("db", None)
            column.set("catalog", None)
    for table in list(tree.find_all(exp.Table)):
        if isinstance(table.this, exp.Anonymous) and apply.builtin_table(table, state):
            continue
        if isinstance(table.this, exp.Anonymous):
            _inline(table, inlining.inline_function_table(table, _table_function(table, state)), state, depth)
            continue
        if not table.name or isinstance(table.this, exp.Func):
            raise errors.not_supported("table-valued functions")
        if not table.args.get("db") and table.name.lower() in cte_names:
            continue
        source = resolve_source(table, state.ctx)
        if source.table is not None and source.table.type == "V" and source.table.definition:
            if source.dependency:
                state.extra_dependencies.add(source.dependency)
            columns = [c.name for c in source.columns]
            _inline(table, inlining.inline_view(table, source.table.definition, columns), state, depth)
            continue
        _bind_source(table, source, state)
    if depth == 0:
        queries.before_qualify(tree, state)


def _inline(table: exp.Table, subquery: exp.Subquery, state: Compiling, depth: int) -> None:
    table.replace(subquery)
    prepare(subquery.this, state, depth + 1)


def _table_function(table: exp.Table, state: Compiling) -> ModuleDef:
    call = table.this
    catalog, schema = table.args.get("catalog"), table.args.get("db")
    module = state.module(catalog.name if catalog else None, schema.name if schema else None, str(call.this))
    if module is None or module.kind != modules.INLINE_FUNCTION:
        if schema is None:
            raise errors.SqlError(195, 15, 10, f"'{call.this}' is not a recognized built-in function name.")
        raise errors.invalid_object(f"{schema.name}.{call.this}")
    return module


def table_name(table: exp.Table) -> str:
    """The name as written: sqlglot strips the # of #temp and ##global tables into flags."""
    ident = table.this
    if isinstance(ident, exp.Parameter):  # a table variable
        return "@" + table.name
    if isinstance(ident, exp.Identifier):
        if ident.args.get("global_"):
            return "##" + table.name
        if ident.args.get("temporary"):
            return "#" + table.name
    return table.name


def resolve_source(table: exp.Table, ctx: Context) -> Source:
    catalog = table.args.get("catalog")
    schema = table.args.get("db")
    source = ctx.resolve_table(catalog.name if catalog else None, schema.name if schema else None, table_name(table))
    if source is None:
        raise errors.invalid_object(_written_name(table))
    return source


def _written_name(table: exp.Table) -> str:
    parts = [p.name for p in (table.args.get("catalog"), table.args.get("db")) if p]
    return ".".join([*parts, table_name(table)])


def _bind_source(table: exp.Table, source: Source, state: Compiling) -> None:
    state.add(source)
    alias = table.alias or table.name
    table.set("this", exp.to_identifier(source.storage.lower(), quoted=True))
    table.set("db", exp.to_identifier(source.sqlite_db.lower(), quoted=True))
    table.set("catalog", None)
    table.set("alias", exp.TableAlias(this=exp.to_identifier(alias.lower())))
    table.set("hints", None)


# --- step 2: qualify ---------------------------------------------------------------------------


def _schema(state: Compiling) -> MappingSchema:
    mapping: dict[str, dict[str, dict[str, str]]] = {}
    for source in state.sources.values():
        mapping.setdefault(source.sqlite_db.lower(), {})[source.storage.lower()] = {
            col.name.lower(): "INT" for col in source.columns
        }
    return MappingSchema(mapping, dialect="tsql")


def qualify_tree(tree: exp.Expression, state: Compiling) -> exp.Expression:
    try:
        qualified = qualify(
            tree,
            schema=_schema(state),
            dialect="tsql",
            validate_qualify_columns=True,
            quote_identifiers=False,
            identify=False,
        )
    except OptimizeError as exc:
        error = queries.binding_error(str(exc), tree, state) or _qualify_error(str(exc))
        raise queries.located(error, tree) from None
    for identifier in qualified.find_all(exp.Identifier):
        if not identifier.quoted and not _PLAIN_NAME.match(identifier.this):
            identifier.set("quoted", True)  # a name as [my.table] wrote it, aliases qualify made of it included
    return queries.after_qualify(qualified, state)


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _qualify_error(message: str) -> errors.SqlError:
    match = re.search(r"Column '([^']+)' could not be resolved for table: '([^']+)'", message)
    if match:
        return errors.multipart_not_bound(f"{match.group(2)}.{match.group(1)}")
    match = re.search(r"Column '([^']+)' could not be resolved", message)
    if match:
        return errors.invalid_column(match.group(1).split(".")[-1])
    match = re.search(r"Ambiguous column '([^']+)'", message) or re.search(
        r"ambiguous.*'([^']+)'", message, re.IGNORECASE
    )
    if match:
        return errors.ambiguous_column(match.group(1))
    match = re.search(r"Unknown table: '?([^'\s]+)'?", message) or re.search(r"Table '([^']+)'", message)
    if match:
        return errors.multipart_not_bound(match.group(1))
    return errors.SqlError(4104, 16, 1, f"The multi-part identifier could not be bound ({message}).")


# --- step 3: types -----------------------------------------------------------------------------


def type_of(node: exp.Expression | None) -> SqlType | None:
    return None if node is None else node.meta.get(T)


def set_type(node: exp.Expression, st: SqlType | None, nullable: bool = True) -> None:
    node.meta[T] = st
    node.meta[N] = nullable


def literal_type(node: exp.Expression) -> SqlType | None:
    """The type of a literal (Literal, National, HexString) as a statement would give it."""
    _Annotator(None, None).annotate(node)  # type: ignore[arg-type]  # literals need no scope or state
    return type_of(node)


def _negative_literal(neg: exp.Neg) -> exp.Literal | None:
    """-5 as the literal -5 (T-SQL types -2147483648 as int, not as the negation of a numeric)."""
    inner = neg.this
    if isinstance(inner, exp.Literal) and not inner.is_string and not inner.this.startswith("-"):
        return exp.Literal(this="-" + inner.this, is_string=False)
    return None


_CONSTANTS = (exp.Literal, exp.National, exp.HexString, exp.Null)


def typed_constant(node: exp.Expression) -> exp.Expression | None:
    """A constant (a literal, NULL, a minus before a number) typed and rewritten for SQLite as
    binding and rewriting a query would leave it, without the query; None for anything else."""
    if isinstance(node, exp.Neg):
        constant: exp.Expression | None = _negative_literal(node)
    else:
        constant = node.copy() if isinstance(node, _CONSTANTS) else None
    if constant is None:
        return None
    _Annotator(None, None).annotate(constant)  # type: ignore[arg-type]  # constants need no scope or state
    spelled = _rewrite(constant, None)  # type: ignore[arg-type]  # nor do their rewrites
    if spelled is None or spelled is constant:
        return constant
    spelled.meta.update({k: v for k, v in constant.meta.items() if k in (T, N)})
    return spelled


def literal_sql(node: exp.Expression) -> str:
    """A literal typed by `literal_type` as a plan spells it for SQLite."""
    return sqlite_sql(_rewrite(node, None) or node)  # type: ignore[arg-type]  # nor do their rewrites


def annotate(tree: exp.Expression, state: Compiling) -> None:
    for scope in traverse_scope(tree):
        annotator = _Annotator(scope, state)
        for node in _post_order(scope.expression, scope):
            annotator.annotate(node)
        if isinstance(scope.expression, exp.SetOperation):
            _annotate_set_operation(scope.expression)


def _post_order(root: exp.Expression, scope: Scope) -> list[exp.Expression]:
    """Nodes of this scope, children first; nested scopes' roots are typed already."""
    order: list[exp.Expression] = []
    stack: list[tuple[exp.Expression, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        if node is not root and isinstance(node, exp.Subquery | exp.Select | exp.SetOperation):
            continue
        for child in node.iter_expressions():
            stack.append((child, False))
    return order


def _annotate_set_operation(node: exp.SetOperation) -> None:
    left, right = projections_of(node.left), projections_of(node.right)
    for a, b in zip(left, right, strict=False):
        merged = ty.common([type_of(a), type_of(b)])
        set_type(a, merged, bool(a.meta.get(N, True)) or bool(b.meta.get(N, True)))


def projections_of(node: exp.Expression) -> list[exp.Expression]:
    select = _leftmost_select(node) if not isinstance(node, exp.Select) else node
    return list(select.expressions) if select is not None else []


def _values_column(values: exp.Values, name: str) -> tuple[SqlType | None, bool] | None:
    """The type of a column of (VALUES ...) AS t(a, b): the common type of its rows."""
    alias = values.args.get("alias")
    names = [c.name.lower() for c in alias.columns] if alias is not None else []
    if name not in names:
        return None
    index = names.index(name)
    cells = [row.expressions[index] for row in values.expressions if len(row.expressions) > index]
    return ty.common([type_of(c) for c in cells]), any(bool(c.meta.get(N, True)) for c in cells)


def _outer_side(scope: Scope) -> frozenset[str]:
    """The aliases a LEFT, RIGHT or FULL join of this scope may fill with NULLs."""
    cached = scope.__dict__.get("_tdsnet_outer")
    if cached is not None:
        return cached
    nullable: set[str] = set()
    select = scope.expression
    if isinstance(select, exp.Select) and select.args.get("from_"):
        seen = [select.args["from_"].this.alias_or_name.lower()]
        for join in select.args.get("joins") or []:
            alias = join.this.alias_or_name.lower()
            side = (join.side or "").upper()
            outer_apply = isinstance(join.this, exp.Lateral) and join.this.args.get("cross_apply") is False
            if side in ("LEFT", "FULL") or outer_apply:
                nullable.add(alias)
            if side in ("RIGHT", "FULL"):
                nullable.update(seen)
            seen.append(alias)
    result = frozenset(nullable)
    scope.__dict__["_tdsnet_outer"] = result
    return result


def _recursive_reference(table: exp.Table, name: str) -> tuple[SqlType | None, bool] | None:
    """A recursive CTE's reference to itself: its columns are typed by the anchor query."""
    with_ = table.find_ancestor(exp.With)
    for cte in with_.expressions if with_ is not None else []:
        if cte.alias.lower() == table.name.lower():
            for projection in projections_of(cte.this):
                if projection.alias_or_name.lower() == name:
                    return type_of(projection), bool(projection.meta.get(N, True))
    return None


class _Annotator:
    def __init__(self, scope: Scope, state: Compiling) -> None:
        self.scope = scope
        self.state = state

    def annotate(self, node: exp.Expression) -> None:
        own = getattr(node, "tds_annotate", None)  # tdsnet's own nodes (engine.nodes) type themselves
        if own is not None:
            set_type(node, *own(self.state))
            return
        handler = getattr(self, f"_{type(node).__name__.lower()}", None)
        if handler is not None:
            handler(node)
        elif isinstance(node, exp.Binary) and not isinstance(node, exp.Predicate | exp.Connector):
            self._arithmetic(node)
        elif isinstance(node, exp.Predicate | exp.Connector | exp.Not | exp.Exists):
            set_type(node, sqltypes.BIT, True)
        elif isinstance(node, exp.Alias | exp.Paren | exp.Neg | exp.Ordered | exp.BitwiseNot):
            inner = node.this
            set_type(node, type_of(inner), bool(inner.meta.get(N, True)))

    # leaves
    def _column(self, node: exp.Column) -> None:
        found = self._lookup(node, self.scope)
        if found is None:
            set_type(node, None, True)
        else:
            set_type(node, found[0], found[1])

    def _lookup(self, node: exp.Column, scope: Scope | None) -> tuple[SqlType | None, bool] | None:
        while scope is not None:
            source = scope.sources.get(node.table) if node.table else None
            if source is not None:
                found = self._from_source(source, node.name)
                if found is not None and node.table.lower() in _outer_side(scope):
                    return found[0], True  # an outer join fills this side with NULLs
                return found
            scope = scope.parent
        return None

    def _from_source(self, source: Any, name: str) -> tuple[SqlType | None, bool] | None:
        lowered = name.lower()
        if isinstance(source, exp.Table) and not source.args.get("db"):
            return _recursive_reference(source, lowered)
        if isinstance(source, exp.Table):
            key = (source.args["db"].name.lower(), source.name.lower())
            resolved = self.state.sources.get(key)
            col = resolved.column(lowered) if resolved else None
            return (col.type, col.nullable) if col else None
        if isinstance(source, Scope) and isinstance(source.expression, exp.Values):
            return _values_column(source.expression, lowered)
        if isinstance(source, Scope):
            for projection in projections_of(source.expression):
                if projection.alias_or_name.lower() == lowered:
                    return type_of(projection), bool(projection.meta.get(N, True))
        return None

    def _literal(self, node: exp.Literal) -> None:
        if node.is_string:
            set_type(node, ty.string_literal(node.this, unicode=False), False)
            return
        text = node.this
        if nodes.money_literal(text) is not None:
            set_type(node, sqltypes.MONEY, False)
            return
        if re.fullmatch(r"-?\d+", text):
            # -2147483648 is numeric(10,0): the minus applies to the literal 2147483648
            set_type(node, ty.literal_int(int(text.lstrip("-"))), False)
        elif "e" in text.lower():
            set_type(node, sqltypes.FLOAT, False)
        else:
            set_type(node, values.decimal_type_of(Decimal(text)), False)

    def _national(self, node: exp.National) -> None:
        set_type(node, ty.string_literal(node.this, unicode=True), False)

    def _hexstring(self, node: exp.HexString) -> None:
        size = max(len(node.this) // 2, 1)
        set_type(
            node,
            SqlType("varbinary", length=size) if size <= 8000 else sqltypes.VARBINARY_MAX,
            False,
        )

    def _null(self, node: exp.Null) -> None:
        set_type(node, None, True)

    def _boolean(self, node: exp.Boolean) -> None:
        set_type(node, sqltypes.BIT, False)

    def _parameter(self, node: exp.Parameter) -> None:
        if isinstance(node.parent, exp.Parameter):
            return  # the inner half of @@NAME
        if isinstance(node.this, exp.Parameter):
            set_type(node, system.SYSTEM_VARIABLES.get(node.this.name.upper()), True)
            return
        name = node.name.lower()
        self.state.variables.add(name)
        set_type(node, self.state.ctx.variable_type(name), not name.startswith(SLOT_PREFIX))

    def _subquery(self, node: exp.Subquery) -> None:
        projections = projections_of(node.this)
        first = projections[0] if projections else None
        set_type(node, type_of(first), True)

    def _arithmetic(self, node: exp.Binary) -> None:
        left, right = type_of(node.left), type_of(node.right)
        nullable = bool(node.left.meta.get(N, True)) or bool(node.right.meta.get(N, True))
        if (
            isinstance(node, exp.Add)
            and (ty.is_string(left) or ty.is_string(right))
            and (ty.is_string(left) or left is None)
            and (ty.is_string(right) or right is None)
        ):
            set_type(node, operators.concatenation_type(left, right), nullable)
            return
        op = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}.get(type(node))
        if op is None:
            set_type(node, ty.higher(left, right), nullable)
            return
        operators.check_operands(node, left, right)
        set_type(node, operators.result_type(node, left, right, ty.arithmetic(op, left, right)), nullable)

    def _case(self, node: exp.Case) -> None:
        branches = [i.args.get("true") for i in node.args.get("ifs", [])]
        default = node.args.get("default")
        results = [*branches, default] if default is not None else branches
        set_type(node, ty.common([type_of(r) for r in results if r is not None]), True)

    def _cast(self, node: exp.Cast) -> None:
        set_type(node, _cast_target(node.to), bool(node.this.meta.get(N, True)))

    def _trycast(self, node: exp.TryCast) -> None:
        set_type(node, _cast_target(node.to), True)

    def _convert(self, node: exp.Convert) -> None:
        set_type(node, _cast_target(node.this), True)

    def _count(self, node: exp.Count) -> None:
        set_type(node, sqltypes.BIGINT if node.args.get("big_int") else sqltypes.INT, False)

    def _sum(self, node: exp.Sum) -> None:
        set_type(node, ty.sum_of(type_of(node.this)), True)

    def _avg(self, node: exp.Avg) -> None:
        set_type(node, ty.avg_of(type_of(node.this)), True)

    def _min(self, node: exp.Min) -> None:
        set_type(node, type_of(node.this), True)

    def _max(self, node: exp.Max) -> None:
        set_type(node, type_of(node.this), True)

    def _window(self, node: exp.Window) -> None:
        inner = node.this
        name = str(inner.this).upper() if isinstance(inner, exp.Anonymous) else ""
        if name in ("ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE"):
            set_type(node, sqltypes.BIGINT, False)
        elif name in ("PERCENT_RANK", "CUME_DIST"):
            set_type(node, sqltypes.FLOAT, False)
        else:
            set_type(node, type_of(inner), True)

    def _currenttimestamp(self, node: exp.CurrentTimestamp) -> None:
        set_type(node, sqltypes.DATETIME, False)

    def _nextvalue(self, node: sequences.NextValue) -> None:
        set_type(node, node.meta.get("tds_sequence_type"), False)

    def _anonymous(self, node: exp.Anonymous) -> None:
        name = str(node.this).upper()
        args = [type_of(a) for a in node.expressions]
        nullable = any(bool(a.meta.get(N, True)) for a in node.expressions)
        if name == "ISNULL":
            first = node.expressions[0] if node.expressions else None
            second_nullable = len(node.expressions) < 2 or bool(node.expressions[1].meta.get(N, True))
            set_type(
                node,
                args[0] if args and args[0] is not None else (args[1] if len(args) > 1 else None),
                second_nullable and bool(first is None or first.meta.get(N, True)),
            )
        elif name == "COALESCE":
            set_type(node, ty.common(args), all(bool(a.meta.get(N, True)) for a in node.expressions))
        elif name == "NULLIF":
            set_type(node, args[0] if args else None, True)
        elif name == "IIF":
            set_type(node, ty.common(args[1:3]), True)
        elif name == "CHOOSE":
            set_type(node, ty.common(args[1:]), True)
        elif name == "COUNT_BIG":
            set_type(node, sqltypes.BIGINT, False)
        elif name == "STRING_AGG":
            first = args[0] if args else None
            unicode = first is not None and first.is_unicode
            set_type(node, sqltypes.NVARCHAR_MAX if unicode else sqltypes.VARCHAR_MAX, True)
        elif name in system.SESSION_FUNCTIONS:
            set_type(node, system.SESSION_FUNCTIONS[name][0], True)
        elif name in functions.BY_NAME:
            set_type(node, nodes.fractional_precision(name, node, functions.BY_NAME[name].returns(args)), nullable)
        elif name in _WINDOW_ONLY:
            set_type(node, args[0] if args else sqltypes.BIGINT, True)
        else:
            set_type(node, None, True)

    def _withingroup(self, node: exp.WithinGroup) -> None:
        set_type(node, type_of(node.this), True)


_WINDOW_ONLY = {
    "ROW_NUMBER",
    "RANK",
    "DENSE_RANK",
    "NTILE",
    "LAG",
    "LEAD",
    "FIRST_VALUE",
    "LAST_VALUE",
    "PERCENT_RANK",
    "CUME_DIST",
}


_CAST_DEFAULT_LENGTH = 30  # CAST(x AS varchar) is varchar(30); a declaration's default is 1


def _cast_target(node: exp.Expression) -> SqlType:
    text = node.sql(dialect="tsql") if isinstance(node, exp.DataType) else node.name
    try:
        target = parse_type(_tsql_type_text(text))
    except TypeError_ as exc:
        raise errors.SqlError(243, 16, 1, str(exc)) from None
    if "(" not in text and target.name in (
        "char",
        "varchar",
        "nchar",
        "nvarchar",
        "binary",
        "varbinary",
    ):
        return SqlType(target.name, length=_CAST_DEFAULT_LENGTH)
    return target


cast_target = _cast_target


def _tsql_type_text(text: str) -> str:
    """sqlglot spells some T-SQL types its own way; map them back."""
    lowered = text.lower()
    replacements = {
        "datetime2(7)": "datetime2(7)",
        "timestamp": "datetime2",
        "text": "text",
        "double": "float",
        "double precision": "float",
        "boolean": "bit",
    }
    return replacements.get(lowered, text)


def _output_name(projection: exp.Expression, index: int, names: dict[str, str], state: Compiling) -> str:
    alias = projection.alias  # an Alias, or a scalar subquery carrying its own
    if alias:
        match = _PLACEHOLDER.match(alias)
        if match:
            return names.get(alias, "")
        if alias.lower() in names:
            return names[alias.lower()]
    inner = projection.this if isinstance(projection, exp.Alias) else projection
    if isinstance(inner, exp.Column):
        declared = _declared_name(inner, state)
        if declared:
            return declared
    return alias or projection.alias_or_name


def _declared_name(column: exp.Column, state: Compiling) -> str:
    lowered = column.name.lower()
    for source in state.sources.values():
        col = source.column(lowered)
        if col is not None:
            return col.name
    return column.name


# --- step 4: rewrite for SQLite ----------------------------------------------------------------


def rewrite(tree: exp.Expression, state: Compiling) -> exp.Expression:
    """Rewrite a typed tree, children first, into what SQLite runs."""
    for node in list(tree.walk(bfs=False))[::-1]:
        replacement = _rewrite(node, state)
        if replacement is not None and replacement is not node:
            replacement.meta.update({k: v for k, v in node.meta.items() if k in (T, N)})
            if node is tree:
                tree = replacement
            else:
                node.replace(replacement)
    return apply.after_rewrite(tree, state)


def sqlite_sql(tree: exp.Expression, copy: bool = True) -> str:
    """The tree in SQLite's dialect; ``copy=False`` for a tree used only here (the generator may
    change what it is given, and copying is most of its cost for a small tree)."""
    return tree.sql(dialect="sqlite", copy=copy)


def call(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def type_hint(st: SqlType | None) -> exp.Literal:
    return exp.Literal.string(str(st) if st is not None else "")


def _rewrite(node: exp.Expression, state: Compiling) -> exp.Expression | None:
    own = getattr(node, "tds_rewrite", None)  # tdsnet's own nodes (engine.nodes) spell themselves
    if own is not None:
        return own(state)
    if isinstance(node, exp.Parameter):
        if isinstance(node.parent, exp.Parameter):
            return None  # the inner half of @@NAME, replaced with its parent
        if isinstance(node.this, exp.Parameter):
            return call("tsql_sysvar", exp.Literal.string(node.this.name.upper()))
        if node.name.lower().startswith(SLOT_PREFIX):
            return exp.Placeholder(this=node.name.lower())
        return exp.Parameter(this=exp.Var(this=node.name.lower()))
    if isinstance(node, exp.National):
        return exp.Literal.string(node.this)
    if isinstance(node, exp.Literal) and not node.is_string and _is_exact(type_of(node)):
        money = nodes.money_literal(node.this)
        if money is not None:
            return exp.Literal.string(values.decimal_text(Decimal(money), sqltypes.MONEY))
        return exp.Literal.string(node.this)  # exact, as decimals are stored; SQLite would use a double
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div | exp.Mod):
        return _rewrite_arithmetic(node, state)
    if isinstance(node, exp.Cast | exp.TryCast):
        name = "tsql_try_cast" if isinstance(node, exp.TryCast) else "tsql_cast"
        return call(name, node.this, type_hint(type_of(node)), type_hint(type_of(node.this)))
    if isinstance(node, exp.Convert):
        name = "tsql_try_cast" if node.args.get("safe") else "tsql_cast"
        args = [node.expression, type_hint(type_of(node)), type_hint(type_of(node.expression))]
        if node.args.get("style") is not None:
            args.append(node.args["style"])
        return call(name, *args)
    if isinstance(node, exp.CurrentTimestamp):
        return call("tsql_getdate")
    if isinstance(node, exp.Anonymous):
        return _rewrite_function(node, state)
    if isinstance(node, exp.Sum | exp.Avg) and _is_exact(type_of(node.this)):
        name = "tsql_sum" if isinstance(node, exp.Sum) else "tsql_avg"
        return call(name, node.this)
    if _int_sum(node):
        # SUM of int is int: a total past its range is 8115, not a wider number
        return call("tsql_integer_result", node.copy(), exp.Literal.string("int"))
    if isinstance(node, exp.EQ | exp.NEQ | exp.GT | exp.GTE | exp.LT | exp.LTE):
        rewritten = _rewrite_comparison(node)
        if not _option(state, "ansi_nulls", True):
            return operators.without_ansi_nulls(rewritten or node)
        return rewritten
    if isinstance(node, exp.WithinGroup):
        return nodes.within_group(node)
    if isinstance(node, exp.Collate):
        return operators.collate(node)
    if isinstance(node, exp.BitwiseAnd | exp.BitwiseOr | exp.BitwiseXor):
        operators.integer_operands(node)  # a binary operand as an integer
    if isinstance(node, exp.BitwiseXor):
        return operators.exclusive_or(node)
    if isinstance(node, exp.Values) and node.args.get("alias") is not None and node.args["alias"].columns:
        return _values_as_select(node)
    return None


def _values_as_select(node: exp.Values) -> exp.Expression:
    """(VALUES ...) AS t(a, b): SQLite names VALUES columns column1, column2...; alias them."""
    alias = node.args["alias"]
    rows = exp.Values(expressions=node.expressions)
    select = exp.select(*[exp.alias_(exp.column(f"column{i}"), c.name) for i, c in enumerate(alias.columns, 1)])
    return exp.Subquery(this=select.from_(rows), alias=exp.TableAlias(this=alias.this.copy()))


def _is_exact(st: SqlType | None) -> bool:
    return st is not None and st.family in ("decimal", "money")


def _rewrite_arithmetic(node: exp.Binary, state: Compiling) -> exp.Expression:
    result = type_of(node)
    if isinstance(node, exp.Add) and ty.is_string(result):
        return operators.concatenated(node, result, _option(state, "concat_null_yields_null", True))
    if result is not None and result.family == "datetime" and isinstance(node, exp.Add | exp.Sub):
        difference = operators.datetime_difference(node, result)
        if difference is not None:
            return difference
    node.set("this", operators.converted(node.left, result))
    node.set("expression", operators.converted(node.right, result))
    left, right = node.left, node.right
    if result is not None and result.family in ("datetime", "date") and isinstance(node, exp.Add | exp.Sub):
        date_side, number = (
            (left, right) if type_of(left) and type_of(left).family in ("datetime", "date") else (right, left)
        )
        amount = number if isinstance(node, exp.Add) else exp.Neg(this=number)
        return call("tsql_dateadd", exp.Literal.string("day"), amount, date_side, type_hint(result))
    op = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}[type(node)]
    if isinstance(node, exp.Mod):
        return call("tsql_mod", left, right)
    if _is_exact(result) or _is_exact(type_of(left)) or _is_exact(type_of(right)):
        return call("tsql_decimal_op", exp.Literal.string(op), left, right)
    if isinstance(node, exp.Div):
        return call("tsql_div", left, right)
    return operators.overflow_checked(node, result)  # type: ignore[return-value]


def _int_sum(node: exp.Expression) -> bool:
    """A SUM (or SUM() OVER, as a whole) of tinyint, smallint or int values."""
    total = node.this if isinstance(node, exp.Window) else node
    if not isinstance(total, exp.Sum) or isinstance(node.parent, exp.Window):
        return False
    result = type_of(total)
    return result is not None and result.name == "int"


def _option(state: Compiling, name: str, default: bool) -> bool:
    """A SET option the statement compiles under (the session's plan cache keys on them)."""
    options = getattr(state.ctx, "options", None)
    return default if options is None else bool(getattr(options, name, default))


def _rewrite_comparison(node: exp.Binary) -> exp.Expression | None:
    """Operands of different types convert by data type precedence; the comparison then
    runs under the collation of the common type (a column's own collation wins)."""
    lt, rt = type_of(node.left), type_of(node.right)
    common = lt if rt is None else rt if lt is None else ty.higher(lt, rt)
    if (
        lt is not None
        and rt is not None
        and lt.family != rt.family
        and not ({lt.family, rt.family} <= {"int", "float"} or (ty.is_string(lt) and ty.is_string(rt)))
    ):
        if common is lt:
            node.set("expression", call("tsql_cast", node.right, type_hint(common), type_hint(rt)))
        else:
            node.set("this", call("tsql_cast", node.left, type_hint(common), type_hint(lt)))
    collation = _comparison_collation(common, lt, rt)
    if (
        collation
        and not (isinstance(node.left, exp.Column) or isinstance(node.right, exp.Column))
        and not operators.explicitly_collated(node)
    ):
        node.set("this", exp.Collate(this=node.this, expression=exp.to_identifier(collation)))
    return None


def _collated_pair(left: exp.Expression, right: exp.Expression) -> tuple[exp.Expression, exp.Expression]:
    """Two values compared by a function (NULLIF): SQLite takes the collation an argument carries."""
    lt, rt = type_of(left), type_of(right)
    common = lt if rt is None else rt if lt is None else ty.higher(lt, rt)
    collation = _comparison_collation(common, lt, rt)
    if collation and not isinstance(left, exp.Column) and not isinstance(right, exp.Column):
        right = exp.Collate(this=right, expression=exp.to_identifier(collation))
    return left, right


def _comparison_collation(common: SqlType | None, lt: SqlType | None, rt: SqlType | None) -> str | None:
    if common is None:
        return None
    if common.family in ("decimal", "money"):
        return DECIMAL_COLLATION
    if common.name == "datetimeoffset":
        return DTO_COLLATION
    if ty.is_string(lt) or ty.is_string(rt):
        return DEFAULT_COLLATION if common.is_string else None
    return None


def _rewrite_function(node: exp.Anonymous, state: Compiling) -> exp.Expression:
    name = str(node.this).upper()
    args = list(node.expressions)
    if name == "ISNULL":
        _check_arity(name, args, 2, 2)
        return exp.Coalesce(this=args[0], expressions=[operators.as_type_of(args[1], args[0])])
    if name == "COALESCE":
        if len(args) < 2:
            raise errors.SqlError(189, 15, 1, "The coalesce function requires 2 to 254 arguments.")
        if all(isinstance(a, exp.Null) for a in args):
            raise errors.SqlError(
                4127,
                16,
                1,
                "At least one of the arguments to COALESCE must be an expression that is not the NULL constant.",
            )
        return exp.Coalesce(this=args[0], expressions=args[1:])
    if name == "NULLIF":
        _check_arity(name, args, 2, 2)
        return call("nullif", *_collated_pair(args[0], args[1]))
    if name == "IIF":
        _check_arity(name, args, 3, 3)
        return exp.If(this=args[0], true=args[1], false=args[2])
    if name == "CHOOSE":
        if len(args) < 2:
            raise errors.SqlError(189, 15, 1, "The choose function requires 2 to 254 arguments.")
        return exp.Case(
            this=args[0],
            ifs=[exp.If(this=exp.Literal.number(i), true=a) for i, a in enumerate(args[1:], 1)],
        )
    if name == "COUNT_BIG":
        return exp.Count(this=args[0] if args else exp.Star())
    if name in _WINDOW_ONLY:
        return call(name.lower(), *args)
    if name == "SQL_VARIANT_PROPERTY":  # the value's type is what it reports
        args = [*args[:2], type_hint(type_of(args[0]) if args else None)]
    if name in system.SESSION_FUNCTIONS or name in system.NILADIC:
        return call("tsql_session", exp.Literal.string(name), *args)
    builtin = functions.BY_NAME.get(name)
    if builtin is None:
        raise errors.unknown_function(str(node.this))
    _check_arity(name, args, *builtin.arity)
    if builtin.type_hints:
        hints = [type_hint(type_of(a)) for a in args if not _is_datepart(name, a, args)]
        return call(builtin.sqlite_name, *args, *hints)
    return call(builtin.sqlite_name, *args)


def _is_datepart(name: str, arg: exp.Expression, args: list[exp.Expression]) -> bool:
    return name in _DATEPART_FUNCTIONS and arg is args[0]


def _check_arity(name: str, args: list[exp.Expression], low: int, high: int) -> None:
    if len(args) < low or (high >= 0 and len(args) > high):
        if low == high:
            raise errors.SqlError(174, 15, 1, f"The {name.lower()} function requires {low} argument(s).")
        raise errors.SqlError(189, 15, 1, f"The {name.lower()} function requires {low} to {high} arguments.")


def _store_functions(tree: exp.Expression) -> list[str]:
    found = ["NEXT VALUE FOR"] if tree.find(sequences.NextValue) else []
    for node in tree.find_all(exp.Anonymous):
        if str(node.this) == "tsql_session":
            first = node.expressions[0]
            if isinstance(first, exp.Literal) and system.SESSION_FUNCTIONS.get(first.this, (None, False))[1]:
                found.append(first.this)
    return found
