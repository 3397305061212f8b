"""
Base views of the API: the contract's check order and small parsing helpers.

DRF authenticates before it looks at the body, but the contract checks the
media type (415) before the key (401/403); :class:`ApiViewMixin` does that
first. The body itself is parsed later, by the view's input serializer, so
malformed JSON (400) still comes after the key.
"""

from __future__ import annotations

from rest_framework import exceptions, generics, viewsets
from rest_framework.negotiation import DefaultContentNegotiation

from loyalty.api.bound import validated
from loyalty.auth import KeyScope
from loyalty.errors import ValidationFailed
from loyalty.idempotency import resolve_idempotency_key

TRUE_VALUES = {"true", "1"}
FALSE_VALUES = {"false", "0"}


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """
    JSON out, whatever ``Accept`` or ``?format=`` ask for. The contract has no
    406 and checks the key first; DRF would answer ``Accept: text/html`` with
    406 before authenticating, and ``?format=xml`` with 404.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiViewMixin:
    # OPTIONS is not part of the contract: answer 405 rather than describe serializers.
    metadata_class = None
    content_negotiation_class = JsonOnlyNegotiation

    def initial(self, request, *args, **kwargs):
        self.check_media_type(request)
        super().initial(request, *args, **kwargs)

    def check_media_type(self, request) -> None:
        """415 for a non-empty body that no parser accepts (only JSON is)."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0:
            return
        if request.negotiator.select_parser(request, request.parsers) is None:
            raise exceptions.UnsupportedMediaType(request.content_type or "(none)")

    @property
    def scope(self) -> KeyScope:
        return self.request.auth

    def parse_body(self, serializer_class, *, partial: bool = False) -> dict:
        """Validate the JSON body with an input serializer (400 on failure) and return its data."""
        return validated(serializer_class, self.request.data, partial=partial)

    def parse_query(self, serializer_class) -> dict:
        """Validate the query string's filters (400 on failure); unknown parameters are ignored."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return {name: value for name, value in serializer.validated_data.items() if value is not None}

    def pop_idempotency_key(self, data: dict) -> str | None:
        """
        The request's idempotency key: the body's ``idempotency_key`` (popped
        from ``data``) or the ``Idempotency-Key`` header; both and different is 400.
        """
        return resolve_idempotency_key(
            body_key=data.pop("idempotency_key", None), header_key=self.request.headers.get("Idempotency-Key")
        )

    def query_flag(self, name: str) -> bool:
        """A boolean query parameter: ``true``/``1`` or ``false``/``0`` (absent: false); anything else is 400."""
        value = self.request.query_params.get(name)
        if value is None:
            return False
        if value.lower() in TRUE_VALUES:
            return True
        if value.lower() in FALSE_VALUES:
            return False
        raise ValidationFailed.on(name, "Must be true or false.")

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class ApiViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """A viewset whose actions the URLconf maps explicitly (``as_view({...})``)."""


class ApiView(ApiViewMixin, generics.GenericAPIView):
    """A single-purpose view (a verb or a sub-resource of another resource)."""
