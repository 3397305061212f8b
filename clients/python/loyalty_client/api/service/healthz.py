from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.healthz_response_200 import HealthzResponse200
from ...models.healthz_response_503 import HealthzResponse503
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/healthz",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | HealthzResponse200 | HealthzResponse503:
    if response.status_code == 200:
        response_200 = HealthzResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 503:
        response_503 = HealthzResponse503.from_dict(response.json())

        return response_503

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | HealthzResponse200 | HealthzResponse503]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | HealthzResponse200 | HealthzResponse503]:
    """Liveness, database and cache check

     Public: no `X-API-Key`. Not under `/api/v1`; its 200 and 503 are not in the error shape. A cache
    that is down (`"cache": "down"`) still answers 200: the rate limits fail open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HealthzResponse200 | HealthzResponse503]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | HealthzResponse200 | HealthzResponse503 | None:
    """Liveness, database and cache check

     Public: no `X-API-Key`. Not under `/api/v1`; its 200 and 503 are not in the error shape. A cache
    that is down (`"cache": "down"`) still answers 200: the rate limits fail open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HealthzResponse200 | HealthzResponse503
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | HealthzResponse200 | HealthzResponse503]:
    """Liveness, database and cache check

     Public: no `X-API-Key`. Not under `/api/v1`; its 200 and 503 are not in the error shape. A cache
    that is down (`"cache": "down"`) still answers 200: the rate limits fail open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HealthzResponse200 | HealthzResponse503]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | HealthzResponse200 | HealthzResponse503 | None:
    """Liveness, database and cache check

     Public: no `X-API-Key`. Not under `/api/v1`; its 200 and 503 are not in the error shape. A cache
    that is down (`"cache": "down"`) still answers 200: the rate limits fail open.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HealthzResponse200 | HealthzResponse503
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
