"""Property and membership functions: DATABASEPROPERTYEX, SESSIONPROPERTY, SQL_VARIANT_PROPERTY,
IS_SRVROLEMEMBER, IS_MEMBER and HAS_PERMS_BY_NAME, as a session answers them.

tdsnet has no database roles or permissions beyond what the instance checks at login: a
sysadmin (sa) holds every permission and is db_owner everywhere; other logins are members of
public.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..sqltypes import SqlType, TypeError_, parse_type
from . import storage, values

if TYPE_CHECKING:
    from .session import EngineSession

MISSING = object()  # not one of these functions

SERVER_ROLES = frozenset(
    {
        "sysadmin",
        "serveradmin",
        "securityadmin",
        "processadmin",
        "setupadmin",
        "bulkadmin",
        "diskadmin",
        "dbcreator",
        "public",
    }
)
DATABASE_ROLES = frozenset(
    {
        "db_owner",
        "db_accessadmin",
        "db_securityadmin",
        "db_ddladmin",
        "db_backupoperator",
        "db_datareader",
        "db_datawriter",
        "db_denydatareader",
        "db_denydatawriter",
        "public",
    }
)
_SESSION_OPTIONS = {
    "ANSI_NULLS": "ansi_nulls",
    "ANSI_PADDING": "ansi_padding",
    "ANSI_WARNINGS": "ansi_warnings",
    "ARITHABORT": "arithabort",
    "CONCAT_NULL_YIELDS_NULL": "concat_null_yields_null",
    "NUMERIC_ROUNDABORT": "numeric_roundabort",
    "QUOTED_IDENTIFIER": "quoted_identifier",
}


def call(session: EngineSession, name: str, args: list[Any]) -> Any:
    handler = _HANDLERS.get(name)
    return MISSING if handler is None else handler(session, args)


def _is_srvrolemember(session: EngineSession, args: list[Any]) -> Any:
    role = str(args[0]).lower() if args and args[0] is not None else ""
    if role not in SERVER_ROLES:
        return None
    return 1 if role == "public" or session.info.is_sysadmin else 0


def _is_member(session: EngineSession, args: list[Any]) -> Any:
    role = str(args[0]).lower() if args and args[0] is not None else ""
    if role not in DATABASE_ROLES:
        return None
    return 1 if role == "public" or (session.info.is_sysadmin and not role.startswith("db_deny")) else 0


def _has_perms_by_name(session: EngineSession, args: list[Any]) -> Any:
    return 1 if session.info.is_sysadmin else 0


def _sessionproperty(session: EngineSession, args: list[Any]) -> Any:
    option = _SESSION_OPTIONS.get(str(args[0]).upper() if args and args[0] is not None else "")
    return None if option is None else int(bool(getattr(session.options, option)))


def _databasepropertyex(session: EngineSession, args: list[Any]) -> Any:
    if len(args) < 2 or args[0] is None or args[1] is None:
        return None
    database = session.engine.database(str(args[0]))
    if database is None:
        return None
    prop = str(args[1]).lower()
    values = {
        "status": "ONLINE",
        "updateability": "READ_WRITE",
        "useraccess": "MULTI_USER",
        "collation": storage.DEFAULT_COLLATION,
        "recovery": "SIMPLE" if database.name.lower() in ("master", "tempdb") else "FULL",
        "version": 957,
        "isautoshrink": 0,
        "isautoclose": 0,
        "isautocreatestatistics": 1,
        "isautoupdatestatistics": 1,
        "isfulltextenabled": 0,
        "isinstandby": 0,
        "ismergepublished": 0,
        "ispublished": 0,
        "issubscribed": 0,
        "isrecursivetriggersenabled": int(_recursive_triggers(session, database.name)),
        "isarithmeticabortenabled": 1,
        "isansinullsenabled": 0,
        "isansinulldefault": 0,
        "isansipaddingenabled": 0,
        "isansiwarningsenabled": 0,
        "isquotedidentifiersenabled": 0,
        "isnullconcat": 0,
        "isnumericroundabortenabled": 0,
        "lcid": 1033,
        "sqlsortorder": 52,
        "comparisonstyle": 196609,
        "edition": "Developer",
        "serviceobjective": None,
    }
    return values.get(prop)


def _recursive_triggers(session: EngineSession, database: str) -> bool:
    from . import triggers

    return triggers.recursive_enabled(session.engine, database)


def _sql_variant_property(session: EngineSession, args: list[Any]) -> Any:
    """SQL_VARIANT_PROPERTY(value, property), the compiler passing the value's type last."""
    if len(args) < 3 or args[0] is None or args[1] is None:
        return None
    try:
        st = parse_type(str(args[2])) if args[2] else None
    except TypeError_:
        st = None
    if st is not None and st.family == "variant":  # the base type the value holds
        st = values.variant_base(args[0])
    if st is None:
        return None
    return _variant_property(st, str(args[1]).lower())


def _variant_property(st: SqlType, prop: str) -> Any:
    if prop == "basetype":
        return st.name
    if prop == "precision":
        return st.precision if st.family == "decimal" else _PRECISION.get(st.name, 0)
    if prop == "scale":
        return 4 if st.family == "money" else st.scale or 0
    if prop in ("maxlength", "totalbytes"):
        size = st.length if st.length and st.length > 0 else _BYTES.get(st.name, 0)
        if st.is_unicode and st.length:
            size *= 2
        if st.family == "decimal":
            precision = st.precision or 18
            size = 5 if precision <= 9 else 9 if precision <= 19 else 13 if precision <= 28 else 17
        return size + (2 if prop == "totalbytes" else 0)
    if prop == "collation":
        return storage.DEFAULT_COLLATION if st.is_string else None
    return None


_PRECISION = {"bit": 1, "tinyint": 3, "smallint": 5, "int": 10, "bigint": 19, "float": 53, "real": 24}
_PRECISION |= {"money": 19, "smallmoney": 10, "date": 10, "datetime": 23, "smalldatetime": 16}
_BYTES = {"bit": 1, "tinyint": 1, "smallint": 2, "int": 4, "bigint": 8, "float": 8, "real": 4, "money": 8}
_BYTES |= {"smallmoney": 4, "date": 3, "datetime": 8, "smalldatetime": 4, "uniqueidentifier": 16}

_HANDLERS = {
    "IS_SRVROLEMEMBER": _is_srvrolemember,
    "IS_MEMBER": _is_member,
    "HAS_PERMS_BY_NAME": _has_perms_by_name,
    "SESSIONPROPERTY": _sessionproperty,
    "DATABASEPROPERTYEX": _databasepropertyex,
    "SQL_VARIANT_PROPERTY": _sql_variant_property,
}
