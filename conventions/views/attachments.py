"""The files kept with a convention: downloaded by its readers, added and removed by editors from
the convention page (a plain multipart form: no script needed)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ..forms import StaffFormMixin
from ..models import Attachment, Convention
from ..services import attachment_add, attachment_delete
from ..uploads import ATTACHMENT_KINDS, attachment_help_text, private_file_response
from .follow_up import EditorMixin, anchored

ANCHOR = "pieces-jointes"
ACCEPT = ",".join(f".{extension}" for kind in ATTACHMENT_KINDS for extension in kind.extensions)


class AttachmentForm(StaffFormMixin, forms.ModelForm):
    """A new attachment; the file's checks are the model field's (conventions/uploads.py)."""

    class Meta:
        model = Attachment
        fields = ["title", "kind", "file"]
        labels = {"title": "Titre de la pièce jointe", "kind": "Type de pièce"}
        help_texts = {"title": "Il sert aussi de nom au fichier téléchargé."}
        widgets = {"file": forms.FileInput(attrs={"accept": ACCEPT})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "piece")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = attachment_help_text()


class AttachmentDownloadView(PermissionRequiredMixin, View):
    """The file, as a download named after the attachment's title, for any reader."""

    permission_required = "conventions.view_convention"
    raise_exception = True

    def get(self, request, pk, attachment):
        attachment = get_object_or_404(Attachment, pk=attachment, convention_id=pk)
        return private_file_response(
            attachment.file.name,
            stem=attachment.title,
            default_stem="piece-jointe",
            kinds=ATTACHMENT_KINDS,
            as_attachment=True,
        )


class AttachmentView(EditorMixin, View):
    def get_convention(self) -> Convention:
        return get_object_or_404(Convention.objects.with_status(), pk=self.kwargs["pk"])

    def render(self, convention: Convention, **context):
        context |= {"convention": convention}
        return render(self.request, self.template_name, context)


class AttachmentCreateView(AttachmentView):
    """Posted from the convention page's form. Its own page shows the form again with the
    errors (or empty, opened directly)."""

    template_name = "conventions/attachment_form.html"

    def get(self, request, pk):
        return self.render(self.get_convention(), form=AttachmentForm())

    def post(self, request, pk):
        convention = self.get_convention()
        form = AttachmentForm(
            request.POST, request.FILES, instance=Attachment(convention=convention)
        )
        if not form.is_valid():
            return self.render(convention, form=form)
        attachment = attachment_add(attachment=form.save(commit=False), by=request.user)
        messages.success(request, f"La pièce jointe « {attachment} » est ajoutée.")
        return redirect(anchored(convention, ANCHOR))


class AttachmentDeleteView(AttachmentView):
    template_name = "conventions/attachment_delete.html"

    def get_attachment(self, convention: Convention) -> Attachment:
        return get_object_or_404(Attachment, pk=self.kwargs["attachment"], convention=convention)

    def get(self, request, pk, attachment):
        convention = self.get_convention()
        return self.render(convention, attachment=self.get_attachment(convention))

    def post(self, request, pk, attachment):
        convention = self.get_convention()
        attachment = self.get_attachment(convention)
        title = str(attachment)
        attachment_delete(attachment=attachment, by=request.user)
        messages.success(request, f"La pièce jointe « {title} » a été supprimée.")
        return redirect(anchored(convention, ANCHOR))
