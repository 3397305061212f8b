"""The operators' per-program dashboard in the admin: figures, chart, access, queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ledger.models import Account
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import ApiKey, Program
from loyalty.services import api_key_create
from loyalty.tests.admin_helpers import count_queries
from loyalty.tests.factories import ProgramFactory
from participants import lifecycle
from participants.models import Participant
from participants.services import accrual_create
from participants.tests.factories import ParticipantFactory
from rewards.dashboard import program_dashboard_get
from rewards.dashboard_chart import nice_ticks
from rewards.models import Redemption, Reward
from rewards.services import redemption_create_catalog, redemption_create_direct, reversal_create
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db

# SQL queries of one dashboard page, whatever the volume: the session, the
# user, the operator-group check, the user's tenants, the program (of those
# tenants), the eight aggregates of rewards.dashboard, and the user's and its
# groups' permissions (the admin's sidebar).
DASHBOARD_QUERIES = 15


def dashboard_url(program) -> str:
    return reverse("admin:loyalty_program_dashboard", args=[program.pk])


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _dated(redemption: Redemption, day: date) -> Redemption:
    """Move the redemption to noon of ``day`` (its ledger entry keeps its own date)."""
    Redemption.objects.filter(pk=redemption.pk).update(created_at=_noon(day))
    redemption.refresh_from_db()
    return redemption


def _catalog(participant, reward, *, day: date, quantity=None, amount=None) -> Redemption:
    redemption = redemption_create_catalog(
        program=reward.program,
        participant=participant,
        reward=reward,
        quantity=quantity,
        amount=Decimal(amount) if amount is not None else None,
    ).record
    return _dated(redemption, day)


def _direct(participant, asset, amount: str, *, day: date) -> Redemption:
    redemption = redemption_create_direct(
        program=asset.program, participant=participant, asset=asset, amount=Decimal(amount)
    ).record
    return _dated(redemption, day)


@dataclass
class Mix:
    program: Program
    today: date
    rewards: dict[str, Reward]
    api_key: ApiKey


@pytest.fixture
def mix(operator_user) -> Mix:
    """
    A program with two assets (POINTS at scale 2, STARS at scale 0), three
    funded participants, catalog redemptions of both types and direct ones
    over several days (one older than the 30-day window), and two reversals
    (one by the operator in the admin, one by an API key).
    """
    today = timezone.localdate()
    program = ProgramFactory(name="Coffee Club")
    points = AssetFactory(program=program, code="POINTS", name="Points", scale=2)
    stars = AssetFactory(program=program, code="STARS", name="Stars", scale=0)
    ana, ben, cleo = (ParticipantFactory(programs=[program], external_id=name) for name in ("ana", "ben", "cleo"))
    fund(ana, points, "500")
    fund(ben, points, "300")
    fund(cleo, stars, "40")
    rewards = {
        "coffee": RewardFactory(asset=points, name="Coffee", unit_cost=Decimal("10.00"), max_total=20),
        "voucher": RewardFactory(asset=points, name="Voucher", type=Reward.Type.AMOUNT_BASED),
        "sticker": RewardFactory(asset=points, name="Sticker", unit_cost=Decimal("0.01"), max_total=1000),
        "mug": RewardFactory(asset=points, name="Mug", unit_cost=Decimal("5.00"), max_total=12),
        "unlimited": RewardFactory(asset=points, name="Tote", unit_cost=Decimal("1.00")),
    }
    coffee = _catalog(ana, rewards["coffee"], quantity=3, day=today)  # 30.00
    _catalog(ben, rewards["coffee"], quantity=1, day=today - timedelta(days=40))  # 10.00, outside the window
    voucher = _catalog(ben, rewards["voucher"], amount="25.50", day=today - timedelta(days=2))
    _catalog(ben, rewards["voucher"], amount="4.50", day=today - timedelta(days=2))
    _catalog(ben, rewards["sticker"], quantity=950, day=today - timedelta(days=29))  # 9.50
    _catalog(ana, rewards["mug"], quantity=4, day=today)  # 20.00
    _direct(ana, points, "12.25", day=today - timedelta(days=2))
    _direct(cleo, stars, "7", day=today)
    reversal_create(redemption=coffee, quantity=1, reason="Spilled <b>cup</b>", user=operator_user)  # 10.00
    api_key, _ = api_key_create(name="Till <1>", program_ids=[program.id], all_programs=False)
    reversal_create(redemption=voucher, amount=Decimal("5.50"), reason="", api_key=api_key)
    return Mix(program=program, today=today, rewards=rewards, api_key=api_key)


def _row(rows: list[dict], **match) -> dict:
    [row] = [row for row in rows if all(row[key] == value for key, value in match.items())]
    return row


# --- figures -----------------------------------------------------------------------


def test_operator_sees_the_liability_per_asset_as_the_wallet_sum_equal_to_issued_minus_redeemed(
    operator_client, mix
):
    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    assert response.status_code == HTTPStatus.OK
    liabilities = response.context["liabilities"]
    # POINTS: issued 800.00; redeemed 30 + 10 + 25.50 + 4.50 + 9.50 + 20 + 12.25 = 111.75, reversed 15.50
    assert _row(liabilities, code="POINTS") == {
        "code": "POINTS",
        "name": "Points",
        "wallets_total": "703.75",
        "pending_total": "0.00",
        "issued": "800.00",
        "redeemed": "96.25",
        "expired": "0.00",
        "owed": "703.75",
        "expiring_soon": "0.00",
        "balanced": True,
    }
    assert _row(liabilities, code="STARS") == {
        "code": "STARS",
        "name": "Stars",
        "wallets_total": "33",
        "pending_total": "0",
        "issued": "40",
        "redeemed": "7",
        "expired": "0",
        "owed": "33",
        "expiring_soon": "0",
        "balanced": True,
    }
    wallets = Account.objects.filter(type="WALLET", asset__program=mix.program, asset__code="POINTS")
    assert sum(wallet.balance for wallet in wallets) == Decimal("703.75")


def test_operator_sees_pending_expired_and_soon_expiring_points_and_the_books_still_match(operator_client):
    # given: 100 pending, 50 spendable that expire in 10 days, 30 that the periodic run expired today
    program = ProgramFactory(name="Lifecycle Club")
    points = AssetFactory(program=program, code="POINTS", name="Points", scale=2)
    ana = ParticipantFactory(programs=[program], external_id="ana")
    now = timezone.now()
    accrual_create(program=program, participant=ana, asset=points, amount=Decimal("100.00"),
                   available_at=now + timedelta(days=5))
    accrual_create(program=program, participant=ana, asset=points, amount=Decimal("50.00"),
                   expires_at=now + timedelta(days=10))
    accrual_create(program=program, participant=ana, asset=points, amount=Decimal("30.00"),
                   expires_at=now + timedelta(days=1))
    lifecycle.process_asset(asset=points, as_of=now + timedelta(days=1, minutes=1), batch=lifecycle.DEFAULT_BATCH)

    # when
    response = operator_client.get(dashboard_url(program))

    # then
    [row] = response.context["liabilities"]
    assert {key: row[key] for key in ("wallets_total", "pending_total", "issued", "expired", "owed")} == {
        "wallets_total": "50.00",
        "pending_total": "100.00",
        "issued": "180.00",
        "expired": "30.00",
        "owed": "150.00",
    }
    assert row["expiring_soon"] == "50.00"
    assert row["balanced"] is True
    days = {day["day"]: day for day in response.context["days"]}
    assert days[timezone.localdate()]["expired"] == ["30.00"]
    assert sum(Decimal(day["expired"][0]) for day in days.values()) == Decimal("30.00")


def test_points_expiring_after_30_days_or_already_spent_are_not_counted_as_expiring_soon(operator_client):
    # given
    program = ProgramFactory(name="Far Club")
    points = AssetFactory(program=program, code="POINTS", name="Points", scale=2)
    ana = ParticipantFactory(programs=[program], external_id="ana")
    now = timezone.now()
    accrual_create(program=program, participant=ana, asset=points, amount=Decimal("40.00"),
                   expires_at=now + timedelta(days=31))
    accrual_create(program=program, participant=ana, asset=points, amount=Decimal("20.00"),
                   expires_at=now + timedelta(days=3))
    redemption_create_direct(program=program, participant=ana, asset=points, amount=Decimal("15.00"))

    # when
    response = operator_client.get(dashboard_url(program))

    # then: the redemption took from the soonest-expiring lot first, 5.00 of it remain
    [row] = response.context["liabilities"]
    assert row["expiring_soon"] == "5.00"


def test_operator_sees_redemptions_and_points_per_day_for_30_days_with_zero_days(operator_client, mix):
    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    days = {row["day"]: row for row in response.context["days"]}
    assert response.context["asset_codes"] == ["POINTS", "STARS"]
    assert len(days) == 30
    assert min(days) == mix.today - timedelta(days=29) and max(days) == mix.today
    assert days[mix.today]["count"] == 3 and days[mix.today]["points"] == ["50.00", "7"]
    two_days_ago = days[mix.today - timedelta(days=2)]
    assert two_days_ago["count"] == 3 and two_days_ago["points"] == ["42.25", "0"]
    assert days[mix.today - timedelta(days=29)]["points"] == ["9.50", "0"]
    yesterday = mix.today - timedelta(days=1)
    assert days[yesterday] == {"day": yesterday, "count": 0, "points": ["0.00", "0"], "expired": ["0.00", "0"]}
    assert sum(row["count"] for row in days.values()) == 7  # the 40-day-old one is outside


def test_the_charts_are_inline_svg_with_one_bar_per_day_and_labelled_axes(operator_client, mix):
    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    content = response.content.decode()
    assert "<script" not in content.split('id="daily-activity"')[1].split('id="top-rewards"')[0]
    redemptions, points, stars, expired_points, expired_stars = response.context["charts"]
    assert (redemptions.title, points.title, stars.title) == (
        "Redemptions per day",
        "Points redeemed per day (POINTS)",
        "Points redeemed per day (STARS)",
    )
    assert (expired_points.title, expired_stars.title) == (
        "Points expired per day (POINTS)",
        "Points expired per day (STARS)",
    )
    assert [bar.value for bar in redemptions.bars][-3:] == ["3", "0", "3"]
    assert sum(bar.zero for bar in redemptions.bars) == 27
    assert [bar.value for bar in points.bars][-1] == "50.00"
    assert [tick.label for tick in redemptions.y_ticks] == ["0", "1", "2", "3"]
    assert [tick.label for tick in points.y_ticks] == ["0.00", "20.00", "40.00", "60.00"]
    assert [tick.label for tick in points.x_ticks][-1] == mix.today.strftime("%m-%d")
    for chart_id in ("chart-redemptions", "chart-points-0", "chart-points-1", "chart-expired-0", "chart-expired-1"):
        svg = content.split(f'id="{chart_id}"')[1].split("</svg>")[0]
        assert svg.count('<rect class="chart-bar') == 30
        assert "Day (UTC)" in svg
    assert f'data-day="{mix.today:%Y-%m-%d}" data-value="3"' in content


def test_top_rewards_are_ordered_by_number_of_redemptions_with_their_points(operator_client, mix):
    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    rows = [
        (row["name"], row["redemptions"], row["units"], row["points"], row["reversed_points"])
        for row in response.context["top_rewards"]
    ]
    assert rows == [
        ("Coffee", 2, 4, "40.00", "10.00"),
        ("Voucher", 2, 2, "30.00", "5.50"),
        ("Mug", 1, 4, "20.00", "0.00"),
        ("Sticker", 1, 950, "9.50", "0.00"),
    ]


def test_rewards_low_on_stock_are_those_with_under_10_units_or_under_10_percent_left(operator_client, mix):
    # given: Coffee 17 of 20 left (not low), Mug 8 of 12 (under 10 units),
    # Sticker 50 of 1000 (under 10%), Tote unlimited, Voucher unlimited

    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    rows = [(row["name"], row["status"], row["units_left"], row["max_total"]) for row in response.context["low_stock"]]
    assert rows == [("Mug", "ACTIVE", 8, 12), ("Sticker", "ACTIVE", 50, 1000)]


def test_a_sold_out_reward_is_listed_first_among_low_stock(operator_client, mix):
    # given
    mug = mix.rewards["mug"]
    ana = Participant.objects.get(external_id="ana")
    _catalog(ana, mug, quantity=8, day=mix.today)

    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    first = response.context["low_stock"][0]
    assert (first["name"], first["status"], first["units_left"]) == ("Mug", "OUT_OF_STOCK", 0)


def test_a_reward_with_a_max_total_of_fifty_million_does_not_break_the_dashboard(operator_client, make_client):
    # given: the API allows max_total up to 2,147,483,647; left x 100 used to overflow PostgreSQL's integer
    program = ProgramFactory(name="Big Stock")
    asset = AssetFactory(program=program, code="POINTS", scale=2)
    client = make_client(programs=[program])
    created = client.post(
        "/api/v1/rewards",
        {"program_id": str(program.id), "asset_id": str(asset.id), "name": "Pen", "type": "UNIT_BASED",
         "unit_cost": "1.00", "max_total": 50_000_000},
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    RewardFactory(asset=asset, name="Almost gone", unit_cost=Decimal("1.00"), max_total=2_147_483_647)
    Reward.objects.filter(name="Almost gone").update(redeemed_count=2_000_000_000)

    # when
    response = operator_client.get(dashboard_url(program))

    # then: the 50 million are not low; 147,483,647 left of 2,147,483,647 is under 10%
    assert response.status_code == HTTPStatus.OK
    rows = [(row["name"], row["units_left"]) for row in response.context["low_stock"]]
    assert rows == [("Almost gone", 147_483_647)]


def test_recent_reversals_show_the_redemption_amount_reason_and_author(operator_client, mix):
    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    rows = [
        (row["reward"], row["participant"], row["amount"], row["asset"], row["quantity"], row["reason"], row["author"])
        for row in response.context["reversals"]
    ]
    assert sorted(rows) == [
        ("Coffee", "ana", "10.00", "POINTS", 1, "Spilled <b>cup</b>", "user operator"),
        ("Voucher", "ben", "5.50", "POINTS", None, "", f"API key Till <1> (lk_{mix.api_key.prefix}_…)"),
    ]
    coffee = Redemption.objects.get(reward__name="Coffee", participant__external_id="ana")
    assert _row(response.context["reversals"], reward="Coffee")["redemption_url"] == reverse(
        "admin:rewards_redemption_change", args=[coffee.pk]
    )


def test_user_text_on_the_dashboard_is_escaped(operator_client, mix):
    # given
    Reward.objects.filter(pk=mix.rewards["mug"].pk).update(name="<script>alert(1)</script>Mug")
    Program.objects.filter(pk=mix.program.pk).update(name="Club <i>x</i>")

    # when
    response = operator_client.get(dashboard_url(mix.program))

    # then
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Mug" in content
    assert "Spilled &lt;b&gt;cup&lt;/b&gt;" in content and "<b>cup</b>" not in content
    assert "API key Till &lt;1&gt;" in content
    assert "Club &lt;i&gt;x&lt;/i&gt;" in content and "<i>x</i>" not in content


def test_the_dashboard_counts_only_its_own_program(mix):
    # given: another program with its own movements
    other = ProgramFactory(name="Tea Club")
    asset = AssetFactory(program=other, code="POINTS")
    someone = ParticipantFactory(programs=[other])
    fund(someone, asset, "99")
    _catalog(someone, RewardFactory(asset=asset, name="Tea", max_total=5), quantity=4, day=mix.today)

    # when
    dashboard = program_dashboard_get(program=mix.program, today=mix.today)

    # then
    points = _row([vars(row) for row in dashboard.liabilities], code="POINTS")
    assert (points["wallets_total"], points["issued"]) == (Decimal("703.75"), Decimal("800"))
    assert sum(day.count for day in dashboard.days) == 7
    assert "Tea" not in {row.name for row in dashboard.top_rewards} | {row.name for row in dashboard.low_stock}


def test_a_program_without_movements_shows_zeros_and_empty_lists(operator_client):
    # given
    program = ProgramFactory(name="Empty")
    AssetFactory(program=program, code="POINTS")

    # when
    response = operator_client.get(dashboard_url(program))

    # then
    assert response.status_code == HTTPStatus.OK
    [liability] = response.context["liabilities"]
    assert (liability["wallets_total"], liability["pending_total"], liability["owed"]) == ("0.00", "0.00", "0.00")
    assert liability["balanced"] is True
    assert [row["count"] for row in response.context["days"]] == [0] * 30
    context = response.context
    assert (context["top_rewards"], context["low_stock"], context["reversals"]) == ([], [], [])


def test_value_axis_ticks_are_round_and_cover_the_highest_value():
    # when / then
    assert nice_ticks(Decimal("50.00"), min_step=Decimal("0.01")) == [0, 20, 40, 60]
    assert nice_ticks(Decimal("3"), min_step=Decimal(1)) == [0, 1, 2, 3]
    cent = Decimal("0.01")
    assert nice_ticks(Decimal("0.03"), min_step=cent) == [0, cent, 2 * cent, 3 * cent]
    assert nice_ticks(Decimal("0"), min_step=Decimal(1)) == [0, 1, 2, 3, 4]
    assert nice_ticks(Decimal("7"), min_step=Decimal(1)) == [0, 2, 4, 6, 8]


# --- access --------------------------------------------------------------------------


def test_superuser_sees_the_dashboard(superuser_client, mix):
    # when
    response = superuser_client.get(dashboard_url(mix.program))

    # then
    assert response.status_code == HTTPStatus.OK
    assert _row(response.context["liabilities"], code="POINTS")["wallets_total"] == "703.75"


@pytest.fixture
def staff_client(db) -> Client:
    """Staff with every permission of the operator group's models, but not in the group."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("clerk", password="clerk-test-password-3j8s", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["loyalty", "rewards", "ledger"]))
    client = Client()
    client.force_login(user)
    return client


