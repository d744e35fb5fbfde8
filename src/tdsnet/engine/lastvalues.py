"""The last identity and sequence values handed out, remembered outside any transaction.

SQL Server never gives an identity or sequence value back: a rolled-back INSERT or NEXT VALUE FOR
leaves a gap.  The store records the last value in the same transaction as the rows, so a ROLLBACK
takes that record back too; this one, in memory for the instance's lifetime, stays, and the next
value continues past whichever is further on.  A restart forgets it (SQL Server's identity cache
can likewise skip or lose values at a restart).  An object is known by its database, id and
creation time, so a table dropped and created again with the same id starts afresh; the most
recently used LIMIT objects are remembered (a #temp table, gone with its session, is not at all).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from decimal import Decimal

Key = tuple[str, int, str]  # database, object_id, create_date
Number = int | Decimal
LIMIT = 10_000


class LastValues:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: OrderedDict[Key, Number] = OrderedDict()

    def further(self, key: Key | None, stored: Number | None, increment: Number) -> Number | None:
        """The stored last value, or the remembered one where a rollback took the stored one back."""
        if key is None:
            return stored
        with self._lock:
            remembered = self._values.get(key)
        if remembered is None or stored is None:
            return stored if remembered is None else remembered
        return max(stored, remembered) if increment > 0 else min(stored, remembered)

    def remember(self, key: Key | None, value: Number) -> None:
        if key is None:
            return
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            if len(self._values) > LIMIT:
                self._values.popitem(last=False)

    def forget(self, key: Key | None) -> None:
        """The object starts again (TRUNCATE TABLE, ALTER SEQUENCE ... RESTART)."""
        if key is None:
            return
        with self._lock:
            self._values.pop(key, None)
