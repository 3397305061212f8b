from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.journal_entry_kind_enum import JournalEntryKindEnum
from ...models.paginated_journal_entry_list import PaginatedJournalEntryList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    kind: JournalEntryKindEnum | Unset = UNSET,
    page_size: int | Unset = UNSET,
    participant_id: UUID | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["page_size"] = page_size

    json_participant_id: str | Unset = UNSET
    if not isinstance(participant_id, Unset):
        json_participant_id = str(participant_id)
    params["participant_id"] = json_participant_id

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/journal-entries",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedJournalEntryList:
    if response.status_code == 200:
        response_200 = PaginatedJournalEntryList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedJournalEntryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: JournalEntryKindEnum | Unset = UNSET,
    page_size: int | Unset = UNSET,
    participant_id: UUID | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedJournalEntryList]:
    """List journal entries (cursor-paginated, newest first)

     Only the entries of programs the key may see. Every entry has at least two lines and, per asset, its
    debits equal its credits.

    Args:
        cursor (str | Unset):
        kind (JournalEntryKindEnum | Unset):
        page_size (int | Unset):
        participant_id (UUID | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedJournalEntryList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        kind=kind,
        page_size=page_size,
        participant_id=participant_id,
        program_id=program_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: JournalEntryKindEnum | Unset = UNSET,
    page_size: int | Unset = UNSET,
    participant_id: UUID | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> ErrorResponse | PaginatedJournalEntryList | None:
    """List journal entries (cursor-paginated, newest first)

     Only the entries of programs the key may see. Every entry has at least two lines and, per asset, its
    debits equal its credits.

    Args:
        cursor (str | Unset):
        kind (JournalEntryKindEnum | Unset):
        page_size (int | Unset):
        participant_id (UUID | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedJournalEntryList
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        kind=kind,
        page_size=page_size,
        participant_id=participant_id,
        program_id=program_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: JournalEntryKindEnum | Unset = UNSET,
    page_size: int | Unset = UNSET,
    participant_id: UUID | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedJournalEntryList]:
    """List journal entries (cursor-paginated, newest first)

     Only the entries of programs the key may see. Every entry has at least two lines and, per asset, its
    debits equal its credits.

    Args:
        cursor (str | Unset):
        kind (JournalEntryKindEnum | Unset):
        page_size (int | Unset):
        participant_id (UUID | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedJournalEntryList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        kind=kind,
        page_size=page_size,
        participant_id=participant_id,
        program_id=program_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    kind: JournalEntryKindEnum | Unset = UNSET,
    page_size: int | Unset = UNSET,
    participant_id: UUID | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> ErrorResponse | PaginatedJournalEntryList | None:
    """List journal entries (cursor-paginated, newest first)

     Only the entries of programs the key may see. Every entry has at least two lines and, per asset, its
    debits equal its credits.

    Args:
        cursor (str | Unset):
        kind (JournalEntryKindEnum | Unset):
        page_size (int | Unset):
        participant_id (UUID | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedJournalEntryList
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            kind=kind,
            page_size=page_size,
            participant_id=participant_id,
            program_id=program_id,
        )
    ).parsed
