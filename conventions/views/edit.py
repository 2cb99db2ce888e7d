"""Create and edit a convention with its parties, signatories, axes and actions, and targets."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ..forms import ConventionForms
from ..models import Convention
from ..services import convention_save


class ConventionFormView(PermissionRequiredMixin, View):
    raise_exception = True
    template_name = "conventions/convention_form.html"
    success_message = ""

    def get_convention(self) -> Convention | None:
        return None

    def get(self, request, *args, **kwargs):
        return self.render(ConventionForms(instance=self.get_convention()))

    def post(self, request, *args, **kwargs):
        forms = ConventionForms(request.POST, request.FILES, instance=self.get_convention())
        if not forms.is_valid():
            return self.render(forms)
        convention = convention_save(
            form=forms.form,
            parties=forms.parties,
            signatories=forms.signatories,
            axes=forms.axes,
            targets=forms.targets,
            by=request.user,
        )
        messages.success(request, self.success_message.format(title=convention.title))
        return redirect("conventions:convention_detail", pk=convention.pk)

    def render(self, forms: ConventionForms):
        context = {
            "forms": forms,
            "form": forms.form,
            "convention": forms.form.instance,
            "errors": forms.error_summary() if forms.form.is_bound else [],
        }
        return render(self.request, self.template_name, context)


class ConventionCreateView(ConventionFormView):
    permission_required = "conventions.add_convention"
    success_message = "La convention « {title} » a été créée."


class ConventionUpdateView(ConventionFormView):
    permission_required = "conventions.change_convention"
    success_message = "Les modifications de la convention « {title} » ont été enregistrées."

    def get_convention(self) -> Convention:
        return get_object_or_404(Convention, pk=self.kwargs["pk"])
