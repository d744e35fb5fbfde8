"""`tdsnet doctor`: the troubleshooting of seeds 000, 002 and 004, automated.

`diagnose(connection_string)` runs each step a connection goes through (parse, alias, protocol
order, DNS, Browser, TCP, PRELOGIN, TLS, login, endpoint, database), stops at the first failure
and explains it with the fix; `netstat.survey()` lists this host's SQL Server listeners.  It
works against any SQL Server; what only a local tdsnet instance can tell (its registration,
ERRORLOG and endpoint catalog) is added when the server runs on this host.
"""

from .report import CAUSES, STEP_NAMES, Diagnosis, Report, Step
from .runner import connection_string, diagnose

__all__ = ["CAUSES", "STEP_NAMES", "Diagnosis", "Report", "Step", "connection_string", "diagnose"]