def test_staff_user_outside_the_operator_group_is_refused_the_dashboard(staff_client, mix):
    # when
    response = staff_client.get(dashboard_url(mix.program))

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"703.75" not in response.content


def test_staff_user_outside_the_operator_group_is_refused_the_program_list(staff_client, mix):
    # when
    response = staff_client.get(reverse("admin:loyalty_program_dashboards"))

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"Coffee Club" not in response.content


@pytest.mark.parametrize("url_name", ["admin:loyalty_program_dashboard", "admin:loyalty_program_dashboards"])
def test_anonymous_user_is_sent_to_the_login_page(mix, url_name):
    # given
    url = reverse(url_name, args=[mix.program.pk] if url_name.endswith("dashboard") else [])

    # when
    response = Client().get(url)

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")
    assert b"703.75" not in response.content


@pytest.mark.parametrize("program_id", ["not-a-uuid", "7a9326dc-55dc-4caa-8fe9-5be1271ee6dd"])
def test_an_unknown_program_is_404(operator_client, program_id):
    # when
    response = operator_client.get(reverse("admin:loyalty_program_dashboard", args=[program_id]))

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- links ---------------------------------------------------------------------------


def test_the_admin_index_links_operators_to_each_program_dashboard(operator_client, mix):
    # given
    other = ProgramFactory(name="Tea Club")

    # when
    response = operator_client.get(reverse("admin:index"))

    # then
    content = response.content.decode()
    block = content.split('id="dashboards-module"')[1].split("</table>")[0]
    assert f'href="{dashboard_url(mix.program)}"' in block
    assert f'href="{dashboard_url(other)}"' in block
    assert f'href="{reverse("admin:loyalty_program_dashboards")}"' in block


