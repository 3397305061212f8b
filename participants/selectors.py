"""
Reads of the participants app: participants and their balances, as an API
key may see them (``loyalty.selectors`` states the rules): a participant is
visible when it is of the key's tenant and, for a key scoped to some
programs, enrolled in one of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ledger.models import AMOUNT_DECIMAL_PLACES, Account, Asset
from loyalty import sql
from loyalty.auth import KeyScope
from loyalty.errors import NotFound
from loyalty.selectors import scoped_get
from participants.models import Accrual, AccrualReversal, Enrollment, Participant


def _enrolled(*, program_ids: Collection[uuid.UUID] | None = None, program_id: uuid.UUID | None = None):
    enrollments = Enrollment.objects.filter(participant_id=OuterRef("pk"))
    if program_ids is not None:
        enrollments = enrollments.filter(program_id__in=program_ids)
    if program_id is not None:
        enrollments = enrollments.filter(program_id=program_id)
    return Exists(enrollments)


def participant_is_enrolled(*, tenant_id: uuid.UUID, participant_id: uuid.UUID, program_id: uuid.UUID) -> bool:
    return Enrollment.objects.filter(tenant_id=tenant_id, participant_id=participant_id, program_id=program_id).exists()


def participant_list(
    *, scope: KeyScope, program_id: uuid.UUID | None = None, external_id: str | None = None
) -> QuerySet[Participant]:
    """
    Participants enrolled in a visible program, newest first, each with
    ``visible_enrollments`` (its enrolments in visible programs, oldest first)
    prefetched.
    """
    visible_program_ids = scope.program_ids
    queryset = Participant.objects.filter(tenant_id=scope.tenant_id).order_by("-created_at", "-id")
    if visible_program_ids is not None:
        queryset = queryset.filter(_enrolled(program_ids=visible_program_ids))
    if program_id is not None:
        if visible_program_ids is not None and program_id not in visible_program_ids:
            # Enrolment in a program the key may not see is not the key's business.
            return Participant.objects.none()
        queryset = queryset.filter(_enrolled(program_id=program_id))
    if external_id is not None:
        queryset = queryset.filter(external_id=external_id)
    enrollments = Enrollment.objects.order_by("created_at", "id")
    if visible_program_ids is not None:
        enrollments = enrollments.filter(program_id__in=visible_program_ids)
    return queryset.prefetch_related(Prefetch("enrollments", queryset=enrollments, to_attr="visible_enrollments"))


def participant_detail_get(*, scope: KeyScope, participant_id: uuid.UUID) -> Participant:
    """The participant with ``visible_enrollments``, to render it; ``NotFound`` when it is not visible."""
    participant = participant_list(scope=scope).filter(id=participant_id).first()
    if participant is None:
        raise NotFound("Unknown participant.")
    return participant


def participant_get_visible(*, scope: KeyScope, participant_id: uuid.UUID) -> Participant:
    """
    The participant of a path, visible when it is of the key's tenant and
    (for a key scoped to some programs) enrolled in one of them; ``NotFound``
    otherwise (as if it did not exist). One hand-written query: every
    movement starts with it (see ``loyalty.sql``).
    """
    query = participant_visible_sql(scope=scope, participant_id=participant_id)
    row = sql.fetchone(*query) if query is not None else None
    return participant_from_row(row)


def participant_visible_sql(*, scope: KeyScope, participant_id: uuid.UUID) -> tuple[str, list] | None:
    """
    :func:`participant_get_visible`'s query (the participant's
    ``sql.select_list``) and its parameters, for a caller that joins it to
    another read; None when the key can see no participant at all.
    """
    query = (
        f"SELECT {sql.select_list(Participant, 'p')} FROM {sql.table(Participant)} p "
        f"WHERE p.{sql.column(Participant, 'id')} = %s AND p.{sql.column(Participant, 'tenant_id')} = %s"
    )
    params = [sql.prep(Participant, "id", participant_id), sql.prep(Participant, "tenant_id", scope.tenant_id)]
    if not scope.all_programs:
        if not scope.program_ids:
            return None
        programs, program_params = sql.in_list(Enrollment, "program_id", sorted(scope.program_ids))
        query += (
            f" AND EXISTS (SELECT 1 FROM {sql.table(Enrollment)} e "
            f"WHERE e.{sql.column(Enrollment, 'participant_id')} = p.{sql.column(Participant, 'id')} "
            f"AND e.{sql.column(Enrollment, 'program_id')} {programs})"
        )
        params += program_params
    return query, params


def participant_from_row(row, start: int = 0) -> Participant:
    """The participant :func:`participant_visible_sql` selected at ``row[start:]``; ``NotFound`` for none."""
    if row is None or row[start] is None:
        raise NotFound("Unknown participant.")
    return sql.from_row(Participant, row, start)


def participant_balances_list(
    *, scope: KeyScope, participant_id: uuid.UUID, program_id: uuid.UUID | None = None
) -> QuerySet[Asset]:
    """
    Every asset of every visible program the participant is enrolled in,
    newest first, annotated with the participant's ``wallet_balance`` (0 when
    it has no wallet yet), ``wallet_updated_at`` (None then) and
    ``pending_balance`` (its PENDING account's, 0 when none). One query.
    """
    programs = scope.filter_visible(Enrollment.objects.filter(participant_id=participant_id))
    if program_id is not None:
        programs = programs.filter(program_id=program_id)
    wallet = Account.objects.filter(
        type=Account.Type.WALLET, tenant_id=scope.tenant_id, participant_id=participant_id, asset_id=OuterRef("pk")
    )
    pending = Account.objects.filter(
        type=Account.Type.PENDING, tenant_id=scope.tenant_id, participant_id=participant_id, asset_id=OuterRef("pk")
    )
    amount = DecimalField(max_digits=28, decimal_places=AMOUNT_DECIMAL_PLACES)
    return (
        Asset.objects.filter(tenant_id=scope.tenant_id, program_id__in=programs.values("program_id"))
        .annotate(
            wallet_balance=Coalesce(
                Subquery(wallet.values("balance")[:1], output_field=amount), Value(Decimal(0), output_field=amount)
            ),
            wallet_updated_at=Subquery(wallet.values("updated_at")[:1]),
            pending_balance=Coalesce(
                Subquery(pending.values("balance")[:1], output_field=amount), Value(Decimal(0), output_field=amount)
            ),
        )
        .order_by("-created_at", "-id")
    )


EXPIRING_LISTED = 10


def participant_expiring(
    *, tenant_id: uuid.UUID, participant_id: uuid.UUID, asset_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple]]:
    """
    Per asset, the participant's released lots' ``remaining`` grouped by
    ``expires_at``, soonest first, at most ``EXPIRING_LISTED`` (lots that
    never expire are not listed). One query for all the assets.
    """
    rows = (
        Accrual.objects.filter(
            tenant_id=tenant_id,
            participant_id=participant_id,
            asset_id__in=list(asset_ids),
            released=True,
            remaining__gt=0,
            expires_at__isnull=False,
        )
        .values("asset_id", "expires_at")
        .annotate(amount=Sum("remaining"))
        .order_by("asset_id", "expires_at")
    )
    result: dict[uuid.UUID, list[tuple]] = {}
    for row in rows:
        listed = result.setdefault(row["asset_id"], [])
        if len(listed) < EXPIRING_LISTED:
            listed.append((row["expires_at"], row["amount"]))
    return result


def accrual_list(
    *,
    scope: KeyScope,
    participant_id: uuid.UUID,
    program_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    status: str | None = None,
) -> QuerySet[Accrual]:
    """A (visible) participant's accruals in the key's programs; the caller orders and paginates (newest first)."""
    accruals = scope.filter_visible(Accrual.objects.select_related("asset")).filter(participant_id=participant_id)
    if program_id is not None:
        accruals = accruals.filter(program_id=program_id)
    if asset_id is not None:
        accruals = accruals.filter(asset_id=asset_id)
    if status == Accrual.Status.CLOSED:
        accruals = accruals.filter(remaining=0)
    elif status == Accrual.Status.PENDING:
        accruals = accruals.filter(remaining__gt=0, released=False)
    elif status == Accrual.Status.AVAILABLE:
        accruals = accruals.filter(remaining__gt=0, released=True)
    return accruals


def accrual_get_visible(*, scope: KeyScope, accrual_id: uuid.UUID) -> Accrual:
    """The accrual (with its asset), or ``NotFound`` if it does not exist for this key."""
    return scoped_get(
        queryset=Accrual.objects.select_related("asset"), scope=scope, object_id=accrual_id, what="accrual"
    )


def accrual_reversal_list(*, accrual: Accrual) -> QuerySet[AccrualReversal]:
    """The clawbacks of one (visible) accrual, each with its accrual for rendering."""
    return AccrualReversal.objects.filter(tenant_id=accrual.tenant_id, accrual_id=accrual.id).select_related(
        "accrual__asset"
    )
