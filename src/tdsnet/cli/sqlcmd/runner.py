"""The sqlcmd session: connect, read lines, run sqlcmd commands, send batches, print, decide exit codes.

Exit codes, as sqlcmd's: 0; 1 when connecting fails, and with -b (or `:on error exit`) after the
first batch with an error of severity 11 or more (and at least -V), a syntax error in a command,
an undefined scripting variable or a file that cannot be read; the number of a RAISERROR with
state 127; `:exit(query)`'s value (-100 when the batch had an error, -101 when the query returned
no row, -102 when the value is not a number).  The operating system keeps the low byte.

Where text goes: results to stdout (or -o / :out); messages too unless -r (-r0 errors to stderr,
-r1 every message) or :error says otherwise; -r does nothing with -o, as in sqlcmd.
"""

from __future__ import annotations

import contextlib
import decimal
import errno
import getpass
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from ... import client
from ...client import errors as client_errors
from ...client.connstr import ConnectionStringError
from .formatter import Layout, ResultPrinter, message_header, rows_affected
from .options import Options
from .script import (
    Command,
    ConnectArgs,
    Lexer,
    exit_query,
    go_count,
    is_known,
    paren_balance,
    parse_command,
    split_connect,
    split_setvar,
    split_target,
)
from .stream import BatchStream, DoneEvent, Event, MessageEvent, ResultStart, RowEvent
from .variables import VariableError, Variables

DRIVER = "tdsnet client"  # where sqlcmd names "Microsoft ODBC Driver 18 for SQL Server"
ERROR = "Sqlcmd: Error: "
CTRL_C = "Sqlcmd: Warning: The last operation was terminated because the user pressed CTRL+C."
NO_WINDOWS_AUTH = (
    "Sqlcmd: {how} Windows authentication, which tdsnet's client does not support: "
    "give a SQL login with -U (and -P, or SQLCMDPASSWORD)."
)
EXIT_ERROR, EXIT_NO_ROWS, EXIT_NOT_A_NUMBER = -100, -101, -102
HELP = """\
:!! [command]         run an operating system command
:connect server[\\instance] [-l timeout] [-U user [-P password]]
:ed                   edit the current batch (SQLCMDEDITOR, else EDITOR)
:error <dest>         send error messages to a file, stderr or stdout
:exit [(query)]       quit; with (query), run the batch and return the query's first value
:help                 this list
:listvar              the scripting variables
:list                 the current batch
:on error [exit|ignore]
:out <dest>           send results to a file, stderr or stdout
:quit                 quit
:r <filename>         read a script file into the batch
:reset                clear the batch
:setvar <var> [value] set (or, without a value, remove) a scripting variable
:xml [on|off]         print results as one unformatted stream
GO [count]            run the batch (count times)
"""


class Exit(Exception):
    """Leave sqlcmd with this code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Outcome:
    """What one run of a batch did, for -b, :exit(query) and RAISERROR state 127."""

    worst: int = 0  # the highest severity of an error that counts (>= 11 and >= -V)
    rows: int = 0
    last_first: Any = None  # the first value of the last row
    quit_with: int | None = None


@dataclass
class Outputs:
    """Where results, errors and informational messages go (:out, :error, -o, -r)."""

    out: TextIO
    errors: TextIO | None = None  # None: with the results
    infos: TextIO | None = None
    opened: list[TextIO] = field(default_factory=list)

    @property
    def error_stream(self) -> TextIO:
        return self.errors or self.out

    @property
    def info_stream(self) -> TextIO:
        return self.infos or self.out

    def flush(self) -> None:
        for stream in {id(s): s for s in (self.out, self.error_stream, self.info_stream, sys.stdout)}.values():
            with contextlib.suppress(OSError, ValueError):
                stream.flush()

    def close(self) -> None:
        self.flush()
        for stream in self.opened:
            with contextlib.suppress(OSError):
                stream.close()


@dataclass
class Source:
    """Where the line being read comes from, for error messages."""

    name: str | None  # a file name, or None for -Q/-q and typed lines
    line: int = 0


def file_error(path: str, error: OSError) -> str:
    reasons = {
        errno.ENOENT: "The system cannot find the file specified",
        errno.EACCES: "Access is denied",
        errno.EISDIR: "The file is a directory",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return f"{ERROR}Error occurred while opening or operating on file {path} (Reason: {reason})."


def read_script(path: str) -> list[str]:
    """A script's lines; UTF-16 and UTF-8 byte order marks are honoured, as sqlcmd recognizes Unicode files."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return text.splitlines()


