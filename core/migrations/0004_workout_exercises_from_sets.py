"""Existing workouts get their exercise order from their sets (first set id), reversibly."""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    Satz = apps.get_model("core", "Satz")
    WorkoutExercise = apps.get_model("core", "WorkoutExercise")
    positions: dict[int, int] = {}
    seen: set[tuple[int, int]] = set()
    batch = []
    rows = Satz.objects.order_by("id").values_list("einheit_id", "uebung_id")
    for einheit_id, uebung_id in rows.iterator(chunk_size=BATCH):
        if (einheit_id, uebung_id) in seen:
            continue
        seen.add((einheit_id, uebung_id))
        positions[einheit_id] = positions.get(einheit_id, 0) + 1
        batch.append(
            WorkoutExercise(
                einheit_id=einheit_id, uebung_id=uebung_id, position=positions[einheit_id]
            )
        )
        if len(batch) >= BATCH:
            WorkoutExercise.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    WorkoutExercise.objects.bulk_create(batch, ignore_conflicts=True)


def backwards(apps, schema_editor):
    apps.get_model("core", "WorkoutExercise").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_log_models")]

    operations = [migrations.RunPython(forwards, backwards)]
