"""
Check 7, tenants: no row mixes tenants.

Every tenant-owned row (a model with a ``tenant`` column) must be of the
tenant of every tenant-owned row it points at: a journal line of its entry's,
account's and asset's tenant, an entry of its program's, a per-participant
counter of its reward's and participant's, an idempotency record of its
program's, a redemption of its program's, participant's, asset's, reward's
and entry's, and so on; an API key reaches only programs of its own tenant.

The rules are read from the models in the app registry, not written out by
hand: one probe per foreign key (and many-to-many field) between two
tenant-owned models, so a table that a later version adds (and gives a
``tenant``) is checked the day it exists, and the ledger names no table of
the apps above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from ledger.reconciliation.probes import ID, Check, Issue, Probe, Scope
from loyalty import sql
from loyalty.models import Tenant


def _tenant_owned(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("tenant")
    except FieldDoesNotExist:
        return False
    return field.is_relation and field.related_model is Tenant


def _has_program(model: type[models.Model]) -> bool:
    try:
        model._meta.get_field("program")
    except FieldDoesNotExist:
        return False
    return True


@dataclass(frozen=True)
class Link:
    """A foreign key (or a many-to-many field, through its table) from one tenant-owned model to another."""

    model: type[models.Model]
    field: models.Field

    @property
    def issue(self) -> str:
        return f"{self.model._meta.model_name}_{self.field.name}_of_other_tenant"

    @property
    def meaning(self) -> str:
        if self.field.many_to_many:
            target = self.field.related_model._meta.verbose_name
            return f"{self.model._meta.verbose_name} with a {target} of another tenant"
        return f"{self.model._meta.verbose_name} whose {self.field.verbose_name} is of another tenant"


@cache  # safe for the process's life: the models never change under it
def tenant_links() -> tuple[Link, ...]:
    """Every link between two tenant-owned models, in the registry's order."""
    links = []
    for model in apps.get_models():
        if not _tenant_owned(model):
            continue
        for field in model._meta.get_fields():
            if field.name == "tenant" or not field.concrete or not field.is_relation:
                continue
            if not _tenant_owned(field.related_model):
                continue
            if field.many_to_many and not field.remote_field.through._meta.auto_created:
                continue  # an explicit through model (enrolments) is tenant-owned: its own links are checked
            links.append(Link(model, field))
    return tuple(links)


def _probe(link: Link, s: Scope) -> Probe | None:
    """The rows of ``link.model`` whose tenant differs from the tenant of the row ``link.field`` points at."""
    child, parent = link.model, link.field.related_model
    c, p = sql.Alias(child, "c"), sql.Alias(parent, "p")
    parent_pk = getattr(p, parent._meta.pk.attname)
    if link.field.many_to_many:
        through = link.field.remote_field.through
        t = sql.Alias(through, "t")
        to_child = next(f for f in through._meta.fields if f.is_relation and f.related_model is child)
        to_parent = next(f for f in through._meta.fields if f.is_relation and f.related_model is parent)
        source = (
            f"FROM {t} JOIN {c} ON {getattr(c, child._meta.pk.attname)} = {getattr(t, to_child.attname)} "
            f"JOIN {p} ON {parent_pk} = {getattr(t, to_parent.attname)}"
        )
    else:
        source = f"FROM {c} JOIN {p} ON {parent_pk} = {getattr(c, link.field.attname)}"
    restrict = ""
    if s.active:  # --program: rows of that program, found on the row or on what it points at
        owner = c if _has_program(child) else p if _has_program(parent) else None
        if owner is None:
            return None
        restrict = s.on(owner)
    return Probe(
        link.issue,
        getattr(c, child._meta.pk.attname),
        parent_pk,
        p.tenant_id,
        c.tenant_id,
        f"{source} WHERE {c.tenant_id} <> {p.tenant_id}{restrict}",
    )


def _tenants(s: Scope):
    return "", [probe for link in tenant_links() if (probe := _probe(link, s)) is not None]


def tenants_check() -> Check:
    """The check, its issues read from the models (call it once the app registry is ready)."""
    issues = tuple(
        Issue(
            link.issue,
            link.meaning,
            str(link.model._meta.verbose_name),
            link.field.name,
            f"{link.field.name}'s tenant",
            "tenant",
            ID,
            ID,
        )
        for link in tenant_links()
    )
    return Check(
        "tenants",
        "No row mixes tenants: every tenant-owned row (journal entries and lines, accounts, assets, per-participant "
        "counters, idempotency records, accruals, redemptions, reversals, enrolments, rewards, API keys' programs) "
        "is of the tenant of every tenant-owned row it points at.",
        issues,
        _tenants,
        order=70,
    )
