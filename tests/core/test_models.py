from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import (
    Koerpergewicht,
    MLPredictionModel,
    ModelStatus,
    Satz,
    Trainingseinheit,
    Uebung,
    UserProfile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def einheit(user_a):
    return Trainingseinheit.objects.create(user=user_a, datum=timezone.now(), name="Push")


def test_every_user_gets_a_kg_profile(user_a):
    assert UserProfile.objects.get(user=user_a).display_unit == "kg"


@pytest.mark.parametrize(
    "fields",
    [
        {"gewicht": Decimal("-1")},
        {"gewicht": Decimal("1000.5")},
        {"wiederholungen": 201},
        {"wiederholungen": 0},
        {"rpe": Decimal("11")},
        {"rpe": Decimal("0.5")},
    ],
)
def test_database_rejects_out_of_range_sets(einheit, bank, fields):
    values = {"einheit": einheit, "uebung": bank, "gewicht": Decimal("60"), "wiederholungen": 8}
    values.update(fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Satz.objects.create(**values)
    assert not Satz.objects.exists()


def test_valid_set_is_stored(einheit, bank):
    satz = Satz.objects.create(
        einheit=einheit, uebung=bank, gewicht=Decimal("62.5"), wiederholungen=8, rpe=Decimal("7.5")
    )
    satz.full_clean()
    assert Satz.objects.get().gewicht == Decimal("62.5")


def test_at_most_one_active_model_per_user_and_exercise(user_a, bank):
    MLPredictionModel.objects.create(user=user_a, uebung=bank, status=ModelStatus.ACTIVE)
    MLPredictionModel.objects.create(user=user_a, uebung=bank, status=ModelStatus.OUTDATED)
    with pytest.raises(IntegrityError), transaction.atomic():
        MLPredictionModel.objects.create(user=user_a, uebung=bank, status=ModelStatus.ACTIVE)


def test_catalogue_names_are_unique_but_users_may_reuse_them(user_a, user_b, bank):
    Uebung.objects.create(name="Bankdrücken", owner=user_a)
    Uebung.objects.create(name="Bankdrücken", owner=user_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Uebung.objects.create(name="Bankdrücken")


def test_reps_may_be_not_logged_but_never_zero(einheit, bank):
    held = Satz.objects.create(einheit=einheit, uebung=bank, gewicht=0, wiederholungen=None)
    assert Satz.objects.get(pk=held.pk).wiederholungen is None


@pytest.mark.parametrize("kg", ["19.999", "400.001"])
def test_database_rejects_impossible_body_weights(user_a, kg):
    with pytest.raises(IntegrityError), transaction.atomic():
        Koerpergewicht.objects.create(user=user_a, datum="2026-01-01", gewicht=Decimal(kg))


def test_one_body_weight_per_day(user_a, user_b):
    Koerpergewicht.objects.create(user=user_a, datum="2026-01-01", gewicht=Decimal("80"))
    Koerpergewicht.objects.create(user=user_b, datum="2026-01-01", gewicht=Decimal("60"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Koerpergewicht.objects.create(user=user_a, datum="2026-01-01", gewicht=Decimal("81"))


def test_a_set_without_number_becomes_the_next_of_its_exercise_in_the_workout(
    einheit, bank, user_a
):
    squat = Uebung.objects.create(name="Kniebeuge")
    other = Trainingseinheit.objects.create(user=user_a, datum=timezone.now() - timedelta(days=1))
    logged = [
        Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=8),
        Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=8),
        Satz.objects.create(einheit=einheit, uebung=squat, gewicht=100, wiederholungen=5),
        Satz.objects.create(einheit=einheit, uebung=bank, satz_nr=7, gewicht=60, wiederholungen=6),
        Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=5),
        Satz.objects.create(einheit=other, uebung=bank, gewicht=55, wiederholungen=8),
    ]
    assert [s.satz_nr for s in logged] == [1, 2, 1, 7, 8, 1]
    stored = Satz.objects.filter(pk__in=[s.pk for s in logged]).order_by("pk")
    assert list(stored.values_list("satz_nr", flat=True)) == [1, 2, 1, 7, 8, 1]
    # A number given explicitly is still unique within (workout, exercise).
    with pytest.raises(IntegrityError), transaction.atomic():
        Satz.objects.create(einheit=einheit, uebung=bank, satz_nr=2, gewicht=60, wiederholungen=8)


def test_an_edited_set_keeps_its_number(einheit, bank):
    first = Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=8)
    Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=8)
    first.wiederholungen = 9
    first.save()
    first.refresh_from_db()
    assert (first.satz_nr, first.wiederholungen) == (1, 9)


def test_a_lifter_sees_the_catalogue_and_their_own_exercises_only(user_a, user_b, bank):
    own = Uebung.objects.create(name="Annas Curl", owner=user_a)
    Uebung.objects.create(name="Bernds Curl", owner=user_b)
    catalogue = set(Uebung.objects.filter(owner__isnull=True))  # bank and the seeded catalogue
    assert bank in catalogue
    assert set(Uebung.objects.visible_to(user_a)) == catalogue | {own}
    assert set(Uebung.objects.visible_to(user_a.pk)) == catalogue | {own}


@pytest.mark.django_db(transaction=True)
def test_the_set_number_migration_reverses_and_keeps_every_set(user_a):
    from django.core.management import call_command

    einheit = Trainingseinheit.objects.create(user=user_a, datum=timezone.now())
    bank = Uebung.objects.create(name="Bankdrücken")
    Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=8)
    Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=7)
    call_command("migrate", "core", "0001", verbosity=0)
    try:
        rows = list(Satz.objects.order_by("satz_nr").values_list("satz_nr", "wiederholungen"))
        assert rows == [(1, 8), (2, 7)]
    finally:
        call_command("migrate", "core", verbosity=0)
    third = Satz.objects.create(einheit=einheit, uebung=bank, gewicht=60, wiederholungen=6)
    assert third.satz_nr == 3
