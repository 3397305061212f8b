"""
Hand-written SQL for the hot path, with the ORM's own value handling.

Building and compiling an ORM query costs about 0.4 ms of CPU here, ten
times the round trip of the same SQL on a raw cursor (see
docs/benchmarks.md), so the statements of a catalog redemption are written
by hand. These helpers keep that SQL honest:

- every value sent goes through its model field's ``get_db_prep_save`` (the
  adaptation the ORM applies: UUIDs, decimals, datetimes on SQLite);
- every value read goes through the field's database converters and
  ``Model.from_db`` (what a queryset does), so instances are the ORM's own;
- column lists come from the models' ``_meta``, never typed twice.

The SQL itself stays portable (PostgreSQL and SQLite) unless a caller
checks :func:`is_postgresql` first.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, UUIDField

_PLAIN_WORD = re.compile(r"[A-Za-z0-9_]+")

# Every @cache here is safe for the life of the process: a process talks to one database
# (DATABASES["default"]), so its vendor, names, column lists and converters never change under it.


@cache
def is_postgresql() -> bool:
    """The one notion of the database vendor: PostgreSQL, or else the embedded SQLite."""
    return connection.vendor == "postgresql"


@cache
def quote(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def _fields(model: type[Model]):
    return model._meta.concrete_fields


@cache
def _field(model: type[Model], attname: str):
    for field in _fields(model):
        if field.attname == attname:
            return field
    raise LookupError(f"{model.__name__} has no column {attname!r}")


@cache
def column(model: type[Model], attname: str) -> str:
    return quote(_field(model, attname).column)


class Alias:
    """
    A model under a table alias in hand-written SQL: ``str(alias)`` is
    ``"table" alias`` (for ``FROM`` and ``JOIN``) and ``alias.<attname>`` is
    the aliased column: ``Alias(JournalLine, "l").entry_id`` ->
    ``l."entry_id"``. Names come from the model's ``_meta``, never typed twice.
    """

    def __init__(self, model: type[Model], name: str):
        self._model = model
        self._name = name

    def __str__(self) -> str:
        return f"{table(self._model)} {self._name}"

    def __getattr__(self, attname: str) -> str:
        if attname.startswith("_"):
            raise AttributeError(attname)
        return f"{self._name}.{column(self._model, attname)}"


def _default():
    """
    This thread's default connection itself. ``django.db.connection`` is a
    proxy that looks the connection up again (a thread-local read) at each
    attribute the fields' adaptation and converters touch: resolved once per
    helper call instead.
    """
    return connections[DEFAULT_DB_ALIAS]


def prep(model: type[Model], attname: str, value):
    """
    ``value`` adapted for ``model.attname``'s column, as the ORM would send it.
    Through the proxy: one value's adaptation touches the connection at most
    once (text, integer and boolean fields not at all). A ``uuid.UUID`` for a
    uuid column of a database with a native uuid type (PostgreSQL) is sent as
    it is, which is what the field's adaptation returns for it: most values
    of the hot path are ids.
    """
    if type(value) is uuid.UUID and _native_uuid(model, attname):
        return value
    return _field(model, attname).get_db_prep_save(value, connection)


@cache
def _native_uuid(model: type[Model], attname: str) -> bool:
    """Whether ``model.attname`` is a uuid column (a UUIDField, or a foreign key to one) stored as a native uuid."""
    field = _field(model, attname)
    target = field.target_field if field.is_relation else field
    return isinstance(target, UUIDField) and connection.features.has_native_uuid_field


def literal(model: type[Model], attname: str, value) -> str:
    """
    ``value`` of ``model.attname`` as a SQL string literal, for the choices
    (enum values) that SQL built once compares against or writes: only plain
    words (letters, digits, underscores) are accepted, so nothing needs escaping.
    """
    prepared = prep(model, attname, value)
    if not isinstance(prepared, str) or not _PLAIN_WORD.fullmatch(prepared):
        raise ValueError(f"{model.__name__}.{attname}: {prepared!r} is not a plain word")
    return f"'{prepared}'"


def in_list(model: type[Model], attname: str, values) -> tuple[str, list]:
    """``IN (%s, ...)`` for ``values`` (at least one) of ``model.attname``, and its parameters."""
    params = [prep(model, attname, value) for value in values]
    return "IN (" + ", ".join(["%s"] * len(params)) + ")", params


def array_param(values: list, db_type: str):
    """
    The parameter of a ``%s::db_type[]`` array (PostgreSQL): for uuid and
    numeric elements, the array's text literal built here (``{a,b,...}``:
    their text never needs quoting), which costs a fraction of psycopg's
    list dumper (a quoting check per element was the periodic run's largest
    Python cost); any other type, the list itself.
    """
    if db_type == "uuid":
        kinds: tuple = (uuid.UUID,)
    elif db_type.startswith("numeric"):
        kinds = (Decimal, int)
    else:
        return list(values)
    for value in values:  # only what the type's own text is safe for: never a caller's string
        if value is not None and not isinstance(value, kinds):
            raise TypeError(f"array_param({db_type}): {type(value).__name__} value")
    return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"


def any_of(model: type[Model], attname: str, values) -> tuple[str, list]:
    """
    ``= ANY(%s::type[])`` for ``values`` of ``model.attname`` and its one
    parameter (an array) on PostgreSQL: a batch of thousands of ids costs one
    parameter to send and parse, not thousands. :func:`in_list` elsewhere.
    """
    if not is_postgresql():
        return in_list(model, attname, values)
    return f"= ANY(%s::{_array_type(model, attname)})", [
        array_param([prep(model, attname, value) for value in values], _field(model, attname).db_type(connection))
    ]


@cache
def _array_type(model: type[Model], attname: str) -> str:
    return f"{_field(model, attname).db_type(connection)}[]"


def insert_arrays(model: type[Model], columns: dict[str, list], **constants) -> tuple[str, list]:
    """
    PostgreSQL only: ``INSERT INTO table (...) SELECT ... FROM unnest(...)``
    of many rows, one array parameter per column in ``columns`` (lists of equal
    length, one value per row) and one parameter per ``constants`` value (the
    same in every row); every value through its field's adaptation. Every
    column of the model is given, in one or the other, so no default is
    silently left to the database. The statement and its parameters do not
    grow in count with the rows (see :func:`any_of`).
    """
    names = tuple(field.attname for field in _insert_fields(model))
    missing = set(names) - set(columns) - set(constants)
    if missing or set(columns) & set(constants):
        raise ValueError(f"{model.__name__}: give every column once (missing: {sorted(missing)})")
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"{model.__name__}: the column arrays differ in length")
    selected, params = [], []
    for attname in names:
        if attname in columns:
            selected.append(f"u.{quote(attname)}")
        else:
            selected.append(f"%s::{_field(model, attname).db_type(connection)}")
            params.append(prep(model, attname, constants[attname]))
    arrays = [name for name in names if name in columns]
    unnest = ", ".join(f"%s::{_array_type(model, name)}" for name in arrays)
    params += [
        array_param([prep(model, name, value) for value in columns[name]], _field(model, name).db_type(connection))
        for name in arrays
    ]
    head = ", ".join(column(model, attname) for attname in names)
    return (
        f"INSERT INTO {table(model)} ({head}) SELECT {', '.join(selected)} "
        f"FROM unnest({unnest}) AS u({', '.join(quote(name) for name in arrays)})",
        params,
    )


def insert_arrays_of(*instances: Model) -> tuple[str, list]:
    """
    PostgreSQL only: :func:`insert` of ``instances`` (of one model) as
    :func:`insert_arrays`, one array per column. Applies ``pre_save`` like
    :func:`insert`; the caller executes it and then calls :func:`mark_saved`.
    """
    model = type(instances[0])
    return insert_arrays(
        model,
        {field.attname: [field.pre_save(instance, True) for instance in instances] for field in _insert_fields(model)},
    )


@cache
def select_list(model: type[Model], alias: str) -> str:
    """Every concrete column of ``model`` as ``alias.col, ...``, in ``_meta`` order."""
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model))


@cache
def _converters(model: type[Model]):
    result = []
    for field in _fields(model):
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        result.append((col, tuple(converters)))
    return tuple(result)


def width(model: type[Model]) -> int:
    """How many columns :func:`select_list` selects."""
    return len(_fields(model))


def from_row(model: type[Model], row, start: int = 0):
    """The ``model`` instance in ``row[start:start + width(model)]`` (a :func:`select_list`)."""
    db = _default()
    values = []
    for offset, (col, converters) in enumerate(_converters(model)):
        value = row[start + offset]
        for converter in converters:
            value = converter(value, col, db)
        values.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, _attnames(model), values)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in _fields(model)]


def insert(*instances: Model) -> tuple[str, list]:
    """
    ``INSERT INTO table (every column) VALUES (...), ...`` for ``instances``
    (of one model) and its parameters. Applies ``pre_save`` (``auto_now_add``
    timestamps) like ``save(force_insert=True)``; an auto-increment primary
    key is left to the database. The caller executes it and then calls
    :func:`mark_saved`.
    """
    model = type(instances[0])
    fields = _insert_fields(model)
    db = _default()
    params = []
    for instance in instances:
        params.extend(field.get_db_prep_save(field.pre_save(instance, True), db) for field in fields)
    head, row = _insert_parts(model)
    return head + ", ".join([row] * len(instances)), params


@cache
def _insert_fields(model: type[Model]) -> tuple:
    return tuple(field for field in _fields(model) if field is not model._meta.auto_field)


@cache
def _insert_parts(model: type[Model]) -> tuple[str, str]:
    fields = _insert_fields(model)
    columns = ", ".join(quote(field.column) for field in fields)
    return f"INSERT INTO {table(model)} ({columns}) VALUES ", "(" + ", ".join(["%s"] * len(fields)) + ")"


def insert_values(model: type[Model], **values) -> tuple[str, list]:
    """
    ``INSERT INTO table (the given columns) VALUES (...)`` and its parameters,
    each value through its field's adaptation, with no instance built (for a
    row the caller never reads back, such as the idempotency key's claim).
    """
    db = _default()
    return _insert_head(model, tuple(values)), [
        _field(model, name).get_db_prep_save(value, db) for name, value in values.items()
    ]


@cache
def _insert_head(model: type[Model], attnames: tuple[str, ...]) -> str:
    columns = ", ".join(column(model, attname) for attname in attnames)
    return f"INSERT INTO {table(model)} ({columns}) VALUES (" + ", ".join(["%s"] * len(attnames)) + ")"


def mark_saved(*instances: Model) -> None:
    """What ``save()`` leaves on an instance it inserted: a saved row of this database."""
    for instance in instances:
        instance._state.adding = False
        instance._state.db = DEFAULT_DB_ALIAS


# ``using``: another alias of the same database (the read replica of a reporting read);
# the names and the values' adaptation above are the default connection's, which it shares.


def execute(query: str, params: list | dict, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Execute one statement and return how many rows it changed."""
    with connections[using].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.rowcount


