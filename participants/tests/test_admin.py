"""Admin of participants: enrolments through the service, balances read-only, escaped names."""

from http import HTTPStatus

import pytest

from ledger.models import Account
from ledger.tests.factories import AssetFactory, fund
from loyalty.models import Membership
from loyalty.tests.admin_helpers import admin_url, changelist_ids
from loyalty.tests.factories import ProgramFactory, TenantFactory
from participants.models import Enrollment, Participant
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _inline(prefix="enrollments", total=0, initial=0, rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_participant_page_shows_balances_of_every_enrolled_asset(operator_client, program, asset, participant):
    # given
    fund(participant, asset, "42.50")
    AssetFactory(program=program, code="MILES", scale=0)

    # when
    response = operator_client.get(admin_url(Participant, "change", participant.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "<td>42.50</td>" in content
    assert "<td>MILES</td><td>0</td>" in content


def test_balances_cannot_be_changed_from_the_participant_page(operator_client, asset, participant):
    # given
    fund(participant, asset, "10.00")

    # when
    response = operator_client.post(
        admin_url(Participant, "change", participant.pk),
        {"display_name": "New name", "email": "", "balances": "1000000", **_inline()},
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    participant.refresh_from_db()
    assert participant.display_name == "New name"
    assert Account.objects.get(participant=participant).balance == 10


def test_adding_an_enrolment_in_the_inline_enrols_the_participant(operator_client, participant):
    # given
    other = ProgramFactory()

    # when
    response = operator_client.post(
        admin_url(Participant, "change", participant.pk),
        {
            "display_name": participant.display_name,
            "email": participant.email,
            **_inline(total=1, rows=[{"program": str(other.pk), "participant": str(participant.pk)}]),
        },
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert Enrollment.objects.filter(participant=participant, program=other).exists()


def test_enrolling_twice_in_the_same_program_is_refused_and_nothing_changes(operator_client, program, participant):
    # given
    existing = Enrollment.objects.get(participant=participant)
    before = Enrollment.objects.count()

    # when
    response = operator_client.post(
        admin_url(Participant, "change", participant.pk),
        {
            "display_name": "Changed too",
            "email": participant.email,
            **_inline(
                total=2,
                initial=1,
                rows=[
                    {"id": str(existing.pk), "participant": str(participant.pk)},
                    {"program": str(program.pk), "participant": str(participant.pk)},
                ],
            ),
        },
    )

    # then
    assert response.status_code == HTTPStatus.OK
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[1]["program"] == ["Already enrolled in this program."]
    assert Enrollment.objects.count() == before
    participant.refresh_from_db()
    assert participant.display_name != "Changed too"


def test_operator_adds_a_participant_with_an_enrolment(operator_client, program):
    # when
    response = operator_client.post(
        admin_url(Participant, "add"),
        {
            "tenant": str(program.tenant_id),
            "external_id": "member-x",
            "display_name": "X",
            "email": "",
            **_inline(total=1, rows=[{"program": str(program.pk)}]),
        },
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    participant = Participant.objects.get(external_id="member-x")
    assert list(participant.programs.all()) == [program]


def test_a_participant_added_in_the_admin_is_announced_like_one_created_through_the_api(operator_client, program):
    # when
    operator_client.post(
        admin_url(Participant, "add"),
        {
            "tenant": str(program.tenant_id),
            "external_id": "member-y",
            "display_name": "Y",
            "email": "",
            **_inline(total=1, rows=[{"program": str(program.pk)}]),
        },
    )

    # then
    from events.models import Event

    participant = Participant.objects.get(external_id="member-y")
    events = list(Event.objects.order_by("created_at").values_list("type", "program_id", "data__id"))
    assert events == [
        ("participant.created", program.id, str(participant.id)),
        ("participant.enrolled", program.id, str(participant.id)),
    ]


def test_participant_names_with_html_and_sql_are_shown_escaped(operator_client):
    # given
    ParticipantFactory(
        external_id="x'; DROP TABLE participants_participant; --", display_name="<script>alert(1)</script>"
    )

    # when
    response = operator_client.get(admin_url(Participant, "changelist"))

    # then
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "x&#x27;; DROP TABLE participants_participant; --" in content


def test_participant_search_finds_by_external_id(operator_client):
    # given
    wanted = ParticipantFactory(external_id="alice-42")
    ParticipantFactory(external_id="bob-7")

    # when
    response = operator_client.get(admin_url(Participant, "changelist"), {"q": "alice"})

    # then
    assert changelist_ids(response) == {wanted.pk}


def test_participants_cannot_be_deleted(superuser_client, participant):
    # when
    response = superuser_client.post(admin_url(Participant, "delete", participant.pk), {"post": "yes"})

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Participant.objects.filter(pk=participant.pk).exists()


def test_an_operator_of_two_tenants_cannot_enrol_a_participant_in_the_other_tenants_program(
    operator_user, operator_client, program
):
    # given: the operator runs a second tenant too
    other = TenantFactory(name="Bravo Tea")
    Membership.objects.create(user=operator_user, tenant=other)
    theirs = ProgramFactory(tenant=other)
    participant = ParticipantFactory(programs=[program], external_id="cust-42")

    # when
    response = operator_client.post(
        admin_url(Participant, "change", participant.pk),
        {
            "display_name": participant.display_name,
            "email": participant.email,
            **_inline(total=2, initial=1, rows=[{"id": "", "program": ""}, {"program": str(theirs.pk)}]),
        },
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert "A program of another tenant than the participant&#x27;s." in response.content.decode()
    assert Participant.objects.filter(external_id="cust-42").count() == 1
    assert list(participant.programs.all()) == [program]


# --- lots (points lifecycle) -----------------------------------------------------------------


def test_participant_page_shows_its_lots_read_only(operator_client, asset, participant):
    # given
    lot = fund(participant, asset, "42.50")

    # when
    response = operator_client.get(admin_url(Participant, "change", participant.pk))

    # then
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "lots (accruals)" in content.lower() and "AVAILABLE" in content
    assert str(lot.pk) in content  # the change link of the lot


def test_a_superuser_claws_back_what_remains_of_a_lot_through_the_service(superuser_client, asset, participant):
    # given
    from participants.models import Accrual, AccrualReversal

    lot = fund(participant, asset, "10.00")

    # when
    response = superuser_client.post(
        admin_url(Accrual, "changelist"), {"action": "claw_back_remaining", "_selected_action": [str(lot.pk)]}
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert Accrual.objects.get(pk=lot.pk).remaining == 0
    assert AccrualReversal.objects.get().journal_entry.kind == "ACCRUAL_REVERSAL"
    assert Account.objects.get(type="WALLET", participant=participant).balance == 0


# --- the bulk import --------------------------------------------------------------------------------


def _upload(body: bytes, name: str = "members.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="text/csv")


@pytest.mark.django_db
def test_the_admin_import_imports_a_small_file_and_shows_the_bad_rows(operator_client, program, asset):
    # given
    from loyalty.tests.admin_helpers import admin_url
    from participants.models import Accrual, Participant

    body = b"external_id,display_name,email,opening_balance,expires_at\nalice,Alice,,10.00,\nbad,,,x,\n"

    # when
    response = operator_client.post(
        admin_url(Participant, "changelist") + "import/", {"program": str(program.id), "file": _upload(body)}
    )

    # then
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.rows, result.imported, result.bad_count) == (2, 1, 1)
    assert result.bad[0].line == 3 and "not an amount" in result.bad[0].reason
    assert Accrual.objects.get().idempotency_key == "import:alice"
    assert 'id="import-bad-rows"' in response.content.decode()


@pytest.mark.django_db
def test_the_admin_import_offers_only_the_operators_programs(operator_client):
    # given
    from loyalty.tests.admin_helpers import admin_url
    from loyalty.tests.factories import ProgramFactory, TenantFactory
    from participants.models import Participant

    theirs = ProgramFactory(tenant=TenantFactory(name="Bravo Tea"))
    body = b"external_id\nalice\n"

    # when
    response = operator_client.post(
        admin_url(Participant, "changelist") + "import/", {"program": str(theirs.id), "file": _upload(body)}
    )

    # then
    assert response.status_code == 200
    assert "program" in response.context["form"].errors
    assert not Participant.objects.filter(external_id="alice").exists()


@pytest.mark.django_db
def test_the_admin_import_refuses_a_wrong_header_on_the_form(operator_client, program):
    # given
    from loyalty.tests.admin_helpers import admin_url
    from participants.models import Participant

    # when
    response = operator_client.post(
        admin_url(Participant, "changelist") + "import/", {"program": str(program.id), "file": _upload(b"id,name\n1,x\n")}
    )

    # then
    assert "header" in str(response.context["form"].errors["file"])
    assert not Participant.objects.exists()
