"""Reading a sqlcmd script: which lines are sqlcmd commands and which are T-SQL for the batch.

A command is recognized only at the start of a line (after blanks) and only when that line does
not continue a string, a quoted identifier or a block comment of the T-SQL before it: `GO` inside
a multi-line string or comment is text, as the batch separator must not cut a literal in two.
All commands but GO, QUIT, EXIT, RESET, ED and !! take a colon; all are case-insensitive.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    """A sqlcmd command line: its name (upper case, without the colon) and the rest of the line."""

    name: str
    argument: str
    text: str  # the line as written, for error messages


class Lexer:
    """T-SQL's lexical state across lines: inside a string, a [bracketed] or "quoted" name, a comment."""

    def __init__(self) -> None:
        self.closer: str | None = None  # "'", '"' or ']' while inside one
        self.comment_depth = 0  # /* */ nest in T-SQL

    @property
    def at_code(self) -> bool:
        return self.closer is None and self.comment_depth == 0

    def reset(self) -> None:
        self.closer = None
        self.comment_depth = 0

    def scan(self, line: str) -> None:
        index = 0
        while index < len(line):
            index = self.step(line, index)

    def step(self, line: str, index: int) -> int:
        """Move past the token at line[index]; return where the next one starts."""
        char, pair = line[index], line[index : index + 2]
        if self.comment_depth:
            if pair == "*/":
                self.comment_depth -= 1
                return index + 2
            if pair == "/*":
                self.comment_depth += 1
                return index + 2
            return index + 1
        if self.closer is not None:
            if char == self.closer:
                if line[index + 1 : index + 2] == self.closer:  # '' "" ]] stand for one
                    return index + 2
                self.closer = None
            return index + 1
        if pair == "--":
            return len(line)
        if pair == "/*":
            self.comment_depth = 1
            return index + 2
        if char in "'\"[":
            self.closer = "]" if char == "[" else char
        return index + 1


_NO_COLON = re.compile(r"(?i)(QUIT|RESET|ED|EXIT)\b(.*)$|(!!)(.*)$")
_COLON = re.compile(r"(?i):(!!|[A-Za-z]+)(.*)$")
_COMMANDS = {
    "R",
    "SETVAR",
    "CONNECT",
    "ON",
    "QUIT",
    "EXIT",
    "OUT",
    "ERROR",
    "PERFTRACE",
    "LISTVAR",
    "LIST",
    "RESET",
    "ED",
    "HELP",
    "SERVERLIST",
    "XML",
    "!!",
}


def parse_command(line: str, terminator: str = "GO") -> Command | None:
    """The command on this line, or None when the line is T-SQL.  An unknown `:word` is a Command
    named by that word (the caller reports the syntax error)."""
    text = line.strip()
    if not text:
        return None
    words = text.split(None, 1)
    if words[0].upper() == terminator.upper():
        return Command("GO", words[1] if len(words) > 1 else "", text)
    if text.startswith(":"):
        match = _COLON.match(text)
        if match is None:
            return Command(text.split()[0].upper(), "", text)
        return Command(match.group(1).upper(), match.group(2), text)
    match = _NO_COLON.match(text)
    if match is None:
        return None
    name, rest = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    if name.upper() != "EXIT" and name != "!!" and rest.strip():
        return None  # `ed x` / `reset 1` are not commands
    if name.upper() == "EXIT" and rest.strip() and not rest.strip().startswith("("):
        return None
    return Command(name.upper(), rest, text)


def is_known(command: Command) -> bool:
    return command.name in _COMMANDS or command.name == "GO"


def go_count(argument: str) -> int | None:
    """GO's repeat count (1 without one); None when it is not a positive number."""
    text = argument.split("--", 1)[0].strip()
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        return None
    return int(text)


def paren_balance(text: str) -> int:
    """Open parentheses minus closed ones outside strings (for a multi-line `:exit(...)`)."""
    lexer = Lexer()
    depth = 0
    for line in text.split("\n"):  # a -- comment ends with its line
        index = 0
        while index < len(line):
            if lexer.at_code and line[index] in "()":
                depth += 1 if line[index] == "(" else -1
            index = lexer.step(line, index)
    return depth


def exit_query(argument: str) -> str | None:
    """EXIT's query: None for a bare EXIT, '' for EXIT(), else the text inside the outer parentheses."""
    text = argument.strip()
    if not text:
        return None
    inner = text[1:]
    if inner.rstrip().endswith(")"):
        inner = inner.rstrip()[:-1]
    return inner.strip()


def split_setvar(argument: str) -> tuple[str, str | None]:
    """`:setvar name [value]`; a value in double quotes may hold blanks, `""` stands for one quote."""
    text = argument.strip()
    if not text:
        raise ValueError("no variable name")
    name, _, rest = text.partition(" ")
    rest = rest.strip()
    if not rest:
        return name, None
    if rest.startswith('"'):
        if len(rest) < 2 or not rest.endswith('"'):
            raise ValueError("unterminated quoted value")
        body = rest[1:-1]
        if re.search(r'(?<!")"(?!")', body.replace('""', "")):
            raise ValueError("stray quote in value")
        return name, body.replace('""', '"')
    if any(c.isspace() for c in rest):
        raise ValueError("a value with blanks needs double quotes")
    return name, rest


@dataclass(frozen=True, slots=True)
class ConnectArgs:
    server: str
    user: str | None = None
    password: str | None = None
    timeout: int | None = None


def split_connect(argument: str) -> ConnectArgs:
    """`:connect server[\\instance] [-l timeout] [-U user [-P password]]` (also `-U user` before -l)."""
    words = shlex.split(argument.replace("\\", "\\\\"), posix=True)
    if not words:
        raise ValueError("no server")
    server, rest = words[0], words[1:]
    values: dict[str, str] = {}
    while rest:
        flag = rest.pop(0)
        if flag not in ("-l", "-U", "-P") or not rest:
            raise ValueError(f"unexpected {flag!r}")
        values[flag] = rest.pop(0)
    timeout = int(values["-l"]) if "-l" in values else None
    return ConnectArgs(server, values.get("-U"), values.get("-P"), timeout)


def split_target(argument: str) -> str:
    """The file name of :r / :out / :error, without the quotes a name with blanks needs."""
    text = argument.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text
