import json
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import MLPopulationModel, ModelStatus, Uebung
from ml_coach.artifact_store import save_artifact
from ml_coach.backtest import (
    backtest_exercise,
    load_log,
    population_files,
    population_from_files,
    run_backtest,
)
from ml_coach.features import FEATURE_VERSION
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
    full = backtest_exercise(
        "Bank", records, pop_model, retrain_every=retrain_every, kinds=("session_top",)
    )
    assert len(full) == 40 - 23 and {p.source for p in full} >= {"model"}
    for k in (24, 30, 37):
        cut = datetime(2024, 1, 1, 18) + timedelta(days=3 * k)
        # session k and everything after it replaced by nonsense
        altered = [
            r if r.performed_at < cut else replace(r, weight_kg=r.weight_kg * 1.5 + 7, reps=1)
            for r in records
        ]
        other = backtest_exercise(
            "Bank", altered, pop_model, retrain_every=retrain_every, kinds=("session_top",)
        )
        before = [p for p in full if p.session_start <= cut.isoformat()]
        same = [p for p in other if p.session_start <= cut.isoformat()]
        assert [(p.predicted_kg, p.source, p.baseline_kg) for p in before] == [
            (p.predicted_kg, p.source, p.baseline_kg) for p in same
        ]
        assert before[-1].actual_kg != same[-1].actual_kg  # session k itself did change


