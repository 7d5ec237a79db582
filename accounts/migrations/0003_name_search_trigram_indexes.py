"""Trigram indexes for searching people by any part of their name or e-mail (R-MEET-04,
R-TRAN-02), on PostgreSQL only.

The searches ask `UPPER(column::text) LIKE UPPER('%word%')` (Django's icontains); these
GIN indexes are on exactly that expression, so PostgreSQL reads the matching rows instead
of every person. SQLite has no such index: there the migration does nothing. The indexes
are left out of the model state on purpose: SQLite rebuilds a table from that state when a
column changes, and would then try to make an index it cannot have.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

SEARCHED = {
    "accounts_user_first_name_trgm": "first_name",
    "accounts_user_last_name_trgm": "last_name",
    "accounts_user_email_trgm": "email",
}


def _indexes():
    return [
        GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), name=name)
        for name, column in SEARCHED.items()
    ]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    user = apps.get_model("accounts", "User")
    for index in _indexes():
        schema_editor.add_index(user, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    user = apps.get_model("accounts", "User")
    for index in _indexes():
        schema_editor.remove_index(user, index)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_activationtoken")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
    ]
