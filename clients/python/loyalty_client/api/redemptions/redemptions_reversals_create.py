from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.reversal import Reversal
from ...models.reversal_create_request import ReversalCreateRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    redemption_id: UUID,
    *,
    body: ReversalCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/redemptions/{redemption_id}/reversals".format(
            redemption_id=quote(str(redemption_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | Reversal:
    if response.status_code == 200:
        response_200 = Reversal.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Reversal.from_dict(response.json())

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
) -> Response[ErrorResponse | Reversal]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    redemption_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReversalCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | Reversal]:
    """Reverse a redemption, whole or in part

     UNIT_BASED: by `quantity`, refunding `quantity * unit_cost` at the redemption's cost and, unless
    `restock` is false, returning the units to stock. AMOUNT_BASED and direct: by `amount`. An empty
    body reverses whatever remains. Allowed when the program is INACTIVE. `201` with the reversal and
    the updated redemption; `200` on an idempotent repeat.

    Args:
        redemption_id (UUID):
        idempotency_key (str | Unset):
        body (ReversalCreateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Reversal]
    """

    kwargs = _get_kwargs(
        redemption_id=redemption_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    redemption_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReversalCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | Reversal | None:
    """Reverse a redemption, whole or in part

     UNIT_BASED: by `quantity`, refunding `quantity * unit_cost` at the redemption's cost and, unless
    `restock` is false, returning the units to stock. AMOUNT_BASED and direct: by `amount`. An empty
    body reverses whatever remains. Allowed when the program is INACTIVE. `201` with the reversal and
    the updated redemption; `200` on an idempotent repeat.

    Args:
        redemption_id (UUID):
        idempotency_key (str | Unset):
        body (ReversalCreateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Reversal
    """

    return sync_detailed(
        redemption_id=redemption_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    redemption_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReversalCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | Reversal]:
    """Reverse a redemption, whole or in part

     UNIT_BASED: by `quantity`, refunding `quantity * unit_cost` at the redemption's cost and, unless
    `restock` is false, returning the units to stock. AMOUNT_BASED and direct: by `amount`. An empty
    body reverses whatever remains. Allowed when the program is INACTIVE. `201` with the reversal and
    the updated redemption; `200` on an idempotent repeat.

    Args:
        redemption_id (UUID):
        idempotency_key (str | Unset):
        body (ReversalCreateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Reversal]
    """

    kwargs = _get_kwargs(
        redemption_id=redemption_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    redemption_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReversalCreateRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | Reversal | None:
    """Reverse a redemption, whole or in part

     UNIT_BASED: by `quantity`, refunding `quantity * unit_cost` at the redemption's cost and, unless
    `restock` is false, returning the units to stock. AMOUNT_BASED and direct: by `amount`. An empty
    body reverses whatever remains. Allowed when the program is INACTIVE. `201` with the reversal and
    the updated redemption; `200` on an idempotent repeat.

    Args:
        redemption_id (UUID):
        idempotency_key (str | Unset):
        body (ReversalCreateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Reversal
    """

    return (
        await asyncio_detailed(
            redemption_id=redemption_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
