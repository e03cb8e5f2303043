"""The log's data migrations run both ways: order from sets, catalogue and aliases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0003_log_models")]
AFTER_ORDER = [("core", "0004_workout_exercises_from_sets")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_workout_order_from_sets_forwards_and_back(django_user_model):
    apps = migrate(BEFORE)
    user = apps.get_model("auth", "User").objects.create(username="alt")
    Uebung = apps.get_model("core", "Uebung")
    a, b, c = (Uebung.objects.create(name=n) for n in ("A", "B", "C"))
    Einheit = apps.get_model("core", "Trainingseinheit")
    einheit = Einheit.objects.create(user=user, datum=datetime(2024, 1, 1, tzinfo=UTC))
    Satz = apps.get_model("core", "Satz")
    for uebung, nr in ((b, 1), (a, 1), (b, 2), (c, 1), (a, 2)):
        Satz.objects.create(einheit=einheit, uebung=uebung, satz_nr=nr, wiederholungen=5)

    apps = migrate(AFTER_ORDER)
    rows = apps.get_model("core", "WorkoutExercise").objects.filter(einheit_id=einheit.pk)
    assert list(rows.order_by("position").values_list("uebung_id", "position")) == [
        (b.pk, 1),
        (a.pk, 2),
        (c.pk, 3),
    ]
    apps = migrate(BEFORE)
    assert not apps.get_model("core", "WorkoutExercise").objects.exists()
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_catalogue_migration_reverses_but_keeps_used_entries(django_user_model):
    from core.catalogue import seed_catalogue
    from core.models import Satz, Trainingseinheit, Uebung, UebungAlias

    seed_catalogue()  # a flush of an earlier transactional test removed the migration's rows
    user = django_user_model.objects.create_user("alt")
    bench = Uebung.objects.get(name="Bankdrücken (Langhantel)", owner=None)
    einheit = Trainingseinheit.objects.create(user=user, datum=datetime(2024, 1, 1, tzinfo=UTC))
    Satz.objects.create(einheit=einheit, uebung=bench, satz_nr=1, wiederholungen=5)
    assert UebungAlias.objects.filter(uebung=bench).exists()

    migrate(AFTER_ORDER)  # 0005 reversed
    assert list(Uebung.objects.filter(owner=None).values_list("name", flat=True)) == [bench.name]
    assert not UebungAlias.objects.exists()
    migrate(latest())
    assert UebungAlias.objects.filter(uebung=bench).count() >= 4
    assert Uebung.objects.filter(owner=None).count() > 60
