"""Stored files follow their rows: the file of an attachment or a partner's logo is deleted
from storage once its row's deletion is committed, wherever it happens (staff pages, admin,
a convention deleted with its attachments), and so is the former file a new one replaces.
Never before the commit: a rolled-back deletion keeps both the row and its file. A file that
another row still names is kept.

The `cleanup_media` command finds the files no row names (left by an upload whose save failed,
or by deletions made before these receivers existed).
"""

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save

from partners.models import Partner

from .models import Attachment
from .uploads import ATTACHMENTS_DIR, LOGOS_DIR

# Model -> its file field; the folder its files are stored under.
STORED_FILES: dict[type[models.Model], str] = {Attachment: "file", Partner: "logo"}
UPLOAD_DIRS = (ATTACHMENTS_DIR, LOGOS_DIR)


def named_files(*, using: str | None = None) -> set[str]:
    """The names of the files the rows name now."""
    names = set()
    for model, field in STORED_FILES.items():
        rows = model._default_manager.using(using) if using else model._default_manager
        names.update(rows.exclude(**{field: ""}).values_list(field, flat=True))
    return names


def _named_by_a_row(name: str, using: str) -> bool:
    return any(
        model._default_manager.using(using).filter(**{field: name}).exists()
        for model, field in STORED_FILES.items()
    )


def delete_on_commit(name: str, *, storage, using: str) -> None:
    """Delete the stored file `name` once the current transaction commits, unless a row still
    names it then."""
    if not name:
        return

    def delete():
        if not _named_by_a_row(name, using):
            storage.delete(name)

    transaction.on_commit(delete, using=using)


def _remember_stored_name(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    field = STORED_FILES[sender]
    instance._stored_file_name = (
        sender._default_manager.using(instance._state.db)
        .filter(pk=instance.pk)
        .values_list(field, flat=True)
        .first()
    )


def _delete_replaced_file(sender, instance, raw=False, **kwargs):
    former = instance.__dict__.pop("_stored_file_name", None)
    file = getattr(instance, STORED_FILES[sender])
    if raw or not former or former == file.name:
        return
    delete_on_commit(former, storage=file.storage, using=instance._state.db)


def _delete_file(sender, instance, **kwargs):
    file = getattr(instance, STORED_FILES[sender])
    delete_on_commit(file.name, storage=file.storage, using=instance._state.db)


for model in STORED_FILES:
    uid = model.__name__
    pre_save.connect(_remember_stored_name, sender=model, dispatch_uid=f"files_{uid}_pre_save")
    post_save.connect(_delete_replaced_file, sender=model, dispatch_uid=f"files_{uid}_saved")
    post_delete.connect(_delete_file, sender=model, dispatch_uid=f"files_{uid}_deleted")
