"""Category names in nynorsk and English (R-GEN-01): the default lists get their
translations; a municipality's own categories show bokmål until the administrator adds them."""

from django.db import migrations, models

# The default lists as they were created (organisations.services), copied here so that this
# migration does not change when the live lists do.
TRANSLATIONS = {
    "Språk og kommunikasjon": ("Språk og kommunikasjon", "Language and communication"),
    "Sosial fungering og vennskap": (
        "Sosial fungering og venskap",
        "Social functioning and friendship",
    ),
    "Atferd": ("Åtferd", "Behaviour"),
    "Psykisk helse og trivsel": ("Psykisk helse og trivsel", "Mental health and well-being"),
    "Fysisk helse og motorikk": ("Fysisk helse og motorikk", "Physical health and motor skills"),
    "Læring og mestring": ("Læring og meistring", "Learning and coping"),
    "Fravær": ("Fråvær", "Absence"),
    "Hjem og familie": ("Heim og familie", "Home and family"),
    "Rus": ("Rus", "Substance use"),
    "Annet": ("Anna", "Other"),
    "Tilpasset opplæring": ("Tilpassa opplæring", "Adapted education"),
    "Samtale med barnet": ("Samtale med barnet", "Conversation with the child"),
    "Foreldresamarbeid": ("Foreldresamarbeid", "Cooperation with parents"),
    "Veiledning": ("Rettleiing", "Guidance"),
    "Kartlegging": ("Kartlegging", "Assessment"),
    "Henvisning": ("Tilvising", "Referral"),
    "Helsetjeneste": ("Helseteneste", "Health service"),
    "Sosial trening": ("Sosial trening", "Social skills training"),
}


def translate_defaults(apps, schema_editor):
    for model_name in ("ConcernCategory", "MeasureCategory"):
        model = apps.get_model("organisations", model_name)
        for name, (nynorsk, english) in TRANSLATIONS.items():
            model.objects.filter(name=name, name_nn="").update(name_nn=nynorsk)
            model.objects.filter(name=name, name_en="").update(name_en=english)


def _name_fields(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="name",
            field=models.CharField(max_length=100, verbose_name="navn på bokmål"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="name_nn",
            field=models.CharField(default="", max_length=100, verbose_name="navn på nynorsk"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name,
            name="name_en",
            field=models.CharField(default="", max_length=100, verbose_name="navn på engelsk"),
            preserve_default=False,
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
    ]

    operations = [
        *_name_fields("concerncategory"),
        *_name_fields("measurecategory"),
        migrations.RunPython(translate_defaults, migrations.RunPython.noop),
    ]
