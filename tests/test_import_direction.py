"""
Imports flow one way: rewards -> participants -> {ledger, events} -> loyalty.
An app's code (its tests aside) imports only the apps below it (the ledger and
the events are peers: neither imports the other); the ledger finds the
reconciliation checks of the apps above it in the app registry, never by import.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each app and the apps it may import.
BELOW = {
    "loyalty": set(),
    "ledger": {"loyalty"},
    "events": {"loyalty"},
    "participants": {"loyalty", "ledger", "events"},
    "rewards": {"loyalty", "ledger", "events", "participants"},
}


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            apps.add(node.module.split(".")[0])
    return apps & set(BELOW)


def test_no_app_imports_an_app_above_it():
    # given
    wrong = []

    # when
    for app, below in BELOW.items():
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.relative_to(ROOT).parts:
                continue
            above = imported_apps(path) - below - {app}
            if above:
                wrong.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(above))}")

    # then
    assert wrong == []
