"""The files the database points at (every FileField of every model), and the stored files
of the rows a deletion takes with it. Used by retention (R-SEC-06) and `check_files`."""

import contextlib
import logging
from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models, router, transaction
from django.db.models.deletion import Collector

logger = logging.getLogger(__name__)

StoredFile = tuple[Storage, str]


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [field for field in model._meta.get_fields() if isinstance(field, models.FileField)]


def files_of_deletion(obj: models.Model) -> list[StoredFile]:
    """The stored files of `obj` and of every row its deletion cascades to."""
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    found: list[StoredFile] = []
    for model, instances in collector.data.items():
        for field in file_fields(model):
            found += [
                (field.storage, name)
                for name in (getattr(i, field.attname) for i in instances)
                if name
            ]
    # Rows Django deletes without loading them (no signals, nothing cascading from them).
    for queryset in collector.fast_deletes:
        for field in file_fields(queryset.model):
            found += [
                (field.storage, str(name))
                for name in queryset.values_list(field.attname, flat=True)
                if name
            ]
    return found


def delete_on_commit(files: list[StoredFile]) -> None:
    """Delete the files once the deletion of their rows is committed: a rollback leaves
    them with their rows. A crash in between leaves files with no row, which
    `manage.py check_files` lists."""

    def delete() -> None:
        for storage, name in files:
            with contextlib.suppress(OSError):
                storage.delete(name)

    transaction.on_commit(delete)


def referenced_files() -> Iterator[tuple[type[models.Model], int, StoredFile]]:
    """Every (model, pk, (storage, name)) a row points at."""
    for model in apps.get_models():
        for field in file_fields(model):
            rows = model._default_manager.exclude(**{field.attname: ""}).values_list(
                "pk", field.attname
            )
            for pk, name in rows.iterator():
                if name:
                    yield model, pk, (field.storage, str(name))
