"""The plausibility rule: a weight far outside the lifter's history is asked about once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from core.models import Satz, Trainingseinheit
from core.plausibility import check_weight, implausible_weight, logged_best

D = Decimal


@pytest.mark.parametrize(
    ("weight", "best", "asked"),
    [
        (D("1000"), D("110"), True),  # a zero too many
        (D("165"), D("110"), False),  # exactly 1.5x: still fine
        (D("165.5"), D("110"), True),
        (D("11"), D("110"), False),  # exactly a tenth: still fine
        (D("10.5"), D("110"), True),  # a zero too few
        (D("0"), D("110"), False),  # no added load is never questioned
        (D("1000"), None, False),  # no history: nothing to compare with
        (D("100"), D("0"), False),
    ],
)
def test_the_rule(weight, best, asked):
    assert (check_weight(weight, best) is not None) is asked


def test_a_light_warmup_is_fine_a_heavy_one_is_not():
    assert check_weight(D("5"), D("110"), "warmup") is None
    assert check_weight(D("1000"), D("110"), "warmup") is not None


def test_the_question_names_both_weights_in_the_lifters_unit():
    with override("de"):
        asked = check_weight(D("1000"), D("110"))
        assert asked.question("kg") == "Wirklich 1000 kg? Bisheriges Maximum 110 kg"
        lb = check_weight(D("226.796"), D("61.235"))  # 500 lb after a best of 135 lb
        assert lb.question("lb") == "Wirklich 500 lb? Bisheriges Maximum 135 lb"
        assert check_weight(D("1000"), D("102.5")).question("kg").endswith("102,5 kg")
    with override("en"):
        assert asked.question("kg") == "Really 1000 kg? Previous best 110 kg"


def _log(user, uebung, weights, set_type="normal", days_ago=3):
    einheit = Trainingseinheit.objects.create(
        user=user, datum=timezone.now() - timedelta(days=days_ago)
    )
    return [
        Satz.objects.create(
            einheit=einheit, uebung=uebung, gewicht=D(w), wiederholungen=5, set_type=set_type
        )
        for w in weights
    ]


@pytest.mark.django_db
def test_logged_best_is_per_lifter_and_exercise(user_a, user_b, kniebeuge, bank):
    _log(user_a, kniebeuge, ["100", "110"])
    _log(user_a, kniebeuge, ["140"], set_type="warmup", days_ago=2)
    _log(user_a, bank, ["300"], days_ago=1)
    _log(user_b, kniebeuge, ["400"], days_ago=1)
    assert logged_best(user_a.pk, kniebeuge.pk) == D("110")
    assert implausible_weight(user_a.pk, kniebeuge.pk, D("1000")).best_kg == D("110")
    assert implausible_weight(user_a.pk, kniebeuge.pk, D("120")) is None
    assert implausible_weight(user_b.pk, bank.pk, D("1000")) is None  # no history of B's


@pytest.mark.django_db
def test_the_set_being_edited_is_not_its_own_history(user_a, kniebeuge):
    (only,) = _log(user_a, kniebeuge, ["100"])
    assert logged_best(user_a.pk, kniebeuge.pk, exclude_satz_id=only.pk) is None
    assert implausible_weight(user_a.pk, kniebeuge.pk, D("1000"), exclude_satz_id=only.pk) is None
