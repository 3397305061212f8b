"""
A short name for a SQL statement in the bench's reports: ``SELECT table
[FOR UPDATE]``, ``INSERT table``, ``UPDATE table``, or for the statements
that write several tables at once (data-modifying ``WITH``, see
``loyalty.sql.execute_together``) ``WITH INSERT a + INSERT b + UPDATE c``.
No Django import: used by count_statements.py and profile_run.py.
"""

from __future__ import annotations

import re

_PARTS = re.compile(r'(INSERT INTO|UPDATE|DELETE FROM|FROM) "(\w+)"')  # tables are quoted (Django, loyalty.sql)
_VERBS = {"INSERT INTO": "INSERT", "UPDATE": "UPDATE", "DELETE FROM": "DELETE", "FROM": "SELECT"}


def statement_kind(sql: str) -> str:
    text = sql.strip()
    head = text.split(None, 1)[0].upper() if text else "?"
    if head not in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}:
        return text[:60]
    parts: list[str] = []
    for verb, table in _PARTS.findall(text):
        if verb == "FROM" and parts and parts[-1].startswith("SELECT"):
            continue  # a join or subquery of the same SELECT
        parts.append(f"{_VERBS[verb]} {table}")
    if not parts:
        return text[:60]
    lock = " FOR UPDATE" if "FOR UPDATE" in text else ""
    if head == "WITH":
        return "WITH " + " + ".join(parts) + (" (FOR UPDATE)" if lock else "")
    return parts[0] + lock
