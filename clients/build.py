"""
Regenerate the committed OpenAPI schema and the Python SDK (``make client``),
or check that both are current (``make check``: ``--check`` writes nothing and
exits 1 with a diff when either is stale).

1. ``manage.py spectacular --validate --fail-on-warn`` writes the schema the
   app generates to ``clients/openapi.yaml``.
2. openapi-python-client (pinned in requirements-dev.txt) generates
   ``clients/python/`` from that committed file, with
   ``clients/generator/config.yaml`` and the templates in
   ``clients/generator/templates/`` (the README with the integrator
   walkthrough, and the hand-written ``api_key_client`` constructor). A
   generator warning (a piece it could not generate) fails the build.

Both steps run offline and give the same bytes for the same input: a run
generates into a temporary directory and then replaces (or compares with) the
committed files.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CLIENTS = Path(__file__).resolve().parent
ROOT = CLIENTS.parent
SCHEMA = CLIENTS / "openapi.yaml"
PYTHON_CLIENT = CLIENTS / "python"
GENERATOR = CLIENTS / "generator"
BIN = Path(sys.executable).parent  # the virtualenv's: openapi-python-client and ruff
MAX_DIFF_LINES = 80
# Made by tools run over the tree (ruff, mypy, pytest, Python), never committed (each ignores itself or is ignored).
CACHES = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


class Stale(Exception):
    pass


def generate_schema(target: Path) -> None:
    env = {**os.environ, "DEBUG": "true"}
    env.pop("DATABASE_URL", None)  # the schema needs no database
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(target)],
        cwd=ROOT, env=env, check=True,
    )


def generate_client(schema: Path, target: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"), "generate",
            "--path", str(schema),
            "--output-path", str(target),
            "--config", str(GENERATOR / "config.yaml"),
            "--custom-template-path", str(GENERATOR / "templates"),
            "--meta", "poetry",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 or "Warning" in output or "Error" in output:
        sys.stderr.write(output)
        raise SystemExit(f"openapi-python-client did not generate the client cleanly (exit {result.returncode})")


def files(tree: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(tree)): path
        for path in sorted(tree.rglob("*"))
        if path.is_file() and not CACHES & set(path.parts)
    }


def diff(committed: Path, fresh: Path, label: str) -> list[str]:
    """Unified diff lines from ``committed`` to ``fresh`` (files or trees); empty when identical."""
    ours = files(committed) if committed.is_dir() else ({"": committed} if committed.exists() else {})
    theirs = files(fresh) if fresh.is_dir() else {"": fresh}
    lines: list[str] = []
    for name in sorted(set(ours) | set(theirs)):
        a, b = ours.get(name), theirs.get(name)
        if a is not None and b is not None and filecmp.cmp(a, b, shallow=False):
            continue
        path = f"{label}/{name}" if name else label
        old = a.read_text().splitlines(keepends=True) if a else []
        new = b.read_text().splitlines(keepends=True) if b else []
        lines += difflib.unified_diff(old, new, f"committed {path}", f"generated {path}")
    return lines


def replace(target: Path, fresh: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    if fresh.is_dir():
        shutil.copytree(fresh, target)
    else:
        shutil.copyfile(fresh, target)


def build(*, check: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="loyalty-client-") as tmp:
        fresh_schema = Path(tmp) / "openapi.yaml"
        generate_schema(fresh_schema)
        stale = diff(SCHEMA, fresh_schema, "clients/openapi.yaml")
        if not check:
            replace(SCHEMA, fresh_schema)
        fresh_client = Path(tmp) / "python"
        generate_client(SCHEMA, fresh_client)  # from the committed schema, as an integrator would
        stale += diff(PYTHON_CLIENT, fresh_client, "clients/python")
        if check and stale:
            sys.stderr.writelines(stale[:MAX_DIFF_LINES])
            if len(stale) > MAX_DIFF_LINES:
                sys.stderr.write(f"... ({len(stale) - MAX_DIFF_LINES} more diff lines)\n")
            raise Stale("clients/openapi.yaml or clients/python/ is stale: run `make client` and commit the result.")
        if not check:
            replace(PYTHON_CLIENT, fresh_client)
            print("clients/openapi.yaml and clients/python/ regenerated" + (" (changed)" if stale else " (no change)"))
        else:
            print("clients/openapi.yaml and clients/python/ are current")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    args = parser.parse_args()
    try:
        build(check=args.check)
    except Stale as exc:
        raise SystemExit(str(exc)) from None


if __name__ == "__main__":
    main()