def ramped_lifter(n_sessions: int, start=datetime(2024, 1, 1, 18)):
    """Four working sets per session that differ (ramp, top, back-off), with RPE and reps
    that move: a set-level history where every earlier set carries information."""
    records = []
    for i in range(n_sessions):
        t = start + timedelta(days=3 * i)
        top = 80 + 2.5 * (i // 3)
        sets = [
            (top - 10, 8, 7.0),
            (top - 5, 6, 8.0),
            (top, 5, 8.5 + (i % 3) / 2),
            (top - 7.5, 8, 9),
        ]
        records += [
            SetRecord(t, w, r, rpe, "normal", t.isoformat(), k)
            for k, (w, r, rpe) in enumerate(sets, start=1)
        ]
    return records


@pytest.mark.parametrize("set_n", [1, 2, 4])
def test_no_set_prediction_sees_its_own_set_or_a_later_one(pop_model, set_n):
    """Replace set n and everything after it in session k, and all later sessions, by
    nonsense: every next-set prediction up to set n of session k stays the same. (Nonsense
    the typo filter keeps: a set the coach ignores as a typo is not predicted either.)"""
    records = ramped_lifter(40)
    full = backtest_exercise("Bank", records, pop_model, kinds=("next_set",))
    assert {p.set_number for p in full} == {1, 2, 3, 4} and {p.source for p in full} >= {"model"}
    k_start = datetime(2024, 1, 1, 18) + timedelta(days=3 * 30)

    def nonsense(r):
        later = r.performed_at > k_start or (r.performed_at == k_start and r.set_order >= set_n)
        return replace(r, weight_kg=r.weight_kg * 1.5 + 7, reps=1, rpe=5.0) if later else r

    other = backtest_exercise(
        "Bank", [nonsense(r) for r in records], pop_model, kinds=("next_set",)
    )

    def upto(preds):
        return [
            (p.session_start, p.set_number, p.predicted_kg, p.predicted_reps, p.source)
            for p in preds
            if p.session_start < k_start.isoformat()
            or (p.session_start == k_start.isoformat() and p.set_number <= set_n)
        ]

    assert upto(full) == upto(other) and len(upto(full)) > 20
    changed = [p for p in other if p.session_start == k_start.isoformat()]
    assert changed[set_n - 1].actual_kg != full[len(upto(full)) - 1].actual_kg


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
    assert len(result.of_kind("session_top")) == 20 - 11
    assert len(result.of_kind("next_set")) == 3 * (20 - 11)
    pooled = result.summary()["pooled"]
    assert pooled["n"] == 9 and set(pooled) >= {"coach", "repeat_last", "double_progression"}


def serve_own_population(model, settings) -> None:
    """Make ``model`` the instance's ACTIVE population model, serving however few lifters."""
    settings.ML_OWN_POPULATION_MIN_LIFTERS = 1
    path, sha = save_artifact(model, "population")
    MLPopulationModel.objects.create(
        status=ModelStatus.ACTIVE,
        artifact_path=path,
        artifact_sha256=sha,
        feature_version=FEATURE_VERSION,
    )


@pytest.mark.django_db
def test_backtest_prediction_is_what_the_product_shows(user_a, pop_model, model_root, settings):
    """Same history, same population: the backtest's predicted_kg for the next session equals
    the recommendation the training page shows."""
    weights = linear_progression(41, every=3)
    uebung = Uebung.objects.create(name="Bank", increment_kg=Decimal("2.5"))
    log_history(user_a, uebung, weights[:-1], warmup=False)
    serve_own_population(pop_model, settings)
    row = train_and_store(user_a.pk, uebung.pk)
    from ml_coach.records import records_for

    records = records_for(user_a.pk, uebung.pk)
    next_start = records[-1].performed_at + timedelta(days=3)
    records.append(SetRecord(next_start, weights[-1], 8, None, "normal", "next", 1))
    last = backtest_exercise("Bank", records, pop_model, kinds=("session_top",))[-1]
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
    tops = [p for p in preds if p["kind"] == "session_top"]
    sets = [p for p in preds if p["kind"] == "next_set"]
    assert data["summary"]["pooled"]["n"] == len(tops) > 20 and len(sets) > len(tops)
    assert set(tops[0]) >= {
        "exercise",
        "session_start",
        "kind",
        "actual_kg",
        "predicted_kg",
        "baseline_kg",
        "source",
        "actual_reps",
        "predicted_reps",
    }
    assert set(sets[0]) >= {"set_order", "actual_kg", "predicted_kg", "baseline_kg"}
    assert {"actual_reps", "predicted_reps", "source", "session_start"} <= set(sets[0])
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


@pytest.mark.django_db
def test_backtest_next_set_is_what_the_product_shows(user_a, pop_model, model_root, settings):
    """Same history, same population, two sets logged today: the backtest's prediction for
    set 3 equals the training view's recommendation for set 3 (weight, reps, source)."""
    from core.models import Satz, Trainingseinheit
    from ml_coach.records import records_for

    uebung = Uebung.objects.create(name="Bank", increment_kg=Decimal("2.5"))
    start = timezone.now() - timedelta(days=200)
    history = ramped_lifter(41, start=start)
    for when in sorted({r.performed_at for r in history}):
        einheit = Trainingseinheit.objects.create(user=user_a, datum=when, name="Push")
        for r in (r for r in history if r.performed_at == einheit.datum):
            Satz.objects.create(
                einheit=einheit,
                uebung=uebung,
                satz_nr=r.set_order,
                gewicht=Decimal(str(r.weight_kg)),
                wiederholungen=r.reps,
                rpe=Decimal(str(r.rpe)),
            )
    today = Trainingseinheit.objects.order_by("datum").last()
    Satz.objects.filter(einheit=today, satz_nr__gte=3).delete()
    serve_own_population(pop_model, settings)
    train_and_store(user_a.pk, uebung.pk)
    rec = MLPredictor(user_id=user_a.pk).recommend(uebung.pk, einheit=today.pk)
    records = [r for r in records_for(user_a.pk, uebung.pk) if r.session_key != str(today.pk)]
    records += [r for r in history if r.performed_at == today.datum]
    preds = backtest_exercise("Bank", records, pop_model, kinds=("next_set",))
    third = next(
        p for p in preds if p.session_start == today.datum.isoformat() and p.set_number == 3
    )
    assert rec.set_number == 3 and rec.source == "model"
    assert (rec.weight_kg, rec.reps, rec.source) == (
        pytest.approx(third.predicted_kg),
        third.predicted_reps,
        third.source,
    )
