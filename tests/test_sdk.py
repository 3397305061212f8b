"""
The Python SDK (``clients/python``) as an integrator uses it.

- Its README's walkthrough (the ```python blocks of "## Walkthrough", one
  after the other, as one script) passes ``mypy --strict`` with no ``cast``
  and no ``type: ignore``, and runs against gunicorn serving a database of its
  own (migrated, with one all-programs key from ``create_api_key``): it prints
  what the README says it prints, and the server holds one redemption, not two.
- Its README's webhook verifier accepts a delivery signed as the contract
  signs it (also while a rotated secret signs too) and refuses a tampered
  body, another secret and an old timestamp.
- The generated client turns a 500, a 405 and an error code it does not know
  into a typed ``ErrorResponse``, and an enum value a later version adds into
  a plain string. Those answers come from a stand-in HTTP server on a free
  port: the API cannot give them on purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from loyalty_client import DEFAULT_TIMEOUT, api_key_client
from loyalty_client.api.participants import participants_balances_list
from loyalty_client.api.programs import programs_list, programs_retrieve
from loyalty_client.api.redemptions import (
    participants_redemptions_catalog_create,
    redemptions_list,
    redemptions_retrieve,
)
from loyalty_client.models import (
    CatalogRedemptionCreateRequest,
    ErrorCode,
    ErrorResponse,
    PaginatedBalanceList,
    PaginatedRedemptionList,
    Redemption,
    RedemptionStatusEnum,
)
from standardwebhooks import WebhookVerificationError

from tests.faults.harness import free_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "clients" / "python" / "README.md"
BIN = Path(sys.executable).parent
SERVER_START_S = 30
SCRIPT_TIMEOUT_S = 120


def readme_python(section: str) -> str:
    """The ```python blocks of a README section, joined into one module."""
    text = README.read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```python\n(.*?)```", body, flags=re.S))


def readme_output() -> list[str]:
    """The lines the README says the walkthrough prints."""
    body = README.read_text().split("\n## Walkthrough\n", 1)[1].split("\n## ", 1)[0]
    printed = body.split("The script prints:", 1)[1]
    return re.search(r"```text\n(.*?)```", printed, flags=re.S).group(1).splitlines()


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> Path:
    """``walkthrough.py`` and ``webhooks.py``, as an integrator would copy them from the README."""
    folder = tmp_path_factory.mktemp("sdk")
    (folder / "walkthrough.py").write_text(readme_python("Walkthrough"))
    (folder / "webhooks.py").write_text(readme_python("Verifying a webhook signature"))
    return folder


# --- a server of its own -------------------------------------------------------------------


class ServerDatabase:
    """
    The server's own database, named after the test run's: a database
    ``<test database>_sdk`` on the PostgreSQL server of the run, or a file on SQLite.
    """

    def __init__(self, folder: Path):
        default = settings.DATABASES["default"]
        self.postgres = default["ENGINE"] == "django.db.backends.postgresql"
        if self.postgres:
            self.name = default.get("TEST", {}).get("NAME") or f"test_{default['NAME']}"
            self.name += "_sdk"
            self.server = {
                "host": default.get("HOST") or "127.0.0.1",
                "port": int(default.get("PORT") or 5432),
                "user": default.get("USER") or "postgres",
                "password": default.get("PASSWORD") or None,
            }
            auth = self.server["user"] + (f":{self.server['password']}" if self.server["password"] else "")
            self.url = f"postgres://{auth}@{self.server['host']}:{self.server['port']}/{self.name}"
        else:
            self.url = f"sqlite:///{folder / 'sdk.sqlite3'}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as connection:
            connection.execute(statement)

    def create(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def server_env(database_url: str) -> dict[str, str]:
    return {
        "PATH": f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "loyalty.settings",
        "DATABASE_URL": database_url,
        "DATABASE_REPLICA_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": "sdk-walkthrough-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOW_SQLITE_IN_PRODUCTION": "true",
        "RATE_LIMIT_PER_PROCESS": "true",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def live_api(tmp_path):
    """``(base URL, all-programs key)`` of gunicorn (two workers) serving a fresh, migrated database."""
    database = ServerDatabase(tmp_path)
    database.create()
    env = server_env(database.url)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = None
    try:
        manage(env, "migrate", "--no-input", "-v0")
        key = manage(env, "create_api_key", "--name", "walkthrough", "--all-programs").strip().splitlines()[-1]
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "loyalty.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                 "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(base_url, server, log)
        yield base_url, key
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        database.drop()


def wait_until_healthy(base_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == HTTPStatus.OK:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz within {SERVER_START_S} s: {log.read_text()}")


# --- the walkthrough -------------------------------------------------------------------------


def test_the_readme_code_passes_mypy_strict_without_cast_or_type_ignore(scripts, tmp_path):
    # given
    files = [scripts / "walkthrough.py", scripts / "webhooks.py"]
    code = "\n".join(path.read_text() for path in files)

    # when
    result = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / "mypy-cache"), *map(str, files)],
        cwd=scripts, capture_output=True, text=True, timeout=300,
    )

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 2 source files" in result.stdout
    assert "cast(" not in code and "type: ignore" not in code
    assert code.count("\n") > 100  # the whole walkthrough, not an empty extraction


@pytest.mark.slow
def test_the_readme_walkthrough_runs_against_a_live_server_as_written(scripts, live_api):
    # given
    base_url, key = live_api
    env = {"PATH": os.environ["PATH"], "LOYALTY_URL": base_url, "LOYALTY_API_KEY": key}

    # when
    result = subprocess.run(
        [sys.executable, str(scripts / "walkthrough.py")],
        cwd=scripts, env=env, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S,
    )

    # then: it prints what the README says (the participant's id aside) ...
    assert result.returncode == 0, result.stdout + result.stderr
    printed = result.stdout.splitlines()
    expected = readme_output()
    assert printed[0].startswith("participant ") and expected[0].startswith("participant ")
    assert printed[1:] == expected[1:]
    # ... and the server holds one redemption (the repeat made none), reversed once, and the right balance
    participant_id = uuid.UUID(printed[0].removeprefix("participant "))
    client = api_key_client(base_url, key)
    redemptions = redemptions_list.sync(client=client, participant_id=participant_id)
    balances = participants_balances_list.sync(participant_id, client=client)
    assert isinstance(redemptions, PaginatedRedemptionList) and isinstance(balances, PaginatedBalanceList)
    assert [r.status for r in redemptions.results] == [RedemptionStatusEnum.PARTIALLY_REVERSED]
    assert [b.balance for b in balances.results] == ["350.00"]  # 500 earned, 300 redeemed, 150 refunded


# --- webhook signatures ----------------------------------------------------------------------


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def new_secret() -> str:
    """An endpoint's secret as the contract makes it: ``whsec_`` and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The contract's ``v1,`` signature: base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under the secret's key."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def delivery(*secrets_: str, age: timedelta = timedelta(0)) -> tuple[bytes, dict[str, str]]:
    """An event's body and the headers of its delivery, signed with each of ``secrets_``."""
    event_id = str(uuid.uuid4())
    body = json.dumps(
        {"id": event_id, "type": "redemption.created", "program_id": str(uuid.uuid4()),
         "created_at": "2026-12-05T10:30:00Z", "data": {"id": str(uuid.uuid4()), "amount": "300.00"}}
    ).encode()
    timestamp = int((datetime.now(UTC) - age).timestamp())
    headers = {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, event_id, timestamp, body) for secret in secrets_),
    }
    return body, headers


@pytest.fixture(scope="module")
def verified_event(scripts):
    return load(scripts / "webhooks.py").verified_event


def test_the_readme_verifier_returns_the_event_of_a_delivery_signed_as_the_contract_signs(verified_event):
    # given
    secret = new_secret()
    body, headers = delivery(secret)

    # when
    event = verified_event(body, headers, secret)

    # then
    assert event == json.loads(body)


def test_the_readme_verifier_accepts_either_signature_while_a_rotated_secret_still_signs(verified_event):
    # given
    old, new = new_secret(), new_secret()
    body, headers = delivery(old, new)

    # when
    events = [verified_event(body, headers, secret) for secret in (old, new)]

    # then
    assert events == [json.loads(body)] * 2


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda body, headers, secret: (body.replace(b"300.00", b"900.00"), headers, secret), id="body"),
        pytest.param(lambda body, headers, secret: (body, headers, new_secret()), id="other-secret"),
        pytest.param(
            lambda body, headers, secret: (body, {k: v for k, v in headers.items() if k != "webhook-signature"},
                                           secret),
            id="no-signature",
        ),
    ],
)
def test_the_readme_verifier_refuses_a_forged_delivery(verified_event, forge):
    # given
    secret = new_secret()
    body, headers = delivery(secret)

    # when / then
    with pytest.raises(WebhookVerificationError):
        verified_event(*forge(body, headers, secret))


def test_the_readme_verifier_refuses_a_replayed_delivery_ten_minutes_old(verified_event):
    # given
    secret = new_secret()
    body, headers = delivery(secret, age=timedelta(minutes=10))

    # when / then
    with pytest.raises(WebhookVerificationError):
        verified_event(body, headers, secret)


# --- answers the API cannot give on purpose: a stand-in server ----------------------------------

PROGRAM_ID = uuid.uuid4()
PARTICIPANT_ID = uuid.uuid4()
REDEMPTION_ID = uuid.uuid4()


def error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "fields": {}}}


def redemption_from_a_later_version() -> dict:
    return {
        "id": str(REDEMPTION_ID), "program_id": str(PROGRAM_ID), "participant_id": str(PARTICIPANT_ID),
        "asset_id": str(uuid.uuid4()), "reward_id": None, "amount": "10.00", "quantity": None, "unit_cost": None,
        "description": "Redemption", "journal_entry_id": str(uuid.uuid4()), "status": "PARTIALLY_EXPIRED",
        "reversed_amount": "0.00", "reversed_quantity": None, "codes": None, "voided_codes": None,
        "idempotency_key": None,
        "created_at": "2026-12-05T10:30:00Z", "updated_at": "2026-12-05T10:30:00Z", "allocations": [],
        "channel": "web",
    }


ANSWERS = {
    ("GET", f"/api/v1/programs/{PROGRAM_ID}"): (500, error("internal_error", "Internal error.")),
    ("GET", "/api/v1/programs"): (405, error("method_not_allowed", 'Method "GET" not allowed.')),
    ("POST", f"/api/v1/participants/{PARTICIPANT_ID}/redemptions/catalog"): (
        422, error("points_frozen", "The participant's points are frozen."),
    ),
    ("GET", f"/api/v1/redemptions/{REDEMPTION_ID}"): (200, redemption_from_a_later_version()),
}


STAND_IN_KEY = "lk_standin_" + "x" * 40
SEEN_KEYS: list[str | None] = []


class StandIn(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        SEEN_KEYS.append(self.headers.get("X-API-Key"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, body = ANSWERS[(self.command, self.path.split("?", 1)[0])]
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def stand_in_client():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield api_key_client(f"http://127.0.0.1:{server.server_port}", STAND_IN_KEY)
    server.shutdown()
    server.server_close()


def test_a_500_comes_back_as_a_typed_error_response(stand_in_client):
    # when
    answer = programs_retrieve.sync(PROGRAM_ID, client=stand_in_client)

    # then
    assert isinstance(answer, ErrorResponse)
    assert answer.error.code is ErrorCode.INTERNAL_ERROR


def test_a_405_comes_back_as_a_typed_error_response(stand_in_client):
    # when
    answer = programs_list.sync(client=stand_in_client)

    # then
    assert isinstance(answer, ErrorResponse)
    assert answer.error.code is ErrorCode.METHOD_NOT_ALLOWED


def test_an_error_code_a_later_version_adds_comes_back_as_a_plain_string(stand_in_client):
    # when
    answer = participants_redemptions_catalog_create.sync(
        PARTICIPANT_ID, client=stand_in_client,
        body=CatalogRedemptionCreateRequest(program_id=PROGRAM_ID, reward_id=uuid.uuid4()),
    )

    # then
    assert isinstance(answer, ErrorResponse)
    assert answer.error.code == "points_frozen" and not isinstance(answer.error.code, ErrorCode)


def test_a_status_and_a_field_a_later_version_adds_do_not_break_a_redemption(stand_in_client):
    # when
    answer = redemptions_retrieve.sync(REDEMPTION_ID, client=stand_in_client)

    # then
    assert isinstance(answer, Redemption)
    assert answer.status == "PARTIALLY_EXPIRED" and not isinstance(answer.status, RedemptionStatusEnum)
    assert answer.additional_properties == {"channel": "web"}


def test_the_api_key_client_sends_the_key_as_the_schema_says_with_a_timeout(stand_in_client):
    # given
    SEEN_KEYS.clear()

    # when
    programs_retrieve.sync(PROGRAM_ID, client=stand_in_client)

    # then
    assert SEEN_KEYS == [STAND_IN_KEY]  # X-API-Key: <key>, no "Bearer" and no Authorization header
    assert stand_in_client.get_httpx_client().timeout == DEFAULT_TIMEOUT
    assert "authorization" not in stand_in_client.get_httpx_client().headers
