"""Migrations that change data: forwards and backwards without losing a row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.core.test_log_migrations import latest as _latest
from tests.core.test_log_migrations import migrate as _migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0005_catalogue_and_aliases")]
AFTER = [("core", "0006_satz_wiederholungen_not_zero")]


def test_zero_reps_become_not_logged_and_back(django_user_model):
    try:
        apps = _migrate(BEFORE)
        user = apps.get_model("auth", "User").objects.create(username="alt")
        uebung = apps.get_model("core", "Uebung").objects.create(name="Plank")
        einheit = apps.get_model("core", "Trainingseinheit").objects.create(
            user_id=user.pk, datum=datetime(2024, 1, 1, tzinfo=UTC)
        )
        satz_model = apps.get_model("core", "Satz")
        held = satz_model.objects.create(
            einheit=einheit, uebung=uebung, satz_nr=1, gewicht=0, wiederholungen=0
        )
        lifted = satz_model.objects.create(
            einheit=einheit, uebung=uebung, satz_nr=2, gewicht=20, wiederholungen=8
        )

        apps = _migrate(AFTER)
        satz_model = apps.get_model("core", "Satz")
        assert satz_model.objects.get(pk=held.pk).wiederholungen is None
        assert satz_model.objects.get(pk=lifted.pk).wiederholungen == 8

        apps = _migrate(BEFORE)
        satz_model = apps.get_model("core", "Satz")
        assert satz_model.objects.get(pk=held.pk).wiederholungen == 0
        assert satz_model.objects.get(pk=lifted.pk).wiederholungen == 8
    finally:
        _migrate(_latest())
