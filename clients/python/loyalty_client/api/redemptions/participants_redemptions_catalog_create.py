from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.catalog_redemption_create_request import CatalogRedemptionCreateRequest
from ...models.error_response import ErrorResponse
from ...models.redemption import Redemption
from ...models.redemption_preview import RedemptionPreview
from ...types import UNSET, Response, Unset


def _get_kwargs(
    participant_id: UUID,
    *,
    body: CatalogRedemptionCreateRequest,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/participants/{participant_id}/redemptions/catalog".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | Redemption | Redemption | RedemptionPreview:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> Redemption | RedemptionPreview:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = Redemption.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = RedemptionPreview.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Redemption.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | Redemption | Redemption | RedemptionPreview]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CatalogRedemptionCreateRequest,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | Redemption | Redemption | RedemptionPreview]:
    """Redeem a catalog reward

     Cost: UNIT_BASED `quantity * unit_cost`; AMOUNT_BASED `amount`. `201` with the new redemption; `200`
    with the existing one on an idempotent repeat, or with the would-be redemption for `?dry_run=true`.

    Args:
        participant_id (UUID):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (CatalogRedemptionCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Redemption | Redemption | RedemptionPreview]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CatalogRedemptionCreateRequest,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | Redemption | Redemption | RedemptionPreview | None:
    """Redeem a catalog reward

     Cost: UNIT_BASED `quantity * unit_cost`; AMOUNT_BASED `amount`. `201` with the new redemption; `200`
    with the existing one on an idempotent repeat, or with the would-be redemption for `?dry_run=true`.

    Args:
        participant_id (UUID):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (CatalogRedemptionCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Redemption | Redemption | RedemptionPreview
    """

    return sync_detailed(
        participant_id=participant_id,
        client=client,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CatalogRedemptionCreateRequest,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | Redemption | Redemption | RedemptionPreview]:
    """Redeem a catalog reward

     Cost: UNIT_BASED `quantity * unit_cost`; AMOUNT_BASED `amount`. `201` with the new redemption; `200`
    with the existing one on an idempotent repeat, or with the would-be redemption for `?dry_run=true`.

    Args:
        participant_id (UUID):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (CatalogRedemptionCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Redemption | Redemption | RedemptionPreview]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CatalogRedemptionCreateRequest,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | Redemption | Redemption | RedemptionPreview | None:
    """Redeem a catalog reward

     Cost: UNIT_BASED `quantity * unit_cost`; AMOUNT_BASED `amount`. `201` with the new redemption; `200`
    with the existing one on an idempotent repeat, or with the would-be redemption for `?dry_run=true`.

    Args:
        participant_id (UUID):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (CatalogRedemptionCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Redemption | Redemption | RedemptionPreview
    """

    return (
        await asyncio_detailed(
            participant_id=participant_id,
            client=client,
            body=body,
            dry_run=dry_run,
            idempotency_key=idempotency_key,
        )
    ).parsed
