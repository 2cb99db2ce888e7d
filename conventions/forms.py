"""Forms and formsets that enforce the rules spanning several rows of a convention.

Shared by the admin and the staff pages: the messages are the ones a user reads.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import Commitment, Party, Signatory

DUPLICATE_PARTY_MESSAGE = next(
    c.violation_error_message for c in Party._meta.constraints if c.name == "party_unique_partner"
)
SIGNATORY_NOT_A_PARTY_MESSAGE = (
    "Ce signataire doit signer pour l'une des parties de la convention : "
    "ajoutez d'abord ce partenaire aux parties."
)
BEARER_NOT_A_PARTY_MESSAGE = (
    "L'action doit être portée par l'une des parties de la convention "
    "(laisser vide pour une action commune)."
)


def kept_forms(formset):
    """The formset's filled-in rows that are not marked for deletion."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not formset._should_delete_form(form)
    ]


def submitted_partner_ids(data, prefix: str) -> set[str]:
    """Partner ids of the rows of the `prefix` formset in `data`, ignoring deleted rows."""
    checkbox = forms.CheckboxInput()
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    return {
        data[f"{prefix}-{i}-partner"]
        for i in range(total)
        if data.get(f"{prefix}-{i}-partner")
        and not checkbox.value_from_datadict(data, {}, f"{prefix}-{i}-DELETE")
    }


class PartyInlineFormSet(BaseInlineFormSet):
    """The parties of a convention: each partner once, and two at least once signed."""

    def clean(self):
        if any(self.errors):
            return
        partners = [form.cleaned_data["partner"] for form in kept_forms(self)]
        if len(set(partners)) < len(partners):
            raise ValidationError(DUPLICATE_PARTY_MESSAGE, code="duplicate_party")
        super().clean()
        self.instance.validate_party_count(len(partners))


class SignatoryInlineFormSet(BaseInlineFormSet):
    """Each signatory signs for one of the parties, as submitted along with it."""

    parties_prefix = "parties"

    def party_partner_ids(self) -> set[str]:
        if self.is_bound and f"{self.parties_prefix}-TOTAL_FORMS" in self.data:
            return submitted_partner_ids(self.data, self.parties_prefix)
        if self.instance.pk is None:
            return set()
        return {str(pk) for pk in self.instance.parties.values_list("partner_id", flat=True)}

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        party_ids = self.party_partner_ids()
        for form in kept_forms(self):
            if str(form.cleaned_data["partner"].pk) not in party_ids:
                form.add_error("partner", SIGNATORY_NOT_A_PARTY_MESSAGE)


class SignatoryForm(forms.ModelForm):
    """A signatory edited on its own: it signs for one of the saved parties."""

    class Meta:
        model = Signatory
        fields = ["convention", "partner", "name", "title", "signed_on", "on_behalf_of", "position"]

    def clean(self):
        cleaned_data = super().clean()
        convention, partner = cleaned_data.get("convention"), cleaned_data.get("partner")
        if convention and partner and not convention.parties.filter(partner=partner).exists():
            self.add_error("partner", SIGNATORY_NOT_A_PARTY_MESSAGE)
        return cleaned_data


class CommitmentForm(forms.ModelForm):
    """An action borne by one of the convention's saved parties, or by all of them."""

    class Meta:
        model = Commitment
        fields = ["convention", "axis", "position", "text", "bearer", "status", "due_on", "note"]

    def clean(self):
        cleaned_data = super().clean()
        axis, bearer = cleaned_data.get("axis"), cleaned_data.get("bearer")
        convention = cleaned_data.get("convention")
        if axis and convention and axis.convention_id != convention.pk:
            self.add_error("axis", "Cet axe appartient à une autre convention.")
            return cleaned_data
        # On the axis page the convention is the axis's own (the commitment form has no field).
        convention_id = axis.convention_id if axis else getattr(convention, "pk", None)
        parties = Party.objects.filter(convention_id=convention_id)
        if bearer and convention_id and not parties.filter(partner=bearer).exists():
            self.add_error("bearer", BEARER_NOT_A_PARTY_MESSAGE)
        return cleaned_data
