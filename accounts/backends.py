"""Django's permissions, read once per change of roles instead of twice per request.

Every staff page checks a permission, and Django's ModelBackend reads the user's own and group
permissions with two queries on each request. They change only when an administrator gives or
removes a role or a permission, so they are kept in the cache (Redis in production, shared by every
app server) with the token of the roles' last change: any change of a user's groups or
permissions, of a group's permissions, or a group or permission deleted renews the token, and
every user's permissions are read again on their next request. A user made inactive or a
superuser is seen at once: those are columns of the user's row, read on every request.
"""

import uuid

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete

ROLES_GENERATION_KEY = "auth:roles-generation"
# A safety net for a change made without the ORM's signals (SQL by hand): seen within this time.
PERMISSIONS_TIMEOUT = 5 * 60


def permissions_key(user) -> str:
    return f"auth:permissions:{user.pk}"


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = self.cached_permissions(user_obj)
        return user_obj._perm_cache

    def cached_permissions(self, user_obj) -> set[str]:
        key = permissions_key(user_obj)
        found = cache.get_many([ROLES_GENERATION_KEY, key])
        token = found.get(ROLES_GENERATION_KEY)
        stored = found.get(key)
        if token is None:
            # Evicted or never set: a fresh token, before reading the permissions.
            cache.add(ROLES_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(ROLES_GENERATION_KEY)
        elif stored is not None and stored[0] == token:
            return stored[1]
        # Stored under the token read before: a change meanwhile renewed it, and these
        # permissions, perhaps read from the old rows, will be read again.
        permissions = super().get_all_permissions(user_obj)
        cache.set(key, (token, permissions), timeout=PERMISSIONS_TIMEOUT)
        return permissions


def read_permissions_at_sign_in(sender, request, user, **kwargs) -> None:
    """The first page after signing in finds the permissions in the cache."""
    CachedPermissionsBackend().get_all_permissions(user)


def roles_changed(*args, **kwargs) -> None:
    cache.set(ROLES_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    # Again once committed: permissions read meanwhile from the old rows must not stay cached.
    transaction.on_commit(lambda: cache.set(ROLES_GENERATION_KEY, uuid.uuid4().hex, timeout=None))


for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(roles_changed, sender=through, dispatch_uid=f"roles_{through.__name__}")
for model in (Group, Permission):
    post_delete.connect(roles_changed, sender=model, dispatch_uid=f"roles_{model.__name__}")
user_logged_in.connect(read_permissions_at_sign_in, dispatch_uid="read_permissions_at_sign_in")
