"""sqlcmd from the command line to the exit code: options, variables, outputs, login, then the input
(-Q / -q, the -i files, or what is typed or piped), in that order."""

from __future__ import annotations

import getpass
import os
import sys

from . import options as cli_options
from .interactive import run_piped, run_prompt
from .runner import ConnectFailed, Exit, Outputs, Session, file_error, open_output, read_script
from .variables import VariableError, Variables

DEFAULT_SERVER = "(local)"  # sqlcmd's default: the default instance on this computer


def run(argv: list[str], stdin_is_tty: bool) -> int:
    try:
        options = cli_options.parse(argv)
    except cli_options.OptionError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    if options.help:
        sys.stdout.write(cli_options.USAGE)
        return 0
    try:
        variables = _variables(options)
        outputs = _outputs(options)
    except _Refused as refused:
        sys.stderr.write(f"{refused}\n")
        return 1
    session = Session(options, variables, outputs, interactive=_is_interactive(options, stdin_is_tty))
    try:
        return _session(session, stdin_is_tty)
    except Exit as leaving:
        return leaving.code
    except KeyboardInterrupt:
        return 1
    except BrokenPipeError:  # `tdsnet sqlcmd ... | head`: the reader left
        _silence_stdout()
        return 1
    finally:
        session.disconnect()
        outputs.close()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class _Refused(Exception):
    """Something sqlcmd refuses before it connects (the text says what and what to do)."""


def _variables(options: cli_options.Options) -> Variables:
    """Defaults < environment (unless -X) < the options' built-ins < -v."""
    variables = Variables({} if options.disable_commands is not None else None)
    try:
        for name, value in options.variables.items():
            variables.put(name, value)
        for name, value in options.assignments:
            variables.setvar(name, value)
    except VariableError as error:
        raise _Refused(str(error)) from None
    for path in options.input_files:
        if not os.path.isfile(path):
            raise _Refused(file_error(path, FileNotFoundError(2, "not found")))
    return variables


def _outputs(options: cli_options.Options) -> Outputs:
    if options.output_file is None:
        outputs = Outputs(sys.stdout)
        if options.redirect is not None:  # -r0: errors to stderr; -r1: every message
            outputs.errors = sys.stderr
            outputs.infos = sys.stderr if options.redirect == 1 else None
        return outputs
    try:
        stream = open_output(options.output_file, options.unicode_output)
    except OSError as error:
        raise _Refused(file_error(options.output_file, error)) from None
    return Outputs(stream, opened=[stream])


def _is_interactive(options: cli_options.Options, stdin_is_tty: bool) -> bool:
    reads_stdin = not options.input_files and (options.query is None or not options.exit_after_query)
    return reads_stdin and stdin_is_tty


def _session(session: Session, stdin_is_tty: bool) -> int:
    options, variables = session.options, session.variables
    user, password = _login(options, variables)
    try:
        session.connect(variables.get("SQLCMDSERVER") or DEFAULT_SERVER, user, password)
    except ConnectFailed as failure:
        for line in failure.lines:
            session.outputs.error_stream.write(line + "\n")
        return 1
    _startup_script(session)
    if options.query is not None:
        session.feed_lines(options.query.splitlines() or [""], None)
        if options.exit_after_query:
            session.finish()
            return 0
        session.finish()
    elif options.input_files:
        for path in options.input_files:
            _run_file(session, path)
        return 0
    if stdin_is_tty:
        run_prompt(session)
    else:
        run_piped(session)
    return 0


def _login(options: cli_options.Options, variables: Variables) -> tuple[str | None, str | None]:
    """-U (or SQLCMDUSER) with -P (or SQLCMDPASSWORD, else a prompt); -E or no login: Windows authentication."""
    user = variables.get("SQLCMDUSER") or None
    if options.trusted or user is None:
        return None, None
    password = options.variables.get("SQLCMDPASSWORD")
    if password is None and options.disable_commands is None:
        password = os.environ.get("SQLCMDPASSWORD")
    if password is None:
        password = getpass.getpass("Password: ")
    return user, password


def _run_file(session: Session, path: str) -> None:
    try:
        lines = read_script(path)
    except OSError as error:
        session.error(file_error(path, error))
        return
    session.feed_lines(lines, path)
    session.finish()


def _startup_script(session: Session) -> None:
    """SQLCMDINI names a script run after login, before anything else (-X turns it off)."""
    path = session.variables.get("SQLCMDINI")
    if path and session.options.disable_commands is None:
        _run_file(session, path)
