"""The convention form's formsets: the help of their rows, written once per section."""

from django import template

from .. import forms

register = template.Library()


@register.inclusion_tag("conventions/includes/row_help.html")
def row_help(formset):
    """The help of the rows' fields (and of the rows nested in them), once above the rows: each
    row's field is described by it (forms.RowBoundField)."""
    return {"helps": forms.row_help(formset)}
