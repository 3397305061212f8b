from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.delivery_status_enum import DeliveryStatusEnum
from ...models.error_response import ErrorResponse
from ...models.paginated_delivery_list import PaginatedDeliveryList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: UUID,
    *,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: DeliveryStatusEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/webhook-endpoints/{endpoint_id}/deliveries".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedDeliveryList:
    if response.status_code == 200:
        response_200 = PaginatedDeliveryList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

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
) -> Response[ErrorResponse | PaginatedDeliveryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: DeliveryStatusEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedDeliveryList]:
    """An endpoint's deliveries, newest first

     A single-purpose view (a verb or a sub-resource of another resource).

    Args:
        endpoint_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        status (DeliveryStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedDeliveryList]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        page=page,
        page_size=page_size,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: DeliveryStatusEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedDeliveryList | None:
    """An endpoint's deliveries, newest first

     A single-purpose view (a verb or a sub-resource of another resource).

    Args:
        endpoint_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        status (DeliveryStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedDeliveryList
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        page=page,
        page_size=page_size,
        status=status,
    ).parsed


async def asyncio_detailed(
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: DeliveryStatusEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedDeliveryList]:
    """An endpoint's deliveries, newest first

     A single-purpose view (a verb or a sub-resource of another resource).

    Args:
        endpoint_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        status (DeliveryStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedDeliveryList]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        page=page,
        page_size=page_size,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: DeliveryStatusEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedDeliveryList | None:
    """An endpoint's deliveries, newest first

     A single-purpose view (a verb or a sub-resource of another resource).

    Args:
        endpoint_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        status (DeliveryStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedDeliveryList
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            page=page,
            page_size=page_size,
            status=status,
        )
    ).parsed
