"""The cross-lifter model: learns how top weights move from every lifter's history.

One lifter's log is too short to learn progression patterns from (the old guide's per-user
forest was 27 % worse than repeating the last weight); pooled over many lifters, a gradient
boosted model on relative changes learns them. It predicts the relative change of the next
session's top weight; per (user, exercise) the coach then decides from that user's own past
whether this model or "repeat last weight" serves them better (``ml_coach.model``).

So that this decision is honest for lifters whose data trained the model, the artifact also
holds fold models, each trained without one group of lifters: a lifter's past is judged with
the fold model that never saw them. The full model serves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ml_coach.features import FEATURE_VERSION, N_FEATURES, training_rows
from ml_coach.sessions import Session
from ml_coach.trees import CompactTrees

logger = logging.getLogger(__name__)
SEED = 42
N_FOLDS = 3
POPULATION_PARAMS = {"max_iter": 200, "learning_rate": 0.05, "max_depth": 4}

# (sessions, plate step) of one exercise of one lifter
ExerciseHistory = tuple[Sequence[Session], float]


def make_population_estimator():
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        **POPULATION_PARAMS, early_stopping=False, random_state=SEED
    )


def fit_trees(x: np.ndarray, y: np.ndarray) -> CompactTrees:
    """Fit on one thread (deterministic, and OpenMP on a shared 2-core box was 9× slower)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="openmp"):
        return CompactTrees(make_population_estimator().fit(x, y))


def assign_folds(keys: Sequence[str], n_folds: int = N_FOLDS) -> dict[str, int]:
    """Round-robin over the sorted keys: deterministic, and with two or more lifters every
    lifter's fold leaves someone else to learn from."""
    return {k: i % max(1, n_folds) for i, k in enumerate(sorted(keys))}


@dataclass
class PopulationModel:
    """The served model plus the fold models needed to judge a known lifter honestly.

    All in one artifact: the row's ``artifact_path`` names every file the model needs, so the
    workers' orphan cleanup can never delete half of it.
    """

    estimator: CompactTrees
    fold_of_lifter: dict[str, int] = field(default_factory=dict)
    fold_ids: list[int] = field(default_factory=list)
    n_folds: int = N_FOLDS
    feature_version: int = FEATURE_VERSION
    n_rows: int = 0
    n_lifters: int = 0
    params: dict = field(default_factory=dict)
    folds: dict[int, CompactTrees] = field(default_factory=dict, repr=False)

    def knows(self, lifter_key: str | None) -> bool:
        return lifter_key is not None and lifter_key in self.fold_of_lifter

    def fold_models(self) -> dict[int, CompactTrees]:
        return self.folds

    def can_judge(self, lifter_key: str | None) -> bool:
        """Whether an honest (never-saw-this-lifter) prediction exists for the lifter."""
        if not self.knows(lifter_key):
            return True
        fold = self.fold_of_lifter[lifter_key]
        return fold in self.fold_ids and fold in self.fold_models()

    def predict_change(
        self, x: np.ndarray, lifter_key: str | None = None, out_of_fold: bool = False
    ) -> np.ndarray:
        """Relative change of the next top weight; ``out_of_fold`` uses the model that never
        saw ``lifter_key`` (for judging that lifter's past), else the full model (serving)."""
        if len(x) == 0:
            return np.zeros(0)
        trees = self.estimator
        if out_of_fold and self.knows(lifter_key):
            trees = self.fold_models()[self.fold_of_lifter[lifter_key]]
        return trees.predict(x)


