"""The forms of territories, themes and audiences."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from conventions.forms import StaffFormMixin
from conventions.models import Audience, Theme
from conventions.widgets import SEARCHABLE
from partners.models import Territory

NO_LETTER_MESSAGE = "Le nom doit comporter au moins une lettre ou un chiffre."
SLUG_TAKEN_MESSAGE = "Ce nom est trop proche de celui {of} « {name} » : choisissez-en un autre."


class NameFormMixin:
    """The identifier (slug) of a new entry is made from its name once, and kept when it is
    renamed: the links to the conventions list filtered on it keep working."""

    name_of: str  # "de la thématique"

    def clean_name(self):
        name = self.cleaned_data["name"]
        if self.instance.slug:
            return name
        slug = slugify(name)
        if not slug:
            raise ValidationError(NO_LETTER_MESSAGE, code="no_letter")
        other = self._meta.model.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        # The same name: the uniqueness check says it in its own words.
        if other is not None and other.name != name:
            raise ValidationError(
                SLUG_TAKEN_MESSAGE.format(of=self.name_of, name=other.name), code="slug_taken"
            )
        return name


class ThemeForm(NameFormMixin, StaffFormMixin, forms.ModelForm):
    name_of = "de la thématique"

    class Meta:
        model = Theme
        fields = ["name"]
        error_messages = {"name": {"unique": "Une thématique porte déjà ce nom."}}
        help_texts = {"name": "Par exemple « Mixité des métiers » ou « Transition écologique »."}


class AudienceForm(NameFormMixin, StaffFormMixin, forms.ModelForm):
    name_of = "du public cible"

    class Meta:
        model = Audience
        fields = ["name"]
        error_messages = {"name": {"unique": "Un public cible porte déjà ce nom."}}
        help_texts = {"name": "Par exemple « Jeunes de 16 à 25 ans » ou « Employeurs »."}


class TerritoryForm(NameFormMixin, StaffFormMixin, forms.ModelForm):
    name_of = "du territoire"

    class Meta:
        model = Territory
        fields = ["name", "kind", "code", "parent"]
        error_messages = {"name": {"unique": "Un territoire porte déjà ce nom."}}
        widgets = {"parent": forms.Select(attrs=SEARCHABLE)}
        help_texts = {
            "code": "Le code officiel (INSEE) : 84 pour une région, 29 pour un département…",
            "parent": (
                "La région d'un département, le département d'un bassin d'emploi : les tableaux "
                "par région en dépendent."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Territory.objects.order_by("name")
        if self.instance.pk:
            # Neither itself nor a territory within it: a territory is never its own ancestor.
            parents = parents.exclude(pk__in=self.instance_and_descendants())
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "Aucun"

    def instance_and_descendants(self) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Territory.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, todo = set(), [self.instance.pk]
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo += children.get(pk, [])
        return found
