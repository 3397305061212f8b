from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.paginated_balance_list import PaginatedBalanceList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    participant_id: UUID,
    *,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/participants/{participant_id}/balances".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedBalanceList:
    if response.status_code == 200:
        response_200 = PaginatedBalanceList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedBalanceList]:
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
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedBalanceList]:
    """A participant's balances

     Every asset of every program the participant is enrolled in (that the key may see); zero (`"0.00"`)
    with `updated_at` null where it has had no movement. `balance` counts released points only;
    `pending_balance` the points not yet released; `expiring` the soonest expiries.

    Args:
        participant_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedBalanceList]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        page=page,
        page_size=page_size,
        program_id=program_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> ErrorResponse | PaginatedBalanceList | None:
    """A participant's balances

     Every asset of every program the participant is enrolled in (that the key may see); zero (`"0.00"`)
    with `updated_at` null where it has had no movement. `balance` counts released points only;
    `pending_balance` the points not yet released; `expiring` the soonest expiries.

    Args:
        participant_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedBalanceList
    """

    return sync_detailed(
        participant_id=participant_id,
        client=client,
        page=page,
        page_size=page_size,
        program_id=program_id,
    ).parsed


async def asyncio_detailed(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedBalanceList]:
    """A participant's balances

     Every asset of every program the participant is enrolled in (that the key may see); zero (`"0.00"`)
    with `updated_at` null where it has had no movement. `balance` counts released points only;
    `pending_balance` the points not yet released; `expiring` the soonest expiries.

    Args:
        participant_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedBalanceList]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        page=page,
        page_size=page_size,
        program_id=program_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> ErrorResponse | PaginatedBalanceList | None:
    """A participant's balances

     Every asset of every program the participant is enrolled in (that the key may see); zero (`"0.00"`)
    with `updated_at` null where it has had no movement. `balance` counts released points only;
    `pending_balance` the points not yet released; `expiring` the soonest expiries.

    Args:
        participant_id (UUID):
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedBalanceList
    """

    return (
        await asyncio_detailed(
            participant_id=participant_id,
            client=client,
            page=page,
            page_size=page_size,
            program_id=program_id,
        )
    ).parsed