def population_rows(
    lifters: Mapping[str, Sequence[ExerciseHistory]],
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    xs, ys, owners = [], [], []
    for key, exercises in lifters.items():
        for sessions, step in exercises:
            x, y = training_rows(list(sessions), step)
            if len(y):
                xs.append(x)
                ys.append(y)
                owners += [key] * len(y)
    if not xs:
        return np.zeros((0, N_FEATURES)), np.zeros(0), []
    return np.vstack(xs), np.concatenate(ys), owners


def fit_population(
    lifters: Mapping[str, Sequence[ExerciseHistory]], n_folds: int = N_FOLDS, min_rows: int = 50
) -> PopulationModel:
    """Fit the full model and (``n_folds`` ≥ 2, at least two lifters) the fold models."""
    t0 = time.perf_counter()
    x, y, owners = population_rows(lifters)
    if len(y) < min_rows:
        raise ValueError(f"too little data for a population model: {len(y)} rows")
    keys = sorted({k for k in lifters if k in set(owners)})
    model = PopulationModel(
        estimator=fit_trees(x, y),
        n_rows=len(y),
        n_lifters=len(keys),
        n_folds=n_folds,
        params=dict(POPULATION_PARAMS),
    )
    # Every lifter gets a fold, so a lifter without a fold model is never judged in-sample.
    model.fold_of_lifter = assign_folds(keys, n_folds)
    if n_folds >= 2 and len(keys) >= 2:
        owner_fold = np.array([model.fold_of_lifter[o] for o in owners])
        for fold in sorted(set(model.fold_of_lifter.values())):
            keep = owner_fold != fold
            if keep.sum() >= min_rows:
                model.folds[fold] = fit_trees(x[keep], y[keep])
        model.fold_ids = sorted(model.folds)
    model.params["fit_seconds"] = round(time.perf_counter() - t0, 3)
    return model


# --- database glue: the nightly job's entry point and the verified loader -----------------


def user_histories(min_sessions: int = 2) -> dict[str, list[ExerciseHistory]]:
    """Every user's loaded sessions per exercise, from the database (one streamed query)."""
    from core.models import Satz
    from ml_coach.model import loaded, plate_step
    from ml_coach.records import SET_COLUMNS, SetRecord, record_from_row
    from ml_coach.sessions import group_sessions

    rows = (
        Satz.objects.order_by("einheit__user_id", "uebung_id", "einheit__datum", "satz_nr")
        .values_list("einheit__user_id", "uebung_id", "uebung__increment_kg", *SET_COLUMNS)
        .iterator(chunk_size=5000)
    )
    grouped: dict[tuple[int, int], tuple[float, list[SetRecord]]] = {}
    for uid, ueb, inc, *set_row in rows:
        _, recs = grouped.setdefault((uid, ueb), (float(inc or 2.5), []))
        recs.append(record_from_row(*set_row))
    out: dict[str, list[ExerciseHistory]] = {}
    for (uid, _), (inc, recs) in grouped.items():
        sessions = loaded(group_sessions(recs))
        if len(sessions) >= min_sessions:
            step = plate_step([s.top_weight for s in sessions], inc)
            out.setdefault(str(uid), []).append((sessions, step))
    return out


def train_population_model():
    """Train the population model on all users and make it the ACTIVE row (FAILED on error,
    keeping the previous one). Returns the ``core.models.MLPopulationModel`` row."""
    from django.db import transaction
    from django.utils import timezone

    from core.models import MLPopulationModel, ModelStatus
    from ml_coach.storage import save_artifact
    from ml_coach.trainer import library_versions

    started = time.perf_counter()
    try:
        lifters = user_histories()
        model = fit_population(lifters)
        path, sha = save_artifact(model, "population")
        row = MLPopulationModel(
            status=ModelStatus.TRAINING,
            artifact_path=path,
            artifact_sha256=sha,
            algorithm="population_hgb",
            parameters=model.params | {"n_folds": model.n_folds},
            feature_version=model.feature_version,
            library_versions=library_versions(),
            n_samples=model.n_rows,
            n_users=model.n_lifters,
            trained_at=timezone.now(),
            training_seconds=time.perf_counter() - started,
        )
        with transaction.atomic():
            for old in MLPopulationModel.objects.select_for_update().filter(
                status=ModelStatus.ACTIVE
            ):
                old.status = ModelStatus.OUTDATED
                old.save(update_fields=["status", "updated_at"])
            row.status = ModelStatus.ACTIVE
            row.save()
        return row
    except Exception as exc:
        logger.exception("population training failed")
        return MLPopulationModel.objects.create(
            status=ModelStatus.FAILED,
            error_text=f"{type(exc).__name__}: {exc}"[:5000],
            library_versions=library_versions(),
            trained_at=timezone.now(),
            training_seconds=time.perf_counter() - started,
        )


def population_ref(row) -> dict:
    return {"id": row.pk, "path": row.artifact_path, "sha256": row.artifact_sha256}


def load_population(ref: Mapping) -> PopulationModel | None:
    """The referenced population model, hash-verified (through the LRU); None if unusable."""
    from ml_coach.storage import ArtifactError, load_cached

    if not ref or not ref.get("path"):
        return None
    try:
        model = load_cached(ref["path"], ref["sha256"])
    except ArtifactError:
        logger.warning("refusing population artifact %s: hash check failed", ref.get("id"))
        return None
    if not isinstance(model, PopulationModel) or model.feature_version != FEATURE_VERSION:
        return None
    return model


def active_population() -> tuple[dict, PopulationModel] | None:
    """(reference, model) of the ACTIVE population model, or None when absent/unusable."""
    from core.models import MLPopulationModel, ModelStatus

    row = MLPopulationModel.objects.filter(status=ModelStatus.ACTIVE).first()
    if row is None:
        return None
    ref = population_ref(row)
    model = load_population(ref)
    return (ref, model) if model is not None else None
