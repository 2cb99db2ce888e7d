"""A convention's version is raised by any change to it or to a row hanging off it.

`Convention.save()` raises it for the convention itself; the receivers below raise it when one
of its rows is saved or deleted, wherever that happens (its edit page, the admin's pages, the
follow-up pages, a service), with one UPDATE. So an editor who loaded the edit page before
someone changed only an axis in the admin is told of the conflict (see
services.check_version).

A write that saves the convention itself runs under `raises_version` (convention_save): the
rows it saves then do not raise the version again, one edit making one version.

The cached parts of the pages (page_cache.py) follow the same writes: the convention's own save
or delete, or a row's when it raises the version.
"""

import functools
from contextvars import ContextVar

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from . import page_cache
from .models import CONVENTION_ROWS, AmendmentChange, Convention, TargetResult

# Row model -> (lookup on Convention, the row's attribute it takes).
CONVENTION_OF = {
    **dict.fromkeys(CONVENTION_ROWS, ("pk", "convention_id")),
    TargetResult: ("targets", "target_id"),
    AmendmentChange: ("amendments", "amendment_id"),
}

_raised_by_caller: ContextVar[bool] = ContextVar(
    "convention_version_raised_by_caller", default=False
)


def raises_version(func):
    """Decorate a write that saves its convention (raising its version) besides its rows."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        token = _raised_by_caller.set(True)
        try:
            return func(*args, **kwargs)
        finally:
            _raised_by_caller.reset(token)

    return wrapper


def raise_version(**lookup) -> None:
    # A queryset update: the version is left out of the history, and no signal fires again.
    Convention.objects.filter(**lookup).update(version=F("version") + 1)


def _deleted_with_its_convention(origin) -> bool:
    return getattr(origin, "model", type(origin)) is Convention


def row_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _raised_by_caller.get():
        return
    if origin is not None and _deleted_with_its_convention(origin):
        return
    lookup, attname = CONVENTION_OF[sender]
    raise_version(**{lookup: getattr(instance, attname)})
    page_cache.registry_changed()


def convention_changed(sender, instance, **kwargs):
    # Its version is raised by save() itself; loaded fixtures (raw) count too.
    page_cache.registry_changed()


post_save.connect(convention_changed, sender=Convention, dispatch_uid="dashboard_convention_saved")
post_delete.connect(
    convention_changed, sender=Convention, dispatch_uid="dashboard_convention_deleted"
)


for row in CONVENTION_OF:
    post_save.connect(row_changed, sender=row, dispatch_uid=f"version_{row.__name__}_saved")
    post_delete.connect(row_changed, sender=row, dispatch_uid=f"version_{row.__name__}_deleted")
