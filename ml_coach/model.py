"""The coach's model: from sessions to a recommended top weight on the lifter's plate grid.

``fit_coach`` is the one training function and ``CoachModel.predict_weight`` the one prediction
function; the product (trainer/predictor) and the backtest both call exactly these, so what the
backtest measures is what a lifter sees.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

import numpy as np
from django.conf import settings

from core.plates import infer_increment_kg, round_to_step
from ml_coach.features import FEATURE_VERSION, next_row, training_rows
from ml_coach.sessions import Session

SEED = 42
VALIDATION_SHARE = 0.2
MIN_TRAIN_ROWS = 6


def algorithm_name() -> str:
    return getattr(settings, "ML_ALGORITHM", "coach") or "coach"


def make_estimator(algorithm: str):
    """A fresh, seeded, single-threaded scikit-learn estimator for ``algorithm``."""
    if algorithm == "guide_rf":
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(
            n_estimators=settings.ML_RF_N_ESTIMATORS,
            max_depth=settings.ML_RF_MAX_DEPTH,
            random_state=SEED,
            n_jobs=1,
        )
    from sklearn.ensemble import GradientBoostingRegressor

    return GradientBoostingRegressor(
        loss="squared_error",
        n_estimators=60,
        max_depth=2,
        learning_rate=0.1,
        subsample=1.0,
        random_state=SEED,
    )


def estimator_params(estimator) -> dict:
    keep = ("n_estimators", "max_depth", "learning_rate", "loss", "random_state", "n_jobs")
    params = estimator.get_params()
    return {k: params[k] for k in keep if k in params}


def plate_step(weights_kg: list[float], configured_kg: float = 2.5) -> float:
    """The step to round to: the configured increment when the history sits on its grid,
    otherwise the grid the lifter actually loads (e.g. 5 lb = 2.268 kg)."""
    loaded = [w for w in weights_kg if w > 0]
    if loaded:
        on = sum(abs(w - round(w / configured_kg) * configured_kg) <= 0.02 for w in loaded)
        if on / len(loaded) >= 0.9:
            return configured_kg
    return infer_increment_kg(loaded, default=configured_kg)


def baseline_weight(sessions: list[Session], step_kg: float) -> float:
    """Repeat the last session's top weight (on the grid)."""
    return round_to_step(sessions[-1].top_weight, step_kg)


def double_progression_weight(sessions: list[Session], step_kg: float) -> float:
    """+1 step when the last top set reached the lifter's usual reps, else repeat."""
    last = sessions[-1]
    reps = [s.top_reps for s in sessions[-11:-1] if s.top_reps]
    usual = median(reps) if reps else None
    bump = step_kg if usual is not None and (last.top_reps or 0) >= usual else 0.0
    return round_to_step(last.top_weight + bump, step_kg) if last.top_weight > 0 else 0.0


@dataclass
class CoachModel:
    """What an artifact holds: the fitted estimator and how to use it."""

    algorithm: str
    estimator: object | None
    uses_model: bool
    feature_version: int = FEATURE_VERSION
    params: dict = field(default_factory=dict)

    def predict_change(self, sessions: list[Session], step_kg: float, at: datetime) -> float:
        row = next_row(sessions, step_kg, at)
        return float(self.estimator.predict(row)[0])

    def predict_weight(self, sessions: list[Session], step_kg: float, at: datetime) -> float:
        """The model's top weight for the next session, rounded to the plate step."""
        last = sessions[-1].top_weight
        if last <= 0 or self.estimator is None:
            return round_to_step(last, step_kg)
        return round_to_step(last * (1.0 + self.predict_change(sessions, step_kg, at)), step_kg)


@dataclass
class FitResult:
    model: CoachModel
    metrics: dict


def _validation_split(n_sessions: int) -> int:
    """Index of the first validation session: the last ~20 % of sessions (at least one)."""
    n_val = max(1, round(n_sessions * VALIDATION_SHARE))
    return n_sessions - n_val


def _r2(actual: np.ndarray, pred: np.ndarray) -> float | None:
    if len(actual) < 2:
        return None
    ss_tot = float(((actual - actual.mean()) ** 2).sum())
    if ss_tot == 0:
        return None
    return 1.0 - float(((actual - pred) ** 2).sum()) / ss_tot


def fit_coach(sessions: list[Session], step_kg: float, algorithm: str | None = None) -> FitResult:
    """Validate on the last ~20 % of sessions (time order, never shuffled), then refit on all.

    The model is used only if it beat repeating the last weight on that validation split.
    """
    algorithm = algorithm or algorithm_name()
    t0 = time.perf_counter()
    split = _validation_split(len(sessions))
    x_train, y_train = training_rows(sessions[:split], step_kg)
    val_dates, actual, model_pred, base_pred = [], [], [], []
    estimator = None
    if len(y_train) >= MIN_TRAIN_ROWS:
        estimator = make_estimator(algorithm).fit(x_train, y_train)
    probe = CoachModel(algorithm, estimator, uses_model=estimator is not None)
    for i in range(max(split, 1), len(sessions)):
        past = sessions[:i]
        if past[-1].top_weight <= 0:
            continue
        val_dates.append(sessions[i].start.isoformat())
        actual.append(sessions[i].top_weight)
        model_pred.append(probe.predict_weight(past, step_kg, sessions[i].start))
        base_pred.append(baseline_weight(past, step_kg))
    a, m, b = (np.asarray(v, dtype=np.float64) for v in (actual, model_pred, base_pred))
    mae = float(np.abs(a - m).mean()) if len(a) else None
    baseline_mae = float(np.abs(a - b).mean()) if len(a) else None
    uses_model = estimator is not None and mae is not None and mae < baseline_mae
    final = None
    n_samples = len(y_train)
    if uses_model:
        x_all, y_all = training_rows(sessions, step_kg)
        final = make_estimator(algorithm).fit(x_all, y_all)
        n_samples = len(y_all)
    params = estimator_params(final or estimator) if (final or estimator) is not None else {}
    model = CoachModel(algorithm, final, uses_model=uses_model, params=params)
    metrics = {
        "algorithm": algorithm,
        "parameters": params,
        "n_samples": n_samples,
        "n_sessions": len(sessions),
        "n_validation": len(a),
        "step_kg": step_kg,
        "mae": mae,
        "baseline_mae": baseline_mae,
        "r2": _r2(a, m) if len(a) else None,
        "uses_model": bool(uses_model),
        "validation": {
            "dates": val_dates,
            "actual": [round(v, 3) for v in actual],
            "model": [round(v, 3) for v in model_pred],
            "baseline": [round(v, 3) for v in base_pred],
        },
        "training_seconds": time.perf_counter() - t0,
    }
    return FitResult(model=model, metrics=metrics)
