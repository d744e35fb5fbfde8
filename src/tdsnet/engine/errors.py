"""SQL Server errors as data: number, severity (class), state, text, line, procedure.

Every failure the engine reports is a `SqlError` built by one of the functions
below, each named after what went wrong and carrying SQL Server's number and
message text, so that a message is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(slots=True)
class SqlError(Exception):
    number: int
    severity: int
    state: int
    message: str
    line: int = 0  # 0 until the statement that raised it locates it
    procedure: str = ""
    # Whether the error ends the batch (as opposed to only the statement).
    aborts_batch: bool = False
    # Whether the error dooms the transaction (XACT_STATE() = -1).
    dooms_transaction: bool = False
    # Errors the same statement reported before this one (1767 before 1750 "Could not create constraint").
    prior: tuple[SqlError, ...] = ()
    # Lines into its statement the error is (a column on the third line of a SELECT: 2).
    offset: int = 0

    def __str__(self) -> str:
        return f"Msg {self.number}, Level {self.severity}, State {self.state}: {self.message}"

    def at(self, line: int, procedure: str | None = None) -> SqlError:
        procedure = self.procedure if procedure is None else procedure
        prior = tuple(p.at(line, procedure) if not p.line else p for p in self.prior)
        return replace(self, line=line + self.offset, procedure=procedure, prior=prior, offset=0)

    def follow(self, then: SqlError) -> SqlError:
        """``then``, reported after this error (CATCH sees the last one, as in SQL Server)."""
        return replace(then, prior=(*self.prior, replace(self, prior=()), *then.prior))


def syntax_error(near: str, line: int = 0) -> SqlError:
    if near == "":
        return SqlError(102, 15, 1, "Incorrect syntax near the end of the input.", line)
    return SqlError(102, 15, 1, f"Incorrect syntax near '{near}'.", line)


def keyword_syntax_error(keyword: str, line: int = 0) -> SqlError:
    return SqlError(156, 15, 1, f"Incorrect syntax near the keyword '{keyword}'.", line)


def invalid_object(name: str) -> SqlError:
    return SqlError(208, 16, 1, f"Invalid object name '{name}'.", aborts_batch=True)


def invalid_column(name: str) -> SqlError:
    return SqlError(207, 16, 1, f"Invalid column name '{name}'.", aborts_batch=True)


def ambiguous_column(name: str) -> SqlError:
    return SqlError(209, 16, 1, f"Ambiguous column name '{name}'.")


def multipart_not_bound(name: str) -> SqlError:
    return SqlError(4104, 16, 1, f'The multi-part identifier "{name}" could not be bound.', aborts_batch=True)


def unknown_schema(name: str) -> SqlError:
    text = f'The specified schema name "{name}" either does not exist or you do not have permission to use it.'
    return SqlError(2760, 16, 1, text)


def object_exists(name: str) -> SqlError:
    return SqlError(2714, 16, 6, f"There is already an object named '{name}' in the database.")


def wrong_drop(used: str, name: str, kind: str, right: str) -> SqlError:
    text = f"Cannot use DROP {used} with '{name}' because '{name}' is a {kind}. Use DROP {right}."
    return SqlError(3705, 16, 1, text)


def nesting_exceeded() -> SqlError:
    return SqlError(
        217,
        16,
        1,
        "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).",
        aborts_batch=True,
    )


def order_by_in_derived() -> SqlError:
    return SqlError(
        1033,
        15,
        1,
        "The ORDER BY clause is invalid in views, inline functions, derived tables, subqueries, and common table "
        "expressions, unless TOP, OFFSET or FOR XML is also specified.",
    )


def cannot_drop(kind: str, name: str) -> SqlError:
    return SqlError(
        3701,
        11,
        5,
        f"Cannot drop the {kind} '{name}', because it does not exist or you do not have permission.",
    )


def unknown_database(name: str) -> SqlError:
    return SqlError(
        911,
        16,
        1,
        f"Database '{name}' does not exist. Make sure that the name is entered correctly.",
    )


def database_exists(name: str) -> SqlError:
    return SqlError(1801, 16, 3, f"Database '{name}' already exists. Choose a different database name.")


def must_declare(name: str) -> SqlError:
    return SqlError(137, 15, 2, f'Must declare the scalar variable "{name}".')


def already_declared(name: str) -> SqlError:
    return SqlError(
        134,
        15,
        1,
        f'The variable name "{name}" has already been declared. Variable names must be '
        "unique within a query batch or stored procedure.",
    )


def unknown_procedure(name: str) -> SqlError:
    return SqlError(2812, 16, 62, f"Could not find stored procedure '{name}'.")


def unknown_function(name: str) -> SqlError:
    return SqlError(195, 15, 10, f"'{name}' is not a recognized built-in function name.")


def divide_by_zero() -> SqlError:
    return SqlError(8134, 16, 1, "Divide by zero error encountered.")


def conversion_failed(value: str, type_name: str, what: str = "value") -> SqlError:
    return SqlError(
        245,
        16,
        1,
        f"Conversion failed when converting the {what} '{value}' to data type {type_name}.",
        aborts_batch=True,
    )


def conversion_error(from_type: str, to_type: str) -> SqlError:
    return SqlError(8114, 16, 5, f"Error converting data type {from_type} to {to_type}.", aborts_batch=True)


def date_conversion_failed() -> SqlError:
    return SqlError(241, 16, 1, "Conversion failed when converting date and/or time from character string.")


def arithmetic_overflow(type_name: str) -> SqlError:
    return SqlError(8115, 16, 2, f"Arithmetic overflow error converting expression to data type {type_name}.")


def string_truncated(table: str = "", column: str = "", value: str = "") -> SqlError:
    if table:
        return SqlError(
            2628,
            16,
            1,
            f"String or binary data would be truncated in table '{table}', column '{column}'. "
            f"Truncated value: '{value}'.",
        )
    return SqlError(8152, 16, 14, "String or binary data would be truncated.")


def null_not_allowed(column: str, table: str, action: str = "INSERT") -> SqlError:
    return SqlError(
        515,
        16,
        2,
        f"Cannot insert the value NULL into column '{column}', table '{table}'; column does "
        f"not allow nulls. {action} fails.",
    )


def duplicate_key(constraint: str, kind: str, table: str, value: str) -> SqlError:
    number = 2627
    what = "PRIMARY KEY" if kind == "PK" else "UNIQUE KEY"
    return SqlError(
        number,
        14,
        1,
        f"Violation of {what} constraint '{constraint}'. Cannot insert duplicate key in object "
        f"'{table}'. The duplicate key value is ({value}).",
    )


def duplicate_index_key(table: str, index: str, value: str) -> SqlError:
    return SqlError(
        2601,
        14,
        1,
        f"Cannot insert duplicate key row in object '{table}' with unique index '{index}'. "
        f"The duplicate key value is ({value}).",
    )


def column_assigned_twice(column: str) -> SqlError:
    return SqlError(
        264,
        16,
        1,
        f"The column name '{column}' is specified more than once in the SET clause or column list of an "
        "INSERT. A column cannot be assigned more than one value in the same clause. Modify the clause to "
        "make sure that a column is updated only once. If this statement updates or inserts columns into a "
        "view, column aliasing can conceal the duplication in your code.",
    )


def identity_insert_off(table: str) -> SqlError:
    return SqlError(
        544,
        16,
        1,
        f"Cannot insert explicit value for identity column in table '{table}' when IDENTITY_INSERT is set to OFF.",
    )


def lock_timeout() -> SqlError:
    return SqlError(1222, 16, 56, "Lock request time out period exceeded.")


def deadlock(spid: int) -> SqlError:
    return SqlError(
        1205,
        13,
        51,
        f"Transaction (Process ID {spid}) was deadlocked on lock resources with another process "
        "and has been chosen as the deadlock victim. Rerun the transaction.",
        dooms_transaction=True,
    )


def no_transaction_commit() -> SqlError:
    return SqlError(3902, 16, 1, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.")


def no_transaction_rollback() -> SqlError:
    return SqlError(3903, 16, 1, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.")


def not_supported(feature: str) -> SqlError:
    """What tdsnet does not implement: a clear error that names the feature."""
    return SqlError(
        40517,
        16,
        1,
        f"Keyword or statement option '{feature}' is not supported in this version of SQL Server (tdsnet).",
    )


def permission_denied(permission: str, kind: str, name: str, database: str = "") -> SqlError:
    where = f", database '{database}'" if database else ""
    return SqlError(
        229,
        14,
        5,
        f"The {permission} permission was denied on the {kind} '{name}'{where}.",
    )


def user_error(message: str, severity: int = 16, state: int = 1, number: int = 50000) -> SqlError:
    return SqlError(number, severity, state, message)


def index_exists(name: str, table: str) -> SqlError:
    return SqlError(
        1913,
        16,
        1,
        f"The operation failed because an index or statistics with name '{name}' already exists on table '{table}'.",
    )


def second_clustered_index(table: str, existing: str) -> SqlError:
    return SqlError(
        1902,
        16,
        3,
        f"Cannot create more than one clustered index on table '{table}'. Drop the existing clustered index "
        f"'{existing}' before creating another.",
    )


def duplicate_key_in_new_index(table: str, index: str) -> SqlError:
    return SqlError(
        1505,
        16,
        1,
        f"The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name "
        f"'{table}' and the index name '{index}'.",
    )


def drop_constraint_index(qualified_index: str, constraint_kind: str) -> SqlError:
    return SqlError(
        3723,
        16,
        5,
        f"An explicit DROP INDEX is not allowed on index '{qualified_index}'. It is being used for "
        f"{constraint_kind} constraint enforcement.",
    )


def rethrow_outside_catch() -> SqlError:
    return SqlError(
        10704,
        15,
        1,
        "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement "
        "inside a CATCH block, or add error parameters to the THROW statement.",
    )


def throw_number_out_of_range() -> SqlError:
    return SqlError(
        35100,
        16,
        10,
        "Error number in THROW statement is outside the valid range. Specify an error number in the valid range "
        "of 50000 to 2147483647.",
    )


def uncommittable_transaction() -> SqlError:
    return SqlError(
        3930,
        16,
        1,
        "The current transaction cannot be committed and cannot support operations that write to the log file. "
        "Roll back the transaction.",
    )


def query_cancelled() -> SqlError:
    return SqlError(0, 0, 0, "The query was cancelled.", aborts_batch=True)
