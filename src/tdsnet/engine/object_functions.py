"""Metadata functions over the catalog: OBJECT_ID, OBJECT_NAME, OBJECTPROPERTY, COL_LENGTH and friends.

They take names as strings ('[db.][schema.]name', brackets allowed) and answer NULL, not an
error, for anything they cannot find, as SQL Server's do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import catalog, catalog_views

if TYPE_CHECKING:
    from .session import EngineSession

NAMES = frozenset(
    {
        "OBJECT_ID",
        "OBJECT_NAME",
        "OBJECT_SCHEMA_NAME",
        "OBJECT_DEFINITION",
        "OBJECTPROPERTY",
        "OBJECTPROPERTYEX",
        "COL_LENGTH",
        "COL_NAME",
        "COLUMNPROPERTY",
    }
)

_KINDS: dict[str, frozenset[str]] = {
    "ISUSERTABLE": frozenset({"U"}),
    "ISTABLE": frozenset({"U", "S"}),
    "ISVIEW": frozenset({"V"}),
    "ISPROCEDURE": frozenset({"P"}),
    "ISSCALARFUNCTION": frozenset({"FN"}),
    "ISINLINEFUNCTION": frozenset({"IF"}),
    "ISTABLEFUNCTION": frozenset({"IF", "TF"}),
    "ISPRIMARYKEY": frozenset({"PK"}),
    "ISUNIQUECNST": frozenset({"UQ"}),
    "ISFOREIGNKEY": frozenset({"F"}),
    "ISDEFAULTCNST": frozenset({"D"}),
    "ISCHECKCNST": frozenset({"C"}),
    "ISCONSTRAINT": frozenset({"PK", "UQ", "F", "D", "C"}),
    "ISTRIGGER": frozenset({"TR"}),
}
_ALWAYS = {"ISMSSHIPPED": 0, "ISSYSTEMTABLE": 0, "ISSCHEMABOUND": 0, "EXECISANSINULLSON": 1, "EXECISQUOTEDIDENTON": 1}


def call(session: EngineSession, name: str, args: list[Any]) -> Any:
    if not args or args[0] is None:
        return None
    if name == "OBJECT_ID":
        wanted = str(args[1]).strip().upper() if len(args) > 1 and args[1] is not None else None
        parts = name_parts(str(args[0]))
        if len(parts) >= 2 and parts[-2].lower() in ("sys", "information_schema"):
            key = f"{parts[-2].lower()}.{parts[-1].lower()}"
            return catalog_views.system_view_ids(session).get(key) if wanted in (None, "V") else None
        found = find_object(session, parts)
        if found is None or (wanted and found[1].type.strip() != wanted):
            return None
        return found[1].object_id
    if name in ("COL_LENGTH", "COLUMNPROPERTY"):
        return _column_function(session, name, args)
    with_database = name in ("OBJECT_NAME", "OBJECT_SCHEMA_NAME") and len(args) > 1 and args[1] is not None
    database = session.engine.database_by_id(int(args[1])) if with_database else None
    cat = session._catalog(database.name if database else session.database)
    row = next((o for o in cat.objects if o.object_id == int(args[0])), None)
    if row is None:
        return None
    if name == "OBJECT_NAME":
        return row.name
    if name == "OBJECT_SCHEMA_NAME":
        return cat.schema_names.get(row.schema_id)
    if name == "OBJECT_DEFINITION":
        return _definition(row)
    if name == "COL_NAME":
        table = cat.by_id.get(row.object_id)
        column = next((c for c in table.columns if c.column_id == int(args[1])), None) if table else None
        return column.name if column else None
    return _object_property(cat, row, str(args[1]) if len(args) > 1 else "")


def _definition(row: catalog.ObjectRow) -> str | None:
    """Module text; constraints keep their detail as JSON, which is not T-SQL and not shown."""
    return row.definition if row.type.strip() in ("P", "FN", "IF", "TF", "V", "TR") else None


def _object_property(cat: catalog.Catalog, row: catalog.ObjectRow, prop: str) -> int | None:
    key = prop.upper()
    kind = row.type.strip()
    if key in _KINDS:
        return int(kind in _KINDS[key])
    if key in _ALWAYS:
        return _ALWAYS[key]
    if key == "OWNERID":
        return 1
    from . import triggers

    found = triggers.object_property(cat, row, key)  # ExecIsAfterTrigger, HasInsertTrigger...
    if found is not None:
        return found
    table = cat.by_id.get(row.object_id)
    if table is None or not key.startswith("TABLE"):
        return None
    if key == "TABLEHASIDENTITY":
        return int(table.identity is not None)
    if key == "TABLEHASPRIMARYKEY":
        return int(any(i.is_primary_key for i in table.indexes))
    if key == "TABLEHASCLUSTINDEX":
        return int(any(i.type == catalog.CLUSTERED for i in table.indexes))
    if key == "TABLEHASINDEX":
        return int(bool(table.indexes))
    return None


def _column_function(session: EngineSession, name: str, args: list[Any]) -> Any:
    if len(args) < 2 or args[1] is None:
        return None
    if name == "COL_LENGTH":
        found = find_object(session, name_parts(str(args[0])))
        table = session._catalog(found[0]).by_id.get(found[1].object_id) if found else None
    else:
        table = session._catalog(session.database).by_id.get(int(args[0]))
    column = table.column(str(args[1])) if table else None
    if column is None:
        return None
    if name == "COL_LENGTH":
        return column.type.byte_length()
    prop = str(args[2]).upper() if len(args) > 2 and args[2] is not None else ""
    return {
        "ALLOWSNULL": int(column.nullable),
        "ISIDENTITY": int(column.identity),
        "ISCOMPUTED": int(column.computed_sql is not None),
        "COLUMNID": column.column_id,
        "PRECISION": column.type.precision if column.type.precision is not None else column.type.length,
        "SCALE": column.type.scale,
        "CHARMAXLEN": column.type.length if column.type.is_string else None,
    }.get(prop)


def name_parts(text: str) -> list[str]:
    """'db.schema.name' (brackets and quotes allowed, empty parts kept) as a list of parts."""
    parts = [p.strip().strip('[]"') for p in re.split(r"\.(?![^\[]*\])", text.strip())]
    return parts if parts and parts[-1] else []


def find_object(session: EngineSession, parts: list[str]) -> tuple[str, catalog.ObjectRow] | None:
    """(database, object) for [db.][schema.]name; #temp names look in the session's temp store."""
    if not parts:
        return None
    name = parts[-1]
    schema = parts[-2] if len(parts) > 1 and parts[-2] else "dbo"
    db = parts[-3] if len(parts) > 2 and parts[-3] else session.database
    if name.startswith("##"):
        db, schema = "tempdb", "dbo"
    elif name.startswith("#"):
        db, schema = "temp", "dbo"
    else:
        database = session.engine.database(db)
        if database is None:
            return None
        db = database.name
    cat = session._catalog(db)
    schema_id = cat.schema_id(schema)
    row = next((o for o in cat.objects if o.schema_id == schema_id and o.name.lower() == name.lower()), None)
    return None if row is None else (db, row)
