import json
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.models import MLPopulationModel, ModelStatus, Uebung
from ml_coach.artifact_store import save_artifact
from ml_coach.backtest import (
    backtest_exercise,
    load_log,
    population_files,
    population_from_files,
    run_backtest,
)
from ml_coach.ml_trainer import train_and_store
from ml_coach.population_model import fit_population
from ml_coach.prediction_service import MLPredictor
from ml_coach.records import SetRecord
from ml_coach.sessions import group_sessions
from tests.factories import linear_progression, log_history

SMALL = ("p79.csv", "p77.csv", "p75.csv")


def synthetic_lifter(weights, start=datetime(2024, 1, 1, 18), days=3, reps=8):
    records = []
    for i, w in enumerate(weights):
        t = start + timedelta(days=days * i)
        records += [SetRecord(t, w, reps, None, "normal", t.isoformat(), k) for k in (1, 2, 3)]
    return records


def synthetic_population():
    lifters = {}
    for n, start in enumerate((40.0, 70.0, 100.0, 55.0)):
        sessions = group_sessions(synthetic_lifter(linear_progression(60, start=start, every=3)))
        lifters[f"other{n}"] = [(sessions, 2.5)]
    return fit_population(lifters, n_folds=0)


@pytest.fixture(scope="module")
def pop_model():
    return synthetic_population()


@pytest.mark.parametrize("retrain_every", [1, 3])
def test_no_prediction_sees_its_own_session_or_later_ones(pop_model, retrain_every):
    weights = linear_progression(40, every=3, deload_every=11)
    records = synthetic_lifter(weights)
    full = backtest_exercise("Bank", records, pop_model, retrain_every=retrain_every)
    assert len(full) == 40 - 23 and {p.source for p in full} >= {"model"}
    for k in (24, 30, 37):
        cut = datetime(2024, 1, 1, 18) + timedelta(days=3 * k)
        # session k and everything after it replaced by nonsense
        altered = [
            r if r.performed_at < cut else replace(r, weight_kg=r.weight_kg * 3 + 7, reps=1)
            for r in records
        ]
        other = backtest_exercise("Bank", altered, pop_model, retrain_every=retrain_every)
        before = [p for p in full if p.session_start <= cut.isoformat()]
        same = [p for p in other if p.session_start <= cut.isoformat()]
        assert [(p.predicted_kg, p.source, p.baseline_kg) for p in before] == [
            (p.predicted_kg, p.source, p.baseline_kg) for p in same
        ]
        assert before[-1].actual_kg != same[-1].actual_kg  # session k itself did change


def test_backtest_counts_only_exercises_with_ten_loaded_sessions(pop_model):
    result = run_backtest(
        {
            "Bank": synthetic_lifter(linear_progression(20)),
            "Kurz": synthetic_lifter(linear_progression(9)),
            "Klimmzug": synthetic_lifter([0.0] * 30),
        },
        pop_model,
    )
    assert result.n_exercises == 1 and {p.exercise for p in result.predictions} == {"Bank"}
    assert len(result.predictions) == 20 - 11
    pooled = result.summary()["pooled"]
    assert pooled["n"] == 9 and set(pooled) >= {"coach", "repeat_last", "double_progression"}


@pytest.mark.django_db
def test_backtest_prediction_is_what_the_product_shows(user_a, pop_model, model_root):
    """Same history, same population: the backtest's predicted_kg for the next session equals
    the recommendation the training page shows."""
    weights = linear_progression(41, every=3)
    uebung = Uebung.objects.create(name="Bank", increment_kg=Decimal("2.5"))
    log_history(user_a, uebung, weights[:-1], warmup=False)
    path, sha = save_artifact(pop_model, "population")
    MLPopulationModel.objects.create(
        status=ModelStatus.ACTIVE, artifact_path=path, artifact_sha256=sha, feature_version=2
    )
    row = train_and_store(user_a.pk, uebung.pk)
    from ml_coach.records import records_for

    records = records_for(user_a.pk, uebung.pk)
    next_start = records[-1].performed_at + timedelta(days=3)
    records.append(SetRecord(next_start, weights[-1], 8, None, "normal", "next", 1))
    last = backtest_exercise("Bank", records, pop_model)[-1]
    rec = MLPredictor(user_id=user_a.pk).recommend(uebung.pk, at=next_start)
    assert row.uses_model and rec.source == last.source == "model"
    assert rec.weight_kg == pytest.approx(last.predicted_kg)


@pytest.mark.shared_data
def test_the_files_lifter_is_never_in_the_population(shared_data, tmp_path):
    src = shared_data / "workouts"
    for name in SMALL:
        shutil.copy(src / name, tmp_path / name)
    shutil.copy(src / SMALL[0], tmp_path / "renamed_copy.csv")
    files = population_files(tmp_path, tmp_path / SMALL[0])
    assert sorted(p.name for p in files) == sorted(SMALL[1:])
    model = population_from_files(files)
    assert model.n_lifters == 2 and set(model.fold_of_lifter) == set(SMALL[1:])


@pytest.mark.shared_data
@pytest.mark.django_db
def test_backtest_command_on_a_real_log(shared_data, tmp_path, capsys):
    src = shared_data / "workouts"
    for name in SMALL:
        shutil.copy(src / name, tmp_path / name)
    out = tmp_path / "out.json"
    call_command("backtest_ml", str(tmp_path / SMALL[0]), population=str(tmp_path), json=str(out))
    printed = capsys.readouterr().out
    assert "Population: 2 Dateien (ohne p79.csv)" in printed and "GESAMT" in printed
    data = json.loads(out.read_text())
    preds = data["predictions"]
    assert data["summary"]["pooled"]["n"] == len(preds) > 20
    assert set(preds[0]) == {
        "exercise",
        "session_start",
        "kind",
        "actual_kg",
        "predicted_kg",
        "baseline_kg",
        "source",
    }
    assert all(p["kind"] == "session_top" for p in preds)
    records = load_log(src / SMALL[0])
    assert {p["exercise"] for p in preds} <= set(records)


@pytest.mark.django_db
def test_backtest_command_errors_are_clear(tmp_path):
    with pytest.raises(CommandError, match="nicht gefunden"):
        call_command("backtest_ml", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")
    with pytest.raises(CommandError, match=r"bad\.csv"):
        call_command("backtest_ml", str(bad))
