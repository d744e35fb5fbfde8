"""sp_getapplock / sp_releaseapplock between two sessions of one engine."""

from __future__ import annotations

import threading
import time

from conftest import TSQL


def _status(session: TSQL, sql: str) -> int:
    return session.scalar(f"DECLARE @r int; EXEC @r = {sql}; SELECT @r")


def test_exclusive_lock_blocks_then_times_out_then_is_granted(tsql) -> None:
    other = TSQL(tsql.engine, spid=77)
    tsql.run("BEGIN TRAN")
    assert _status(tsql, "sp_getapplock @Resource = 'job', @LockMode = 'Exclusive'") == 0
    assert _status(other, "sp_getapplock 'job', 'Shared', 'Session', 0") == -1  # no wait: timed out
    assert _status(other, "sp_getapplock 'JOB', 'Shared', 'Session', 0") == 0  # resource names are binary
    assert other.scalar("SELECT APPLOCK_MODE('public', 'JOB', 'Session')") == "Shared"
    assert other.scalar("SELECT APPLOCK_TEST('public', 'job', 'Shared', 'Session')") == 0

    def commit_later() -> None:
        time.sleep(0.2)
        tsql.run("COMMIT")  # a transaction's locks go with it

    threading.Thread(target=commit_later).start()
    assert _status(other, "sp_getapplock 'job', 'Shared', 'Session', 5000") == 1  # granted after a wait
    assert _status(other, "sp_releaseapplock 'job', 'Session'") == 0
    other.close()


def test_shared_locks_share_and_errors(tsql) -> None:
    other = TSQL(tsql.engine, spid=78)
    assert _status(tsql, "sp_getapplock 'r', 'Shared', 'Session'") == 0
    assert _status(other, "sp_getapplock 'r', 'Shared', 'Session', 0") == 0
    assert _status(other, "sp_getapplock 'r', 'Exclusive', 'Session', 0") == -1
    outcome = tsql.execute("DECLARE @r int; EXEC @r = sp_getapplock 'r', 'Exclusive'; SELECT @r")
    assert outcome.rows == [(-999,)]  # a transactional lock outside a transaction
    assert [m.number for m in outcome.messages if m.number == 15626] == [15626]
    assert tsql.error("EXEC sp_releaseapplock 'nothing', 'Session'").number == 1223
    other.close()
    assert _status(tsql, "sp_getapplock 'r', 'Exclusive', 'Session', 0") == 0  # the other session ended
