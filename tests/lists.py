from conventions.models import Convention


def listed(response) -> list[Convention]:
    """The conventions a page of the list shows, in its order (its context holds their ids)."""
    ids = response.context["convention_ids"]
    found = Convention.objects.in_bulk(ids)
    return [found[pk] for pk in ids]