def fetchone(query: str, params: list | dict, *, using: str = DEFAULT_DB_ALIAS):
    """Execute one statement and return its first row (None if it has none)."""
    with connections[using].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def fetchall(query: str, params: list | dict, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Execute one statement and return all its rows."""
    with connections[using].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def execute_together(*statements: tuple[str, list]) -> list[tuple]:
    """
    Execute ``statements`` (``(sql, params)`` pairs) and return the rows of
    the last one.

    On PostgreSQL they go as ONE statement, one round trip: every statement
    but the last becomes a data-modifying ``WITH`` (``WITH s0 AS (...), s1 AS
    (...) <last>``). PostgreSQL runs all of them on one snapshot and none
    sees the rows the others write, so they must be independent: inserts of
    new rows and updates of distinct rows, whose foreign keys are checked at
    commit (Django declares them ``DEFERRABLE INITIALLY DEFERRED``). Row
    locks are taken in no promised order within the statement, so at most
    one of them may lock a row that other transactions lock too.

    Elsewhere (SQLite, which has no data-modifying ``WITH``) they run one
    after the other, in order.
    """
    with connection.cursor() as cursor:
        if is_postgresql() and len(statements) > 1:
            *ctes, (last_sql, last_params) = statements
            sql = "WITH " + ", ".join(f"s{i} AS ({cte_sql})" for i, (cte_sql, _) in enumerate(ctes)) + " " + last_sql
            params = [p for _, cte_params in ctes for p in cte_params] + list(last_params)
            cursor.execute(sql, params)
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description is not None else []
