"""
Forms of the rewards admin. The catalog and reversal services own the rules;
these forms only parse input and put the services' errors on the right field.
"""

from __future__ import annotations

import copy
import csv
import io
import uuid
from decimal import Decimal

from django import forms

from loyalty.errors import DomainError, NotFound, ReversalExceedsRemaining
from loyalty.money import format_amount
from rewards.models import Redemption, Reward
from rewards.services.catalog import UPDATABLE_FIELDS, reward_build, reward_change, reward_create, reward_update
from rewards.services.codes import code_problem

ACTIVE = Reward.Status.ACTIVE
INACTIVE = Reward.Status.INACTIVE
# Limits and price: what a reward may leave empty.
LIMIT_FIELDS = (
    "unit_cost", "min_amount", "max_amount", "max_total", "max_per_participant", "available_from", "available_until",
)


def add_domain_error(form: forms.BaseForm, exc: DomainError, *, default_field: str | None = None) -> None:
    """Show a service's error on the form: on its fields where the form has them, else on top."""
    if not exc.fields:
        form.add_error(default_field if default_field in form.fields else None, exc.message)
        return
    for field, field_messages in exc.fields.items():
        if field in form.fields:
            form.add_error(field, list(field_messages))
        else:
            form.add_error(None, [f"{field}: {message}" for message in field_messages])


def _positive(value: Decimal | None) -> Decimal | None:
    if value is not None and value <= 0:
        raise forms.ValidationError("Must be greater than zero.")
    return value


class RewardAdminForm(forms.ModelForm):
    """
    Add or change a catalog item with the catalog service's rules.

    ``clean()`` checks the reward as ``reward_build`` / ``reward_change``
    would (no write), so that their errors (``ValidationFailed.fields``) land
    on the form like any other validation error; the admin's ``save_model``
    then writes through ``reward_create`` / ``reward_update``
    (:meth:`save_through_service`). ``redeemed_count`` is not a field, and
    OUT_OF_STOCK cannot be chosen: the service sets it from stock.
    """

    status = forms.ChoiceField(
        choices=[(ACTIVE, ACTIVE), (INACTIVE, INACTIVE)],
        initial=ACTIVE,
        label="Operator status",
        help_text="ACTIVE or INACTIVE. With no stock left an ACTIVE reward shows OUT_OF_STOCK (set by the system).",
    )
    max_total = forms.IntegerField(
        min_value=1, required=False, help_text="Units in stock in total; empty for unlimited."
    )
    fulfilment = forms.ChoiceField(
        choices=Reward.Fulfilment.choices,
        required=False,
        initial=Reward.Fulfilment.NONE,
        help_text="CODES: one uploaded code per unit redeemed (UNIT_BASED only). Fixed after creation.",
    )
    max_per_participant = forms.IntegerField(
        min_value=1, required=False, help_text="Units one participant may hold; empty for unlimited."
    )

    class Meta:
        model = Reward
        fields = ("program", "asset", "name", "description", "type", "fulfilment", "status", *LIMIT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["status"] = INACTIVE if self.instance.status == INACTIVE else ACTIVE

    def clean_unit_cost(self):
        return _positive(self.cleaned_data.get("unit_cost"))

    def clean_min_amount(self):
        return _positive(self.cleaned_data.get("min_amount"))

    def clean_max_amount(self):
        return _positive(self.cleaned_data.get("max_amount"))

    def validate_unique(self):
        """Skip the model's constraint checks: the catalog service validates the reward."""

    def clean(self):
        """The catalog service's rules, checked without writing (after the fields' own checks)."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if self.instance._state.adding:
                reward_build(**self._create_kwargs())
            else:
                reward_change(reward=copy.copy(self.instance), **self._changes())
        except NotFound:
            self.add_error("asset", "The asset does not belong to the chosen program.")
        except DomainError as exc:
            add_domain_error(self, exc)
        return cleaned

    def save_through_service(self, actor=None) -> Reward:
        """Write the reward (the admin's ``save_model``, in its request transaction)."""
        if self.instance._state.adding:
            return reward_create(**self._create_kwargs(), actor=actor)
        return reward_update(reward=self.instance, actor=actor, **self._changes())

    def _create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "program": data["program"],
            "asset": data["asset"],
            "type": data["type"],
            "fulfilment": data.get("fulfilment") or Reward.Fulfilment.NONE,
            "name": data["name"],
            "status": data["status"],
            **{field: data[field] for field in ("description", *LIMIT_FIELDS) if field in data},
        }

    def _changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.changed_data if field in UPDATABLE_FIELDS}


class ReversalAdminForm(forms.Form):
    """
    The operator's reversal: ``quantity`` for a UNIT_BASED catalog redemption,
    ``amount`` for the others, a reason, and (catalog only) whether to restock.

    A hidden idempotency key, fresh on every form shown, makes a double
    submit record one reversal.
    """

    reason = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, redemption: Redemption, **kwargs):
        super().__init__(*args, **kwargs)
        self.redemption = redemption
        self.initial.setdefault("idempotency_key", uuid.uuid4())
        scale = redemption.asset.scale
        if self.by_quantity:
            self.fields["quantity"] = forms.IntegerField(
                min_value=1,
                help_text=f"Units to reverse ({redemption.remaining_quantity} of {redemption.quantity} left).",
            )
        else:
            left = format_amount(redemption.remaining_amount, scale)
            self.fields["amount"] = forms.DecimalField(
                max_digits=16, decimal_places=scale, help_text=f"Amount to refund (at most {left})."
            )
        if redemption.reward_id is not None and redemption.fulfilment != Reward.Fulfilment.CODES:
            self.fields["restock"] = forms.BooleanField(
                required=False,
                initial=True,
                help_text="Return the units to the reward's stock. Untick to refund but write the goods off.",
            )
        self.order_fields(["quantity", "amount", "reason", "restock"])

    @property
    def by_quantity(self) -> bool:
        return self.redemption.reward_id is not None and self.redemption.quantity is not None

    def clean_amount(self):
        return _positive(self.cleaned_data.get("amount"))

    def service_kwargs(self) -> dict:
        """The keyword arguments of ``reversal_create`` (without the redemption and the user)."""
        data = self.cleaned_data
        kwargs = {
            "reason": data["reason"],
            "idempotency_key": f"admin-{data['idempotency_key']}",
        }
        if self.by_quantity:
            kwargs["quantity"] = data["quantity"]
        else:
            kwargs["amount"] = data["amount"]
        if "restock" in self.fields:
            kwargs["restock"] = data["restock"]
        return kwargs

    def add_service_error(self, exc: DomainError) -> None:
        default = ("quantity" if self.by_quantity else "amount") if isinstance(exc, ReversalExceedsRemaining) else None
        add_domain_error(self, exc, default_field=default)


class RewardCodesUploadForm(forms.Form):
    """
    A text or CSV file of codes, one a line (a CSV's first column; blank lines
    skipped). Every line is checked before anything is added: a bad line is
    named by its number, never by its code.
    """

    file = forms.FileField(help_text="A .txt or .csv file, one code a line (UTF-8).")

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self) -> list[str]:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        codes, problems = [], []
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            problem = code_problem(row[0])
            if problem is not None:
                problems.append(f"line {number}: {problem}")
            else:
                codes.append(row[0])
        if problems:
            more = [f"... and {len(problems) - 10} more"] if len(problems) > 10 else []
            raise forms.ValidationError(problems[:10] + more)
        if not codes:
            raise forms.ValidationError("The file holds no code.")
        return codes
