"""The hand-written SQL helpers of the hot path (loyalty/sql.py), on both databases."""

import uuid
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import UUIDField
from django.test.utils import CaptureQueriesContext

from loyalty import sql
from loyalty.models import Program
from loyalty.tests.factories import default_tenant
from rewards.models import Reward
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


def _select_reward(reward_id) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql.select_list(Reward, 'r')} FROM {sql.table(Reward)} r "
            f"WHERE r.{sql.column(Reward, 'id')} = %s",
            [sql.prep(Reward, "id", reward_id)],
        )
        return cursor.fetchone()


def test_a_row_read_by_hand_becomes_the_same_instance_the_orm_reads(asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("12.50"), max_total=7)

    # when
    by_hand = sql.from_row(Reward, _select_reward(reward.id))

    # then: every field equal, with the ORM's Python types (UUID, Decimal, aware datetime)
    by_orm = Reward.objects.get(id=reward.id)
    for field in Reward._meta.concrete_fields:
        assert getattr(by_hand, field.attname) == getattr(by_orm, field.attname), field.attname
        assert type(getattr(by_hand, field.attname)) is type(getattr(by_orm, field.attname)), field.attname
    assert not by_hand._state.adding


def test_an_insert_by_hand_fills_auto_now_add_and_reads_back_through_the_orm():
    # given
    program = Program(tenant=default_tenant(), name="Hand-written")

    # when
    sql.execute_together(sql.insert(program))
    sql.mark_saved(program)

    # then
    stored = Program.objects.get(id=program.id)
    assert stored.name == "Hand-written"
    assert program.created_at is not None
    assert stored.created_at == program.created_at
    assert not program._state.adding


def test_several_inserts_of_one_model_go_in_one_statement():
    # given
    programs = [Program(tenant=default_tenant(), name=f"P{i}") for i in range(3)]

    # when
    with CaptureQueriesContext(connection) as context:
        sql.execute_together(sql.insert(*programs))

    # then
    assert len(context.captured_queries) == 1
    assert set(Program.objects.values_list("name", flat=True)) >= {"P0", "P1", "P2"}


def test_writes_executed_together_all_happen_and_return_the_last_ones_rows(asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"))
    program = Program(tenant=default_tenant(), name="Together")
    update = (
        f"UPDATE {sql.table(Reward)} SET {sql.column(Reward, 'redeemed_count')} = 3 "
        f"WHERE {sql.column(Reward, 'id')} = %s RETURNING {sql.column(Reward, 'redeemed_count')}",
        [sql.prep(Reward, "id", reward.id)],
    )

    # when
    rows = sql.execute_together(sql.insert(program), update)

    # then
    assert rows == [(3,)]
    assert Program.objects.filter(id=program.id).exists()
    reward.refresh_from_db()
    assert reward.redeemed_count == 3


@pytest.mark.postgres
def test_on_postgresql_writes_executed_together_take_one_round_trip(asset):
    # given
    reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"))
    update = (
        f"UPDATE {sql.table(Reward)} SET {sql.column(Reward, 'redeemed_count')} = 1 WHERE {sql.column(Reward, 'id')} = %s",
        [sql.prep(Reward, "id", reward.id)],
    )

    tenant = default_tenant()

    # when
    with CaptureQueriesContext(connection) as context:
        sql.execute_together(
            sql.insert(Program(tenant=tenant, name="A")), sql.insert(Program(tenant=tenant, name="B")), update
        )

    # then
    assert len(context.captured_queries) == 1
    assert context.captured_queries[0]["sql"].startswith("WITH s0 AS (INSERT")
    assert Program.objects.filter(name__in=["A", "B"]).count() == 2


def test_an_in_list_prepares_each_value_for_its_column(program):
    # when
    clause, params = sql.in_list(Program, "id", [program.id])

    # then
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {sql.table(Program)} WHERE {sql.column(Program, 'id')} {clause}", params)
        assert cursor.fetchone()[0] == 1


def test_an_unknown_column_is_refused():
    with pytest.raises(LookupError):
        sql.column(Program, "no_such_column")


def test_an_any_of_list_matches_the_given_values_only(program):
    # given
    other = Program.objects.create(tenant=default_tenant(), name="Other")

    # when
    clause, params = sql.any_of(Program, "id", [program.id])

    # then
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql.column(Program, 'id')} FROM {sql.table(Program)} WHERE {sql.column(Program, 'id')} {clause}", params)
        assert [row[0] for row in cursor.fetchall()] == [sql.prep(Program, "id", program.id)]
    assert other.id != program.id


