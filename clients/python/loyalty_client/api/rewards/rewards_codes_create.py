from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.reward_codes_added import RewardCodesAdded
from ...models.reward_codes_create_request import RewardCodesCreateRequest
from ...types import Response


def _get_kwargs(
    reward_id: UUID,
    *,
    body: RewardCodesCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/rewards/{reward_id}/codes".format(
            reward_id=quote(str(reward_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | RewardCodesAdded:
    if response.status_code == 201:
        response_201 = RewardCodesAdded.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(response.json())

        return response_415

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
) -> Response[ErrorResponse | RewardCodesAdded]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    reward_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RewardCodesCreateRequest,
) -> Response[ErrorResponse | RewardCodesAdded]:
    """Add codes to a CODES reward

     1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace. Codes
    already in the reward or repeated in the body are not added and are listed once each in
    `duplicates`. A reward whose `fulfilment` is NONE: 400 on `codes`. An OUT_OF_STOCK reward with codes
    again becomes ACTIVE (an INACTIVE one stays INACTIVE). This route's body limit is 5 MiB (10,000
    codes of 100 characters), not 64 KiB.

    Args:
        reward_id (UUID):
        body (RewardCodesCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RewardCodesAdded]
    """

    kwargs = _get_kwargs(
        reward_id=reward_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    reward_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RewardCodesCreateRequest,
) -> ErrorResponse | RewardCodesAdded | None:
    """Add codes to a CODES reward

     1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace. Codes
    already in the reward or repeated in the body are not added and are listed once each in
    `duplicates`. A reward whose `fulfilment` is NONE: 400 on `codes`. An OUT_OF_STOCK reward with codes
    again becomes ACTIVE (an INACTIVE one stays INACTIVE). This route's body limit is 5 MiB (10,000
    codes of 100 characters), not 64 KiB.

    Args:
        reward_id (UUID):
        body (RewardCodesCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RewardCodesAdded
    """

    return sync_detailed(
        reward_id=reward_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    reward_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RewardCodesCreateRequest,
) -> Response[ErrorResponse | RewardCodesAdded]:
    """Add codes to a CODES reward

     1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace. Codes
    already in the reward or repeated in the body are not added and are listed once each in
    `duplicates`. A reward whose `fulfilment` is NONE: 400 on `codes`. An OUT_OF_STOCK reward with codes
    again becomes ACTIVE (an INACTIVE one stays INACTIVE). This route's body limit is 5 MiB (10,000
    codes of 100 characters), not 64 KiB.

    Args:
        reward_id (UUID):
        body (RewardCodesCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | RewardCodesAdded]
    """

    kwargs = _get_kwargs(
        reward_id=reward_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    reward_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RewardCodesCreateRequest,
) -> ErrorResponse | RewardCodesAdded | None:
    """Add codes to a CODES reward

     1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace. Codes
    already in the reward or repeated in the body are not added and are listed once each in
    `duplicates`. A reward whose `fulfilment` is NONE: 400 on `codes`. An OUT_OF_STOCK reward with codes
    again becomes ACTIVE (an INACTIVE one stays INACTIVE). This route's body limit is 5 MiB (10,000
    codes of 100 characters), not 64 KiB.

    Args:
        reward_id (UUID):
        body (RewardCodesCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | RewardCodesAdded
    """

    return (
        await asyncio_detailed(
            reward_id=reward_id,
            client=client,
            body=body,
        )
    ).parsed
