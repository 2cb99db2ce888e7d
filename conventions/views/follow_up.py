"""Follow-up from the convention page, for editors: the progress of each action (updated in
place), the review meetings, the values reached towards each target year by year."""

import copy
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms.models import inlineformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import View

from ..enums import ReviewKind
from ..forms import (
    FIRST_DATE,
    LAST_DATE,
    DateInput,
    LimitedRowsFormSet,
    StaffFormMixin,
    kept_forms,
    row_limits,
)
from ..models import Commitment, Convention, Review, Statement, Target, TargetResult
from ..services import (
    commitment_follow_up,
    review_delete,
    review_save,
    statement_delete,
    statement_save,
    target_results_save,
)
from ..widgets import SEARCHABLE, FastSelect, FastTextarea

# Sent by static/js/follow_up.js: answer with the action's fragment of the page, not a redirect.
FRAGMENT_HEADER = "X-Follow-Up-Fragment"

RESULT_NEGATIVE_MESSAGE = "Une valeur atteinte ne peut pas être négative."
RESULT_YEAR_TAKEN_MESSAGE = "Une valeur est déjà saisie pour {year} : modifiez plutôt cette ligne."
RESULT_SAVED_MEANWHILE_MESSAGE = (
    "Une valeur vient d'être enregistrée pour l'une de ces années par une autre personne : "
    "rechargez la page pour la voir, puis saisissez à nouveau vos modifications."
)


class EditorMixin(PermissionRequiredMixin):
    permission_required = "conventions.change_convention"
    raise_exception = True


def anchored(convention: Convention, anchor: str) -> str:
    return f"{convention.get_absolute_url()}#{anchor}"


# Actions: status, due date and follow-up note, in place ---------------------------------------


class CommitmentFollowUpForm(StaffFormMixin, forms.ModelForm):
    """The follow-up of one action; prefixed with its id, as the page holds one per action."""

    class Meta:
        model = Commitment
        fields = ["status", "due_on", "note"]
        # Rendered in Python: the convention page holds one such form per action.
        widgets = {
            "status": FastSelect,
            "due_on": DateInput,
            "note": FastTextarea(attrs={"rows": 2}),
        }
        help_texts = {"note": "Où en est l'action, ce qui reste à faire, qui s'en charge…"}

    def __init__(self, *args, instance: Commitment, **kwargs):
        super().__init__(*args, instance=instance, prefix=f"suivi-{instance.pk}", **kwargs)


def commitment_number(commitment: Commitment) -> tuple[int | str, int]:
    """The (axis number, rank) the convention page numbers `commitment` with ("2.3")."""
    siblings = Commitment.objects.filter(
        convention_id=commitment.convention_id, axis_id=commitment.axis_id
    ).order_by("position", "pk")
    ranks = list(siblings.values_list("pk", flat=True))
    return (commitment.axis.number if commitment.axis_id else ""), ranks.index(commitment.pk) + 1


class CommitmentFollowUpView(EditorMixin, View):
    """The follow-up form of one action. Posted from the convention page: without JavaScript,
    back to the action on the page (or this page again with the errors); from
    static/js/follow_up.js, the action's fragment of the page, with the form's errors if any."""

    template_name = "conventions/commitment_follow_up.html"
    fragment_template = "conventions/includes/commitment.html"

    def get_commitment(self) -> Commitment:
        return get_object_or_404(
            Commitment.objects.select_related("convention", "axis", "bearer"),
            pk=self.kwargs["commitment"],
            convention_id=self.kwargs["pk"],
        )

    def get(self, request, pk, commitment):
        commitment = self.get_commitment()
        return self.render_page(commitment, CommitmentFollowUpForm(instance=commitment))

    def post(self, request, pk, commitment):
        commitment = self.get_commitment()
        # The form works on a copy: the page shows the action as saved, not as mistyped.
        form = CommitmentFollowUpForm(request.POST, instance=copy.copy(commitment))
        as_fragment = request.headers.get(FRAGMENT_HEADER) == "1"
        if not form.is_valid():
            if as_fragment:
                return self.render_fragment(commitment, form=form, status=422)
            return self.render_page(commitment, form)
        if form.has_changed():
            commitment_follow_up(commitment=commitment, by=request.user, **form.cleaned_data)
        prefix, counter = commitment_number(commitment)
        message = f"Le suivi de l'action {prefix}{'.' if prefix else ''}{counter} est enregistré."
        if as_fragment:
            return self.render_fragment(commitment, saved_message=message)
        messages.success(request, message)
        return redirect(anchored(commitment.convention, f"engagement-{commitment.pk}"))

    def render_page(self, commitment: Commitment, form: CommitmentFollowUpForm):
        prefix, counter = commitment_number(commitment)
        context = {
            "convention": commitment.convention,
            "commitment": commitment,
            "number": f"{prefix}.{counter}" if prefix else str(counter),
            "form": form,
        }
        return render(self.request, self.template_name, context)

    def render_fragment(self, commitment, *, form=None, saved_message="", status=200):
        prefix, counter = commitment_number(commitment)
        context = {
            "commitment": commitment,
            "prefix": prefix,
            "counter": counter,
            "follow_up_form": form,
            "saved_message": saved_message,
        }
        response = render(self.request, self.fragment_template, context, status=status)
        patch_vary_headers(response, [FRAGMENT_HEADER])
        return response


