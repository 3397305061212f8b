"""``/api/v1/assets`` (list, create, retrieve) and ``/api/v1/journal-entries`` (list, retrieve)."""

from __future__ import annotations

from http import HTTPStatus

from django.core.validators import RegexValidator
from django.db import IntegrityError
from django.db.models import Exists, OuterRef, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from ledger.models import Account, Asset, JournalEntry, JournalLine
from ledger.services import asset_create
from loyalty.api.base import ApiViewSet
from loyalty.api.fields import StrictCharField, StrictInputSerializer, StrictIntegerField, StrictUUIDField
from loyalty.api.pagination import LedgerCursorPagination
from loyalty.api.schema import BODY_ERRORS, error_responses, list_error_responses, path_uuid
from loyalty.api.scoping import get_visible, parse_path_uuid, program_get_visible
from loyalty.api.serializers import FilterSerializer, ScaledAmountField
from loyalty.errors import ValidationFailed

ASSET_CODE_PATTERN = r"^[A-Z0-9_]{1,32}$"

# --- assets ---------------------------------------------------------------------


class AssetSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    scale = serializers.IntegerField(read_only=True, min_value=0, max_value=4)
    created_at = serializers.DateTimeField(read_only=True)


class AssetCreateSerializer(StrictInputSerializer):
    read_only_fields = ("id", "created_at")

    program_id = StrictUUIDField()
    code = StrictCharField(
        max_length=32,
        trim_whitespace=False,
        validators=[RegexValidator(ASSET_CODE_PATTERN, "Must be 1-32 characters of A-Z, 0-9 and _.")],
        help_text="Unique in the program; upper-case letters, digits and underscores, 1-32 characters.",
    )
    name = StrictCharField(min_length=1, max_length=200)
    scale = StrictIntegerField(min_value=0, max_value=4, default=2, help_text="Decimal places (0-4).")


class AssetFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False, help_text="Only the assets of this program.")


class AssetViewSet(ApiViewSet):
    @extend_schema(
        operation_id="assets_list",
        summary="List assets",
        description="Newest first; only the assets of programs the key may see.",
        parameters=[AssetFilterSerializer],
        responses={HTTPStatus.OK: AssetSerializer(many=True), **list_error_responses()},
    )
    def list(self, request):
        filters = self.parse_query(AssetFilterSerializer)
        queryset = self.scope.filter_programs(Asset.objects.order_by("-created_at", "-id")).filter(**filters)
        return self.paginated(queryset, AssetSerializer)

    @extend_schema(
        operation_id="assets_create",
        summary="Create an asset (and its program accounts)",
        description="A `code` already used in the program is 400 on field `code`. Assets cannot be changed.",
        request=AssetCreateSerializer,
        responses={HTTPStatus.CREATED: AssetSerializer, **error_responses(*BODY_ERRORS, HTTPStatus.NOT_FOUND)},
    )
    def create(self, request):
        data = self.parse_body(AssetCreateSerializer)
        program = program_get_visible(self.scope, data["program_id"])
        duplicate = ValidationFailed.on("code", "An asset with this code already exists in the program.")
        if Asset.objects.filter(program_id=program.id, code=data["code"]).exists():
            raise duplicate
        try:
            asset = asset_create(program_id=program.id, code=data["code"], name=data["name"], scale=data["scale"])
        except IntegrityError:  # a concurrent create won the unique constraint
            raise duplicate from None
        return Response(AssetSerializer(asset).data, status=HTTPStatus.CREATED)

    @extend_schema(
        operation_id="assets_retrieve",
        summary="Get an asset",
        description="An asset of a program the key may not see is 404.",
        parameters=[path_uuid("asset_id", "The asset's id.")],
        responses={HTTPStatus.OK: AssetSerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, asset_id):
        asset = get_visible(Asset.objects.all(), self.scope, what="asset", id=parse_path_uuid(asset_id))
        return Response(AssetSerializer(asset).data)


# --- journal entries ------------------------------------------------------------------


class JournalLineSerializer(serializers.Serializer):
    account_id = serializers.UUIDField(read_only=True)
    account_type = serializers.ChoiceField(choices=Account.Type.choices, source="account.type", read_only=True)
    participant_id = serializers.UUIDField(
        source="account.participant_id", read_only=True, allow_null=True, help_text="Null on program accounts."
    )
    asset_id = serializers.UUIDField(read_only=True)
    direction = serializers.ChoiceField(choices=JournalLine.Direction.choices, read_only=True)
    amount = ScaledAmountField()


class JournalEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    program_id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, read_only=True)
    description = serializers.CharField(read_only=True)
    reverses_entry_id = serializers.UUIDField(source="reverses_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    lines = JournalLineSerializer(many=True, read_only=True)


class JournalEntryFilterSerializer(FilterSerializer):
    program_id = StrictUUIDField(required=False)
    participant_id = StrictUUIDField(required=False, help_text="Entries that move this participant's wallets.")
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, required=False)


def journal_entries_with_lines():
    """Entries with their lines, accounts and assets prefetched (a fixed number of queries per page)."""
    lines = JournalLine.objects.select_related("account", "asset").order_by("-direction", "id")  # debits first
    return JournalEntry.objects.prefetch_related(Prefetch("lines", queryset=lines))


class JournalEntryViewSet(ApiViewSet):
    pagination_class = LedgerCursorPagination

    @extend_schema(
        operation_id="journal_entries_list",
        summary="List journal entries (cursor-paginated, newest first)",
        description="Only the entries of programs the key may see. Every entry has at least two lines and, per "
        "asset, its debits equal its credits.",
        parameters=[JournalEntryFilterSerializer],
        responses={
            HTTPStatus.OK: JournalEntrySerializer(many=True),
            **list_error_responses(),
        },
    )
    def list(self, request):
        filters = self.parse_query(JournalEntryFilterSerializer)
        queryset = self.scope.filter_programs(journal_entries_with_lines())
        if "program_id" in filters:
            queryset = queryset.filter(program_id=filters["program_id"])
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if "participant_id" in filters:
            participant_id = filters["participant_id"]
            moves = JournalLine.objects.filter(entry_id=OuterRef("pk"), account__participant_id=participant_id)
            queryset = queryset.filter(Exists(moves))
        return self.paginated(queryset, JournalEntrySerializer)

    @extend_schema(
        operation_id="journal_entries_retrieve",
        summary="Get a journal entry with its lines",
        description="Entries and lines are immutable; a reversal's entry points at the entry it reverses "
        "(`reverses_entry_id`).",
        parameters=[path_uuid("entry_id", "The journal entry's id.")],
        responses={HTTPStatus.OK: JournalEntrySerializer, **error_responses(HTTPStatus.NOT_FOUND)},
    )
    def retrieve(self, request, entry_id):
        entry = get_visible(
            journal_entries_with_lines(), self.scope, what="journal entry", id=parse_path_uuid(entry_id)
        )
        return Response(JournalEntrySerializer(entry).data)
