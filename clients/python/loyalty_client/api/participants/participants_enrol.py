from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.participant import Participant
from ...models.participant_create_request import ParticipantCreateRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ParticipantCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/participants",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | Participant:
    if response.status_code == 200:
        response_200 = Participant.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Participant.from_dict(response.json())

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
) -> Response[ErrorResponse | Participant]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ParticipantCreateRequest,
) -> Response[ErrorResponse | Participant]:
    """Create a participant and enrol it in a program

     201 with a new participant. If `external_id` exists, that participant is enrolled in the program (if
    not yet) and returned with 200; `display_name` and `email` are then ignored.

    Args:
        body (ParticipantCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Participant]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ParticipantCreateRequest,
) -> ErrorResponse | Participant | None:
    """Create a participant and enrol it in a program

     201 with a new participant. If `external_id` exists, that participant is enrolled in the program (if
    not yet) and returned with 200; `display_name` and `email` are then ignored.

    Args:
        body (ParticipantCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Participant
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ParticipantCreateRequest,
) -> Response[ErrorResponse | Participant]:
    """Create a participant and enrol it in a program

     201 with a new participant. If `external_id` exists, that participant is enrolled in the program (if
    not yet) and returned with 200; `display_name` and `email` are then ignored.

    Args:
        body (ParticipantCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | Participant]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ParticipantCreateRequest,
) -> ErrorResponse | Participant | None:
    """Create a participant and enrol it in a program

     201 with a new participant. If `external_id` exists, that participant is enrolled in the program (if
    not yet) and returned with 200; `display_name` and `email` are then ignored.

    Args:
        body (ParticipantCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | Participant
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
