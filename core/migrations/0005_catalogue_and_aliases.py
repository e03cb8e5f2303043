"""The German exercise catalogue and its English aliases (data: ``core.catalogue``)."""

from django.db import migrations

from core.catalogue import seed_catalogue, unseed_catalogue


def forwards(apps, schema_editor):
    seed_catalogue(apps.get_model("core", "Uebung"), apps.get_model("core", "UebungAlias"))


def backwards(apps, schema_editor):
    unseed_catalogue(apps.get_model("core", "Uebung"), apps.get_model("core", "UebungAlias"))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_workout_exercises_from_sets")]

    operations = [migrations.RunPython(forwards, backwards)]
