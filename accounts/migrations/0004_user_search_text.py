"""The person's names and e-mail in one upper-cased column, kept by the database, for the
actor search (R-MEET-04, issue 9): a word is looked for in it with one LIKE, instead of
upper-casing three columns of every actor on every search.

On a big table, PostgreSQL rewrites it to add a stored column: about a second for fifty
thousand people on the benchmark machine, with the table locked meanwhile.
"""

import django.db.models.functions.text
from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_name_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Concat(
                        "first_name",
                        models.Value(" "),
                        "last_name",
                        models.Value(" "),
                        "email",
                        output_field=models.TextField(),
                    )
                ),
                output_field=accounts.models.SearchText(),
            ),
        ),
    ]
