"""The convention page's follow-up parts: each action's follow-up form, for editors."""

from django import template

from ..models import Commitment

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_up_form(context, commitment: Commitment):
    """The follow-up form of `commitment`: the one the view refused (with its errors) when it is
    this action's, else a new one filled with the action's values."""
    from ..views.follow_up import CommitmentFollowUpForm

    refused = context.get("follow_up_form")
    if refused is not None and refused.instance.pk == commitment.pk:
        return refused
    return CommitmentFollowUpForm(instance=commitment)
