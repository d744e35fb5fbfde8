"""The server's own vocabulary inside T-SQL: @@variables, session and metadata
functions, and the registries through which the instance adds system views,
system procedures and server-level statements without the engine knowing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import sqltypes
from ..sqltypes import Column, SqlType
from .results import Result

if TYPE_CHECKING:
    from .session import EngineSession

PRODUCT_VERSION = "16.0.1000.6"
PRODUCT_MAJOR, PRODUCT_MINOR, PRODUCT_BUILD = 16, 0, 1000

# @@name -> type
SYSTEM_VARIABLES: dict[str, SqlType] = {
    "SPID": sqltypes.SMALLINT,
    "VERSION": sqltypes.nvarchar(300),
    "SERVERNAME": sqltypes.nvarchar(128),
    "SERVICENAME": sqltypes.nvarchar(128),
    "ROWCOUNT": sqltypes.INT,
    "IDENTITY": sqltypes.decimal(38, 0),
    "ERROR": sqltypes.INT,
    "TRANCOUNT": sqltypes.INT,
    "LANGUAGE": sqltypes.nvarchar(128),
    "LANGID": sqltypes.SMALLINT,
    "OPTIONS": sqltypes.INT,
    "MAX_PRECISION": sqltypes.TINYINT,
    "DATEFIRST": sqltypes.TINYINT,
    "LOCK_TIMEOUT": sqltypes.INT,
    "TEXTSIZE": sqltypes.INT,
    "PROCID": sqltypes.INT,
    "NESTLEVEL": sqltypes.INT,
    "FETCH_STATUS": sqltypes.INT,
    "CONNECTIONS": sqltypes.INT,
    "MAX_CONNECTIONS": sqltypes.INT,
    "MICROSOFTVERSION": sqltypes.INT,
    "DBTS": SqlType("varbinary", length=8),
    "CPU_BUSY": sqltypes.INT,
    "IDLE": sqltypes.INT,
    "IO_BUSY": sqltypes.INT,
    "PACKET_ERRORS": sqltypes.INT,
    "PACK_RECEIVED": sqltypes.INT,
    "PACK_SENT": sqltypes.INT,
    "TOTAL_ERRORS": sqltypes.INT,
    "TOTAL_READ": sqltypes.INT,
    "TOTAL_WRITE": sqltypes.INT,
    "TIMETICKS": sqltypes.INT,
    "REMSERVER": sqltypes.nvarchar(128),
    "CURSOR_ROWS": sqltypes.INT,
}

SYSNAME = sqltypes.SYSNAME
# Functions whose value depends on the session or the catalog: name -> (type, store access)
SESSION_FUNCTIONS: dict[str, tuple[SqlType, bool]] = {
    "DB_NAME": (SYSNAME, False),
    "DB_ID": (sqltypes.INT, False),
    "SCHEMA_NAME": (SYSNAME, True),
    "SCHEMA_ID": (sqltypes.INT, True),
    "OBJECT_ID": (sqltypes.INT, True),
    "OBJECT_NAME": (SYSNAME, True),
    "OBJECT_SCHEMA_NAME": (SYSNAME, True),
    "OBJECT_DEFINITION": (sqltypes.NVARCHAR_MAX, True),
    "OBJECTPROPERTY": (sqltypes.INT, True),
    "OBJECTPROPERTYEX": (sqltypes.SQL_VARIANT, True),
    "COLUMNPROPERTY": (sqltypes.INT, True),
    "COL_LENGTH": (sqltypes.SMALLINT, True),
    "COL_NAME": (SYSNAME, True),
    "TYPE_NAME": (SYSNAME, False),
    "TYPE_ID": (sqltypes.INT, False),
    "TYPEPROPERTY": (sqltypes.INT, False),
    "SUSER_SNAME": (sqltypes.nvarchar(128), False),
    "SUSER_NAME": (sqltypes.nvarchar(128), False),
    "SUSER_ID": (sqltypes.INT, False),
    "SUSER_SID": (SqlType("varbinary", length=85), False),
    "USER_NAME": (SYSNAME, False),
    "USER_ID": (sqltypes.INT, False),
    "CURRENT_USER": (SYSNAME, False),
    "SESSION_USER": (SYSNAME, False),
    "SYSTEM_USER": (sqltypes.nvarchar(128), False),
    "ORIGINAL_LOGIN": (SYSNAME, False),
    "DATABASE_PRINCIPAL_ID": (sqltypes.INT, False),
    "HOST_NAME": (sqltypes.nvarchar(128), False),
    "HOST_ID": (sqltypes.nvarchar(10), False),
    "APP_NAME": (sqltypes.nvarchar(128), False),
    "SERVERPROPERTY": (sqltypes.SQL_VARIANT, False),
    "DATABASEPROPERTYEX": (sqltypes.SQL_VARIANT, False),
    "CONNECTIONPROPERTY": (sqltypes.SQL_VARIANT, False),
    "SESSIONPROPERTY": (sqltypes.SQL_VARIANT, False),
    "IS_SRVROLEMEMBER": (sqltypes.INT, False),
    "APPLOCK_MODE": (sqltypes.nvarchar(32), False),
    "APPLOCK_TEST": (sqltypes.INT, False),
    "IS_MEMBER": (sqltypes.INT, False),
    "IS_ROLEMEMBER": (sqltypes.INT, False),
    "HAS_PERMS_BY_NAME": (sqltypes.INT, True),
    "HAS_DBACCESS": (sqltypes.INT, False),
    "ERROR_NUMBER": (sqltypes.INT, False),
    "ERROR_MESSAGE": (sqltypes.nvarchar(4000), False),
    "ERROR_SEVERITY": (sqltypes.INT, False),
    "ERROR_STATE": (sqltypes.INT, False),
    "ERROR_LINE": (sqltypes.INT, False),
    "ERROR_PROCEDURE": (sqltypes.nvarchar(128), False),
    "XACT_STATE": (sqltypes.SMALLINT, False),
    "SCOPE_IDENTITY": (sqltypes.decimal(38, 0), False),
    "IDENT_CURRENT": (sqltypes.decimal(38, 0), True),
    "IDENT_SEED": (sqltypes.decimal(38, 0), True),
    "IDENT_INCR": (sqltypes.decimal(38, 0), True),
    "FORMATMESSAGE": (sqltypes.nvarchar(2047), False),
    "NEXT_VALUE_FOR": (sqltypes.BIGINT, True),
    "CURRENT_REQUEST_ID": (sqltypes.INT, False),
    "CONTEXT_INFO": (SqlType("varbinary", length=128), False),
    "PERMISSIONS": (sqltypes.INT, False),
    "FULLTEXTSERVICEPROPERTY": (sqltypes.INT, False),
    "SQL_VARIANT_PROPERTY": (sqltypes.SQL_VARIANT, False),
}
# Functions written without parentheses in T-SQL.
NILADIC = {"CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "USER"}


# --- registries the instance fills in --------------------------------------------------------

RowSource = Callable[["EngineSession"], Iterable[Sequence[Any]]]


@dataclass(frozen=True, slots=True)
class SystemView:
    """A catalog view or DMV computed in Python: sys.dm_exec_sessions, sys.endpoints..."""

    name: str  # 'sys.dm_exec_sessions'
    columns: tuple[Column, ...]
    rows: RowSource
    server_scoped: bool = True  # the same rows in every database


ProcedureHandler = Callable[["EngineSession", list[Any], dict[str, Any]], Iterator[Result]]
StatementHandler = Callable[["EngineSession", str], Iterator[Result]]


@dataclass(frozen=True, slots=True)
class SystemProcedure:
    name: str  # lower case, e.g. 'sp_who'
    handler: ProcedureHandler


@dataclass(frozen=True, slots=True)
class ServerStatement:
    """A statement the instance implements: CREATE LOGIN, CREATE ENDPOINT, KILL...

    ``matches`` sees the statement's first words, upper-cased.
    """

    name: str
    matches: Callable[[Sequence[str]], bool]
    handler: StatementHandler


FunctionHandler = Callable[["EngineSession", list[Any]], Any]


class Registry:
    def __init__(self) -> None:
        self.views: dict[str, SystemView] = {}
        self.procedures: dict[str, SystemProcedure] = {}
        self.statements: list[ServerStatement] = []
        self.functions: dict[str, FunctionHandler] = {}

    def view(self, view: SystemView) -> None:
        self.views[view.name.lower()] = view

    def procedure(self, name: str, handler: ProcedureHandler) -> None:
        self.procedures[name.lower()] = SystemProcedure(name.lower(), handler)

    def statement(self, statement: ServerStatement) -> None:
        self.statements.append(statement)

    def find_statement(self, words: Sequence[str]) -> ServerStatement | None:
        for statement in self.statements:
            if statement.matches(words):
                return statement
        return None


def columns(*spec: tuple[str, SqlType] | tuple[str, SqlType, bool]) -> tuple[Column, ...]:
    """Columns from (name, type[, nullable]) triples."""
    return tuple(Column(s[0], s[1], s[2] if len(s) > 2 else True) for s in spec)  # type: ignore[misc]
