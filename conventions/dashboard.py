"""The dashboard's figures, computed once a day and again after any write to a convention.

Counting the watch lists scans every convention and its reviews and declinations: a handful of
queries that grow slower with the registry. Their result only changes when a convention or one of
its rows is written, or at midnight (statuses and deadlines are relative to the day). So it is
cached under a key made of the day and a generation token, which versioning.py renews whenever a
convention or one of its rows is saved or deleted (`figures_changed`). The cache is the one of
the settings: Redis shared by every app server, else a directory shared by the workers of one.
"""

import datetime
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "dashboard:generation"
# The key holds the day: yesterday's figures expire unread.
FIGURES_TIMEOUT = 24 * 60 * 60

T = TypeVar("T")


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Evicted or never set: a fresh token, never one that figures were cached under.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def cached_figures(compute: Callable[[datetime.date], T]) -> T:
    """`compute(today)`, from the cache unless a convention changed since, or the day did."""
    day = timezone.localdate()
    key = f"dashboard:figures:{day.isoformat()}:{_generation()}"
    figures = cache.get(key)
    if figures is None:
        figures = compute(day)
        cache.set(key, figures, timeout=FIGURES_TIMEOUT)
    return figures


def _renew_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def figures_changed() -> None:
    """Make the next dashboard count again: a convention or one of its rows was written."""
    _renew_generation()
    # Again once committed: a dashboard computed meanwhile, by another request that could not
    # yet see this write, must not stay cached.
    transaction.on_commit(_renew_generation)