def test_the_admin_index_shows_no_dashboards_block_to_staff_outside_the_operator_group(staff_client, mix):
    # when
    response = staff_client.get(reverse("admin:index"))

    # then
    assert response.status_code == HTTPStatus.OK
    assert 'id="dashboards-module"' not in response.content.decode()
    assert dashboard_url(mix.program) not in response.content.decode()


def test_the_program_list_links_every_program_to_its_dashboard(operator_client, mix):
    # given
    other = ProgramFactory(name="Tea Club")

    # when
    response = operator_client.get(reverse("admin:loyalty_program_dashboards"))

    # then
    assert response.status_code == HTTPStatus.OK
    links = re.findall(r'href="(/admin/loyalty/program/[^"]+/dashboard/)"', response.content.decode())
    assert links == [dashboard_url(mix.program), dashboard_url(other)]


# --- queries -------------------------------------------------------------------------


def _program_with_redemptions(name: str, count: int) -> Program:
    """``count`` redemptions over ``count`` rewards, participants and days, a third of them partly reversed."""
    today = timezone.localdate()
    program = ProgramFactory(name=name)
    asset = AssetFactory(program=program)
    for index in range(count):
        participant = ParticipantFactory(programs=[program])
        fund(participant, asset, "100")
        reward = RewardFactory(asset=asset, unit_cost=Decimal("1.00"), max_total=5 + index)
        redemption = _catalog(participant, reward, quantity=2, day=today - timedelta(days=index % 30))
        if index % 3 == 0:
            reversal_create(redemption=redemption, quantity=1, reason=f"r{index}")
    return program


def test_the_dashboard_runs_a_pinned_number_of_queries_whatever_the_volume(operator_client):
    # given
    small = _program_with_redemptions("Small", 3)
    large = _program_with_redemptions("Large", 30)
    operator_client.get(reverse("admin:index"))  # warm caches that live for the process

    # when
    small_queries = count_queries(operator_client, dashboard_url(small))
    large_queries = count_queries(operator_client, dashboard_url(large))

    # then
    assert Redemption.objects.filter(program=large).count() == 30
    assert small_queries == large_queries == DASHBOARD_QUERIES
