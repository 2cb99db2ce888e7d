"""The convention page's lifecycle parts: the action buttons and the renewal chain."""

from django import template
from django.core.exceptions import ValidationError

from ..financial import can_frame
from ..models import Convention
from ..models.convention import STATUS_DATES
from ..services import (
    check_amendable,
    check_declinable,
    check_deletable,
    check_renewable,
    check_terminable,
)

register = template.Library()

# A renewal chain is a handful of conventions (one every three to ten years); the cap only
# guards the page against a chain made absurdly long or circular by hand in the admin.
CHAIN_LIMIT = 20
# With the dates of its status, computed in Python (Convention.current_status).
CHAIN_FIELDS = ("pk", "title", "reference", "predecessor_id", *STATUS_DATES)


def _allowed(check, **kwargs) -> bool:
    try:
        check(**kwargs)
    except ValidationError:
        return False
    return True


@register.inclusion_tag("conventions/includes/lifecycle_actions.html", takes_context=True)
def lifecycle_actions(context, convention: Convention):
    """The "Renouveler", "Décliner localement", "Ajouter un avenant", "Résilier" and "Nouvelle
    convention financière" and "Supprimer" buttons, for editors, where allowed."""
    may_add = context["perms"]["conventions"]["add_convention"]
    may_change = context["perms"]["conventions"]["change_convention"]
    return {
        "convention": convention,
        "can_renew": may_add and _allowed(check_renewable, convention=convention),
        "can_decline": may_add and _allowed(check_declinable, convention=convention),
        "can_amend": may_change and _allowed(check_amendable, convention=convention),
        "can_terminate": may_change and _allowed(check_terminable, convention=convention),
        "can_add_financial": may_add and can_frame(convention),
        "can_delete": may_change
        and _allowed(check_deletable, convention=convention, by=context["user"]),
    }


def renewal_chain(convention: Convention, *, limit: int = CHAIN_LIMIT) -> list[Convention]:
    """`convention`'s renewal chain, oldest first.

    One query per earlier convention (following `predecessor`), then one per later generation
    (the successors of the previous one: several if a convention was renewed twice by hand),
    at most `limit` of each. The first step each way reads what the page already loaded
    (`predecessor` selected, `successors` prefetched), so a convention with no chain or a
    one-step chain costs no query; a convention seen twice (a loop) ends the walk.
    """
    rows = Convention.objects.only(*CHAIN_FIELDS)
    seen = {convention.pk}

    earlier = []
    previous = convention.predecessor
    while previous is not None and previous.pk not in seen and len(earlier) < limit:
        earlier.append(previous)
        seen.add(previous.pk)
        previous_id = previous.predecessor_id
        previous = rows.filter(pk=previous_id).first() if previous_id else None

    later = []
    generation = [c for c in convention.successors.all() if c.pk not in seen]
    for _ in range(limit):
        if not generation:
            break
        later += generation
        seen.update(c.pk for c in generation)
        generation = list(
            rows.filter(predecessor__in=[c.pk for c in generation])
            .exclude(pk__in=seen)
            .order_by("signed_on", "pk")
        )
    return [*reversed(earlier), convention, *later]


@register.inclusion_tag("conventions/includes/lifecycle_chain.html")
def renewal_chain_list(convention: Convention):
    """The whole renewal chain, once it is longer than the direct links already shown."""
    return {"convention": convention, "chain": renewal_chain(convention)}
