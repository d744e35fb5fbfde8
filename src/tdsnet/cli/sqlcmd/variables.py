"""sqlcmd's scripting variables: `$(NAME)` substitution, `:setvar`, `-v` and the SQLCMD* built-ins.

Precedence, lowest first, as sqlcmd documents it: the built-in defaults, the environment, the
command-line options that set a built-in (-s sets SQLCMDCOLSEP...), `-v`, then `:setvar`.  Names
are case-insensitive.  Substitution happens once per line as the line is read, everywhere in it
(strings and comments too, as sqlcmd does), and a value is never substituted again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping

# Built-ins: name -> default.  Read-only ones can only come from the command line or the environment.
DEFAULTS: dict[str, str] = {
    "SQLCMDUSER": "",
    "SQLCMDPASSWORD": "",
    "SQLCMDSERVER": "",
    "SQLCMDWORKSTATION": "",
    "SQLCMDDBNAME": "",
    "SQLCMDLOGINTIMEOUT": "8",
    "SQLCMDSTATTIMEOUT": "0",
    "SQLCMDHEADERS": "0",
    "SQLCMDCOLSEP": " ",
    "SQLCMDCOLWIDTH": "0",
    "SQLCMDPACKETSIZE": "4096",
    "SQLCMDERRORLEVEL": "0",
    "SQLCMDMAXVARTYPEWIDTH": "256",
    "SQLCMDMAXFIXEDTYPEWIDTH": "0",
    "SQLCMDEDITOR": "vi",
    "SQLCMDINI": "",
}
READ_ONLY = frozenset(
    {"SQLCMDUSER", "SQLCMDPASSWORD", "SQLCMDSERVER", "SQLCMDWORKSTATION", "SQLCMDDBNAME"}
    | {"SQLCMDPACKETSIZE", "SQLCMDINI"}
)
HIDDEN = frozenset({"SQLCMDPASSWORD"})  # neither listed by :listvar nor substituted

# Built-ins that hold numbers, with the range sqlcmd accepts.
_RANGES: dict[str, tuple[int, int]] = {
    "SQLCMDLOGINTIMEOUT": (0, 65534),
    "SQLCMDSTATTIMEOUT": (0, 65534),
    "SQLCMDHEADERS": (-1, 2**31 - 1),
    "SQLCMDCOLWIDTH": (0, 65535),
    "SQLCMDERRORLEVEL": (-1, 25),
    "SQLCMDMAXVARTYPEWIDTH": (0, 2**31 - 1),
    "SQLCMDMAXFIXEDTYPEWIDTH": (0, 2**31 - 1),
    "SQLCMDPACKETSIZE": (512, 32767),
}

_REFERENCE = re.compile(r"\$\(([^()\s]*)\)")
_BAD_NAME = re.compile(r"[\s\"'$()]")


class VariableError(ValueError):
    """A variable that cannot be set: read-only, a bad name or a bad value (text in sqlcmd's words)."""


def check_name(name: str) -> None:
    if not name or _BAD_NAME.search(name):
        raise VariableError(f"Sqlcmd: Error: '{name}' is not a valid scripting variable name.")


def check_value(name: str, value: str) -> None:
    """Numeric built-ins must hold a number in range (sqlcmd refuses the value otherwise)."""
    bounds = _RANGES.get(name.upper())
    if bounds is None:
        if name.upper() == "SQLCMDCOLSEP" and len(value) != 1:
            raise VariableError(f"Sqlcmd: Error: The environment variable: '{name}' has invalid value: '{value}'.")
        return
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not bounds[0] <= number <= bounds[1]:
        raise VariableError(f"Sqlcmd: Error: The environment variable: '{name}' has invalid value: '{value}'.")


class Variables:
    """The variable table: upper-cased names -> values, and the names as first written."""

    def __init__(self, environment: Mapping[str, str] | None = None) -> None:
        self._values: dict[str, str] = dict(DEFAULTS)
        self._names: dict[str, str] = {name: name for name in DEFAULTS}
        self._from_environment: set[str] = set()
        for name, value in (os.environ if environment is None else environment).items():
            if name.upper() in DEFAULTS:
                try:
                    check_value(name, value)
                except VariableError:
                    continue  # a bad SQLCMDHEADERS in the environment leaves the default
            else:
                self._from_environment.add(name.upper())
            self._values[name.upper()] = value
            self._names.setdefault(name.upper(), name)

    def __contains__(self, name: str) -> bool:
        return name.upper() in self._values

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._values.get(name.upper(), default)

    def number(self, name: str) -> int:
        """A numeric built-in (validated when set, so this cannot fail)."""
        return int(self._values.get(name.upper(), DEFAULTS.get(name.upper(), "0")) or 0)

    def put(self, name: str, value: str) -> None:
        """Set without the read-only check: the command line and :connect set read-only built-ins."""
        check_name(name)
        check_value(name, value)
        key = name.upper()
        self._values[key] = value
        self._from_environment.discard(key)
        if key not in DEFAULTS:
            self._names[key] = name

    def setvar(self, name: str, value: str | None) -> None:
        """`:setvar NAME value` (value None removes the variable)."""
        check_name(name)
        key = name.upper()
        if key in READ_ONLY:
            raise VariableError(f"Sqlcmd: Error: The scripting variable: '{name}' is read-only.")
        if value is not None:
            self.put(name, value)
        elif key in DEFAULTS:
            self._values[key] = DEFAULTS[key]
        else:
            self._values.pop(key, None)
            self._names.pop(key, None)

    def listing(self) -> Iterator[tuple[str, str]]:
        """What :listvar shows: sqlcmd's own variables and the ones -v and :setvar set (not the rest of the
        environment, which $(NAME) still reads)."""
        for key in sorted(self._values):
            if key not in HIDDEN and key not in self._from_environment:
                yield self._names.get(key, key), self._values[key]

    def substitute(self, line: str, undefined: Callable[[str], None]) -> str:
        """Replace every `$(NAME)`; an undefined one is reported through ``undefined`` and left as written."""
        if "$(" not in line:
            return line

        def replace(match: re.Match[str]) -> str:
            key = match.group(1).upper()
            value = None if key in HIDDEN else self._values.get(key)
            if value is None:
                undefined(match.group(1))
                return match.group(0)
            return value

        return _REFERENCE.sub(replace, line)


def parse_assignments(tokens: list[str]) -> list[tuple[str, str]]:
    """`-v` arguments: `a=1 b="x y"`, and the spaced forms sqlcmd documents: `ColumnName ="FirstName"`
    (two arguments once the shell is done) or `name = value` (three)."""
    pairs: list[tuple[str, str]] = []
    queue = list(tokens)
    while queue:
        name, equals, value = queue.pop(0).partition("=")
        name = name.strip()
        if not equals:  # the name alone: '=value' or '=' 'value' follows
            if not queue or not queue[0].startswith("="):
                raise VariableError(f"Sqlcmd: '-v {name}': Invalid argument. Enter '-?' for help.")
            value = queue.pop(0)[1:]
            if not value and queue:
                value = queue.pop(0)
        if not name:
            raise VariableError(f"Sqlcmd: '-v ={value}': Invalid argument. Enter '-?' for help.")
        check_name(name)
        pairs.append((name, unquote(value)))
    return pairs


def unquote(value: str) -> str:
    """A value in double quotes loses them and `""` inside becomes `"` (:setvar MyVar "spac""e")."""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1].replace('""', '"')
    return value
