"""sqlcmd's command line, read as sqlcmd reads it: single-dash, case-sensitive letters, a value either
attached (`-Sserver`, `-h-1`) or in the next argument (`-S server`, `-h -1`), a few with an optional
attached value (`-N[s|m|o]`, `-r[0|1]`, `-k[1|2]`, `-X[1]`), and `-v` taking every `name=value` up
to the next option.  Errors use sqlcmd's wording and say what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .variables import VariableError, check_value, parse_assignments

# Options taking a value; the variable a value sets, when it sets one.
_VALUED: dict[str, str | None] = {
    "S": "SQLCMDSERVER",
    "U": "SQLCMDUSER",
    "P": "SQLCMDPASSWORD",
    "d": "SQLCMDDBNAME",
    "H": "SQLCMDWORKSTATION",
    "l": "SQLCMDLOGINTIMEOUT",
    "t": "SQLCMDSTATTIMEOUT",
    "h": "SQLCMDHEADERS",
    "s": "SQLCMDCOLSEP",
    "w": "SQLCMDCOLWIDTH",
    "a": "SQLCMDPACKETSIZE",
    "m": "SQLCMDERRORLEVEL",
    "y": "SQLCMDMAXVARTYPEWIDTH",
    "Y": "SQLCMDMAXFIXEDTYPEWIDTH",
    "Q": None,
    "q": None,
    "i": None,
    "o": None,
    "V": None,
    "c": None,
    "K": None,
    "f": None,
    "F": None,
    "J": None,
}
_FLAGS = set("bCeEIWxAMRu")
# Options whose value is optional and, when given, attached or one of these words.
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "N": ("s", "m", "o", "strict", "mandatory", "optional", "true", "false", "yes", "no"),
    "r": ("0", "1"),
    "k": ("1", "2"),
    "X": ("1",),
}
_UNSUPPORTED = {
    "G": "Microsoft Entra authentication (-G) is not supported; use a SQL login (-U, -P).",
    "g": "Always Encrypted (-g) is not supported.",
    "z": "Changing the password (-z) is not supported; use ALTER LOGIN.",
    "Z": "Changing the password (-Z) is not supported; use ALTER LOGIN.",
    "L": "Listing servers (-L) is not part of sqlcmd here; run 'tdsnet browse [host]'.",
    "D": "DSNs (-D) are not supported; give the server with -S.",
    "p": "Performance statistics (-p) are not supported.",
    "j": "Raw error messages (-j) are not supported.",
}
_ENCRYPT = {
    "": "mandatory",
    "m": "mandatory",
    "mandatory": "mandatory",
    "true": "mandatory",
    "yes": "mandatory",
    "s": "strict",
    "strict": "strict",
    "o": "optional",
    "optional": "optional",
    "false": "optional",
    "no": "optional",
}


class OptionError(ValueError):
    """A command line sqlcmd refuses (the text is what to print)."""


@dataclass
class Options:
    """The parsed command line; None means "not given"."""

    variables: dict[str, str] = field(default_factory=dict)  # built-ins set by options (-S, -h...)
    assignments: list[tuple[str, str]] = field(default_factory=list)  # -v
    query: str | None = None
    exit_after_query: bool = False  # -Q (else -q)
    input_files: list[str] = field(default_factory=list)
    output_file: str | None = None
    trusted: bool = False  # -E
    trust_server_certificate: bool = False  # -C
    encrypt: str | None = None  # -N: mandatory / strict / optional
    host_name_in_certificate: str | None = None  # -F
    server_certificate: str | None = None  # -J
    dac: bool = False  # -A
    exit_on_error: bool = False  # -b
    severity: int = 0  # -V
    echo: bool = False  # -e
    quoted_identifier: bool = False  # -I
    trim: bool = False  # -W
    no_substitution: bool = False  # -x
    redirect: int | None = None  # -r
    control: int = 0  # -k: 0 keep, 1 replace each, 2 replace runs
    disable_commands: int | None = None  # -X / -X1
    terminator: str = "GO"  # -c
    intent: str | None = None  # -K
    multisubnet: bool = False  # -M
    unicode_output: bool = False  # -u
    codepage: str | None = None  # -f
    help: bool = False


def parse(argv: list[str]) -> Options:
    options = Options()
    index = 0
    while index < len(argv):
        index = _take(argv, index, options)
    _check(options)
    return options


def _take(argv: list[str], index: int, options: Options) -> int:
    """Read the option at argv[index]; return the index of the next one."""
    arg = argv[index]
    if arg in ("-?", "/?", "--help", "-help"):
        options.help = True
        return index + 1
    if not arg.startswith("-") or len(arg) < 2:
        raise OptionError(f"Sqlcmd: '{arg}': Unexpected argument. Argument values containing spaces must be quoted.")
    letter, attached = arg[1], arg[2:]
    if letter in _UNSUPPORTED:
        raise OptionError(f"Sqlcmd: '-{letter}': {_UNSUPPORTED[letter]}")
    if letter == "v":
        return _take_assignments(argv, index, attached, options)
    if letter in _FLAGS:
        if attached:
            raise OptionError(f"Sqlcmd: '{arg}': Unknown Option. Enter '-?' for help.")
        _flag(letter, options)
        return index + 1
    if letter in _OPTIONAL:
        value = attached
        if not value and index + 1 < len(argv) and argv[index + 1].lower() in _OPTIONAL[letter]:
            value, index = argv[index + 1], index + 1
        _optional(letter, value, options)
        return index + 1
    if letter not in _VALUED:
        raise OptionError(f"Sqlcmd: '{arg}': Unknown Option. Enter '-?' for help.")
    if attached:
        value = attached
    elif index + 1 < len(argv):
        value, index = argv[index + 1], index + 1
    else:
        raise OptionError(f"Sqlcmd: '-{letter}': Missing argument. Enter '-?' for help.")
    _valued(letter, value, options)
    return index + 1


def _take_assignments(argv: list[str], index: int, attached: str, options: Options) -> int:
    tokens = [attached] if attached else []
    index += 1
    while index < len(argv) and not (argv[index].startswith("-") and len(argv[index]) > 1):
        tokens.append(argv[index])
        index += 1
    if not tokens:
        raise OptionError("Sqlcmd: '-v': Missing argument. Enter '-?' for help.")
    try:
        options.assignments += parse_assignments(tokens)
    except VariableError as error:
        raise OptionError(str(error)) from None
    return index


def _flag(letter: str, options: Options) -> None:
    attribute = {
        "b": "exit_on_error",
        "C": "trust_server_certificate",
        "e": "echo",
        "E": "trusted",
        "I": "quoted_identifier",
        "W": "trim",
        "x": "no_substitution",
        "A": "dac",
        "M": "multisubnet",
        "u": "unicode_output",
    }.get(letter)
    if attribute is not None:
        setattr(options, attribute, True)
    # -R (client regional settings) is accepted and changes nothing: values print as the server sends them.


def _optional(letter: str, value: str, options: Options) -> None:
    word = value.lower()
    if value and word not in _OPTIONAL[letter]:
        raise OptionError(f"Sqlcmd: '-{letter} {value}': Unexpected argument. Enter '-?' for help.")
    if letter == "N":
        options.encrypt = _ENCRYPT[word]
    elif letter == "r":
        options.redirect = int(value or 0)
    elif letter == "k":
        options.control = int(value or 1)
    else:
        options.disable_commands = int(value or 0)


def _valued(letter: str, value: str, options: Options) -> None:
    variable = _VALUED[letter]
    if variable is not None:
        _set_variable(letter, variable, value, options)
        return
    if letter in ("Q", "q"):
        if options.query is not None:
            raise OptionError("Sqlcmd: '-Q' and '-q' can be given once. Enter '-?' for help.")
        options.query, options.exit_after_query = value, letter == "Q"
    elif letter == "i":
        options.input_files += [name for name in value.split(",") if name]
    elif letter == "o":
        options.output_file = value
    elif letter == "V":
        options.severity = _number(letter, value, 1, 25)
    elif letter == "c":
        options.terminator = value
    elif letter == "K":
        if value.lower() not in ("readonly", "readwrite"):
            raise OptionError(f"Sqlcmd: '-K {value}': the application intent must be ReadOnly.")
        options.intent = value
    elif letter == "f":
        options.codepage = value
    elif letter == "F":
        options.host_name_in_certificate = value
    elif letter == "J":
        options.server_certificate = value


_LIMITS = {
    "l": "must be between 0 and 65534 seconds (0 waits forever)",
    "t": "must be between 0 and 65534 seconds (0 waits forever)",
    "h": "must be -1 (no headers) or a number of rows greater than 0",
    "w": "must be greater than 8 and less than 65536",
    "a": "must be between 512 and 32767",
    "m": "must be between -1 and 25",
    "y": "must be 0 (unlimited) or greater",
    "Y": "must be 0 (unlimited) or greater",
    "s": "must be one character",
}


def _set_variable(letter: str, variable: str, value: str, options: Options) -> None:
    if (letter == "h" and value.strip() == "0") or (letter == "w" and value.strip().isdigit() and int(value) < 9):
        raise OptionError(f"Sqlcmd: '-{letter} {value}': the value {_LIMITS[letter]}.")
    if letter in _LIMITS:
        try:
            check_value(variable, value.strip() if letter != "s" else value)
        except VariableError:
            raise OptionError(f"Sqlcmd: '-{letter} {value}': the value {_LIMITS[letter]}.") from None
        value = value.strip() if letter != "s" else value
    options.variables[variable] = value


def _number(letter: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise OptionError(f"Sqlcmd: '-{letter} {value}': the value must be between {low} and {high}.")
    return number


def _check(options: Options) -> None:
    if options.query is not None and options.input_files:
        raise OptionError("Sqlcmd: The -i and -Q/-q options are mutually exclusive. Enter '-?' for help.")
    given = options.variables
    if options.trusted and ("SQLCMDUSER" in given or "SQLCMDPASSWORD" in given):
        raise OptionError("Sqlcmd: The -E and the -U/-P options are mutually exclusive. Enter '-?' for help.")
    if options.trim and ("SQLCMDMAXVARTYPEWIDTH" in given or "SQLCMDMAXFIXEDTYPEWIDTH" in given):
        raise OptionError("Sqlcmd: The -W and the -y/-Y options are mutually exclusive. Enter '-?' for help.")
    if options.codepage is not None and options.codepage not in ("65001", "i:65001", "o:65001", "i:65001,o:65001"):
        raise OptionError(f"Sqlcmd: '-f {options.codepage}': only UTF-8 (code page 65001) is supported.")
    if not options.terminator.strip() or any(c.isspace() for c in options.terminator):
        raise OptionError(f"Sqlcmd: '-c {options.terminator}': the batch terminator must be one word.")


USAGE = """\
tdsnet sqlcmd: sqlcmd's command line over tdsnet's client library