class Session:
    """One sqlcmd run."""

    def __init__(self, options: Options, variables: Variables, outputs: Outputs, interactive: bool = False) -> None:
        self.options = options
        self.variables = variables
        self.outputs = outputs
        self.interactive = interactive
        self.connection: client.Connection | None = None
        self.stream: BatchStream | None = None
        self.buffer: list[str] = []
        self.last_batch: list[str] = []
        self.lexer = Lexer()
        self.abort_on_error = options.exit_on_error
        self.xml = False
        self.prompt_line = 1
        self.sources: list[Source] = [Source(None)]
        self._exit_lines: list[str] | None = None  # a multi-line :exit( still open
        self._cancelled = False

    # --- output -----------------------------------------------------------------------------------

    def error(self, text: str, counts: bool = True) -> None:
        """A sqlcmd error: print it; with -b or :on error exit, leave with 1."""
        self.outputs.error_stream.write(text + "\n")
        if counts and self.abort_on_error:
            raise Exit(1)

    def say(self, text: str) -> None:
        self.outputs.out.write(text + "\n")

    def driver_error(self, error: BaseException) -> list[str]:
        """'Sqlcmd: Error: <driver> : <text>.' per line of the driver's message, as sqlcmd prints ODBC's."""
        text = getattr(error, "message", None) or str(error)
        return [f"{ERROR}{DRIVER} : {line}." for line in text.splitlines() if line.strip()]

    # --- connecting -----------------------------------------------------------------------------

    def connect(self, server: str, user: str | None, password: str | None, timeout: int | None = None) -> None:
        """Log in (closing any current connection); raise Exit(1)-worthy errors as ConnectFailed."""
        self.disconnect()
        options = self.options
        if options.dac and ":" not in server.split("\\", 1)[0]:
            server = "admin:" + server
        keywords: dict[str, Any] = {
            "server": server,
            "database": self.variables.get("SQLCMDDBNAME") or None,
            "connect_timeout": self.variables.number("SQLCMDLOGINTIMEOUT") if timeout is None else timeout,
            "application_name": "SQLCMD",
            "workstation_id": self.variables.get("SQLCMDWORKSTATION") or socket.gethostname(),
            "packet_size": self.variables.number("SQLCMDPACKETSIZE"),
            "encrypt": options.encrypt or "mandatory",
            "trust_server_certificate": options.trust_server_certificate or None,
            "host_name_in_certificate": options.host_name_in_certificate,
            "server_certificate": options.server_certificate,
            "application_intent": options.intent,
            "multi_subnet_failover": options.multisubnet or None,
        }
        if user is None:
            keywords["integrated_security"] = True
        else:
            keywords.update(user_id=user, password=password or "")
        try:
            connection = client.connect(None, autocommit=True, **keywords)
        except (client.Error, ConnectionStringError) as error:
            raise ConnectFailed(self.driver_error(error) + self._hints(error, user)) from None
        self.connection, self.stream = connection, BatchStream(connection)
        self.variables.put("SQLCMDSERVER", server)
        if user is not None:
            self.variables.put("SQLCMDUSER", user)
            self.variables.put("SQLCMDPASSWORD", password or "")
        self._quietly(f"SET QUOTED_IDENTIFIER {'ON' if options.quoted_identifier else 'OFF'}")

    def _hints(self, error: BaseException, user: str | None) -> list[str]:
        """What to do next, for the failures whose fix is a sqlcmd option."""
        if user is None:
            how = "-E asks for" if self.options.trusted else "Without -U (or SQLCMDUSER), sqlcmd logs in with"
            return [NO_WINDOWS_AUTH.format(how=how)]
        native = getattr(error, "native_error", None)
        if native not in (client_errors.SEC_E_UNTRUSTED_ROOT, client_errors.SEC_E_WRONG_PRINCIPAL):
            return []
        if self.options.encrypt == "strict":
            return [
                "Sqlcmd: -N s always validates the certificate: pin it with -J <certificate file>, or trust its "
                "issuer, or use -F <name> when the name in it differs from the server's."
            ]
        return [
            "Sqlcmd: The server's certificate was not accepted: add -C to trust it without validation, "
            "-J <certificate file> to pin it, or -F <name> when the name in it differs from the server's."
        ]

    def _quietly(self, batch: str) -> None:
        assert self.stream is not None
        with contextlib.suppress(client.Error):
            for _ in self.stream.events(batch):
                pass

    def disconnect(self) -> None:
        connection, self.connection, self.stream = self.connection, None, None
        if connection is not None:
            with contextlib.suppress(client.Error, OSError):
                connection.close()

    # --- reading lines ------------------------------------------------------------------------------

    def feed_lines(self, lines: Iterable[str], name: str | None) -> None:
        self.sources.append(Source(name))
        try:
            for line in lines:
                self.feed(line)
        finally:
            self.sources.pop()

    def feed(self, raw: str) -> None:
        """One line: a sqlcmd command runs now, T-SQL goes into the batch."""
        self.sources[-1].line += 1
        line = raw if self.options.no_substitution else self.variables.substitute(raw, self._undefined)
        if self._exit_lines is not None:
            self._continue_exit(line)
            return
        command = parse_command(line, self.options.terminator) if self.lexer.at_code else None
        if command is None:
            self.buffer.append(line)
            self.lexer.scan(line)
            self.prompt_line += 1
            return
        self.run_command(command)

    def _undefined(self, name: str) -> None:
        self.error(f"{ERROR}'{name}' scripting variable not defined.")

    def syntax_error(self, command: Command) -> None:
        source = self.sources[-1]
        where = f" in file '{source.name}'" if source.name else ""
        word = command.text.split()[0] if command.text.split() else command.name
        self.error(f"{ERROR}Syntax error at line {source.line} near command '{word}'{where}.")

    def clear_batch(self) -> None:
        self.buffer = []
        self.lexer.reset()
        self.prompt_line = 1
        self._exit_lines = None

    def finish(self) -> None:
        """The end of the input: run what is left in the batch (sqlcmd needs no final GO)."""
        if self._exit_lines is not None:
            self.syntax_error(Command("EXIT", "", "EXIT"))
            self._exit_lines = None
        if "".join(self.buffer).strip():
            self.run_batch(1)
        self.clear_batch()

    # --- commands -------------------------------------------------------------------------------------

    def run_command(self, command: Command) -> None:
        handler = getattr(self, f"_cmd_{command.name.lower()}", None) if is_known(command) else None
        if command.name == "!!":
            handler = self._cmd_shell
        if handler is None:
            self.syntax_error(command)
            return
        handler(command)

    def _cmd_go(self, command: Command) -> None:
        count = go_count(command.argument)
        if count is None:
            self.syntax_error(command)
            return
        self.run_batch(count)

    def _cmd_r(self, command: Command) -> None:
        path = split_target(command.argument)
        try:
            lines = read_script(path)
        except OSError as error:
            self.error(file_error(path, error))
            return
        self.prompt_line += 1
        self.feed_lines(lines, path)

    def _cmd_setvar(self, command: Command) -> None:
        try:
            name, value = split_setvar(command.argument)
            self.variables.setvar(name, value)
        except VariableError as error:
            self.error(str(error))
        except ValueError:
            self.syntax_error(command)

    def _cmd_listvar(self, command: Command) -> None:
        for name, value in self.variables.listing():
            self.say(f'{name} = "{value}"')

    def _cmd_on(self, command: Command) -> None:
        words = command.argument.lower().split()
        if len(words) != 2 or words[0] != "error" or words[1] not in ("exit", "ignore"):
            self.syntax_error(command)
            return
        self.abort_on_error = words[1] == "exit"

    def _cmd_connect(self, command: Command) -> None:
        try:
            target = split_connect(command.argument)
        except ValueError:
            self.syntax_error(command)
            return
        user, password = self._credentials(target)
        try:
            self.connect(target.server, user, password, target.timeout)
        except ConnectFailed as failure:
            for line in failure.lines:
                self.outputs.error_stream.write(line + "\n")
            if self.abort_on_error:
                raise Exit(1) from None
            return
        if self.interactive:
            self.say(f"Sqlcmd: Successfully connected to server {target.server}.")

    def _credentials(self, target: ConnectArgs) -> tuple[str | None, str | None]:
        """:connect's login: its -U/-P, else SQLCMDUSER/SQLCMDPASSWORD (-U/-P or the environment)."""
        user = target.user if target.user is not None else self.variables.get("SQLCMDUSER") or None
        password = target.password
        if password is None and target.user is None:
            password = self.variables.get("SQLCMDPASSWORD")
        if user is not None and password is None:
            password = getpass.getpass("Password: ")
        return user, password

    def _cmd_quit(self, command: Command) -> None:
        raise Exit(0)

    def _cmd_exit(self, command: Command) -> None:
        if paren_balance(command.argument) > 0:
            self._exit_lines = [command.argument]  # EXIT(query) may span lines, as in sqlcmd
            return
        self._exit(command.argument)

    def _continue_exit(self, line: str) -> None:
        assert self._exit_lines is not None
        self._exit_lines.append(line)
        text = "\n".join(self._exit_lines)
        if paren_balance(text) <= 0:
            self._exit_lines = None
            self._exit(text)

    def _exit(self, argument: str) -> None:
        query = exit_query(argument)
        if query is None:
            raise Exit(0)  # a bare EXIT: the batch is not run
        self.buffer.append(query)
        outcome = self.run_batch(1, check=False)
        if not query:
            raise Exit(0)
        raise Exit(exit_value(outcome))

    def _cmd_out(self, command: Command) -> None:
        stream = self._destination(command)
        if stream is not None:
            self.outputs.out = stream

    def _cmd_error(self, command: Command) -> None:
        stream = self._destination(command)
        if stream is not None:
            self.outputs.errors = stream

    def _cmd_perftrace(self, command: Command) -> None:
        self._destination(command)  # accepted; tdsnet's sqlcmd prints no performance statistics

    def _destination(self, command: Command) -> TextIO | None:
        target = split_target(command.argument)
        if not target:
            self.syntax_error(command)
            return None
        if target.upper() == "STDOUT":
            return sys.stdout
        if target.upper() == "STDERR":
            return sys.stderr
        try:
            stream = open_output(target, self.options.unicode_output)
        except OSError as error:
            self.error(file_error(target, error))
            return None
        self.outputs.opened.append(stream)
        return stream

    def _cmd_list(self, command: Command) -> None:
        for line in self.buffer:
            self.say(line)

    def _cmd_reset(self, command: Command) -> None:
        self.clear_batch()

    def _cmd_help(self, command: Command) -> None:
        self.outputs.out.write(HELP)

    def _cmd_serverlist(self, command: Command) -> None:
        self.error(f"{ERROR}:ServerList is not part of sqlcmd here; run 'tdsnet browse [host]'.", counts=False)

    def _cmd_xml(self, command: Command) -> None:
        word = command.argument.strip().lower()
        if word not in ("on", "off"):
            self.syntax_error(command)
            return
        self.xml = word == "on"

    def _cmd_ed(self, command: Command) -> None:
        if not self._commands_allowed(command):
            return
        lines = self.buffer or self.last_batch
        editor = self.variables.get("SQLCMDEDITOR") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w+", suffix=".sql", delete=False, encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
            path = handle.name
        try:
            subprocess.run([*editor.split(), path], check=False)
            edited = read_script(path)
        finally:
            os.unlink(path)
        self.clear_batch()
        for line in edited:
            self.outputs.out.write(f"{self.prompt_line}> {line}\n")
            self.buffer.append(line)
            self.lexer.scan(line)
            self.prompt_line += 1

    def _cmd_shell(self, command: Command) -> None:
        if not self._commands_allowed(command):
            return
        self.outputs.flush()
        subprocess.run(command.argument.strip() or os.environ.get("SHELL", "sh"), shell=True, check=False)

    def _commands_allowed(self, command: Command) -> bool:
        """-X disables ED and !! (with a warning; -X1 exits)."""
        if self.options.disable_commands is None:
            return True
        if self.options.disable_commands == 1:
            self.outputs.error_stream.write(f"{ERROR}The {command.name} command is disabled (-X1).\n")
            raise Exit(1)
        self.outputs.error_stream.write(f"Sqlcmd: Warning: The {command.name} command is disabled (-X).\n")
        return False

    # --- batches ------------------------------------------------------------------------------------

    def run_batch(self, count: int, check: bool = True) -> Outcome:
        """Send the batch `count` times; then -b / :on error exit and RAISERROR state 127 may end sqlcmd."""
        text = "\n".join(self.buffer)
        self.last_batch = self.buffer
        self.clear_batch()
        outcome = Outcome()
        if not text.strip():
            return outcome
        if self.options.echo:
            self.say(text)
        for _ in range(count):
            outcome = self.execute(text)
            if outcome.quit_with is not None:
                self.outputs.flush()
                raise Exit(outcome.quit_with)
            if check and outcome.worst and self.abort_on_error:
                raise Exit(1)
        self.outputs.flush()
        return outcome

    def execute(self, text: str) -> Outcome:
        outcome = Outcome()
        if self.stream is None or self.connection is None:
            self.error(f"{ERROR}There is no connection to a server; use :connect server first.")
            outcome.worst = 16
            return outcome
        self.connection.timeout = self.variables.number("SQLCMDSTATTIMEOUT")
        printer = Printing(self, self.layout(), outcome)
        self._cancelled = False
        try:
            with self._interrupts():
                for event in self.stream.events(text):
                    printer.event(event)
        except client.Error as error:
            self._failed(error, outcome)
        except KeyboardInterrupt:
            self.disconnect()  # a second CTRL+C: the server never acknowledged the cancel
            self.outputs.error_stream.write(CTRL_C + "\n")
            raise
        return outcome

    def _failed(self, error: client.Error, outcome: Outcome) -> None:
        """A timeout, a cancel or a broken connection ended the batch."""
        if self._cancelled:
            self.outputs.error_stream.write(CTRL_C + "\n")
            if not self.interactive:
                raise Exit(1)
            return
        for line in self.driver_error(error):
            self.outputs.error_stream.write(line + "\n")
        outcome.worst = max(outcome.worst, 16)

    @contextlib.contextmanager
    def _interrupts(self) -> Iterator[None]:
        """CTRL+C cancels the running batch (ATTENTION); a second one gives up on it."""
        if threading.current_thread() is not threading.main_thread() or self.stream is None:
            yield
            return
        stream = self.stream

        def interrupted(signum: int, frame: object) -> None:
            if self._cancelled:
                raise KeyboardInterrupt
            self._cancelled = True
            threading.Thread(target=stream.cancel, daemon=True).start()  # never block in a handler

        previous = signal.signal(signal.SIGINT, interrupted)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def layout(self) -> Layout:
        number = self.variables.number
        return Layout(
            colsep=self.variables.get("SQLCMDCOLSEP") or " ",
            headers=number("SQLCMDHEADERS"),
            trim=self.options.trim,
            screen_width=number("SQLCMDCOLWIDTH"),
            var_width=number("SQLCMDMAXVARTYPEWIDTH"),
            fixed_width=number("SQLCMDMAXFIXEDTYPEWIDTH"),
            control=self.options.control,
        )


