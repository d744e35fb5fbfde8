"""DML triggers: CREATE/ALTER/DROP/ENABLE/DISABLE TRIGGER, and firing them.

    CREATE [OR ALTER] TRIGGER [schema.]name ON table | view [WITH options]
        { FOR | AFTER | INSTEAD OF } { [INSERT] [,] [UPDATE] [,] [DELETE] }
        [WITH APPEND] [NOT FOR REPLICATION] AS body

A trigger is a catalog object of type TR whose parent is its table or view, its definition the
CREATE TRIGGER text; the catalog reads the definitions into `Catalog.triggers` (by parent).  A
write plan looks its target's triggers up once, when it is compiled (ENABLE, DISABLE, CREATE and
DROP TRIGGER change the catalog, which recompiles plans), so a table without triggers pays
nothing when a statement runs.

Firing.  A statement with AFTER triggers runs in its row form, which gives every row's whole
image; the statement and its triggers run inside one savepoint (or transaction), so an error in a
trigger undoes the statement too.  INSTEAD OF triggers run in place of the statement, with the
images the statement would have written.  The images go into two tables of the session's temp
schema, one pair per table and column layout, which the body's statements read as ``inserted``
and ``deleted``.  Inside a trigger, as in SQL Server: @@ROWCOUNT starts as the statement's count,
@@TRANCOUNT is at least 1, XACT_ABORT is ON (an error other than RAISERROR rolls the transaction
back and ends the batch), a ROLLBACK ends the batch with 3609 once the trigger is done, and
SCOPE_IDENTITY() afterwards still names the statement's own identity value, @@IDENTITY the
trigger's.  Triggers nest to 32 levels (the engine's ``nested_triggers``, sp_configure's
'nested triggers', stops AFTER triggers from firing inside AFTER triggers); a trigger does not
fire itself again unless the database has RECURSIVE_TRIGGERS ON; a statement an INSTEAD OF
trigger runs against its own table or view is not sent to it again.

Not supported (each answers an error naming it): DDL and LOGON triggers, CLR triggers, INSTEAD
OF triggers with MERGE, sp_settriggerorder.  Cascading foreign key actions are SQLite's and do not
fire the triggers of the tables they change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot.tokens import TokenType

from .. import sqltypes
from . import batch, catalog, errors, modules, system
from .compiler import Source, SourceColumn
from .ddl import storage_clause
from .ddl_syntax import Tokens
from .errors import SqlError
from .results import EnvChange, EnvKind, Result, ResultSet, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame

EVENTS = ("INSERT", "UPDATE", "DELETE")
EVENT_TYPES = {"INSERT": 1, "UPDATE": 2, "DELETE": 3}
UPDATED_FUNCTION = "TDSNET_TRIGGER_UPDATED"  # UPDATE(column), as the body is stored for running
_PSEUDO_PREFIX = "__tdsnet_trigger_"


# --- the definition --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """What CREATE/ALTER TRIGGER says."""

    schema: str | None
    name: str
    database: str | None  # a database prefix on the trigger's name, which SQL Server refuses
    target: tuple[str, ...]  # the table or view as written: [db.][schema.]name
    instead_of: bool
    events: tuple[str, ...]
    body: str  # the statements, with UPDATE(column) as a function call
    body_line: int  # the line of the CREATE text the body starts on
    definition: str
    alter: bool = False
    create_or_alter: bool = False
    not_for_replication: bool = False
    tested_columns: tuple[str, ...] = ()  # the columns UPDATE(column) names


@dataclass(frozen=True, slots=True)
class TriggerDef:
    """A trigger in the catalog."""

    object_id: int
    schema: str
    parent_id: int
    disabled: bool
    spec: TriggerSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def instead_of(self) -> bool:
        return self.spec.instead_of

    @property
    def events(self) -> tuple[str, ...]:
        return self.spec.events


def is_trigger(stmt: Statement) -> bool:
    """CREATE [OR ALTER] TRIGGER, ALTER TRIGGER."""
    words = [stmt.word(i) for i in range(4)]
    return words[1] == "TRIGGER" or words[1:4] == ["OR", "ALTER", "TRIGGER"]


def parse_trigger(text: str, line: int = 1, check: bool = True) -> TriggerSpec:
    """Read CREATE/ALTER TRIGGER text (a whole batch); ``check`` parses the body as well."""
    stmt = batch.Statement("CREATE", text, line, batch.tokenize(text))
    tokens = Tokens(stmt)
    alter = tokens.accept("ALTER")
    create_or_alter = not alter and tokens.accept("CREATE", "OR", "ALTER")
    if not alter and not create_or_alter:
        tokens.expect("CREATE")
    tokens.expect("TRIGGER")
    names = tokens.qualified()
    tokens.expect("ON")
    if tokens.word() in ("DATABASE", "ALL"):
        rest = {t.text.upper() for t in stmt.tokens[tokens.pos :]}
        raise errors.not_supported("LOGON triggers" if "LOGON" in rest else "DDL triggers")
    target = tuple(tokens.qualified())
    _skip_options(tokens)
    instead_of = tokens.accept("INSTEAD", "OF")
    if not instead_of and not tokens.accept("AFTER"):
        tokens.expect("FOR")
    events = _events(tokens)
    tokens.accept("WITH", "APPEND")
    not_for_replication = tokens.accept("NOT", "FOR", "REPLICATION")
    tokens.expect("AS")
    if tokens.word() == "EXTERNAL" and tokens.word(1) == "NAME":
        raise errors.not_supported("CLR triggers")
    first = tokens.token()
    if first is None:
        raise errors.syntax_error("", stmt.tokens[-1].line + line - 1)
    body, tested = _runnable_body(text[first.start :])
    if check:
        batch.parse(body)  # syntax errors are reported at CREATE time
    return TriggerSpec(
        names[-2] if len(names) > 1 and names[-2] else None,
        names[-1],
        names[-3] if len(names) > 2 and names[-3] else None,
        target,
        instead_of,
        events,
        body,
        line + first.line - 1,
        text.strip(),
        alter,
        create_or_alter,
        not_for_replication,
        tested,
    )


def _skip_options(tokens: Tokens) -> None:
    """WITH ENCRYPTION, EXECUTE AS ..., NATIVE_COMPILATION, SCHEMABINDING: accepted and kept in the text."""
    if not tokens.accept("WITH"):
        return
    while not tokens.at_end() and tokens.word() not in ("FOR", "AFTER", "INSTEAD"):
        tokens.pos += 1


def _events(tokens: Tokens) -> tuple[str, ...]:
    events: list[str] = []
    while True:
        word = tokens.word()
        if word not in EVENTS or word in events:
            raise tokens.error()
        events.append(word)
        tokens.pos += 1
        if not tokens.accept(","):
            return tuple(events)


def _runnable_body(body: str) -> tuple[str, tuple[str, ...]]:
    """UPDATE(column) is a predicate only triggers have: spelled as a function call the engine runs,
    keeping every line where it was."""
    tokens = batch.tokenize(body)
    pieces, tested, last = [], [], 0
    for index, token in enumerate(tokens[:-3]):
        following = tokens[index + 1 : index + 4]
        if batch.upper(token) != "UPDATE" or following[0].token_type != TokenType.L_PAREN:
            continue
        if following[2].token_type != TokenType.R_PAREN or following[1].token_type not in (
            TokenType.VAR,
            TokenType.IDENTIFIER,
        ):
            continue
        column = following[1].text
        tested.append(column)
        literal = column.replace("'", "''")
        pieces.append(body[last : token.start])
        pieces.append(f"({UPDATED_FUNCTION}(N'{literal}') = 1)")
        last = following[2].end + 1
    pieces.append(body[last:])
    return "".join(pieces), tuple(tested)


def load(con: Any, db: str, objects: Sequence[catalog.ObjectRow], schema_names: dict[int, str]) -> dict:
    """The catalog's triggers by parent object id, in creation order (the order AFTER triggers fire)."""
    rows = [row for row in objects if row.type == "TR" and row.definition]
    if not rows:
        return {}
    disabled = {r[0] for r in con.execute(f"SELECT object_id FROM {quote(db)}.__tdsnet_objects WHERE is_disabled = 1")}
    found: dict[int, list[TriggerDef]] = {}
    for row in rows:
        try:
            spec = parse_trigger(row.definition or "", check=False)
        except SqlError:
            continue  # a definition this version cannot read does not fire
        schema = schema_names.get(row.schema_id, "dbo")
        trigger = TriggerDef(row.object_id, schema, row.parent_object_id, row.object_id in disabled, spec)
        found.setdefault(row.parent_object_id, []).append(trigger)
    return {parent: tuple(sorted(items, key=lambda t: t.object_id)) for parent, items in found.items()}


