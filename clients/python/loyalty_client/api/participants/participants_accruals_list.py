from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.accrual_status_enum import AccrualStatusEnum
from ...models.error_response import ErrorResponse
from ...models.paginated_accrual_list import PaginatedAccrualList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    participant_id: UUID,
    *,
    asset_id: UUID | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: AccrualStatusEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_asset_id: str | Unset = UNSET
    if not isinstance(asset_id, Unset):
        json_asset_id = str(asset_id)
    params["asset_id"] = json_asset_id

    params["cursor"] = cursor

    params["page_size"] = page_size

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/participants/{participant_id}/accruals".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedAccrualList:
    if response.status_code == 200:
        response_200 = PaginatedAccrualList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedAccrualList]:
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
    asset_id: UUID | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: AccrualStatusEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedAccrualList]:
    """List a participant's accruals (lots)

     Newest first, cursor-paginated; `?status=` PENDING, AVAILABLE or CLOSED.

    Args:
        participant_id (UUID):
        asset_id (UUID | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (AccrualStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedAccrualList]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        asset_id=asset_id,
        cursor=cursor,
        page_size=page_size,
        program_id=program_id,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    asset_id: UUID | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: AccrualStatusEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedAccrualList | None:
    """List a participant's accruals (lots)

     Newest first, cursor-paginated; `?status=` PENDING, AVAILABLE or CLOSED.

    Args:
        participant_id (UUID):
        asset_id (UUID | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (AccrualStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedAccrualList
    """

    return sync_detailed(
        participant_id=participant_id,
        client=client,
        asset_id=asset_id,
        cursor=cursor,
        page_size=page_size,
        program_id=program_id,
        status=status,
    ).parsed


async def asyncio_detailed(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    asset_id: UUID | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: AccrualStatusEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedAccrualList]:
    """List a participant's accruals (lots)

     Newest first, cursor-paginated; `?status=` PENDING, AVAILABLE or CLOSED.

    Args:
        participant_id (UUID):
        asset_id (UUID | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (AccrualStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedAccrualList]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        asset_id=asset_id,
        cursor=cursor,
        page_size=page_size,
        program_id=program_id,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    asset_id: UUID | Unset = UNSET,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: AccrualStatusEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedAccrualList | None:
    """List a participant's accruals (lots)

     Newest first, cursor-paginated; `?status=` PENDING, AVAILABLE or CLOSED.

    Args:
        participant_id (UUID):
        asset_id (UUID | Unset):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (AccrualStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedAccrualList
    """

    return (
        await asyncio_detailed(
            participant_id=participant_id,
            client=client,
            asset_id=asset_id,
            cursor=cursor,
            page_size=page_size,
            program_id=program_id,
            status=status,
        )
    ).parsed
