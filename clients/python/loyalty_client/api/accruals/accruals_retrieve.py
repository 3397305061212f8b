from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.accrual import Accrual
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    accrual_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/accruals/{accrual_id}".format(
            accrual_id=quote(str(accrual_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Accrual | ErrorResponse:
    if response.status_code == 200:
        response_200 = Accrual.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

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
) -> Response[Accrual | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    accrual_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Accrual | ErrorResponse]:
    """Get an accrual (lot)

     The accrual and its lot: `available_at`, `expires_at`, `status`, `remaining` and where the rest went
    (`spent_amount`, `expired_amount`, `reversed_amount`).

    Args:
        accrual_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accrual | ErrorResponse]
    """

    kwargs = _get_kwargs(
        accrual_id=accrual_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    accrual_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Accrual | ErrorResponse | None:
    """Get an accrual (lot)

     The accrual and its lot: `available_at`, `expires_at`, `status`, `remaining` and where the rest went
    (`spent_amount`, `expired_amount`, `reversed_amount`).

    Args:
        accrual_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accrual | ErrorResponse
    """

    return sync_detailed(
        accrual_id=accrual_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    accrual_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Accrual | ErrorResponse]:
    """Get an accrual (lot)

     The accrual and its lot: `available_at`, `expires_at`, `status`, `remaining` and where the rest went
    (`spent_amount`, `expired_amount`, `reversed_amount`).

    Args:
        accrual_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accrual | ErrorResponse]
    """

    kwargs = _get_kwargs(
        accrual_id=accrual_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    accrual_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Accrual | ErrorResponse | None:
    """Get an accrual (lot)

     The accrual and its lot: `available_at`, `expires_at`, `status`, `remaining` and where the rest went
    (`spent_amount`, `expired_amount`, `reversed_amount`).

    Args:
        accrual_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accrual | ErrorResponse
    """

    return (
        await asyncio_detailed(
            accrual_id=accrual_id,
            client=client,
        )
    ).parsed
