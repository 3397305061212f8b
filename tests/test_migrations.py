"""
Migrations never change history: the SQL each past migration applies is
pinned here by its SHA-256. A change to the guards is a new migration with
its own ``.sql`` files beside it (and a new pin), never an edit of the old ones.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db.migrations import RunSQL
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
APPS = ("loyalty", "ledger", "participants", "rewards", "events")

# (app, migration) -> SHA-256 of the SQL it applies, forwards and backwards.
PINNED = {
    ("ledger", "0003_guards"): "99d89ff0260b80ae951e7237cb4de6df43dde8c4675c962ee28197c70be761c3",
    ("ledger", "0005_tenant_guards"): "c11abcdb732f839b5498fe196797931e9c1e63d636d51a3611f3e1caa44d7460",
    ("ledger", "0007_entry_check_one_query"): "382a4a5d6b62ea88e43db8dd021fddf93f24347ee247569fbc7c82c3a3849e59",
    ("participants", "0004_lot_guards"): "23d6bcd2f83a8031a6c1284a3bdfbbbeaa692fe2144b13a027920ff268be5c07",
    ("rewards", "0003_codes"): "ca505cef7d75ca0a3a7a6440d2d527aaf40b1752e49892a4df113c7ca71bdb31",
    ("events", "0002_event_txid_default"): "31f7af9a62d4e63ab27f18a937f9400aa6afc0f1d23e3da77a768bcee3e15f85",
    ("loyalty", "0007_audit_guard"): "de98bdd92689515b664f3a9c6b9593417b82e64867581dda26f8490ce2a06fc5",
}


def _text(sql) -> str:
    return sql if isinstance(sql, str) else "\n".join(str(part) for part in sql)


def applied_sql() -> dict[tuple[str, str], str]:
    """The hash of the SQL every migration of the project's apps runs (those that run SQL)."""
    hashes = {}
    for (app, name), migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items():
        statements = [
            f"{_text(op.sql)}\n-- reverse --\n{_text(op.reverse_sql)}"
            for op in migration.operations
            if isinstance(op, RunSQL)
        ]
        if app in APPS and statements:
            hashes[(app, name)] = hashlib.sha256("\n-- next --\n".join(statements).encode()).hexdigest()
    return hashes


def test_no_past_migration_changes_the_sql_it_applies():
    # when
    hashes = applied_sql()

    # then: a new migration that runs SQL is pinned with it; an old one never changes
    assert hashes == PINNED


def test_every_sql_file_beside_a_migration_is_named_after_one():
    # given
    migrations = {path.stem for app in APPS for path in (ROOT / app / "migrations").glob("0*.py")}

    # when
    files = [path for app in APPS for path in (ROOT / app / "migrations").glob("*.sql")]

    # then
    assert files, "the guards' SQL files are beside their migration"
    for path in files:
        assert path.name.split(".")[0].removesuffix("_reverse") in migrations, path
