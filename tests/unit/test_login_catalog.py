"""LoginCatalog answers from an in-memory snapshot of master: every write through it is visible to
the next read, and names match as master's NOCASE column matches them (ASCII letters only)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tdsnet.server import logins
from tdsnet.server.logins import PUBLIC_ID, SYSADMIN_ID, LoginCatalog, read_login, read_role_ids

PASSWORD = "Str0ng!Passw0rd"


def _catalog(tmp_path: Path) -> LoginCatalog:
    catalog = LoginCatalog(tmp_path / "master.db")
    catalog.create_sa(PASSWORD)
    return catalog


def _from_disk(catalog: LoginCatalog, name: str) -> tuple[logins.Login | None, set[int]]:
    with sqlite3.connect(catalog.path) as con:
        login = read_login(con, name)
        return login, read_role_ids(con, login.principal_id) if login else set()


def test_reads_agree_with_master_after_every_write(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    created = catalog.create("Alice", PASSWORD)
    for name in ("alice", "ALICE", "Alice"):
        assert catalog.find(name) == created == _from_disk(catalog, name)[0]
    catalog.update("alice", is_disabled=1)
    assert catalog.find("Alice") == _from_disk(catalog, "Alice")[0]
    assert catalog.find("Alice").is_disabled
    catalog.add_role_member("sysadmin", "alice")
    assert catalog.role_ids(created.principal_id) == _from_disk(catalog, "alice")[1] == {PUBLIC_ID, SYSADMIN_ID}
    assert catalog.roles_of(created.principal_id) == {"public", "sysadmin"}
    assert catalog.is_sysadmin(created.principal_id)
    catalog.drop_role_member("sysadmin", "alice")
    assert not catalog.is_sysadmin(created.principal_id)
    assert catalog.find_principal("SYSADMIN") == SYSADMIN_ID
    assert catalog.find_id(created.principal_id) == "Alice"
    catalog.drop("alice")
    assert catalog.find("alice") is None and _from_disk(catalog, "alice")[0] is None
    assert catalog.find_id(created.principal_id) is None


def test_names_fold_only_ascii_letters_like_nocase(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    catalog.create("Élodie", PASSWORD)
    for name in ("Élodie", "éLODIE", "élodie", "ÉLODIE"):
        assert catalog.find(name) == _from_disk(catalog, name)[0]
    assert catalog.find("ÉLODIE") is not None and catalog.find("élodie") is None
    assert catalog.find("sysadmin") is None  # a role is no login
    assert catalog.find("sa ") is None  # trailing spaces count, as in the query


def test_the_loop_is_answered_only_for_a_recently_verified_password(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    assert catalog.verify_without_hashing("sa", PASSWORD) is None  # never verified
    assert catalog.verify("sa", PASSWORD).state == 0
    verdict = catalog.verify_without_hashing("SA", PASSWORD)
    assert verdict is not None and verdict.login is not None and verdict.state == 0
    assert catalog.verify_without_hashing("sa", "wrong") is None  # a wrong password pays the hash
    assert catalog.verify_without_hashing("nobody", PASSWORD) is None
    catalog.update("sa", is_disabled=1)
    assert catalog.verify_without_hashing("sa", PASSWORD) is None  # forgotten on change
    assert catalog.verify("sa", PASSWORD).state == 7
    assert catalog.verify_without_hashing("sa", PASSWORD).state == 7  # type: ignore[union-attr]
    catalog.set_password("sa", "An0ther!Passw0rd")
    assert catalog.verify_without_hashing("sa", PASSWORD) is None
    assert catalog.verify("sa", PASSWORD).state == 8
