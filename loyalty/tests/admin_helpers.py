"""Fixtures and helpers of the admin tests (the root conftest.py loads the fixtures as a plugin)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loyalty.admin_base import OPERATOR_GROUP
from loyalty.models import Membership
from loyalty.tests.factories import default_tenant

OPERATOR_PASSWORD = "operator-test-password-4f9k"
OPERATOR_GROUP_MIGRATION = ("loyalty", "0002_operator_group")


def operator_group() -> Group:
    """
    The "operator" group the migration created. A transactional test (the
    browser tests) flushes the tables after it ran: then the migration's own
    code runs again (through the migration loader) to create it.
    """
    group = Group.objects.filter(name=OPERATOR_GROUP).first()
    if group is None:
        loader = MigrationLoader(connection)
        (create,) = loader.get_migration(*OPERATOR_GROUP_MIGRATION).operations
        create.code(loader.project_state(OPERATOR_GROUP_MIGRATION).apps, None)
        group = Group.objects.get(name=OPERATOR_GROUP)
    return group


def admin_url(model, view: str, *args) -> str:
    """``admin_url(Reward, "change", reward.pk)`` -> ``/admin/rewards/reward/<id>/change/``."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def count_queries(client: Client, url: str) -> int:
    """Number of SQL queries one GET of ``url`` runs (the response must be 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def changelist_ids(response) -> set:
    """Primary keys of the rows a changelist response shows."""
    return {obj.pk for obj in response.context["cl"].result_list}


def redeem(*, participant, reward, quantity: int | None = None, amount: str | None = None, fund: str = "1000"):
    """Fund the participant and redeem ``reward`` through the services; return the redemption."""
    from ledger.tests.factories import fund as fund_wallet
    from rewards.services import redemption_create_catalog

    fund_wallet(participant, reward.asset, fund, program=reward.program)
    return redemption_create_catalog(
        program=reward.program,
        participant=participant,
        reward=reward,
        quantity=quantity,
        amount=Decimal(amount) if amount is not None else None,
    ).record


def make_operator(username: str = "operator", *, tenants=()):
    """A staff user in the operator group, a member of ``tenants`` (default: the tenant Default)."""
    user = get_user_model().objects.create_user(username, password=OPERATOR_PASSWORD, is_staff=True)
    user.groups.add(operator_group())
    for tenant in tenants or [default_tenant()]:
        Membership.objects.create(user=user, tenant=tenant)
    return user


@pytest.fixture
def operator_user(db):
    """An operator of the tenant Default (where the factories put everything unless told otherwise)."""
    return make_operator()


@pytest.fixture
def operator_client(operator_user) -> Client:
    client = Client()
    client.force_login(operator_user)
    return client


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="root-test-password-8d2m")


@pytest.fixture
def superuser_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client
