"""
The tenant as a column: every hot-path table carries it (in the models and in
the database), and docs/tenancy.md places every table of the installation.
"""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from loyalty.models import Tenant

ROOT = Path(__file__).resolve().parent.parent
NOTE = ROOT / "docs" / "tenancy.md"

# The hot path and the ledger (issue 13's list): each must be filterable by tenant without a join.
HOT_TABLES = [
    "loyalty_program",
    "loyalty_apikey",
    "loyalty_idempotencyrecord",
    "ledger_asset",
    "ledger_account",
    "ledger_journalentry",
    "ledger_journalline",
    "participants_participant",
    "participants_enrollment",
    "participants_accrual",
    "rewards_reward",
    "rewards_participantrewardcount",
    "rewards_redemption",
    "rewards_reversal",
]


def model_of(table: str):
    return next(model for model in apps.get_models() if model._meta.db_table == table)


@pytest.mark.parametrize("table", HOT_TABLES)
def test_every_hot_table_has_a_tenant_foreign_key_in_its_model(table):
    # when
    field = model_of(table)._meta.get_field("tenant")

    # then
    assert field.related_model is Tenant
    assert not field.null


@pytest.mark.django_db
@pytest.mark.parametrize("table", HOT_TABLES)
def test_every_hot_table_has_a_not_null_tenant_column_in_the_database(table):
    # when
    with connection.cursor() as cursor:
        columns = {column.name: column for column in connection.introspection.get_table_description(cursor, table)}

    # then
    assert "tenant_id" in columns
    assert columns["tenant_id"].null_ok is False


def placed_tables() -> dict[str, str]:
    """The table of docs/tenancy.md: every table named in its first column, with its placement."""
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", NOTE.read_text(), flags=re.M)
    placed = {}
    for names, placement in rows:
        for name in re.findall(r"`([a-z_]+)`", names):
            placed[name] = placement
    return placed


@pytest.mark.django_db
def test_the_design_note_places_every_table_of_the_installation():
    # given
    tables = set(connection.introspection.table_names())

    # when
    placed = placed_tables()

    # then: every table is placed, and every tenant-owned one is distributed by its tenant
    assert tables - set(placed) == set()
    for model in apps.get_models():
        owned = any(field.name == "tenant" and field.related_model is Tenant for field in model._meta.fields)
        if owned and model is not apps.get_model("loyalty", "Membership"):
            assert placed[model._meta.db_table].startswith("distributed by `tenant_id`"), model._meta.db_table


def test_every_copy_of_the_default_tenants_id_agrees():
    # given: each migration that adds a tenant column keeps its own copy (a migration is history)
    modules = [
        "loyalty.migrations.0003_tenants",
        "loyalty.migrations.0004_tenant_columns",
        "ledger.migrations.0004_tenant_columns",
        "participants.migrations.0002_tenant_columns",
        "rewards.migrations.0002_tenant_columns",
    ]

    # when
    copies = {import_module(module).DEFAULT_TENANT_ID for module in modules}

    # then
    assert len(copies) == 1
    assert str(copies.pop()) in NOTE.read_text()
