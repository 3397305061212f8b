from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.audit_actor_type_enum import AuditActorTypeEnum
from ...models.error_response import ErrorResponse
from ...models.paginated_audit_event_list import PaginatedAuditEventList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor_type: AuditActorTypeEnum | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_actor_type: str | Unset = UNSET
    if not isinstance(actor_type, Unset):
        json_actor_type = actor_type.value

    params["actor_type"] = json_actor_type

    params["cursor"] = cursor

    params["object_id"] = object_id

    params["object_type"] = object_type

    params["page_size"] = page_size

    json_program_id: str | Unset = UNSET
    if not isinstance(program_id, Unset):
        json_program_id = str(program_id)
    params["program_id"] = json_program_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit-events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedAuditEventList:
    if response.status_code == 200:
        response_200 = PaginatedAuditEventList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedAuditEventList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor_type: AuditActorTypeEnum | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedAuditEventList]:
    """List audit records (cursor-paginated, newest first)

     Who changed what: every change to the tenant, its members, programs, assets, rewards, reward codes
    (counts), webhook endpoints and API keys, and every reversal, release and clawback, made through the
    API, the admin or a management command, recorded in the change's transaction. A key for all programs
    sees every record of its tenant; a key for some programs sees the records of those programs.

    Args:
        actor_type (AuditActorTypeEnum | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedAuditEventList]
    """

    kwargs = _get_kwargs(
        actor_type=actor_type,
        cursor=cursor,
        object_id=object_id,
        object_type=object_type,
        page_size=page_size,
        program_id=program_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    actor_type: AuditActorTypeEnum | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> ErrorResponse | PaginatedAuditEventList | None:
    """List audit records (cursor-paginated, newest first)

     Who changed what: every change to the tenant, its members, programs, assets, rewards, reward codes
    (counts), webhook endpoints and API keys, and every reversal, release and clawback, made through the
    API, the admin or a management command, recorded in the change's transaction. A key for all programs
    sees every record of its tenant; a key for some programs sees the records of those programs.

    Args:
        actor_type (AuditActorTypeEnum | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedAuditEventList
    """

    return sync_detailed(
        client=client,
        actor_type=actor_type,
        cursor=cursor,
        object_id=object_id,
        object_type=object_type,
        page_size=page_size,
        program_id=program_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor_type: AuditActorTypeEnum | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedAuditEventList]:
    """List audit records (cursor-paginated, newest first)

     Who changed what: every change to the tenant, its members, programs, assets, rewards, reward codes
    (counts), webhook endpoints and API keys, and every reversal, release and clawback, made through the
    API, the admin or a management command, recorded in the change's transaction. A key for all programs
    sees every record of its tenant; a key for some programs sees the records of those programs.

    Args:
        actor_type (AuditActorTypeEnum | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedAuditEventList]
    """

    kwargs = _get_kwargs(
        actor_type=actor_type,
        cursor=cursor,
        object_id=object_id,
        object_type=object_type,
        page_size=page_size,
        program_id=program_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor_type: AuditActorTypeEnum | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    program_id: UUID | Unset = UNSET,
) -> ErrorResponse | PaginatedAuditEventList | None:
    """List audit records (cursor-paginated, newest first)

     Who changed what: every change to the tenant, its members, programs, assets, rewards, reward codes
    (counts), webhook endpoints and API keys, and every reversal, release and clawback, made through the
    API, the admin or a management command, recorded in the change's transaction. A key for all programs
    sees every record of its tenant; a key for some programs sees the records of those programs.

    Args:
        actor_type (AuditActorTypeEnum | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        page_size (int | Unset):
        program_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedAuditEventList
    """

    return (
        await asyncio_detailed(
            client=client,
            actor_type=actor_type,
            cursor=cursor,
            object_id=object_id,
            object_type=object_type,
            page_size=page_size,
            program_id=program_id,
        )
    ).parsed
