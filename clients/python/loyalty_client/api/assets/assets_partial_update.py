from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.asset import Asset
from ...models.error_response import ErrorResponse
from ...models.patched_asset_update_request import PatchedAssetUpdateRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    asset_id: UUID,
    *,
    body: PatchedAssetUpdateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/assets/{asset_id}".format(
            asset_id=quote(str(asset_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Asset | ErrorResponse:
    if response.status_code == 200:
        response_200 = Asset.from_dict(response.json())

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
) -> Response[Asset | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    asset_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedAssetUpdateRequest | Unset = UNSET,
) -> Response[Asset | ErrorResponse]:
    """Rename an asset or change its points policy

     Accepts `name`, `pending_days` and `validity_days`; any other field is 400. A policy change applies
    to accruals made after it.

    Args:
        asset_id (UUID):
        body (PatchedAssetUpdateRequest | Unset): ``PATCH /assets/{id}``: only ``name`` and the
            lifecycle policy change (for accruals made after it).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Asset | ErrorResponse]
    """

    kwargs = _get_kwargs(
        asset_id=asset_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    asset_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedAssetUpdateRequest | Unset = UNSET,
) -> Asset | ErrorResponse | None:
    """Rename an asset or change its points policy

     Accepts `name`, `pending_days` and `validity_days`; any other field is 400. A policy change applies
    to accruals made after it.

    Args:
        asset_id (UUID):
        body (PatchedAssetUpdateRequest | Unset): ``PATCH /assets/{id}``: only ``name`` and the
            lifecycle policy change (for accruals made after it).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Asset | ErrorResponse
    """

    return sync_detailed(
        asset_id=asset_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    asset_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedAssetUpdateRequest | Unset = UNSET,
) -> Response[Asset | ErrorResponse]:
    """Rename an asset or change its points policy

     Accepts `name`, `pending_days` and `validity_days`; any other field is 400. A policy change applies
    to accruals made after it.

    Args:
        asset_id (UUID):
        body (PatchedAssetUpdateRequest | Unset): ``PATCH /assets/{id}``: only ``name`` and the
            lifecycle policy change (for accruals made after it).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Asset | ErrorResponse]
    """

    kwargs = _get_kwargs(
        asset_id=asset_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    asset_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedAssetUpdateRequest | Unset = UNSET,
) -> Asset | ErrorResponse | None:
    """Rename an asset or change its points policy

     Accepts `name`, `pending_days` and `validity_days`; any other field is 400. A policy change applies
    to accruals made after it.

    Args:
        asset_id (UUID):
        body (PatchedAssetUpdateRequest | Unset): ``PATCH /assets/{id}``: only ``name`` and the
            lifecycle policy change (for accruals made after it).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Asset | ErrorResponse
    """

    return (
        await asyncio_detailed(
            asset_id=asset_id,
            client=client,
            body=body,
        )
    ).parsed
