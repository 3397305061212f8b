"""Migration operations shared by the apps."""

from pathlib import Path

from django.db import migrations


class PostgresSQLFile(migrations.RunSQL):
    """
    Run a SQL file (and its reverse file) on PostgreSQL only.

    The files sit beside their migration, named after it
    (``0003_guards.pg.sql``, ``0003_guards_reverse.pg.sql``), and are never
    edited afterwards: a later change is a new migration with its own files
    (``tests/test_migrations.py`` pins the SQL every migration applies).

    The guards it installs (triggers) are PostgreSQL features; on the
    embedded SQLite database the operation does nothing, and the tests that
    prove the guards are marked ``postgres`` and skipped there.
    """

    def __init__(self, sql_path: Path, reverse_sql_path: Path, **kwargs):
        super().__init__(sql=Path(sql_path).read_text(), reverse_sql=Path(reverse_sql_path).read_text(), **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
