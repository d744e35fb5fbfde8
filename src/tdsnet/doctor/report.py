"""What `tdsnet doctor` hands back: the steps it ran, each with its verdict and facts, and one diagnosis.

The JSON shape is a stable interface for machines::

    {"target": "tcp:db,1433", "ok": false,
     "steps": [{"name": "tcp_connect", "verdict": "failed", "elapsed_ms": 1.2, "detail": "...", "facts": {...}}],
     "diagnosis": {"cause": "wrong_port", "explanation": "...", "fix": "..."}}

`cause` is a code from `CAUSES`; steps are named from `STEP_NAMES`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK, WARNING, FAILED, SKIPPED = "ok", "warning", "failed", "skipped"

STEP_NAMES = (
    "parse",
    "alias",
    "protocol_order",
    "shared_memory",
    "dns",
    "browser",
    "tcp_connect",
    "named_pipe",
    "prelogin",
    "tls",
    "login",
    "endpoint",
    "database",
)

CAUSES = {
    "ok": "the connection works",
    "login_not_tested": "the server answers; no credentials were given, so the login was not tried",
    "invalid_connection_string": "the connection string cannot be parsed",
    "client_config_invalid": "the client configuration file cannot be used",
    "unsupported_option": "the connection string asks for a feature tdsnet's client does not have",
    "host_not_found": "the server name does not resolve",
    "browser_not_running": "no SQL Server Browser on the host (UDP 1434 refused)",
    "browser_unreachable": "no answer on UDP 1434: the Browser is stopped or UDP is filtered",
    "instance_hidden": "the instance is hidden from the Browser (HideInstance)",
    "unknown_instance": "the Browser does not know this instance name",
    "instance_tcp_disabled": "the Browser says the instance has no TCP port",
    "dac_port_unknown": "the dedicated admin connection's port could not be learned",
    "wrong_port": "nothing listens on the port the connection string names",
    "alias_wrong_port": "a client alias sends the connection to a port nothing listens on",
    "tcp_disabled_no_fallback": "TCP/IP is disabled on the instance and the client may not fall back",
    "not_listening_on_address": "the port is open on other addresses of the host, not this one",
    "nothing_listening": "nothing listens on the port and no local instance says where it listens",
    "connection_refused": "the host refuses TCP connections on the port",
    "tcp_timeout": "no answer to the TCP connection: likely filtered by a firewall",
    "host_unreachable": "the host or its network is unreachable",
    "shared_memory_unavailable": "no shared memory transport for the instance",
    "named_pipe_unavailable": "the named pipe cannot be opened",
    "not_sql_server": "the service on the port is not SQL Server",
    "port_taken_by_other_process": "another process holds the port the instance is configured for",
    "endpoint_stopped": "the endpoint the connection lands on is STOPPED or DISABLED",
    "closed_during_prelogin": "the server closed the connection before answering PRELOGIN",
    "prelogin_timeout": "the service accepted the connection but never answered PRELOGIN",
    "instance_mismatch": "the port belongs to another instance",
    "encryption_not_supported": "encryption is required but the server has no certificate",
    "untrusted_certificate": "the server's certificate is not trusted",
    "certificate_name_mismatch": "the server's certificate does not carry the name connected to",
    "certificate_expired": "the server's certificate is expired or not yet valid",
    "certificate_pin_mismatch": "the server's certificate is not the pinned ServerCertificate",
    "tls_handshake_failed": "the TLS handshake failed",
    "wrong_password": "the password is wrong",
    "unknown_login": "no such login",
    "login_disabled": "the login is disabled",
    "login_failed": "the server refused the login",
    "no_connect_sql": "the login lacks CONNECT SQL",
    "no_endpoint_connect": "the login lacks CONNECT on the endpoint the connection lands on",
    "service_broker_port_conflict": "a Service Broker endpoint shares the instance's TCP port (seed 000)",
    "mirroring_port_conflict": "a database mirroring endpoint shares the instance's TCP port (seed 000)",
    "dac_in_use": "the one dedicated admin connection is taken",
    "login_timeout": "the login did not complete in time",
    "connection_closed": "the connection broke during the login",
    "database_unavailable": "the database cannot be opened for this login (4060)",
}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    cause: str
    explanation: str
    fix: str

    def __post_init__(self) -> None:
        assert self.cause in CAUSES, self.cause


@dataclass(slots=True)
class Step:
    name: str
    verdict: str
    elapsed_ms: float
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "verdict": self.verdict,
            "elapsed_ms": self.elapsed_ms,
            "detail": self.detail,
            "facts": self.facts,
        }


@dataclass(slots=True)
class Report:
    target: str
    steps: list[Step] = field(default_factory=list)
    diagnosis: Diagnosis | None = None

    @property
    def ok(self) -> bool:
        return not any(s.verdict == FAILED for s in self.steps)

    def as_json(self) -> dict[str, Any]:
        diagnosis = self.diagnosis or Diagnosis("ok", CAUSES["ok"], "")
        return {
            "target": self.target,
            "ok": self.ok,
            "steps": [s.as_json() for s in self.steps],
            "diagnosis": {"cause": diagnosis.cause, "explanation": diagnosis.explanation, "fix": diagnosis.fix},
        }


@dataclass(slots=True)
class Outcome:
    """What a step found: its verdict, a line for people, facts for machines, and a diagnosis when it
    explains a failure (or a warning worth acting on)."""

    verdict: str
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)
    diagnosis: Diagnosis | None = None


class Finished(Exception):
    """Raised to stop at the first failure (or when nothing more can be tested)."""


class Recorder:
    """Runs steps, times them, appends them to the report and stops at the first failure."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.warning: Diagnosis | None = None

    def run(self, name: str, func: Callable[[], Outcome]) -> Outcome:
        started = time.perf_counter()
        outcome = func()
        self.add(name, outcome, started)
        return outcome

    def add(self, name: str, outcome: Outcome, started: float | None = None) -> None:
        elapsed = 0.0 if started is None else round((time.perf_counter() - started) * 1000, 1)
        self.report.steps.append(Step(name, outcome.verdict, elapsed, outcome.detail, outcome.facts))
        if outcome.verdict == FAILED and outcome.diagnosis is not None:
            self.report.diagnosis = outcome.diagnosis
            raise Finished
        # A failure without a diagnosis is explained by the next step (the login's 18456 by the endpoint's).
        if outcome.diagnosis is not None and self.warning is None:
            self.warning = outcome.diagnosis

    def stop(self, diagnosis: Diagnosis) -> None:
        """End here without a failure (no credentials to go on with)."""
        self.report.diagnosis = diagnosis
        raise Finished
