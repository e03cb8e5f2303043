"""core.plates: the lifter's plate grid, in kg, whichever unit they load in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.plates import (
    DEFAULT_PLATES,
    infer_increment_kg,
    plates_per_side,
    round_to_step,
    step_unit,
)
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


# --- plate calculator ---------------------------------------------------------------------

KG = DEFAULT_PLATES["kg"]
LB = DEFAULT_PLATES["lb"]


def _side(target: str, bar: str = "20", plates=KG) -> list[str]:
    return [str(p) for p in plates_per_side(Decimal(target), Decimal(bar), plates).per_side]


def test_common_kg_loads_per_side():
    assert _side("60") == ["20"]
    assert _side("100") == ["25", "15"]  # two plates, heaviest first, not 20 + 20
    assert _side("62.5") == ["20", "1.25"]
    assert _side("142.5") == ["25", "25", "10", "1.25"]


def test_pound_bar_and_plates():
    assert _side("225", "45", LB) == ["45", "45"]
    assert _side("135", "45", LB) == ["45"]
    assert _side("190", "45", LB) == ["45", "25", "2.5"]


def test_the_bar_alone_and_lighter_targets():
    empty = plates_per_side(Decimal("15"), Decimal("20"), KG)
    assert (empty.per_side, empty.total, empty.below_bar) == ((), Decimal("20"), True)
    assert plates_per_side(Decimal("20"), Decimal("20"), KG).exact


def test_owned_counts_limit_the_load_and_pairs_are_needed():
    # Only three 20s: one per side; a single 10 cannot be split, so 2×5 fill the rest.
    plates = [(Decimal("20"), 3), (Decimal("10"), 1), (Decimal("5"), 4)]
    load = plates_per_side(Decimal("100"), Decimal("20"), plates)
    assert load.per_side == (Decimal("20"), Decimal("5"), Decimal("5"))
    assert (load.total, load.short_by, load.exact) == (Decimal("80"), Decimal("20"), False)


def test_greedy_would_fail_where_exact_search_finds_a_load():
    # 70 per side = 30 + 20 + 20; greedy takes 30 + 30 and then cannot add 10.
    plates = [(Decimal("30"), 4), (Decimal("20"), 4)]
    assert _side("160", "20", plates) == ["30", "20", "20"]


def test_unreachable_target_gives_the_heaviest_load_below():
    load = plates_per_side(Decimal("61"), Decimal("20"), KG)
    assert (load.total, load.short_by) == (Decimal("60"), Decimal("1"))


def test_odd_plate_weights_use_their_own_grid():
    plates = [(Decimal("1.1"), 4), (Decimal("25"), 4)]
    assert _side("72.2", "20", plates) == ["25", "1.1"]
