"""What the pages compute from the whole registry, cached until the registry changes.

The dashboard's figures (counting the watch lists scans every convention, its reviews and its
declinations) and the conventions list (its filter panel offers hundreds of partners,
territories, themes and audiences; its count reads every matching row; its 50 rows and their
parties take most of the page's time) are what the staff pages spend their time on. They only
change when a convention, one of its rows, a partner or a taxonomy entry is written, or at
midnight (statuses and deadlines are relative to the day). So they are cached under keys holding
a generation token, which the receivers renew on any such write (`registry_changed`: see
versioning.py for the conventions and their rows, and the receivers below). Each convention's
row in the list is kept under its own version instead (`row_keys`): after a write, a page of the
list renders again only the rows that changed. A convention's page is kept under a stamp of the
conventions it shows (`convention_page_key`): a write elsewhere leaves it. The cache is the one
of the settings: Redis shared by every app server, else a directory shared by the workers of one.
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

from partners.models import Partner, Territory

from .models import Audience, Convention, Theme

# Two generation tokens: one renewed by any write to a convention or one of its rows
# (versioning.py), one by any write to a partner, a territory, a theme or an audience.
GENERATION_KEY = "registry:generation"
REFERENCE_GENERATION_KEY = "registry:reference-generation"
# The key holds the day: yesterday's figures expire unread.
FIGURES_TIMEOUT = 24 * 60 * 60
LIST_TIMEOUT = 24 * 60 * 60

T = TypeVar("T")
K = TypeVar("K")


def generations(*keys: str) -> list[str]:
    """The tokens of `keys`, in one round trip to the cache."""
    tokens = cache.get_many(keys)
    for key in keys:
        if key not in tokens:
            # Evicted or never set: a fresh token, never one that anything was cached under.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            tokens[key] = cache.get(key)
    return [tokens[key] for key in keys]


def cached(key: str, compute: Callable[[], T], timeout: int = LIST_TIMEOUT) -> T:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def cached_figures(compute: Callable[[datetime.date], T]) -> T:
    """`compute(today)`, from the cache unless a convention changed since, or the day did."""
    day = timezone.localdate()
    (conventions,) = generations(GENERATION_KEY)
    key = f"dashboard:figures:{day.isoformat()}:{conventions}"
    return cached(key, lambda: compute(day), timeout=FIGURES_TIMEOUT)


def _digest(params) -> str:
    criteria = repr(sorted((key, values) for key, values in params.lists()))
    return hashlib.md5(criteria.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class ListKeys:
    """The keys of what a page of the conventions list keeps (views.browse.ConventionListView).

    - filters: the filter panel. Its options are partners, territories, themes and audiences,
      whatever the page; conventions only name the national one of `declinaison_de`.
    - results: the page's rows and count, as of today (statuses change at midnight), of the
      conventions and of the partners (their names show in the rows).
    - count: the number of matches, shared by every page of the same criteria.
    """

    filters: str
    results: str
    count: str


def list_keys(params) -> ListKeys:
    conventions, references = generations(GENERATION_KEY, REFERENCE_GENERATION_KEY)
    day = timezone.localdate().isoformat()
    criteria = params.copy()
    criteria.pop("page", None)
    criteria_digest = _digest(criteria)
    national = conventions if "declinaison_de" in criteria else ""
    return ListKeys(
        filters=f"conventions:filters:{references}:{national}:{criteria_digest}",
        results=f"conventions:results:{day}:{conventions}:{references}:{_digest(params)}",
        count=f"conventions:count:{day}:{conventions}:{references}:{criteria_digest}",
    )


def cached_many(keys: dict[K, str], render: Callable[[list[K]], dict[K, str]]) -> dict[K, str]:
    """The HTML kept under each of `keys` ({name: cache key}), read in one round trip; those
    missing are rendered by `render(their names)` and kept for the day."""
    found = cache.get_many(keys.values())
    missing = [name for name, key in keys.items() if key not in found]
    rendered = render(missing) if missing else {}
    if rendered:
        cache.set_many({keys[name]: html for name, html in rendered.items()}, LIST_TIMEOUT)
    return {
        name: found[key] if key in found else rendered[name]
        for name, key in keys.items()
        if key in found or name in rendered
    }


def row_keys(rows) -> dict[int, str]:
    """The keys of the conventions' rows in lists (list_rows.ListRow): a row changes with its
    convention or one of its rows (the version), with its status (at midnight, for a few) and
    with the partners (their names). updated_at tells apart two conventions that had the same
    id and version in different data (generated again, restored)."""
    (references,) = generations(REFERENCE_GENERATION_KEY)
    return {
        row["pk"]: (
            f"conventions:row:{row['pk']}:{row['version']}:{row['updated_at'].timestamp()}:"
            f"{row['status'].value}:{references}"
        )
        for row in rows
    }


def convention_page_key(pk: int, user) -> str:
    """A convention's page: its rows and those of the conventions it shows (renewal chain,
    national convention, declinations: Convention.objects.page_stamp), the partners, as of
    today, and the buttons and forms the user's rights show. A write elsewhere in the registry
    leaves it cached. Its forms' CSRF tokens are kept as a placeholder (csrf_placeholder):
    one rendering serves every user with the same rights."""
    rights = "".join(
        f"{user.has_perm(f'conventions.{right}_convention'):d}"
        for right in ("add", "change", "delete")
    )
    day = timezone.localdate().isoformat()
    (references,) = generations(REFERENCE_GENERATION_KEY)
    stamp = hashlib.md5(
        repr(Convention.objects.page_stamp(pk)).encode(), usedforsecurity=False
    ).hexdigest()
    return f"convention-page:{pk}:{day}:{stamp}:{references}:{rights}{user.is_staff:d}"


def csrf_placeholder() -> str:
    """What a cached page holds where its forms' CSRF token goes: derived from the secret key,
    so no text typed by a user can be taken for it."""
    return "csrf-" + salted_hmac("conventions.page_cache", "csrf-placeholder").hexdigest()


def with_csrf_token(request, html: str) -> str:
    """`html` with the placeholder replaced by the request's CSRF token, as {% csrf_token %}
    would write it (and the CSRF cookie sent with the response, if new)."""
    placeholder = csrf_placeholder()
    if placeholder not in html:
        return html
    # The token is made of letters and digits: the page stays safe HTML.
    return mark_safe(html.replace(placeholder, get_token(request)))


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