# Reviews: add, change, delete ------------------------------------------------------------------


class ReviewForm(StaffFormMixin, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["kind", "held_on", "participants", "summary", "decisions", "next_review_on"]
        labels = {"kind": "Type de bilan", "held_on": "Date du bilan"}
        widgets = {
            "held_on": DateInput,
            "next_review_on": DateInput,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "held_on": "Le jour où le bilan a eu lieu : un bilan s'enregistre une fois tenu.",
            "participants": "Les personnes présentes, avec leur fonction et leur organisation.",
            "next_review_on": "Facultatif : la date déjà fixée pour le bilan suivant.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.kind:
            self.initial["kind"] = ReviewKind.STEERING_COMMITTEE


class ConventionRowView(EditorMixin, View):
    """The add, change and delete pages of one kind of row of a convention (a review, a quote),
    reached from its section of the convention page, and back to it."""

    model: type
    form_class: type
    row_kwarg: str
    anchor: str
    delete_template_name: str

    def get_convention(self) -> Convention:
        return get_object_or_404(Convention.objects.with_status(), pk=self.kwargs["pk"])

    def get_row(self, convention: Convention):
        return get_object_or_404(self.model, pk=self.kwargs[self.row_kwarg], convention=convention)

    def render(self, convention: Convention, **context):
        context |= {"convention": convention}
        return render(self.request, self.template_name, context)

    def save(self, row, *, by):
        raise NotImplementedError

    def delete(self, row, *, by) -> None:
        raise NotImplementedError

    def saved_message(self, row) -> str:
        raise NotImplementedError

    def deleted_message(self, name: str) -> str:
        raise NotImplementedError


class RowFormMixin:
    def get_instance(self, convention: Convention):
        return self.get_row(convention) if self.row_kwarg in self.kwargs else None

    def get(self, request, **kwargs):
        convention = self.get_convention()
        row = self.get_instance(convention) or self.model(convention=convention)
        return self.render(convention, form=self.form_class(instance=row), **{self.row_kwarg: row})

    def post(self, request, **kwargs):
        convention = self.get_convention()
        row = self.get_instance(convention) or self.model(convention=convention)
        form = self.form_class(request.POST, instance=row)
        if form.is_valid():
            row = self.save(form.save(commit=False), by=request.user)
            messages.success(request, self.saved_message(row))
            return redirect(anchored(convention, self.anchor))
        return self.render(convention, form=form, **{self.row_kwarg: row})


class RowDeleteMixin:
    def get(self, request, **kwargs):
        convention = self.get_convention()
        return self.render(convention, **{self.row_kwarg: self.get_row(convention)})

    def post(self, request, **kwargs):
        convention = self.get_convention()
        row = self.get_row(convention)
        name = str(row)
        self.delete(row, by=request.user)
        messages.success(request, self.deleted_message(name))
        return redirect(anchored(convention, self.anchor))


class ReviewView(ConventionRowView):
    model = Review
    form_class = ReviewForm
    row_kwarg = "review"
    anchor = "bilans"
    template_name = "conventions/review_form.html"

    def save(self, row, *, by):
        return review_save(review=row, by=by)

    def delete(self, row, *, by):
        review_delete(review=row, by=by)

    def saved_message(self, row):
        return f"Le bilan « {row} » est enregistré."

    def deleted_message(self, name):
        return f"Le bilan « {name} » a été supprimé."


class ReviewCreateView(RowFormMixin, ReviewView):
    pass


class ReviewUpdateView(RowFormMixin, ReviewView):
    pass


class ReviewDeleteView(RowDeleteMixin, ReviewView):
    template_name = "conventions/review_delete.html"


# Quotes (déclarations): add, change, delete ----------------------------------------------------


class StatementForm(StaffFormMixin, forms.ModelForm):
    class Meta:
        model = Statement
        fields = ["person", "role", "organisation", "text", "position"]
        widgets = {
            "organisation": FastSelect(attrs=SEARCHABLE),
            "text": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "role": "Par exemple « Président de l'AMF ».",
            "organisation": "Facultatif : l'organisation pour laquelle la personne s'exprime.",
            "text": "La déclaration, telle que citée dans le communiqué de presse.",
            "position": "Les déclarations s'affichent dans cet ordre.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As in every partner select: « Association des maires de France (AMF) ».
        self.fields["organisation"].label_from_instance = lambda partner: (
            f"{partner.name} ({partner.acronym})" if partner.acronym else partner.name
        )


class StatementView(ConventionRowView):
    model = Statement
    form_class = StatementForm
    row_kwarg = "statement"
    anchor = "declarations"
    template_name = "conventions/statement_form.html"

    def save(self, row, *, by):
        return statement_save(statement=row, by=by)

    def delete(self, row, *, by):
        statement_delete(statement=row, by=by)

    def saved_message(self, row):
        return f"La déclaration de {row.person} est enregistrée."

    def deleted_message(self, name):
        return f"La déclaration de {name} a été supprimée."


class StatementCreateView(RowFormMixin, StatementView):
    pass


class StatementUpdateView(RowFormMixin, StatementView):
    pass


class StatementDeleteView(RowDeleteMixin, StatementView):
    template_name = "conventions/statement_delete.html"


# Targets: the value reached, year by year -------------------------------------------------------


def result_years(convention: Convention, today: datetime.date) -> range:
    """The years a value reached may be entered for: from the year the convention takes effect
    (or any year of the last century for a convention not dated yet) to the current year."""
    start = convention.effective_on or convention.signed_on
    return range(start.year if start else 1900, today.year + 1)


class TargetResultForm(StaffFormMixin, forms.ModelForm):
    class Meta:
        model = TargetResult
        fields = ["year", "value", "note"]

    def __init__(self, *args, years: range, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        if unit:
            self.fields["value"].label = f"Valeur atteinte ({unit})"
        value = self.initial.get("value")
        if value is not None and value == value.to_integral_value():
            self.initial["value"] = int(value)  # "162000", not "162000.00"
        self.fields["year"].widget.attrs.update(min=years.start, max=years.stop - 1)
        self.fields["value"].widget.attrs.update(min=0)

    def clean_year(self):
        year = self.cleaned_data["year"]
        first, last = self.years.start, self.years.stop - 1
        if year not in self.years:
            if first > last:
                raise ValidationError(
                    f"La convention prend effet en {first} : aucune valeur ne peut encore être "
                    "saisie.",
                    code="year_out_of_range",
                )
            raise ValidationError(
                f"Indiquez une année entre {first} et {last} : de la prise d'effet de la "
                "convention à l'année en cours.",
                code="year_out_of_range",
            )
        return year

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise ValidationError(RESULT_NEGATIVE_MESSAGE, code="negative")
        return value


class TargetResultInlineFormSet(LimitedRowsFormSet):
    """A target's values reached, one row a year: each year once."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk:
            form.fields["DELETE"].label = f"Supprimer l'année {form.instance.year}"

    def validate_unique(self):
        # Replaced by clean(), which says which year and shows it next to the row; removed rows
        # do not count (the service deletes them first).
        pass

    def clean(self):
        super().clean()
        seen = set()
        for form in kept_forms(self):
            year = form.cleaned_data.get("year")
            if year is None:
                continue
            if year in seen:
                form.add_error("year", RESULT_YEAR_TAKEN_MESSAGE.format(year=year))
            seen.add(year)


TargetResultFormSet = inlineformset_factory(
    Target,
    TargetResult,
    form=TargetResultForm,
    formset=TargetResultInlineFormSet,
    extra=1,
    can_delete=True,
    # One row a year, of the years a value may be entered for (TargetResult's constraint).
    **row_limits(LAST_DATE.year - FIRST_DATE.year + 1),
)


class TargetResultsView(EditorMixin, View):
    template_name = "conventions/target_results.html"

    def get_target(self) -> Target:
        return get_object_or_404(
            Target.objects.select_related("convention"),
            pk=self.kwargs["target"],
            convention_id=self.kwargs["pk"],
        )

    def formset(self, target: Target, data=None) -> TargetResultInlineFormSet:
        years = result_years(target.convention, timezone.localdate())
        return TargetResultFormSet(
            data,
            instance=target,
            prefix="resultats",
            queryset=TargetResult.objects.order_by("year"),
            form_kwargs={"years": years, "unit": target.unit},
        )

    def get(self, request, **kwargs):
        target = self.get_target()
        return self.render(target, self.formset(target))

    def post(self, request, **kwargs):
        target = self.get_target()
        formset = self.formset(target, request.POST)
        if formset.is_valid():
            try:
                target_results_save(target=target, results=formset, by=request.user)
            except IntegrityError:
                formset._non_form_errors = formset.error_class(
                    [RESULT_SAVED_MEANWHILE_MESSAGE], renderer=formset.renderer
                )
            else:
                messages.success(
                    request, f"Les valeurs atteintes de « {target.label} » sont enregistrées."
                )
                return redirect(anchored(target.convention, f"objectif-{target.pk}"))
        return self.render(target, formset)

    def render(self, target: Target, formset: TargetResultInlineFormSet):
        context = {
            "convention": target.convention,
            "target": target,
            "formset": formset,
            "has_errors": formset.is_bound and not formset.is_valid(),
        }
        return render(self.request, self.template_name, context)
