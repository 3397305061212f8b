"""seed_demo: idempotent demo data in its own tenant, and a key that works."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from ledger.models import JournalEntry
from loyalty.models import ApiKey, Membership, Program, Tenant
from participants.models import Participant
from rewards.models import Redemption, Reversal, Reward


def run_seed() -> list[str]:
    out = StringIO()
    call_command("seed_demo", "--allow-without-debug", stdout=out)
    return out.getvalue().strip().splitlines()


def counts() -> dict[str, int]:
    return {
        "programs": Program.objects.count(),
        "rewards": Reward.objects.count(),
        "participants": Participant.objects.count(),
        "entries": JournalEntry.objects.count(),
        "redemptions": Redemption.objects.count(),
        "reversals": Reversal.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_creates_rewards_of_both_types_participants_and_history():
    # when
    run_seed()

    # then
    rewards = Reward.objects.all()
    assert {r.type for r in rewards} == {"UNIT_BASED", "AMOUNT_BASED"}
    assert any(r.max_total is not None and r.max_total <= 10 for r in rewards)
    assert any(r.max_per_participant is not None for r in rewards)
    assert any(r.available_from is not None and r.available_until is not None for r in rewards)
    assert Participant.objects.count() == 3
    assert Redemption.objects.count() == 3
    assert Reversal.objects.count() == 1
    assert Redemption.objects.filter(status="PARTIALLY_REVERSED").count() == 1


@pytest.mark.django_db
def test_running_seed_demo_twice_changes_nothing_but_the_api_key():
    # given
    run_seed()
    before = counts()

    # when
    run_seed()

    # then
    assert counts() == before
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_printed_key_alone_on_the_last_line_authenticates(client):
    # given
    key = run_seed()[-1]

    # when
    response = client.get("/api/v1/programs", HTTP_X_API_KEY=key)

    # then
    assert response.status_code == HTTPStatus.OK
    assert [p["name"] for p in response.json()["results"]] == ["Demo Coffee Club"]


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_without_debug_unless_told(settings):
    # given
    settings.DEBUG = False

    # when / then
    with pytest.raises(CommandError, match="known passwords"):
        call_command("seed_demo", stdout=StringIO())
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_puts_everything_in_its_own_demo_tenant_once():
    # when
    run_seed()
    run_seed()

    # then
    demo = Tenant.objects.get(name="Demo Coffee Co")
    assert set(Tenant.objects.values_list("name", flat=True)) == {"Default", "Demo Coffee Co"}
    assert set(Program.objects.values_list("tenant_id", flat=True)) == {demo.id}
    assert set(Participant.objects.values_list("tenant_id", flat=True)) == {demo.id}
    assert set(ApiKey.objects.values_list("tenant_id", flat=True)) == {demo.id}


@pytest.mark.django_db
def test_seed_demos_operator_is_a_member_of_the_demo_tenant_only(client):
    # when
    run_seed()

    # then
    operator = get_user_model().objects.get(username="operator")
    assert list(Membership.objects.filter(user=operator).values_list("tenant__name", flat=True)) == ["Demo Coffee Co"]


@pytest.mark.django_db
def test_the_printed_key_belongs_to_the_demo_tenant(client):
    # given
    key = run_seed()[-1]

    # when
    response = client.get("/api/v1/me", HTTP_X_API_KEY=key)

    # then
    assert response.json()["tenant"]["name"] == "Demo Coffee Co"
