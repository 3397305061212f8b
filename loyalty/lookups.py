"""
``field__any=[...]``: membership in a list sent as ONE array parameter.

Django's ``__in`` sends one parameter per value: a batch of ten thousand
ids costs ten thousand placeholders to build, send and parse (the periodic
points run spent more time there than in the database; docs/benchmarks.md).
On PostgreSQL ``__any`` compiles to ``col = ANY(%s::type[])`` with the
values as one array; elsewhere to the same ``IN (...)`` as ``__in``. Each
value goes through the field's own adaptation, as ``__in`` does.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup

from loyalty import sql


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=False) for value in self.rhs]
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            # A foreign key's db_type is its target's column type.
            db_type = field.db_type(connection)
            return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, sql.array_param(values, db_type)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


# Related fields look their lookups up on their own classes only (up to ForeignObject): registered there too.
ForeignObject.register_lookup(AnyOf)