def all_triggers(cat: catalog.Catalog) -> list[TriggerDef]:
    return sorted((t for items in cat.triggers.values() for t in items), key=lambda t: t.object_id)


def find(cat: catalog.Catalog, schema: str, name: str) -> TriggerDef | None:
    return next(
        (t for t in all_triggers(cat) if t.schema.lower() == schema.lower() and t.name.lower() == name.lower()),
        None,
    )


# --- errors ----------------------------------------------------------------------------------------


def _object_invalid(name: str) -> SqlError:
    return SqlError(8197, 16, 4, f"The object '{name}' does not exist or is invalid for this operation.")


def transaction_ended() -> SqlError:
    return SqlError(3609, 16, 2, "The transaction ended in the trigger. The batch has been aborted.", aborts_batch=True)


def _error_in_trigger() -> SqlError:
    return SqlError(
        3616,
        16,
        2,
        "An error was raised during trigger execution. The batch has been aborted and the user transaction, "
        "if any, has been rolled back.",
        aborts_batch=True,
    )


def _pseudo_not_writable() -> SqlError:
    return SqlError(286, 16, 1, "The logical tables INSERTED and DELETED cannot be updated.")


def _output_with_triggers(table: str) -> SqlError:
    return SqlError(
        334,
        15,
        1,
        f"The target table '{table}' of the DML statement cannot have any enabled triggers if the statement "
        "contains an OUTPUT clause without INTO clause.",
    )


# --- CREATE, ALTER, DROP, ENABLE, DISABLE ------------------------------------------------------------


