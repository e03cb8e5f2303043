"""core.exercise_traits: defaults for exercises an import creates, guessed from the name."""

import pytest

from core.exercise_traits import guess_equipment, guess_muscle_group


@pytest.mark.parametrize(
    ("name", "equipment", "muscle"),
    [
        ("Bench Press (Barbell)", "barbell", "chest"),
        ("Kniebeuge (Langhantel)", "barbell", "legs"),
        ("Bizepscurls (Kurzhantel)", "dumbbell", "arms"),
        ("Lat Pulldown (Cable)", "cable", "back"),
        ("Leg Extension (Machine)", "machine", "legs"),
        ("Hanging Leg Raise", "other", "core"),
        ("Triceps Pushdown (Cable - Straight Bar)", "cable", "arms"),
        ("Triceps Dip", "bodyweight", "arms"),
        ("Reverse Fly (Cable)", "cable", "shoulders"),
        ("Klimmzüge", "bodyweight", "back"),
        ("Clean and Jerk", "other", "full_body"),
        ("Zirkeltraining", "other", "other"),
    ],
)
def test_guesses(name, equipment, muscle):
    assert (guess_equipment(name), guess_muscle_group(name)) == (equipment, muscle)
