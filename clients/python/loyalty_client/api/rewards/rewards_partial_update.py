from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.patched_reward_update_request import PatchedRewardUpdateRequest
from ...models.reward import Reward
from ...types import UNSET, Response, Unset


def _get_kwargs(
    reward_id: UUID,
    *,
    body: PatchedRewardUpdateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/rewards/{reward_id}".format(
            reward_id=quote(str(reward_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | Reward:
    if response.status_code == 200:
        response_200 = Reward.from_dict(response.json())

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
) -> Response[ErrorResponse | Reward]:
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
    body: PatchedRewardUpdateRequest | Unset = UNSET,
) -> Response[ErrorResponse | Reward]:
    """Change a reward

     Operators switch `status` between ACTIVE and INACTIVE; OUT_OF_STOCK is the system's (asking for
    ACTIVE with no stock left answers 200 and keeps OUT_OF_STOCK). Raising `max_total` above
    `redeemed_count` reactivates an OUT_OF_STOCK reward; lowering it to `redeemed_count` or below makes
    it OUT_OF_STOCK. `type` cannot change; `program_id` and `asset_id` are fixed.

    Args:
        reward_id (UUID):
        body (PatchedRewardUpdateRequest | Unset): PATCH body: every field optional; ``type`` may
            be sent but not changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Reward]
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
    body: PatchedRewardUpdateRequest | Unset = UNSET,
) -> ErrorResponse | Reward | None:
    """Change a reward

     Operators switch `status` between ACTIVE and INACTIVE; OUT_OF_STOCK is the system's (asking for
    ACTIVE with no stock left answers 200 and keeps OUT_OF_STOCK). Raising `max_total` above
    `redeemed_count` reactivates an OUT_OF_STOCK reward; lowering it to `redeemed_count` or below makes
    it OUT_OF_STOCK. `type` cannot change; `program_id` and `asset_id` are fixed.

    Args:
        reward_id (UUID):
        body (PatchedRewardUpdateRequest | Unset): PATCH body: every field optional; ``type`` may
            be sent but not changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Reward
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
    body: PatchedRewardUpdateRequest | Unset = UNSET,
) -> Response[ErrorResponse | Reward]:
    """Change a reward

     Operators switch `status` between ACTIVE and INACTIVE; OUT_OF_STOCK is the system's (asking for
    ACTIVE with no stock left answers 200 and keeps OUT_OF_STOCK). Raising `max_total` above
    `redeemed_count` reactivates an OUT_OF_STOCK reward; lowering it to `redeemed_count` or below makes
    it OUT_OF_STOCK. `type` cannot change; `program_id` and `asset_id` are fixed.

    Args:
        reward_id (UUID):
        body (PatchedRewardUpdateRequest | Unset): PATCH body: every field optional; ``type`` may
            be sent but not changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Reward]
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
    body: PatchedRewardUpdateRequest | Unset = UNSET,
) -> ErrorResponse | Reward | None:
    """Change a reward

     Operators switch `status` between ACTIVE and INACTIVE; OUT_OF_STOCK is the system's (asking for
    ACTIVE with no stock left answers 200 and keeps OUT_OF_STOCK). Raising `max_total` above
    `redeemed_count` reactivates an OUT_OF_STOCK reward; lowering it to `redeemed_count` or below makes
    it OUT_OF_STOCK. `type` cannot change; `program_id` and `asset_id` are fixed.

    Args:
        reward_id (UUID):
        body (PatchedRewardUpdateRequest | Unset): PATCH body: every field optional; ``type`` may
            be sent but not changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Reward
    """

    return (
        await asyncio_detailed(
            reward_id=reward_id,
            client=client,
            body=body,
        )
    ).parsed