@pytest.mark.postgres
def test_on_postgresql_an_any_of_list_is_one_array_parameter_whatever_its_length(program):
    # when
    clause, params = sql.any_of(Program, "id", [program.id] * 5000)

    # then
    assert clause == "= ANY(%s::uuid[])"
    assert len(params) == 1 and params[0].count(",") == 4999


def test_the_any_lookup_filters_like_in_on_columns_and_foreign_keys(program):
    # given
    other = Program.objects.create(tenant=program.tenant, name="Other")

    # when
    by_id = Program.objects.filter(id__any=[program.id]).values_list("id", flat=True)
    by_tenant = Program.objects.filter(tenant_id__any=[program.tenant_id], id__any=[program.id, other.id]).count()

    # then
    assert list(by_id) == [program.id]
    assert by_tenant == 2


def test_the_any_lookup_of_an_empty_list_matches_nothing(program):
    assert list(Program.objects.filter(id__any=[])) == []


@pytest.mark.postgres
def test_on_postgresql_rows_inserted_from_arrays_read_back_through_the_orm(program):
    # given
    tenant = default_tenant()
    names = [f"From arrays {i}" for i in range(3)]
    ids = [uuid.uuid4() for _ in names]

    # when
    sql.execute(*sql.insert_arrays(
        Program, {"id": ids, "name": names}, tenant_id=tenant.id, status=Program.Status.ACTIVE,
        created_at=program.created_at, updated_at=program.created_at,
    ))

    # then
    assert sorted(Program.objects.filter(id__in=ids).values_list("name", flat=True)) == names


def test_an_insert_from_arrays_missing_a_column_is_refused():
    with pytest.raises(ValueError, match="give every column once"):
        sql.insert_arrays(Program, {"name": ["A"]})


def test_an_array_of_uuids_or_numbers_is_sent_as_its_text_literal():
    # given
    ids = [uuid.UUID(int=1), None]

    # then
    assert sql.array_param(ids, "uuid") == "{00000000-0000-0000-0000-000000000001,NULL}"
    assert sql.array_param([Decimal("1.50"), 2], "numeric(16, 4)") == "{1.50,2}"
    assert sql.array_param(["a,b"], "varchar(10)") == ["a,b"]  # anything else: psycopg quotes it


def test_an_array_literal_refuses_a_value_of_another_type():
    with pytest.raises(TypeError):
        sql.array_param(["00000000-0000-0000-0000-000000000001}"], "uuid")


UUID_COLUMNS = [
    (model, field.attname)
    for model in django_apps.get_models()
    for field in model._meta.concrete_fields
    if isinstance(field.target_field if field.is_relation else field, UUIDField)
]


@pytest.mark.parametrize(("model", "attname"), UUID_COLUMNS, ids=lambda x: getattr(x, "__name__", x))
def test_a_uuid_is_prepared_for_every_uuid_column_as_its_field_prepares_it(model, attname):
    value = uuid.uuid4()
    field = next(field for field in model._meta.concrete_fields if field.attname == attname)

    assert sql.prep(model, attname, value) == field.get_db_prep_save(value, connection)


def test_a_uuid_given_as_text_is_prepared_by_its_field():
    value = uuid.uuid4()

    assert sql.prep(Program, "id", str(value)) == Program._meta.pk.get_db_prep_save(str(value), connection)
