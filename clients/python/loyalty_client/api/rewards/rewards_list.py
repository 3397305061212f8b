from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.paginated_reward_list import PaginatedRewardList
from ...models.reward_status_enum import RewardStatusEnum
from ...models.reward_type_enum import RewardTypeEnum
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: RewardStatusEnum | Unset = UNSET,
    type_: RewardTypeEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/rewards",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedRewardList:
    if response.status_code == 200:
        response_200 = PaginatedRewardList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedRewardList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: RewardStatusEnum | Unset = UNSET,
    type_: RewardTypeEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedRewardList]:
    """List the catalog of the key's programs

     Newest first.

    Args:
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (RewardStatusEnum | Unset):
        type_ (RewardTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedRewardList]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        program_id=program_id,
        status=status,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: RewardStatusEnum | Unset = UNSET,
    type_: RewardTypeEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedRewardList | None:
    """List the catalog of the key's programs

     Newest first.

    Args:
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (RewardStatusEnum | Unset):
        type_ (RewardTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedRewardList
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        program_id=program_id,
        status=status,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: RewardStatusEnum | Unset = UNSET,
    type_: RewardTypeEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedRewardList]:
    """List the catalog of the key's programs

     Newest first.

    Args:
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (RewardStatusEnum | Unset):
        type_ (RewardTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedRewardList]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        program_id=program_id,
        status=status,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    status: RewardStatusEnum | Unset = UNSET,
    type_: RewardTypeEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedRewardList | None:
    """List the catalog of the key's programs

     Newest first.

    Args:
        page (int | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        status (RewardStatusEnum | Unset):
        type_ (RewardTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedRewardList
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            program_id=program_id,
            status=status,
            type_=type_,
        )
    ).parsed