class ConnectFailed(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Printing:
    """Turns one batch's events into sqlcmd's output."""

    def __init__(self, session: Session, layout: Layout, outcome: Outcome) -> None:
        self.session = session
        self.outputs = session.outputs
        self.layout = layout
        self.outcome = outcome
        self.printer: ResultPrinter | None = None
        self.xml_open = False

    def event(self, event: Event) -> None:
        if isinstance(event, ResultStart):
            self._start(event)
        elif isinstance(event, RowEvent):
            self._row(event)
        elif isinstance(event, DoneEvent):
            self._done(event)
        elif isinstance(event, MessageEvent):
            self._message(event.message)

    def _start(self, event: ResultStart) -> None:
        if self.session.xml:
            self.xml_open = True
            return
        self.printer = ResultPrinter(self.outputs.out, event.columns, self.layout)

    def _row(self, event: RowEvent) -> None:
        self.outcome.rows += 1
        self.outcome.last_first = event.values[0] if event.values else None
        if self.printer is not None:
            self.printer.row(event.values)
        elif self.xml_open and event.values:
            self.outputs.out.write("" if event.values[0] is None else str(event.values[0]))

    def _done(self, event: DoneEvent) -> None:
        out = self.outputs.out
        if self.xml_open:
            out.write("\n")
            self.xml_open = False
            return
        if self.session.xml:
            return
        if self.printer is not None:
            self.printer = None
            if event.error:
                return
            out.write("\n")
            if event.count is not None:
                out.write(rows_affected(event.count) + "\n")
        elif event.count is not None:
            out.write("\n" + rows_affected(event.count) + "\n")

    def _message(self, message: client.ServerMessage) -> None:
        level = self.session.variables.number("SQLCMDERRORLEVEL")
        if message.state == 127:
            self.outcome.quit_with = message.number  # RAISERROR(..., state 127) ends sqlcmd with its number
        if message.class_ > 10:
            if message.class_ >= self.session.options.severity:
                self.outcome.worst = max(self.outcome.worst, message.class_)
            if level <= 0 or message.class_ >= level:
                self.outputs.error_stream.write(f"{message_header(message)}\n{message.text}\n")
            return
        if self.session.xml:
            return
        header = f"{message_header(message)}\n" if level == -1 else ""
        self.outputs.info_stream.write(f"{header}{message.text}\n")


def exit_value(outcome: Outcome) -> int:
    """:exit(query)'s code: the first column of the last row, as a 4-byte integer."""
    if outcome.worst:
        return EXIT_ERROR
    if not outcome.rows:
        return EXIT_NO_ROWS
    value = outcome.last_first
    try:
        if isinstance(value, str):
            number = int(decimal.Decimal(value.strip()))
        elif isinstance(value, bool | int | float | decimal.Decimal):
            number = int(value)
        else:
            return EXIT_NOT_A_NUMBER
    except (ValueError, ArithmeticError):
        return EXIT_NOT_A_NUMBER
    if not -(2**31) <= number < 2**31:
        return EXIT_NOT_A_NUMBER
    return number


def open_output(path: str, unicode_output: bool) -> TextIO:
    """An output file, truncated; -u writes UTF-16 (little-endian, no byte order mark, as sqlcmd)."""
    return open(path, "w", encoding="utf-16-le" if unicode_output else "utf-8", newline="\n")
