from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.accrual import Accrual
from ...models.accrual_create_request import AccrualCreateRequest
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    participant_id: UUID,
    *,
    body: AccrualCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/participants/{participant_id}/accruals".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Accrual | ErrorResponse:
    if response.status_code == 200:
        response_200 = Accrual.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Accrual.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorResponse.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

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
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AccrualCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Accrual | ErrorResponse]:
    """Credit a participant's wallet (earn)

     Credits the wallet (or, for a lot not yet available, the participant's PENDING account) from the
    program's issuance account in one balanced journal entry, as a new lot. `available_at` and
    `expires_at` take part in the idempotency fingerprint as sent (omitted, null and a timestamp
    differ). 201 new, or 200 with the original accrual on an idempotent repeat.

    Args:
        participant_id (UUID):
        idempotency_key (str | Unset):
        body (AccrualCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accrual | ErrorResponse]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AccrualCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Accrual | ErrorResponse | None:
    """Credit a participant's wallet (earn)

     Credits the wallet (or, for a lot not yet available, the participant's PENDING account) from the
    program's issuance account in one balanced journal entry, as a new lot. `available_at` and
    `expires_at` take part in the idempotency fingerprint as sent (omitted, null and a timestamp
    differ). 201 new, or 200 with the original accrual on an idempotent repeat.

    Args:
        participant_id (UUID):
        idempotency_key (str | Unset):
        body (AccrualCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accrual | ErrorResponse
    """

    return sync_detailed(
        participant_id=participant_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AccrualCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Accrual | ErrorResponse]:
    """Credit a participant's wallet (earn)

     Credits the wallet (or, for a lot not yet available, the participant's PENDING account) from the
    program's issuance account in one balanced journal entry, as a new lot. `available_at` and
    `expires_at` take part in the idempotency fingerprint as sent (omitted, null and a timestamp
    differ). 201 new, or 200 with the original accrual on an idempotent repeat.

    Args:
        participant_id (UUID):
        idempotency_key (str | Unset):
        body (AccrualCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accrual | ErrorResponse]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AccrualCreateRequest,
    idempotency_key: str | Unset = UNSET,
) -> Accrual | ErrorResponse | None:
    """Credit a participant's wallet (earn)

     Credits the wallet (or, for a lot not yet available, the participant's PENDING account) from the
    program's issuance account in one balanced journal entry, as a new lot. `available_at` and
    `expires_at` take part in the idempotency fingerprint as sent (omitted, null and a timestamp
    differ). 201 new, or 200 with the original accrual on an idempotent repeat.

    Args:
        participant_id (UUID):
        idempotency_key (str | Unset):
        body (AccrualCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accrual | ErrorResponse
    """

    return (
        await asyncio_detailed(
            participant_id=participant_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
