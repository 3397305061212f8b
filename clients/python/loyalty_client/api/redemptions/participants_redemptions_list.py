from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.paginated_redemption_list import PaginatedRedemptionList
from ...models.redemption_status_enum import RedemptionStatusEnum
from ...types import UNSET, Response, Unset


def _get_kwargs(
    participant_id: UUID,
    *,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    reward_id: UUID | Unset = UNSET,
    status: RedemptionStatusEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["page_size"] = page_size

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    json_reward_id: str | Unset = UNSET
    if not isinstance(reward_id, Unset):
        json_reward_id = str(reward_id)
    params["reward_id"] = json_reward_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/participants/{participant_id}/redemptions".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedRedemptionList:
    if response.status_code == 200:
        response_200 = PaginatedRedemptionList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedRedemptionList]:
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
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    reward_id: UUID | Unset = UNSET,
    status: RedemptionStatusEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedRedemptionList]:
    """List a participant's redemptions

     Newest first, cursor-paginated; only redemptions in programs the key may see.

    Args:
        participant_id (UUID):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        reward_id (UUID | Unset):
        status (RedemptionStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedRedemptionList]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        cursor=cursor,
        page_size=page_size,
        program_id=program_id,
        reward_id=reward_id,
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
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    reward_id: UUID | Unset = UNSET,
    status: RedemptionStatusEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedRedemptionList | None:
    """List a participant's redemptions

     Newest first, cursor-paginated; only redemptions in programs the key may see.

    Args:
        participant_id (UUID):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        reward_id (UUID | Unset):
        status (RedemptionStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedRedemptionList
    """

    return sync_detailed(
        participant_id=participant_id,
        client=client,
        cursor=cursor,
        page_size=page_size,
        program_id=program_id,
        reward_id=reward_id,
        status=status,
    ).parsed


async def asyncio_detailed(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    reward_id: UUID | Unset = UNSET,
    status: RedemptionStatusEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedRedemptionList]:
    """List a participant's redemptions

     Newest first, cursor-paginated; only redemptions in programs the key may see.

    Args:
        participant_id (UUID):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        reward_id (UUID | Unset):
        status (RedemptionStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedRedemptionList]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        cursor=cursor,
        page_size=page_size,
        program_id=program_id,
        reward_id=reward_id,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    reward_id: UUID | Unset = UNSET,
    status: RedemptionStatusEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedRedemptionList | None:
    """List a participant's redemptions

     Newest first, cursor-paginated; only redemptions in programs the key may see.

    Args:
        participant_id (UUID):
        cursor (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        reward_id (UUID | Unset):
        status (RedemptionStatusEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedRedemptionList
    """

    return (
        await asyncio_detailed(
            participant_id=participant_id,
            client=client,
            cursor=cursor,
            page_size=page_size,
            program_id=program_id,
            reward_id=reward_id,
            status=status,
        )
    ).parsed