def create_trigger(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    spec = parse_trigger(stmt.text, stmt.line)
    verb = "alter" if spec.alter else "create"
    if spec.database is not None:
        raise SqlError(
            166,
            15,
            1,
            f"'{verb.upper()} TRIGGER' does not allow specifying the database name as a prefix to the object name.",
        )
    db, table = _trigger_target(session, spec)
    if spec.schema is not None and spec.schema.lower() != table.schema.lower():
        raise SqlError(
            2103,
            15,
            1,
            f"Cannot {verb} trigger '{spec.name}' because its schema is different from the schema of the target "
            "table or view.",
        )
    cat = session._catalog(db)
    _check_target(cat, spec, table, verb)
    existing = find(cat, table.schema, spec.name)
    con = session._connection()
    if spec.alter or (spec.create_or_alter and existing is not None):
        if existing is None:
            raise errors.invalid_object(spec.name)
        if existing.parent_id != table.object_id:
            raise SqlError(
                2110,
                15,
                1,
                f"Cannot alter trigger '{spec.name}' on '{'.'.join(spec.target)}' because this trigger does not "
                "belong to this object. Specify the correct trigger name or the correct target object name.",
            )

        def write() -> None:
            catalog.update_definition(con, db, existing.object_id, "TR", spec.definition)
            enable = f"UPDATE {quote(db)}.__tdsnet_objects SET is_disabled = 0 WHERE object_id = ?"
            con.execute(enable, (existing.object_id,))  # ALTER TRIGGER enables a disabled trigger
            catalog.touch(con, db)

    else:
        schema_id = cat.existing_schema_id(table.schema)
        if any(o.schema_id == schema_id and o.name.lower() == spec.name.lower() for o in cat.objects):
            raise errors.object_exists(spec.name)

        def write() -> None:
            catalog.add_object(con, db, schema_id, spec.name, "TR", parent=table.object_id, definition=spec.definition)
            catalog.touch(con, db)

    session._in_write(write)
    yield StatementDone("")


def _trigger_target(session: EngineSession, spec: TriggerSpec) -> tuple[str, catalog.TableDef]:
    parts = spec.target
    written = ".".join(parts)
    if parts[-1].startswith("#"):
        raise _object_invalid(written)
    db = parts[-3] if len(parts) > 2 and parts[-3] else session.database
    if db.lower() != session.database.lower():
        raise SqlError(
            2108,
            15,
            1,
            f"Cannot create trigger on '{written}' as the target is not in the current database.",
        )
    schema = parts[-2] if len(parts) > 1 and parts[-2] else "dbo"
    table = session._catalog(session.database).table(schema, parts[-1])
    if table is None:
        raise _object_invalid(written)
    return session.database, table


def _check_target(cat: catalog.Catalog, spec: TriggerSpec, table: catalog.TableDef, verb: str) -> None:
    if table.type == "V":
        if not spec.instead_of:
            raise SqlError(
                340,
                16,
                1,
                f'Cannot create the trigger "{spec.name}" on view "{table.name}". AFTER triggers cannot be created '
                "on views.",
            )
        if _check_option(table):
            raise SqlError(
                2112,
                16,
                1,
                f"Cannot create trigger '{spec.name}' on view '{table.name}' because the view is defined with CHECK "
                "OPTION.",
            )
    for column in spec.tested_columns:
        found = table.column(column)
        if found is None:
            raise errors.invalid_column(column)
        if found.computed_sql is not None:
            raise SqlError(
                2114,
                16,
                1,
                f"Column '{found.name}' cannot be used in an IF UPDATE clause because it is a computed column.",
            )
    if not spec.instead_of:
        return
    for other in cat.triggers.get(table.object_id, ()):
        if other.name.lower() == spec.name.lower() or not other.instead_of:
            continue
        clash = next((e for e in spec.events if e in other.events), None)
        if clash is not None:
            kind = "view" if table.type == "V" else "table"
            raise SqlError(
                2111,
                16,
                1,
                f"Cannot {verb} trigger '{spec.name}' on {kind} '{table.name}' because an INSTEAD OF {clash} trigger "
                "already exists on this object.",
            )


def _check_option(table: catalog.TableDef) -> bool:
    words = (table.definition or "").upper().split()
    return words[-3:] == ["WITH", "CHECK", "OPTION"] or words[-3:] == ["WITH", "CHECK", "OPTION;"]


def drop_trigger(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """DROP TRIGGER [IF EXISTS] [schema.]name [, ...]."""
    tokens = Tokens(stmt, 2)
    exists = tokens.accept("IF", "EXISTS")
    names = [tokens.qualified()]
    while tokens.accept(","):
        names.append(tokens.qualified())
    if tokens.accept("ON"):
        raise errors.not_supported("DDL triggers")
    if not tokens.at_end():
        raise tokens.error()
    con = session._connection()
    for parts in names:
        db = parts[-3] if len(parts) > 2 and parts[-3] else session.database
        if session.engine.database(db) is None:
            raise errors.unknown_database(db)
        db = session.engine.database(db).name  # type: ignore[union-attr]
        found = find(session._catalog(db), parts[-2] if len(parts) > 1 and parts[-2] else "dbo", parts[-1])
        if found is None:
            if exists:
                continue
            raise errors.cannot_drop("trigger", ".".join(parts))
        session._in_write(lambda d=db, t=found: (catalog.drop_object(con, d, t.object_id), catalog.touch(con, d)))
    yield StatementDone("")


def enable_statement(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """ENABLE | DISABLE TRIGGER { [schema.]name [, ...] | ALL } ON object."""
    enable = stmt.word(0) == "ENABLE"
    if stmt.word(1) != "TRIGGER":
        raise errors.not_supported(f"{stmt.word(0)} {stmt.word(1)}")
    tokens = Tokens(stmt, 2)
    names: list[list[str]] | None = None
    if not tokens.accept("ALL"):
        names = [tokens.qualified()]
        while tokens.accept(","):
            names.append(tokens.qualified())
    tokens.expect("ON")
    if tokens.word() in ("DATABASE", "ALL"):
        raise errors.not_supported("DDL triggers")
    parts = tokens.qualified()
    if not tokens.at_end():
        raise tokens.error()
    schema = parts[-2] if len(parts) > 1 and parts[-2] else "dbo"
    table = session._catalog(session.database).table(schema, parts[-1])
    if table is None:
        raise SqlError(
            1088,
            16,
            120,
            f'Cannot find the object "{parts[-1]}" because it does not exist or you do not have permissions.',
        )
    switch(session, session.database, table, names, enable)
    yield StatementDone("")


def switch(
    session: EngineSession, db: str, table: catalog.TableDef, names: list[list[str]] | None, enable: bool
) -> None:
    """Enable or disable a table's triggers: those named, or all of them (``names`` None)."""
    owned = session._catalog(db).triggers.get(table.object_id, ())
    chosen = list(owned)
    if names is not None:
        chosen = []
        for parts in names:
            found = next((t for t in owned if t.name.lower() == parts[-1].lower()), None)
            if found is None:
                verb = "enable" if enable else "disable"
                raise SqlError(
                    3701,
                    11,
                    5,
                    f"Cannot {verb} the trigger '{'.'.join(parts)}', because it does not exist or you do not have "
                    "permission.",
                )
            chosen.append(found)
    if not chosen:
        return
    con = session._connection()

    def write() -> None:
        con.executemany(
            f"UPDATE {quote(db)}.__tdsnet_objects SET is_disabled = ? WHERE object_id = ?",
            [(0 if enable else 1, t.object_id) for t in chosen],
        )
        catalog.touch(con, db)

    session._in_write(write)


def alter_table_switch(session: EngineSession, db: str, table: catalog.TableDef, tokens: Tokens) -> None:
    """ALTER TABLE t { ENABLE | DISABLE } TRIGGER { ALL | name [, ...] }, ``tokens`` at ENABLE."""
    enable = tokens.word() == "ENABLE"
    tokens.pos += 2
    names: list[list[str]] | None = None
    if not tokens.accept("ALL"):
        names = [tokens.qualified()]
        while tokens.accept(","):
            names.append(tokens.qualified())
    if not tokens.at_end():
        raise tokens.error()
    switch(session, db, table, names, enable)


# --- RECURSIVE_TRIGGERS and the nested triggers option ----------------------------------------------

# Per engine, per database: RECURSIVE_TRIGGERS ON (kept while the instance runs).
_RECURSIVE: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def recursive_enabled(engine: Any, database: str) -> bool:
    return database.lower() in _RECURSIVE.get(engine, set())


def alter_database(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """ALTER DATABASE name | CURRENT SET RECURSIVE_TRIGGERS { ON | OFF }, and SCOPED CONFIGURATION."""
    from . import dmlexec

    if stmt.word(2) == "SCOPED":
        yield from dmlexec.scoped_configuration(session, stmt, frame)
        return
    tokens = Tokens(stmt, 2)
    name = tokens.name()
    if not tokens.accept("SET") or tokens.word() != "RECURSIVE_TRIGGERS":
        raise errors.not_supported("this ALTER DATABASE statement")
    tokens.pos += 1
    value = tokens.word()
    if value not in ("ON", "OFF"):
        raise tokens.error()
    database = session.engine.database(session.database if name.upper() == "CURRENT" else name)
    if database is None:
        raise errors.unknown_database(name)
    enabled = _RECURSIVE.setdefault(session.engine, set())
    (enabled.add if value == "ON" else enabled.discard)(database.name.lower())
    yield StatementDone("")


# --- planning ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TriggerPlan:
    """The triggers a write fires, found when its plan was compiled."""

    database: str
    after: tuple[TriggerDef, ...]
    instead_of: TriggerDef | None = None


def _session_of(ctx: Any) -> EngineSession | None:
    return getattr(ctx, "session", None)


def _triggers_on(ctx: Any, source: Source, command: str) -> list[TriggerDef]:
    session = _session_of(ctx)
    table = source.table
    if session is None or table is None or source.sqlite_db == "temp" or source.system_view:
        return []
    owned = session._catalog(source.sqlite_db).triggers.get(table.object_id)
    if not owned:
        return []
    return [t for t in owned if not t.disabled and command in t.events]


def instead_of(ctx: Any, source: Source, command: str) -> TriggerDef | None:
    """The enabled INSTEAD OF trigger for ``command`` on a table or view, unless it is the one running
    (its own statements against its object go to the object)."""
    found = next((t for t in _triggers_on(ctx, source, command) if t.instead_of), None)
    session = _session_of(ctx)
    if found is not None and session is not None and _running(session, found):
        return None
    return found


def for_statement(ctx: Any, target: Source, command: str, outputs: Sequence[Any] = ()) -> TriggerPlan | None:
    """The triggers an INSERT, UPDATE or DELETE of ``target`` fires (None: none, the usual case)."""
    if target.storage.startswith(_PSEUDO_PREFIX):
        raise _pseudo_not_writable()
    found = _triggers_on(ctx, target, command)
    if not found:
        return None
    instead = instead_of(ctx, target, command)
    after = tuple(t for t in found if not t.instead_of)
    if instead is None and not after:
        return None
    if any(o.into is None for o in outputs):
        raise _output_with_triggers(target.display.split(".")[-1])
    return TriggerPlan(target.sqlite_db, after, instead)


def for_merge(ctx: Any, target: Source, actions: set[str], outputs: Sequence[Any]) -> dict[str, TriggerPlan] | None:
    """MERGE's AFTER triggers, per action it may take."""
    plans = {}
    for action in sorted(actions):
        found = _triggers_on(ctx, target, action)
        if any(t.instead_of for t in found):
            raise errors.not_supported("MERGE into a table or view with INSTEAD OF triggers")
        if found:
            plans[action] = TriggerPlan(target.sqlite_db, tuple(found))
    if plans and any(o.into is None for o in outputs):
        raise _output_with_triggers(target.display.split(".")[-1])
    return plans or None


def check_output_into(ctx: Any, target: Source) -> None:
    """331: OUTPUT ... INTO a table with enabled triggers."""
    if any(_triggers_on(ctx, target, command) for command in EVENTS):
        raise SqlError(
            331,
            15,
            1,
            f"The target table '{target.display.split('.')[-1]}' of the OUTPUT INTO clause cannot have any enabled "
            "triggers.",
        )


def variant(session: EngineSession) -> tuple[int, ...]:
    """What a write's plan depends on beyond the catalog: the INSTEAD OF triggers running (whose own
    statements against their object are planned as if they were not there)."""
    stack = _STACKS.get(session)
    if not stack:
        return ()
    return tuple(sorted({f.trigger.object_id for f in stack if f.trigger.instead_of}))


# --- firing -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Firing:
    """One trigger running: what its inserted and deleted tables hold."""

    trigger: TriggerDef
    table: Source
    command: str
    inserted: list[list[Any]]
    deleted: list[list[Any]]
    updated: frozenset[int]  # the positions of the columns the statement set
    storage: tuple[str, str]


_STACKS: weakref.WeakKeyDictionary[Any, list[Firing]] = weakref.WeakKeyDictionary()


def _stack(session: EngineSession) -> list[Firing]:
    found = _STACKS.get(session)
    if found is None:
        found = _STACKS[session] = []
    return found


def _running(session: EngineSession, trigger: TriggerDef) -> bool:
    return any(f.trigger.object_id == trigger.object_id for f in _STACKS.get(session, ()))


def nest_level(session: EngineSession, args: list[Any]) -> int:
    """TRIGGER_NESTLEVEL([object_id [, 'AFTER' | 'IOT', 'DML' | 'DDL']])."""
    stack = _STACKS.get(session, [])
    wanted = int(args[0]) if args and args[0] is not None else None
    kind = str(args[1]).upper() if len(args) > 1 and args[1] is not None else ""
    category = str(args[2]).upper() if len(args) > 2 and args[2] is not None else "DML"
    if category == "DDL":
        return 0
    count = 0
    for firing in stack:
        if wanted is not None and firing.trigger.object_id != wanted:
            continue
        if kind in ("AFTER", "IOT") and firing.trigger.instead_of != (kind == "IOT"):
            continue
        count += 1
    return count


def _should_fire(session: EngineSession, trigger: TriggerDef, table: Source) -> bool:
    stack = _STACKS.get(session)
    if not stack:
        return True
    nested = getattr(session.engine, "nested_triggers", True)
    if not trigger.instead_of and not nested and any(not f.trigger.instead_of for f in stack):
        return False  # 'nested triggers' 0: AFTER triggers do not fire inside AFTER triggers
    direct = _running(session, trigger) and stack[-1].table.storage == table.storage
    return not direct or recursive_enabled(session.engine, table.sqlite_db)


def fire(
    session: EngineSession,
    triggers: Sequence[TriggerDef],
    table: Source,
    command: str,
    images: tuple[list[list[Any]], list[list[Any]]],
    updated: frozenset[int],
    count: int,
    frame: Frame,
) -> Iterator[Result]:
    """Run triggers for one statement, one after the other, with the same inserted and deleted rows."""
    for trigger in triggers:
        if not _should_fire(session, trigger, table):
            continue
        firing = Firing(trigger, table, command, images[0], images[1], updated, _storage(table))
        yield from _run(session, firing, count, frame)


def _run(session: EngineSession, firing: Firing, count: int, caller: Frame) -> Iterator[Result]:
    from .session import Frame, _Return

    if session.nest_level >= modules.MAX_NESTING:
        raise errors.nesting_exceeded()
    trigger = firing.trigger
    parsed = session.engine.parse(_keyed_body(firing))
    frame = Frame(
        declared=dict(parsed.declared),
        procedure=f"{trigger.schema}.{trigger.name}",
        in_procedure=True,
        try_depth=caller.try_depth,  # the caller's CATCH takes the trigger's errors
        line_offset=trigger.spec.body_line - 1,
        trigger=firing,
    )
    stack = _stack(session)
    _fill(session, firing)
    stack.append(firing)
    saved = (dataclasses.replace(session.options), session.database, session.scope_identity)
    temp_tables = session._temp_table_ids()  # #temp tables the trigger makes end with it
    session.options.xact_abort = True  # ON by default inside a trigger
    session.database = _database_of(session, firing)
    session.rowcount = count
    autocommit = session.trancount == 0
    if autocommit:
        session.trancount = 1  # the statement's own transaction: @@TRANCOUNT is 1 inside
    session.nest_level += 1
    finished = False
    try:
        yield from _quiet_transactions(session._block(parsed.block, frame), autocommit)
        finished = True
    except _Return:
        finished = True
    except SqlError as error:  # a CATCH outside the trigger takes it: the transaction cannot commit
        raise dataclasses.replace(error, dooms_transaction=error.dooms_transaction or not _raised(error)) from None
    finally:
        session.nest_level -= 1
        stack.pop()
        if autocommit and not finished and session.trancount:
            session.trancount -= 1
        session.options, session.database, session.scope_identity = saved
        _release(session, frame)
        session._drop_temp_tables(keep=temp_tables)
        outer = next((f for f in reversed(stack) if f.storage == firing.storage), None)
        if outer is not None and session._con is not None:
            _fill(session, outer)
    if session.trancount == 0:  # a ROLLBACK or COMMIT in the trigger
        raise transaction_ended()
    if session.doomed:  # the trigger caught an error: its transaction cannot commit
        yield from _quiet_transactions(session._rollback(None, quiet=True), autocommit)
        raise _error_in_trigger()
    if autocommit:
        session.trancount -= 1


def _raised(error: SqlError) -> bool:
    """RAISERROR's errors (user numbers that do not end the batch) do not doom the transaction."""
    return error.number >= 50000 and not error.aborts_batch


def _quiet_transactions(items: Iterator[Result], autocommit: bool) -> Iterator[Result]:
    """A trigger of an autocommitted statement ends a transaction the client never saw begin: no
    ENVCHANGE for it."""
    for item in items:
        if (
            autocommit
            and isinstance(item, EnvChange)
            and item.kind in (EnvKind.COMMIT_TRANSACTION, EnvKind.ROLLBACK_TRANSACTION)
            and not item.old
        ):
            continue
        yield item


def _release(session: EngineSession, frame: Frame) -> None:
    from . import tablevars

    tablevars.release(session, frame)


def _database_of(session: EngineSession, firing: Firing) -> str:
    found = session.engine.database(firing.table.sqlite_db)
    return found.name if found is not None else session.database


def _keyed_body(firing: Firing) -> str:
    """The body as a batch of its own: the comment keeps apart the parsed statements (and the plans
    they cache) of triggers whose bodies read alike."""
    trigger = firing.trigger
    return f"/*trigger {firing.table.sqlite_db}.{trigger.object_id}*/{trigger.spec.body}"


# --- inserted and deleted ---------------------------------------------------------------------------


def _storage(table: Source) -> tuple[str, str]:
    """The temp tables of a table's inserted and deleted rows: named by table and column layout, so a
    changed table gets new ones and plans made for the old ones do not read them."""
    layout = ";".join(f"{c.name}:{c.type}:{_collation(table, c.name)}" for c in table.columns)
    key = f"{table.sqlite_db.lower()}.{table.table.object_id if table.table else table.storage}|{layout}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    return f"{_PSEUDO_PREFIX}inserted_{digest}", f"{_PSEUDO_PREFIX}deleted_{digest}"


def _collation(table: Source, name: str) -> str | None:
    column = table.table.column(name) if table.table is not None else None
    return column.collation if column is not None else None


def _fill(session: EngineSession, firing: Firing) -> None:
    con = session._connection()
    table = firing.table
    definition = ", ".join(
        f"{quote(c.name)} {storage_clause(c.type, _collation(table, c.name))}" for c in table.columns
    )
    marks = ", ".join("?" for _ in table.columns)
    for storage, rows in zip(firing.storage, (firing.inserted, firing.deleted), strict=True):
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {quote(storage)} ({definition})")
        con.execute(f"DELETE FROM temp.{quote(storage)}")
        if rows:
            con.executemany(f"INSERT INTO temp.{quote(storage)} VALUES ({marks})", rows)


def pseudo_table(frame: Frame, catalog_name: str | None, schema: str | None, name: str) -> Source | None:
    """``inserted`` and ``deleted`` in a trigger's statements."""
    firing = frame.trigger
    lowered = name.lower()
    if firing is None or catalog_name or schema or lowered not in ("inserted", "deleted"):
        return None
    table = firing.table
    columns = tuple(SourceColumn(c.name, c.type, c.nullable) for c in table.columns)
    storage = firing.storage[0 if lowered == "inserted" else 1]
    return Source("temp", storage, lowered, columns, dependency=table.dependency)


# --- UPDATE(column) and COLUMNS_UPDATED() -------------------------------------------------------------


def _current(session: EngineSession) -> Firing | None:
    stack = _STACKS.get(session)
    return stack[-1] if stack else None


def column_updated(session: EngineSession, args: list[Any]) -> int:
    firing = _current(session)
    if firing is None or not args or args[0] is None:
        return 0
    wanted = str(args[0]).lower()
    return int(any(firing.table.columns[i].name.lower() == wanted for i in firing.updated))


def columns_updated(session: EngineSession, args: list[Any]) -> bytes | None:
    """COLUMNS_UPDATED(): a bit per column, by column_id, the first byte holding columns 1 to 8."""
    firing = _current(session)
    if firing is None:
        return None
    table = firing.table
    ids = [_column_id(table, i) for i in range(len(table.columns))]
    bits = bytearray((max(ids, default=1) + 7) // 8)
    for position in firing.updated:
        column_id = ids[position] - 1
        bits[column_id // 8] |= 1 << (column_id % 8)
    return bytes(bits)


def _column_id(table: Source, position: int) -> int:
    column = table.table.column(table.columns[position].name) if table.table is not None else None
    return column.column_id if column is not None else position + 1


# --- running statements with triggers ------------------------------------------------------------------


def execute(session: EngineSession, plan: Any, frame: Frame) -> Iterator[Result]:
    """An INSERT, UPDATE or DELETE whose plan found triggers."""
    from . import dmlexec

    exec_rows: list[tuple[list[Any], list[tuple]]] = []
    if plan.exec_text is not None:
        yield from dmlexec._run_exec(session, plan.exec_text, frame, exec_rows)
    tp: TriggerPlan = plan.triggers
    if tp.instead_of is not None and not _running(session, tp.instead_of):
        yield from _instead(session, plan, frame, exec_rows)
        return
    if session.doomed and session.trancount:
        raise errors.uncommittable_transaction()
    session._connection()
    session._ensure_transaction()
    scope = dmlexec.Scope.open(session)
    try:
        affected: list[Any] = []
        try:
            count, rows = dmlexec.write(session, plan, frame, exec_rows, affected)
        except SqlError as error:
            raise dmlexec._terse(session, error) from None
        images = ([a[0] for a in affected if a[0] is not None], [a[1] for a in affected if a[1] is not None])
        updated = _updated(plan.command, plan.target, plan.written)
        yield from fire(session, tp.after, plan.target, plan.command, images, updated, count, frame)
    except BaseException:
        _undo(session, scope)
        raise
    _keep(session, scope)
    yield from dmlexec.finish(session, plan.command, plan.outputs, count, rows, frame)


def execute_merge(session: EngineSession, plan: Any, frame: Frame) -> Iterator[Result]:
    """MERGE with AFTER triggers: each action's triggers, with that action's rows."""
    from . import dmlexec, merge

    scope = dmlexec.Scope.open(session)
    try:
        affected: list[Any] = []
        count, rows = merge._run(session, plan, frame, affected)
        for action, tp in sorted(plan.triggers.items()):
            mine = [a for a in affected if a[3] == action]
            images = ([a[0] for a in mine if a[0] is not None], [a[1] for a in mine if a[1] is not None])
            written = {p for c in plan.clauses if c.action == action for p in c.columns}
            updated = _updated(action, plan.target, tuple(written))
            yield from fire(session, tp.after, plan.target, action, images, updated, len(mine), frame)
    except BaseException:
        _undo(session, scope)
        raise
    _keep(session, scope)
    yield from dmlexec.finish(session, "MERGE", plan.outputs, count, rows, frame)


def _updated(command: str, target: Source, written: Sequence[int]) -> frozenset[int]:
    if command == "INSERT":
        return frozenset(i for i, c in enumerate(target.columns) if not c.computed)
    if command == "UPDATE":
        return frozenset(written)
    return frozenset()


def _undo(session: EngineSession, scope: Any) -> None:
    """Roll the statement back, unless a trigger ended its transaction already."""
    con = session._con
    if con is None or not con.in_transaction:
        scope.done = True
        return
    try:
        scope.rollback()
    except Exception:  # the savepoint went with a ROLLBACK in the trigger
        scope.done = True


def _keep(session: EngineSession, scope: Any) -> None:
    con = session._con
    if con is None or not con.in_transaction:
        scope.done = True
        return
    scope.commit()


def _instead(session: EngineSession, plan: Any, frame: Frame, exec_rows: list) -> Iterator[Result]:
    """The INSTEAD OF trigger runs with the rows the statement would have written, which it does not."""
    from . import dmlexec

    if session.doomed and session.trancount:
        raise errors.uncommittable_transaction()
    session._connection()
    session._ensure_transaction()
    params = dmlexec.bind(session, plan.variables, plan.system_views, frame)
    images = _would_write(session, plan, params, exec_rows)
    count = len(images[0]) if plan.command == "INSERT" else len(images[1])
    updated = _updated(plan.command, plan.target, plan.written)
    scope = dmlexec.Scope.open(session)
    try:
        yield from fire(session, (plan.triggers.instead_of,), plan.target, plan.command, images, updated, count, frame)
    except BaseException:
        _undo(session, scope)
        raise
    _keep(session, scope)
    session.rowcount = count
    yield StatementDone(plan.command, None if session.options.nocount else count, in_procedure=frame.in_procedure)


def _would_write(
    session: EngineSession, plan: Any, params: dict[str, Any], exec_rows: list
) -> tuple[list[list[Any]], list[list[Any]]]:
    from . import dmlexec, identity, values

    width = len(plan.target.columns)
    if plan.command == "INSERT":
        if plan.exec_text is not None:
            listed = [plan.target.columns[i] for i in plan.written]
            rows = []
            for columns, found in exec_rows:
                if len(columns) != len(listed):
                    raise SqlError(
                        213, 16, 7, "Column name or number of supplied values does not match table definition."
                    )
                for row in found:
                    rows.append(
                        [values.storage_value(values.cast(v, c.type), c.type) for v, c in zip(row, listed, strict=True)]
                    )
        else:
            previous = session._identity_counter
            session._identity_counter = identity.Counter(0, 0)  # no identity value is taken: 0 stands in
            try:
                rows = [list(r) for r in dmlexec.fetch_all(session, dmlexec.run_sql(session, plan.rows_sql, params))]
            finally:
                session._identity_counter = previous
        inserted = []
        for row in rows:
            image: list[Any] = [None] * width
            for index, value in zip(plan.written, row, strict=False):
                image[index] = value
            inserted.append(image)
        return inserted, []
    rows = _distinct(dmlexec.fetch_all(session, dmlexec.run_sql(session, plan.rows_sql, params)))
    count, variables, extras = plan.layout
    start = 1 + count + variables + extras
    deleted = [list(r[start : start + width]) for r in rows]
    if plan.command == "DELETE":
        return [], deleted
    inserted = []
    for row, old in zip(rows, deleted, strict=True):
        new = list(old)
        for offset, index in enumerate(plan.written):
            new[index] = row[1 + offset]
        inserted.append(new)
    return inserted, deleted


def _distinct(rows: list[tuple]) -> list[tuple]:
    """One row per target row (a join may repeat one); a view's rows have no rowid and are all kept."""
    seen: set[Any] = set()
    kept = []
    for row in rows:
        if row[0] is not None:
            if row[0] in seen:
                continue
            seen.add(row[0])
        kept.append(row)
    return kept


# --- catalog views, OBJECTPROPERTY, sp_helptrigger -----------------------------------------------------

_TRIGGER_COLUMNS = system.columns(
    ("name", sqltypes.SYSNAME, False),
    ("object_id", sqltypes.INT, False),
    ("parent_class", sqltypes.TINYINT, False),
    ("parent_class_desc", sqltypes.nvarchar(60)),
    ("parent_id", sqltypes.INT, False),
    ("type", sqltypes.SqlType("char", length=2), False),
    ("type_desc", sqltypes.nvarchar(60)),
    ("create_date", sqltypes.DATETIME, False),
    ("modify_date", sqltypes.DATETIME, False),
    ("is_ms_shipped", sqltypes.BIT, False),
    ("is_disabled", sqltypes.BIT, False),
    ("is_not_for_replication", sqltypes.BIT, False),
    ("is_instead_of_trigger", sqltypes.BIT, False),
)
_EVENT_COLUMNS = system.columns(
    ("object_id", sqltypes.INT, False),
    ("type", sqltypes.INT, False),
    ("type_desc", sqltypes.nvarchar(60)),
    ("is_first", sqltypes.BIT),
    ("is_last", sqltypes.BIT),
    ("event_group_type", sqltypes.INT),
    ("event_group_type_desc", sqltypes.nvarchar(60)),
    ("is_trigger_event", sqltypes.BIT),
)
_HELPTRIGGER_COLUMNS = system.columns(
    ("trigger_name", sqltypes.SYSNAME, False),
    ("trigger_owner", sqltypes.SYSNAME),
    ("isupdate", sqltypes.INT),
    ("isdelete", sqltypes.INT),
    ("isinsert", sqltypes.INT),
    ("isafter", sqltypes.INT),
    ("isinsteadof", sqltypes.INT),
    ("trigger_schema", sqltypes.SYSNAME),
)


def _rows(session: EngineSession) -> Iterator[tuple[Any, ...]]:
    import datetime as dt

    cat = session._catalog(session.database)
    objects = {o.object_id: o for o in cat.objects}
    for trigger in all_triggers(cat):
        row = objects[trigger.object_id]
        yield (
            *(trigger.name, trigger.object_id, 1, "OBJECT_OR_COLUMN", trigger.parent_id, "TR", "SQL_TRIGGER"),
            *(dt.datetime.fromisoformat(row.create_date), dt.datetime.fromisoformat(row.modify_date), False),
            *(trigger.disabled, trigger.spec.not_for_replication, trigger.instead_of),
        )


def _event_rows(session: EngineSession) -> Iterator[tuple[Any, ...]]:
    for trigger in all_triggers(session._catalog(session.database)):
        for event in trigger.events:
            yield trigger.object_id, EVENT_TYPES[event], event, False, False, None, None, True


def _sp_helptrigger(session: EngineSession, positional: list, named: dict) -> Iterator[Result]:
    """sp_helptrigger 'table' [, 'INSERT' | 'UPDATE' | 'DELETE']."""
    table_name = named.get("tabname", positional[0] if positional else None)
    wanted = named.get("triggertype", positional[1] if len(positional) > 1 else None)
    parts = [p.strip("[]") for p in str(table_name or "").split(".")]
    cat = session._catalog(session.database)
    table = cat.table(parts[-2] if len(parts) > 1 else "dbo", parts[-1])
    if table is None:
        raise SqlError(
            15009,
            16,
            1,
            f"The object '{table_name}' does not exist in database '{session.database}' or is invalid for this "
            "operation.",
        )
    rows = []
    for trigger in cat.triggers.get(table.object_id, ()):
        if wanted is not None and str(wanted).upper() not in trigger.events:
            continue
        flags = [int(e in trigger.events) for e in ("UPDATE", "DELETE", "INSERT")]
        rows.append((trigger.name, "dbo", *flags, int(not trigger.instead_of), int(trigger.instead_of), trigger.schema))
    yield ResultSet(_HELPTRIGGER_COLUMNS, [rows])
    yield StatementDone("SELECT", len(rows), in_procedure=True)


def _sp_settriggerorder(session: EngineSession, positional: list, named: dict) -> Iterator[Result]:
    raise errors.not_supported("sp_settriggerorder (AFTER triggers fire in the order they were created)")
    yield


_KIND_PROPERTIES = {
    "EXECISAFTERTRIGGER": lambda t: not t.instead_of,
    "EXECISINSTEADOFTRIGGER": lambda t: t.instead_of,
    "EXECISINSERTTRIGGER": lambda t: "INSERT" in t.events,
    "EXECISUPDATETRIGGER": lambda t: "UPDATE" in t.events,
    "EXECISDELETETRIGGER": lambda t: "DELETE" in t.events,
    "EXECISTRIGGERDISABLED": lambda t: t.disabled,
    "EXECISTRIGGERNOTFORREPL": lambda t: t.spec.not_for_replication,
    "EXECISFIRSTINSERTTRIGGER": lambda t: False,
    "EXECISFIRSTUPDATETRIGGER": lambda t: False,
    "EXECISFIRSTDELETETRIGGER": lambda t: False,
    "EXECISLASTINSERTTRIGGER": lambda t: False,
    "EXECISLASTUPDATETRIGGER": lambda t: False,
    "EXECISLASTDELETETRIGGER": lambda t: False,
}
_TABLE_PROPERTIES = {
    "HASAFTERTRIGGER": lambda t: not t.instead_of,
    "HASINSTEADOFTRIGGER": lambda t: t.instead_of,
    "HASINSERTTRIGGER": lambda t: "INSERT" in t.events,
    "HASUPDATETRIGGER": lambda t: "UPDATE" in t.events,
    "HASDELETETRIGGER": lambda t: "DELETE" in t.events,
    "TABLEHASINSERTTRIGGER": lambda t: "INSERT" in t.events,
    "TABLEHASUPDATETRIGGER": lambda t: "UPDATE" in t.events,
    "TABLEHASDELETETRIGGER": lambda t: "DELETE" in t.events,
}


def object_property(cat: catalog.Catalog, row: catalog.ObjectRow, key: str) -> int | None:
    """OBJECTPROPERTY's trigger properties (None: not one of them)."""
    if key in _KIND_PROPERTIES:
        if row.type.strip() != "TR":
            return None
        trigger = next((t for t in cat.triggers.get(row.parent_object_id, ()) if t.object_id == row.object_id), None)
        return None if trigger is None else int(_KIND_PROPERTIES[key](trigger))
    if key in _TABLE_PROPERTIES:
        if row.type.strip() not in ("U", "V"):
            return None
        return int(any(_TABLE_PROPERTIES[key](t) for t in cat.triggers.get(row.object_id, ())))
    event = {"TABLEINSERTTRIGGER": "INSERT", "TABLEUPDATETRIGGER": "UPDATE", "TABLEDELETETRIGGER": "DELETE"}
    for prefix, name in event.items():
        if key in (prefix, prefix + "COUNT"):
            found = [t for t in cat.triggers.get(row.object_id, ()) if name in t.events]
            if key.endswith("COUNT"):
                return len(found)
            return found[0].object_id if found else 0
    return None


def register(registry: system.Registry) -> None:
    registry.view(system.SystemView("sys.triggers", _TRIGGER_COLUMNS, _rows, server_scoped=False))
    registry.view(system.SystemView("sys.trigger_events", _EVENT_COLUMNS, _event_rows, server_scoped=False))
    registry.procedure("sp_helptrigger", _sp_helptrigger)
    registry.procedure("sp_settriggerorder", _sp_settriggerorder)
    registry.functions["TRIGGER_NESTLEVEL"] = nest_level
    registry.functions["COLUMNS_UPDATED"] = columns_updated
    registry.functions[UPDATED_FUNCTION] = column_updated


system.SESSION_FUNCTIONS.update(
    {
        "TRIGGER_NESTLEVEL": (sqltypes.INT, False),
        "COLUMNS_UPDATED": (sqltypes.SqlType("varbinary", length=128), False),
        UPDATED_FUNCTION: (sqltypes.INT, False),
    }
)