usage: tdsnet sqlcmd [-U login id] [-P password] [-S server] [-E trusted connection]
  [-d use database name] [-l login timeout] [-t query timeout]
  [-h headers] [-s colseparator] [-w screen width]
  [-a packetsize] [-e echo input] [-I Enable Quoted Identifiers]
  [-c cmdend] [-q "cmdline query"] [-Q "cmdline query" and exit]
  [-m errorlevel] [-V severitylevel] [-W remove trailing spaces]
  [-u unicode output] [-r[0|1] msgs to stderr]
  [-i inputfile] [-o outputfile] [-k[1|2] remove[replace] control characters]
  [-y variable length type display width] [-Y fixed length type display width]
  [-b On error batch abort] [-v var = "value"...] [-A dedicated admin connection]
  [-X[1] disable commands, startup script, environment variables [and exit]]
  [-x disable variable substitution] [-N[s|m|o] encrypt connection: strict, mandatory, optional]
  [-C trust the server certificate] [-F host name in certificate] [-J server certificate file]
  [-H hostname] [-K application intent] [-M multisubnet failover] [-? show syntax summary]

-S takes every server form the client accepts: host, host\\instance, host,port, tcp:host,port,
np:\\\\host\\pipe\\name, lpc:host, admin:host (the dedicated admin connection), client aliases.
Environment: SQLCMDSERVER, SQLCMDUSER, SQLCMDPASSWORD, SQLCMDDBNAME, SQLCMDLOGINTIMEOUT,
SQLCMDSTATTIMEOUT, SQLCMDHEADERS, SQLCMDCOLSEP, SQLCMDCOLWIDTH, SQLCMDERRORLEVEL,
SQLCMDMAXVARTYPEWIDTH, SQLCMDMAXFIXEDTYPEWIDTH, SQLCMDINI (a startup script).
Without -U sqlcmd uses Windows authentication (-E), which tdsnet does not support: give -U and -P.
"""
