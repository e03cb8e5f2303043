"""Names → exercises: the catalogue's aliases, the lifter's own names first, nobody else's."""

from __future__ import annotations

import pytest

from core.aliases import How, remember, resolve
from core.catalogue import CATALOGUE
from core.models import Uebung, UebungAlias
from core.names import fold_name, matches
from core.simulator import DEFAULT_PLAN

pytestmark = pytest.mark.django_db

# The pairs the issue names, and the dumbbell variants.
KNOWN = {
    "Bench Press (Barbell)": "Bankdrücken (Langhantel)",
    "Squat (Barbell)": "Kniebeuge (Langhantel)",
    "Deadlift (Barbell)": "Kreuzheben (Langhantel)",
    "Overhead Press (Barbell)": "Schulterdrücken (Langhantel)",
    "Pull Up": "Klimmzüge",
    "Bent Over Row (Barbell)": "Rudern vorgebeugt (Langhantel)",
    "Lat Pulldown (Cable)": "Latziehen (Kabel)",
    "Bench Press (Dumbbell)": "Bankdrücken (Kurzhantel)",
    "Shoulder Press (Dumbbell)": "Schulterdrücken (Kurzhantel)",
    "Bicep Curl (Dumbbell)": "Bizepscurls (Kurzhantel)",
    "Incline Bench Press (Dumbbell)": "Schrägbankdrücken (Kurzhantel)",
}


def test_known_english_names_map_onto_the_german_catalogue(catalogue, user_a):
    found = resolve(user_a, KNOWN)
    assert {name: m.uebung_name for name, m in found.items()} == KNOWN
    assert {m.how for m in found.values()} == {How.ALIAS}


def test_ambiguous_and_variant_names_stay_unmapped(catalogue, user_a):
    names = ["Lateral Raise", "Seated Row", "Pull Up (Weighted)", "Pull Up (Assisted)", "Curl"]
    assert resolve(user_a, names) == {}


def test_catalogue_table_is_consistent():
    names = [entry[0] for entry in CATALOGUE]
    assert len(names) == len(set(names))
    keys = [fold_name(alias) for entry in CATALOGUE for alias in entry[5]]
    assert len(keys) == len(set(keys)), "one alias must not point at two exercises"
    assert not set(keys) & {fold_name(n) for n in names}
    # seed_demo's simulated lifter trains on catalogue entries.
    assert {plan.name for plan in DEFAULT_PLAN} <= set(names)
    for _name, muscle, equipment, *_ in CATALOGUE:
        assert muscle in Uebung.MuscleGroup.values and equipment in Uebung.Equipment.values


def test_seeding_again_adds_nothing(catalogue):
    from core.catalogue import seed_catalogue

    before = (Uebung.objects.count(), UebungAlias.objects.count())
    assert seed_catalogue() == 0
    assert (Uebung.objects.count(), UebungAlias.objects.count()) == before


def test_names_compare_folded(catalogue, user_a):
    found = resolve(user_a, ["bench press (barbell)", "BANKDRÜCKEN (LANGHANTEL)", "pull-up"])
    assert found["bench press (barbell)"].uebung_name == "Bankdrücken (Langhantel)"
    assert found["BANKDRÜCKEN (LANGHANTEL)"].how == How.CATALOGUE
    assert found["pull-up"].uebung_name == "Klimmzüge"
    assert matches("bankdruecken lang", "Bankdrücken (Langhantel)")
    assert matches("DRÜCK", "Bankdrücken")
    assert not matches("kniebeuge", "Bankdrücken", "Bench Press")


def test_own_names_win_over_the_catalogue(catalogue, user_a):
    own = Uebung.objects.create(name="Bench Press (Barbell)", owner=user_a)
    squat = Uebung.objects.create(name="Meine Kniebeuge", owner=user_a)
    UebungAlias.objects.create(uebung=squat, name="Squat (Barbell)", owner=user_a)
    found = resolve(user_a, ["Bench Press (Barbell)", "Squat (Barbell)", "Kniebeuge (Langhantel)"])
    assert (found["Bench Press (Barbell)"].uebung_id, found["Bench Press (Barbell)"].how) == (
        own.pk,
        How.OWN,
    )
    assert found["Squat (Barbell)"].uebung_id == squat.pk
    assert found["Squat (Barbell)"].how == How.OWN_ALIAS
    assert found["Kniebeuge (Langhantel)"].how == How.CATALOGUE


def test_other_lifters_names_are_not_used(catalogue, user_a, user_b):
    theirs = Uebung.objects.create(name="Geheim", owner=user_b)
    UebungAlias.objects.create(uebung=theirs, name="Bench Press (Barbell)", owner=user_b)
    found = resolve(user_a, ["Geheim", "Bench Press (Barbell)"])
    assert "Geheim" not in found
    assert found["Bench Press (Barbell)"].uebung_name == "Bankdrücken (Langhantel)"


def test_remember_maps_a_name_for_this_lifter_only(catalogue, user_a, user_b):
    target = catalogue["Rudern (Kabel)"]
    assert remember(user_a, "Seated Row", target)
    assert not remember(user_a, "seated row", target)  # already so
    assert not remember(user_a, "Rudern (Kabel)", target)  # its own name
    assert resolve(user_a, ["Seated Row"])["Seated Row"].uebung_id == target.pk
    assert resolve(user_b, ["Seated Row"]) == {}
