"""The statistics' rows for the logs already there (stats.services.rebuild)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from stats.services import rebuild


def fill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
