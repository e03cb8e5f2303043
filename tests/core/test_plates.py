"""core.plates: the lifter's plate grid, in kg, whichever unit they load in."""

from __future__ import annotations

import pytest

from core.plates import infer_increment_kg, round_to_step, step_unit
from core.units import LB_KG


def test_kg_grid_in_two_and_a_half_kg_steps():
    assert infer_increment_kg([60, 62.5, 65, 67.5, 70]) == 2.5


def test_five_kg_jumps_are_capped_at_two_and_a_half():
    assert infer_increment_kg([100, 105, 110, 115]) == 2.5


def test_dumbbells_in_two_kg_steps():
    assert infer_increment_kg([10, 12, 14, 16, 18, 22]) == 2.0


def test_pound_plates_give_a_five_pound_step():
    weights = [w * LB_KG for w in (135, 145, 155, 165, 185)]
    assert infer_increment_kg(weights) == pytest.approx(5 * LB_KG)
    assert step_unit(infer_increment_kg(weights)) == "lb"


def test_fine_pound_steps():
    weights = [w * LB_KG for w in (20, 22.5, 25, 27.5, 30)]
    assert infer_increment_kg(weights) == pytest.approx(2.5 * LB_KG)


def test_too_few_or_only_bodyweight_sets_use_the_default():
    assert infer_increment_kg([60, 62.5], default=2.0) == 2.0
    assert infer_increment_kg([0, 0, 0, None], default=1.0) == 1.0


def test_off_grid_weights_fall_back_to_the_default():
    assert infer_increment_kg([10.3, 11.7, 13.1, 17.9, 19.45], default=2.5) == 2.5


def test_a_few_stray_weights_do_not_change_the_grid():
    weights = [60, 62.5, 65, 67.5, 70, 72.5, 75, 77.5, 80, 61.3]  # 90 % on the 2.5 grid
    assert infer_increment_kg(weights) == 2.5


def test_round_to_step():
    assert round_to_step(61.4, 2.5) == 62.5
    assert round_to_step(101.0, 5 * LB_KG) == pytest.approx(225 * LB_KG)  # 101 kg → 225 lb
    assert round_to_step(-3.0, 2.5) == 0.0
    assert round_to_step(7.3, 0) == 7.3


def test_step_unit():
    assert step_unit(2.5) == "kg"
    assert step_unit(1.0) == "kg"
    assert step_unit(LB_KG * 2.5) == "lb"
