"""Reps: 0 no longer means "not logged". Such rows (imports) become empty, the rest is 1–200."""

import django.core.validators
from django.db import migrations, models


def zero_reps_to_empty(apps, schema_editor):
    apps.get_model("core", "Satz").objects.filter(wiederholungen=0).update(wiederholungen=None)


def empty_reps_to_zero(apps, schema_editor):
    apps.get_model("core", "Satz").objects.filter(wiederholungen__isnull=True).update(
        wiederholungen=0
    )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_catalogue_and_aliases"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="satz",
            name="satz_wiederholungen_range",
        ),
        migrations.AlterField(
            model_name="satz",
            name="wiederholungen",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(200),
                ],
                verbose_name="Wiederholungen",
            ),
        ),
        migrations.RunPython(zero_reps_to_empty, empty_reps_to_zero),
        migrations.AddConstraint(
            model_name="satz",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("wiederholungen__isnull", True),
                    models.Q(("wiederholungen__gte", 1), ("wiederholungen__lte", 200)),
                    _connector="OR",
                ),
                name="satz_wiederholungen_1_200",
            ),
        ),
    ]
