"""Root fixtures: API clients with keys, and the PostgreSQL-only marker."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from loyalty.services import api_key_create

# The admin tests' fixtures (operator_user, operator_client, superuser, superuser_client).
pytest_plugins = ["loyalty.tests.admin_helpers"]

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run `make test`); the embedded SQLite run skips it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


class KeyClient(APIClient):
    """An APIClient that sends ``X-API-Key`` and JSON by default."""

    def __init__(self, plain_key: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.plain_key = plain_key
        if plain_key:
            self.credentials(HTTP_X_API_KEY=plain_key)

    def _json(self, method, path, data=None, **extra):
        return getattr(super(), method)(path, data=data, format="json", **extra)

    def post(self, path, data=None, **extra):
        return self._json("post", path, data, **extra)

    def patch(self, path, data=None, **extra):
        return self._json("patch", path, data, **extra)

    def put(self, path, data=None, **extra):
        return self._json("put", path, data, **extra)


@pytest.fixture
def make_client():
    def _make(*, programs=(), all_programs=False, name="test key", tenant=None):
        """A client with a new key: of ``tenant``, else of its programs' tenant, else of the tenant Default."""
        from loyalty.tests.factories import default_tenant

        if tenant is None:
            tenant = programs[0].tenant if programs else default_tenant()
        api_key, plain = api_key_create(
            name=name, tenant_id=tenant.id, program_ids=[p.id for p in programs], all_programs=all_programs
        )
        client = KeyClient(plain)
        client.api_key = api_key
        return client

    return _make


@pytest.fixture
def admin_client_api(db, make_client):
    """A client whose key may see all programs."""
    return make_client(all_programs=True, name="all programs")


@pytest.fixture
def anon_client():
    return KeyClient()


# --- domain fixtures (factories live in <app>/tests/factories.py) -------------------


@pytest.fixture
def program(db):
    from loyalty.tests.factories import ProgramFactory

    return ProgramFactory()


@pytest.fixture
def asset(program):
    from ledger.tests.factories import AssetFactory

    return AssetFactory(program=program)


@pytest.fixture
def participant(program):
    from participants.tests.factories import ParticipantFactory

    return ParticipantFactory(programs=[program])


@pytest.fixture
def client_for(make_client, program):
    """A client whose key is scoped to ``program``."""
    return make_client(programs=[program])
