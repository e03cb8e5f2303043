"""The nightly jobs as django-celery-beat rows: created once, then owned by the admins.

A restart does not touch them (unlike CELERY_BEAT_SCHEDULE, which the DatabaseScheduler
re-syncs at every start). 03:30 Europe/Berlin stays clear of the 02:00–03:00 DST hole.
"""

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    {
        "name": "nightly_full_retrain",
        "task": "workers.tasks.nightly_full_retrain",
        "minute": "30",
        "hour": "3",
        "description": "Populationsmodell, dann alle Modelle aller Lifter neu trainieren.",
    },
    {
        "name": "cleanup_stale_models",
        "task": "workers.tasks.cleanup_stale_models",
        "minute": "30",
        "hour": "4",
        "description": "Alte Modelle, verwaiste Dateien und hängende Trainings aufräumen.",
    },
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for spec in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=spec["minute"],
            hour=spec["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Berlin",
        )
        PeriodicTask.objects.get_or_create(
            name=spec["name"],
            defaults={
                "task": spec["task"],
                "crontab": crontab,
                "enabled": True,
                "description": spec["description"],
            },
        )
    # Tell a running beat that the schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask.objects.filter(name__in=[spec["name"] for spec in SCHEDULES]).delete()
    for spec in SCHEDULES:
        CrontabSchedule.objects.filter(
            minute=spec["minute"],
            hour=spec["hour"],
            timezone="Europe/Berlin",
            periodictask__isnull=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workers", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
