"""What the pages compute from the whole registry, cached until the registry changes.

The dashboard's figures (counting the watch lists scans every convention, its reviews and its
declinations) and the conventions list (its filter panel offers hundreds of partners,
territories, themes and audiences; its count reads every matching row; its 50 rows and their
parties take most of the page's time) are what the staff pages spend their time on. They only
change when a convention, one of its rows, a partner or a taxonomy entry is written, or at
midnight (statuses and deadlines are relative to the day). So they are cached under keys holding
a generation token, which the receivers renew on any such write (`registry_changed`: see
versioning.py for the conventions and their rows, and the receivers below). The cache is the one
of the settings: Redis shared by every app server, else a directory shared by the workers of one.
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from partners.models import Partner, Territory

from .models import Audience, Theme

# Two generation tokens: one renewed by any write to a convention or one of its rows
# (versioning.py), one by any write to a partner, a territory, a theme or an audience.
GENERATION_KEY = "registry:generation"
REFERENCE_GENERATION_KEY = "registry:reference-generation"
# The key holds the day: yesterday's figures expire unread.
FIGURES_TIMEOUT = 24 * 60 * 60
LIST_TIMEOUT = 24 * 60 * 60

T = TypeVar("T")


def generation(key: str = GENERATION_KEY) -> str:
    token = cache.get(key)
    if token is None:
        # Evicted or never set: a fresh token, never one that anything was cached under.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return token


def cached(key: str, compute: Callable[[], T], timeout: int = LIST_TIMEOUT) -> T:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def cached_figures(compute: Callable[[datetime.date], T]) -> T:
    """`compute(today)`, from the cache unless a convention changed since, or the day did."""
    day = timezone.localdate()
    key = f"dashboard:figures:{day.isoformat()}:{generation()}"
    return cached(key, lambda: compute(day), timeout=FIGURES_TIMEOUT)


def _digest(params) -> str:
    criteria = repr(sorted((key, values) for key, values in params.lists()))
    return hashlib.md5(criteria.encode(), usedforsecurity=False).hexdigest()


def list_key(params) -> str:
    """A page of the conventions list (its rows, as `{% cache %}` fragment of
    convention_list.html, and its count, views.browse.CachedCountPaginator): its parameters,
    as of today (statuses change at midnight), of the conventions and of the partners (their
    names show in the rows)."""
    day = timezone.localdate().isoformat()
    return f"{day}:{generation()}:{generation(REFERENCE_GENERATION_KEY)}:{_digest(params)}"


def filters_key(params) -> str:
    """The list's filter panel: its options are partners, territories, themes and audiences,
    whatever the page; conventions only name the national one of `declinaison_de`."""
    criteria = params.copy()
    criteria.pop("page", None)
    conventions = generation() if "declinaison_de" in criteria else ""
    return f"{generation(REFERENCE_GENERATION_KEY)}:{conventions}:{_digest(criteria)}"


def convention_page_key(convention, user) -> str:
    """A convention's page as readers see it: its rows, other conventions (renewals,
    declinations) and partners, as of today; the buttons a reader's rights show."""
    rights = f"{user.has_perm('conventions.add_convention'):d}{user.is_staff:d}"
    day = timezone.localdate().isoformat()
    return (
        f"convention-page:{convention.pk}:{day}:{generation()}:"
        f"{generation(REFERENCE_GENERATION_KEY)}:{rights}"
    )


def _renewer(key: str) -> Callable[..., None]:
    def renew(*args, **kwargs) -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)
        # Again once committed: a page computed meanwhile, by another request that could not
        # yet see this write, must not stay cached.
        transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=None))

    return renew


# A convention or one of its rows was written (versioning.py calls it).
registry_changed = _renewer(GENERATION_KEY)
reference_changed = _renewer(REFERENCE_GENERATION_KEY)

for model in (Partner, Territory, Theme, Audience):
    post_save.connect(reference_changed, sender=model, dispatch_uid=f"cache_{model.__name__}_saved")
    post_delete.connect(
        reference_changed, sender=model, dispatch_uid=f"cache_{model.__name__}_deleted"
    )
