"""Territories, themes and audiences, from the staff pages: readers see the lists with what uses
each entry; editors add, rename and delete them (an entry still in use is never deleted).
Every write is recorded by the models' history (django-simple-history), with its author."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from conventions.models import Audience, Theme
from partners.models import Territory

from .forms import AudienceForm, TerritoryForm, ThemeForm


@dataclass(frozen=True)
class Usage:
    """A count annotated by the model's with_usage(), as a page names it."""

    attribute: str
    singular: str
    plural: str

    def of(self, entry) -> str:
        count = getattr(entry, self.attribute)
        return f"{count} {self.singular if count == 1 else self.plural}" if count else ""


@dataclass(frozen=True)
class Kind:
    """One reference list and how its pages speak of it."""

    model: type
    form_class: type
    name: str  # URL names: "<name>_list"...; the id in its URLs: <int:<name>>
    singular: str
    plural: str
    feminine: bool
    usages: tuple[Usage, ...]
    # The conventions list's filter on it, to link the count of conventions.
    filter_name: str

    def url_name(self, action: str) -> str:
        return f"taxonomy:{self.name}_{action}"

    def url(self, action: str, entry=None) -> str:
        return reverse(self.url_name(action), args=[entry.pk] if entry else [])

    # For the templates' {% url %}.
    list_url_name = property(lambda self: self.url_name("list"))
    create_url_name = property(lambda self: self.url_name("create"))
    update_url_name = property(lambda self: self.url_name("update"))
    delete_url_name = property(lambda self: self.url_name("delete"))

    @property
    def new(self) -> str:
        """ "Nouvelle thématique"."""
        return f"{'Nouvelle' if self.feminine else 'Nouveau'} {self.singular}"

    @property
    def the(self) -> str:
        return "La" if self.feminine else "Le"

    def agreed(self, participle: str) -> str:
        """ "ajouté" -> "ajoutée" for a feminine noun."""
        return participle + ("e" if self.feminine else "")

    def named(self, entry) -> str:
        """ "La thématique « Mobilité »"."""
        return f"{self.the} {self.singular} « {entry.name} »"

    def refusal(self, entry) -> str:
        """Why `entry` cannot be deleted, or "" when nothing uses it."""
        used_by = [text for usage in self.usages if (text := usage.of(entry))]
        if not used_by:
            return ""
        listed = ", ".join(used_by[:-1]) + (" et " if len(used_by) > 1 else "") + used_by[-1]
        pronoun, it = ("elle", "la") if self.feminine else ("il", "le")
        return (
            f"{self.named(entry)} ne peut pas être {self.agreed('supprimé')} : {pronoun} est "
            f"{self.agreed('utilisé')} par {listed}. Retirez-{it} d'abord de ces fiches, ou "
            f"renommez-{it} si son nom ne convient plus."
        )


CONVENTIONS = Usage("conventions_count", "convention", "conventions")
KINDS = {
    "territory": Kind(
        model=Territory,
        form_class=TerritoryForm,
        name="territory",
        singular="territoire",
        plural="territoires",
        feminine=False,
        usages=(
            CONVENTIONS,
            Usage("partners_count", "partenaire", "partenaires"),
            Usage("children_count", "territoire rattaché", "territoires rattachés"),
        ),
        filter_name="territoire",
    ),
    "theme": Kind(
        model=Theme,
        form_class=ThemeForm,
        name="theme",
        singular="thématique",
        plural="thématiques",
        feminine=True,
        usages=(CONVENTIONS,),
        filter_name="thematique",
    ),
    "audience": Kind(
        model=Audience,
        form_class=AudienceForm,
        name="audience",
        singular="public cible",
        plural="publics cibles",
        feminine=False,
        usages=(CONVENTIONS,),
        filter_name="public",
    ),
}


class KindMixin(PermissionRequiredMixin):
    """The pages of one kind (`kind`, a key of KINDS); `action` is the permission they need
    on its model: "view", or "add" and "change" (editors). Deleting an entry nothing uses
    loses nothing (the history keeps it): it needs the permission to change it."""

    kind_name = ""
    action = "view"
    raise_exception = True

    @property
    def kind(self) -> Kind:
        return KINDS[self.kind_name]

    def get_permission_required(self):
        meta = self.kind.model._meta
        return [f"{meta.app_label}.{self.action}_{meta.model_name}"]

    def entries(self):
        entries = self.kind.model.objects.with_usage()
        if self.kind.model is Territory:
            entries = entries.select_related("parent")
        return entries.order_by("name")

    def get_object(self, queryset=None):
        return get_object_or_404(self.entries(), pk=self.kwargs[self.kind_name])

    def page_context(self) -> dict:
        meta = self.kind.model._meta
        user = self.request.user
        return {
            "kind": self.kind,
            "kinds": KINDS.values(),
            "can_add": user.has_perm(f"{meta.app_label}.add_{meta.model_name}"),
            "can_write": user.has_perm(f"{meta.app_label}.change_{meta.model_name}"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.page_context(), **kwargs)


class EntryListView(KindMixin, ListView):
    template_name = "taxonomy/entry_list.html"
    context_object_name = "entries"

    def get_queryset(self):
        return self.entries()


class EntryFormMixin(KindMixin):
    template_name = "taxonomy/entry_form.html"
    context_object_name = "entry"

    def get_form_class(self):
        return self.kind.form_class

    def form_valid(self, form):
        entry = form.save()
        verb = "ajouté" if self.action == "add" else "modifié"
        messages.success(self.request, f"{self.kind.named(entry)} a été {self.kind.agreed(verb)}.")
        return redirect(self.kind.url("list"))


class EntryCreateView(EntryFormMixin, CreateView):
    action = "add"


class EntryUpdateView(EntryFormMixin, UpdateView):
    action = "change"


class EntryDeleteView(KindMixin, View):
    """A confirmation page; or, for an entry still in use, what uses it and no button. The
    entries of a territory's partners and children are protected by the database as well."""

    action = "change"
    template_name = "taxonomy/entry_delete.html"

    def render(self, entry, refusal: str, status: int = 200):
        context = self.page_context() | {"entry": entry, "refusal": refusal}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, **kwargs):
        entry = self.get_object()
        return self.render(entry, self.kind.refusal(entry))

    def post(self, request, **kwargs):
        entry = self.get_object()
        if refusal := self.kind.refusal(entry):
            return self.render(entry, refusal, status=409)
        named = self.kind.named(entry)
        try:
            with transaction.atomic():
                entry.delete()
        except ProtectedError:  # a partner or a territory attached to it meanwhile
            entry = self.get_object()
            return self.render(entry, self.kind.refusal(entry), status=409)
        messages.success(request, f"{named} a été {self.kind.agreed('supprimé')}.")
        return redirect(self.kind.url("list"))
