from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.event_type_enum import EventTypeEnum
from ...models.paginated_event_list import PaginatedEventList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: UUID | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    type_: EventTypeEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_after: str | Unset = UNSET
    if not isinstance(after, Unset):
        json_after = str(after)
    params["after"] = json_after

    params["page_size"] = page_size

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedEventList:
    if response.status_code == 200:
        response_200 = PaginatedEventList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedEventList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    after: UUID | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    type_: EventTypeEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedEventList]:
    """The event feed, oldest first

     Page with `after` set to the last id seen: a consumer never misses an event and never sees one
    twice, even when transactions commit in another order than they started. An event is listed once its
    own transaction and every transaction that started before it have finished. `next` carries the
    `after` of the next page (null on the last page for now).

    Args:
        after (UUID | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        type_ (EventTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedEventList]
    """

    kwargs = _get_kwargs(
        after=after,
        page_size=page_size,
        program_id=program_id,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    after: UUID | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    type_: EventTypeEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedEventList | None:
    """The event feed, oldest first

     Page with `after` set to the last id seen: a consumer never misses an event and never sees one
    twice, even when transactions commit in another order than they started. An event is listed once its
    own transaction and every transaction that started before it have finished. `next` carries the
    `after` of the next page (null on the last page for now).

    Args:
        after (UUID | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        type_ (EventTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedEventList
    """

    return sync_detailed(
        client=client,
        after=after,
        page_size=page_size,
        program_id=program_id,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: UUID | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    type_: EventTypeEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedEventList]:
    """The event feed, oldest first

     Page with `after` set to the last id seen: a consumer never misses an event and never sees one
    twice, even when transactions commit in another order than they started. An event is listed once its
    own transaction and every transaction that started before it have finished. `next` carries the
    `after` of the next page (null on the last page for now).

    Args:
        after (UUID | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        type_ (EventTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedEventList]
    """

    kwargs = _get_kwargs(
        after=after,
        page_size=page_size,
        program_id=program_id,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: UUID | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
    type_: EventTypeEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedEventList | None:
    """The event feed, oldest first

     Page with `after` set to the last id seen: a consumer never misses an event and never sees one
    twice, even when transactions commit in another order than they started. An event is listed once its
    own transaction and every transaction that started before it have finished. `next` carries the
    `after` of the next page (null on the last page for now).

    Args:
        after (UUID | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):
        type_ (EventTypeEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedEventList
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            page_size=page_size,
            program_id=program_id,
            type_=type_,
        )
    ).parsed
