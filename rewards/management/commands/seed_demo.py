"""
``python manage.py seed_demo``: a demo tenant and program to try the API and the admin.

Idempotent: the tenant, programs, assets, rewards, participants, users and
the operator's membership are found by name before they are created, and
every movement carries a fixed idempotency key, so a second run changes
nothing but the API key. The plain API key is never stored, so each run
issues a fresh demo key (and revokes the previous one) to be able to print
it. The demo lives in its own tenant, beside the installation's Default.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledger.models import Asset
from ledger.services import asset_create
from loyalty.admin_base import OPERATOR_GROUP
from loyalty.audit import Actor
from loyalty.models import ApiKey, Membership, Program, Tenant
from loyalty.services import api_key_create, api_key_revoke, program_create, tenant_create
from participants.services import accrual_create, participant_enrol
from rewards.models import Reward
from rewards.services import redemption_create_catalog, reversal_create, reward_create

TENANT_NAME = "Demo Coffee Co"
PROGRAM_NAME = "Demo Coffee Club"
DEMO_KEY_NAME = "demo key (seed_demo)"
OPERATOR = ("operator", "operator-demo-pass")
ADMIN = ("admin", "admin-demo-pass")

REWARDS = [
    {"name": "Free Coffee", "type": Reward.Type.UNIT_BASED, "unit_cost": Decimal("150.00")},
    {"name": "Limited Edition Mug", "type": Reward.Type.UNIT_BASED, "unit_cost": Decimal("500.00"), "max_total": 5},
    {"name": "Tote Bag (one per member)", "type": Reward.Type.UNIT_BASED, "unit_cost": Decimal("800.00"), "max_per_participant": 1},
    {"name": "Gift Card", "type": Reward.Type.AMOUNT_BASED, "min_amount": Decimal("100.00"), "max_amount": Decimal("5000.00")},
]
PARTICIPANTS = [
    ("alice@example.com", "Alice", Decimal("5000.00")),
    ("bob@example.com", "Bob", Decimal("1200.00")),
    ("carol@example.com", "Carol", Decimal("300.00")),
]


class Command(BaseCommand):
    help = (
        "Create (idempotently) a demo tenant and program with rewards, funded participants, "
        "users (the operator a member of the tenant) and an API key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="URL printed in the curl examples.")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off (it creates users with known passwords: never in production).",
        )

    def handle(self, *args, base_url: str, allow_without_debug: bool, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "seed_demo creates users with known passwords; run it with DEBUG=true (make run) "
                "or pass --allow-without-debug on a machine that is not production."
            )
        tenant = Tenant.objects.filter(name=TENANT_NAME).first() or tenant_create(name=TENANT_NAME, actor=Actor.of_command("seed_demo"))
        program = Program.objects.filter(tenant=tenant, name=PROGRAM_NAME).first() or program_create(
            tenant_id=tenant.id, name=PROGRAM_NAME, actor=Actor.of_command("seed_demo")
        )
        asset = Asset.objects.filter(program=program, code="POINTS").first() or asset_create(
            program=program, code="POINTS", name="Coffee points", scale=2, actor=Actor.of_command("seed_demo")
        )
        rewards = {spec["name"]: self._reward(program, asset, spec) for spec in REWARDS}
        participants = {}
        for email, name, amount in PARTICIPANTS:
            participant = participant_enrol(
                program=program, external_id=email, display_name=name, email=email
            ).record
            accrual_create(
                program=program,
                participant=participant,
                asset=asset,
                amount=amount,
                description="Welcome bonus",
                idempotency_key=f"seed-welcome-{email}",
            )
            participants[name] = participant
        self._users(tenant)

        alice, bob = participants["Alice"], participants["Bob"]
        mug = redemption_create_catalog(
            program=program, participant=alice, reward=rewards["Limited Edition Mug"], quantity=2,
            idempotency_key="seed-alice-mug",
        ).record
        reversal_create(
            redemption=mug, quantity=1, reason="One mug arrived broken", idempotency_key="seed-alice-mug-broken",
            actor=Actor.of_command("seed_demo"),
        )
        redemption_create_catalog(
            program=program, participant=bob, reward=rewards["Gift Card"], amount=Decimal("250.00"),
            idempotency_key="seed-bob-giftcard",
        )
        redemption_create_catalog(
            program=program, participant=bob, reward=rewards["Free Coffee"], idempotency_key="seed-bob-coffee"
        )

        for old in ApiKey.objects.filter(tenant=tenant, name=DEMO_KEY_NAME, revoked_at__isnull=True):
            api_key_revoke(prefix=old.prefix, actor=Actor.of_command("seed_demo"))
        _, plain = api_key_create(
            name=DEMO_KEY_NAME, tenant_id=tenant.id, program_ids=[program.id], actor=Actor.of_command("seed_demo")
        )
        self._print(base_url, plain, tenant, program, asset, alice, rewards)

    def _reward(self, program, asset, spec) -> Reward:
        spec = dict(spec)
        existing = Reward.objects.filter(program=program, name=spec["name"]).first()
        if existing:
            return existing
        if spec["name"] == "Free Coffee":
            now = timezone.now()
            spec.update(available_from=now - timedelta(days=1), available_until=now + timedelta(days=90))
        return reward_create(program=program, asset=asset, actor=Actor.of_command("seed_demo"), **spec)

    def _users(self, tenant: Tenant):
        """The operator (a member of the demo tenant) and a superuser."""
        User = get_user_model()
        operators, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
        operator = User.objects.filter(username=OPERATOR[0]).first()
        if operator is None:
            operator = User.objects.create_user(OPERATOR[0], password=OPERATOR[1], is_staff=True)
            operator.groups.add(operators)
        Membership.objects.get_or_create(user=operator, tenant=tenant)
        if not User.objects.filter(username=ADMIN[0]).exists():
            User.objects.create_superuser(ADMIN[0], password=ADMIN[1])

    def _print(self, base_url, plain, tenant, program, asset, alice, rewards):
        coffee = rewards["Free Coffee"]
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data ready in program {program.name!r} of tenant {tenant.name!r}."))
        out.write(f"Admin:    {base_url}/admin/  operator / {OPERATOR[1]}   (superuser: {ADMIN[0]} / {ADMIN[1]})")
        out.write(f"API docs: {base_url}/api/v1/docs")
        out.write("")
        out.write("Copy these into a shell, then try the calls below:")
        out.write(f"  export KEY={plain}")
        out.write(f"  export P={program.id} A={asset.id} R={coffee.id} U={alice.id}")
        out.write("")
        json_header = "-H 'Content-Type: application/json'"
        out.write(f'  curl -s {base_url}/api/v1/participants/$U/balances -H "X-API-Key: $KEY"')
        out.write(
            f'  curl -s -X POST {base_url}/api/v1/participants/$U/accruals -H "X-API-Key: $KEY" {json_header} '
            '-d "{\\"program_id\\": \\"$P\\", \\"asset_id\\": \\"$A\\", \\"amount\\": \\"100.00\\"}"'
        )
        out.write(
            f'  curl -s -X POST {base_url}/api/v1/participants/$U/redemptions/catalog -H "X-API-Key: $KEY" {json_header} '
            '-d "{\\"program_id\\": \\"$P\\", \\"reward_id\\": \\"$R\\", \\"quantity\\": 1}"'
        )
        out.write("")
        out.write("API key (shown once; every run of seed_demo issues a new one and revokes the previous):")
        out.write(plain)
