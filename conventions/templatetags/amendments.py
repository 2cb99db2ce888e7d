"""How the parts of a convention an amendment rewrote read on its page and in its PDF."""

from django import template
from django.db import models

from ..compare import amended_value_label
from ..models import AmendmentChange, Convention

register = template.Library()


@register.filter
def rewrites_text(change: AmendmentChange) -> bool:
    """Whether `change` gives a part of the text a new wording (rather than a new number)."""
    return isinstance(Convention._meta.get_field(change.field), models.TextField)


@register.filter
def amended_value(text: str, field: str) -> str:
    """A value an amendment set or replaced, as a person reads it: "150 000 €", "2 mois"."""
    return amended_value_label(field, text)
