"""The cross-lifter model: learns how top weights move from every lifter's history.

One lifter's log is too short to learn progression patterns from (the old guide's per-user
forest was 27 % worse than repeating the last weight); pooled over many lifters, a gradient
boosted model on relative changes learns them. It predicts the relative change of the next
session's top weight; per (user, exercise) the coach then decides from that user's own past
whether this model or "repeat last weight" serves them better (``ml_coach.coach_model``).

So that this decision is honest for lifters whose data trained the model, the artifact also
holds fold models, each trained without one group of lifters: a lifter's past is judged with
the fold model that never saw them. The full model serves.

Pure: no database. Training it from the database is ``ml_coach.ml_trainer``; loading the
verified artifact for serving is ``ml_coach.prediction_service``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ml_coach.features import FEATURE_VERSION, N_FEATURES, training_rows
from ml_coach.sessions import Session
from ml_coach.set_features import N_SET_FEATURES, SET_FEATURE_VERSION, set_rows
from ml_coach.trees import CompactTrees

SEED = 42
N_FOLDS = 3
POPULATION_PARAMS = {"max_iter": 200, "learning_rate": 0.05, "max_depth": 4}
MAX_SET_ROWS = 60_000  # set rows kept for fitting (every k-th): the fit stays seconds
SET_HEADS = ("set_weight", "set_reps")

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

    empty = np.isnan(x).all(axis=0)
    if empty.any():  # a column never logged here (e.g. RPE) cannot be binned; it carries nothing
        x = x.copy()
        x[:, empty] = 0.0
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
    # set level: head name → trees, and per fold the heads that never saw that fold
    set_version: int = SET_FEATURE_VERSION
    set_heads: dict[str, CompactTrees] = field(default_factory=dict, repr=False)
    set_folds: dict[int, dict[str, CompactTrees]] = field(default_factory=dict, repr=False)

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

    def has_set_heads(self) -> bool:
        return all(h in self.set_heads for h in SET_HEADS)

    def can_judge_sets(self, lifter_key: str | None) -> bool:
        """Whether a set head that never saw the lifter exists (its fold had enough rows)."""
        if not self.has_set_heads():
            return False
        if not self.knows(lifter_key):
            return True
        return self.fold_of_lifter[lifter_key] in self.set_folds

    def predict_set(
        self, head: str, x: np.ndarray, lifter_key: str | None = None, out_of_fold: bool = False
    ) -> np.ndarray:
        """A set-level head ("set_weight": relative correction of the rule "previous set today
        + last session's change", "set_reps": change in reps from the previous set);
        ``out_of_fold`` as in ``predict_change``."""
        if len(x) == 0:
            return np.zeros(0)
        trees = self.set_heads[head]
        if out_of_fold and self.knows(lifter_key):
            trees = self.set_folds[self.fold_of_lifter[lifter_key]][head]
        return trees.predict(x)


def _thin(n: int, limit: int) -> np.ndarray:
    """Every k-th index so that at most ``limit`` remain: deterministic subsampling."""
    k = max(1, -(-n // limit))
    return np.arange(0, n, k)


def population_set_rows(
    lifters: Mapping[str, Sequence[ExerciseHistory]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    xs, yw, yr, owners = [], [], [], []
    for key, exercises in lifters.items():
        for sessions, step in exercises:
            x, w, r, _ = set_rows(list(sessions), step)
            if len(w):
                xs.append(x)
                yw.append(w)
                yr.append(r)
                owners += [key] * len(w)
    if not xs:
        return np.zeros((0, N_SET_FEATURES)), np.zeros(0), np.zeros(0), []
    return np.vstack(xs), np.concatenate(yw), np.concatenate(yr), owners


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
    """Fit the full model and (``n_folds`` ≥ 2, at least two lifters) the fold models: every
    piece of ``population_pieces`` in turn, as the workers fit them in parallel."""
    t0 = time.perf_counter()
    data = population_data(lifters, n_folds, min_rows)
    fitted = {piece: fit_piece(data, piece) for piece in population_pieces(data)}
    return assemble(data, fitted, time.perf_counter() - t0)


# --- the same fit in independent pieces (the workers fit them in parallel) --------------------

SESSION_HEAD = "session"
ROW_ARRAYS = ("x", "y", "fold", "sx", "syw", "syr", "set_fold")


@dataclass(frozen=True)
class Piece:
    """One independent fit of ``fit_population``: a head, on all rows (``fold`` None) or on
    the rows of every lifter outside ``fold``."""

    head: str  # SESSION_HEAD or one of SET_HEADS
    fold: int | None = None

    @property
    def name(self) -> str:
        return f"{self.head}-{'all' if self.fold is None else f'fold{self.fold}'}"

    @classmethod
    def from_name(cls, name: str) -> Piece:
        head, part = name.rsplit("-", 1)
        return cls(head, None if part == "all" else int(part.removeprefix("fold")))


@dataclass
class PopulationRows:
    """Everything the pieces and the assembly need, computed once: the feature rows, each
    row's fold, the lifters' folds. ``save``/``load`` keep it in one ``.npz`` (no pickle)."""

    x: np.ndarray
    y: np.ndarray
    fold: np.ndarray  # fold of each session row's lifter (-1: no folds)
    sx: np.ndarray
    syw: np.ndarray
    syr: np.ndarray
    set_fold: np.ndarray
    fold_of_lifter: dict[str, int]
    n_folds: int = N_FOLDS
    min_rows: int = 50

    @property
    def with_folds(self) -> bool:
        return self.n_folds >= 2 and len(self.fold_of_lifter) >= 2

    def save(self, path) -> None:
        meta = {"n_folds": self.n_folds, "min_rows": self.min_rows}
        keys = sorted(self.fold_of_lifter)
        np.savez(
            path,
            **{name: getattr(self, name) for name in ROW_ARRAYS},
            lifters=np.array(keys, dtype=str),
            lifter_folds=np.array([self.fold_of_lifter[k] for k in keys], dtype=np.int64),
            meta=np.array([meta["n_folds"], meta["min_rows"]], dtype=np.int64),
        )

    @classmethod
    def load(cls, path) -> PopulationRows:
        with np.load(path, allow_pickle=False) as f:
            n_folds, min_rows = (int(v) for v in f["meta"])
            folds = dict(zip(f["lifters"].tolist(), f["lifter_folds"].tolist(), strict=True))
            return cls(
                **{name: f[name] for name in ROW_ARRAYS},
                fold_of_lifter=folds,
                n_folds=n_folds,
                min_rows=min_rows,
            )


def population_data(
    lifters: Mapping[str, Sequence[ExerciseHistory]], n_folds: int = N_FOLDS, min_rows: int = 50
) -> PopulationRows:
    """The rows ``fit_population`` fits on, with the same checks and fold assignment."""
    x, y, owners = population_rows(lifters)
    if len(y) < min_rows:
        raise ValueError(f"too little data for a population model: {len(y)} rows")
    keys = sorted({k for k in lifters if k in set(owners)})
    fold_of_lifter = assign_folds(keys, n_folds)
    sx, syw, syr, set_owners = population_set_rows(lifters)
    with_folds = n_folds >= 2 and len(keys) >= 2
    return PopulationRows(
        x=x,
        y=y,
        fold=np.array([fold_of_lifter[o] if with_folds else -1 for o in owners], dtype=np.int64),
        sx=sx,
        syw=syw,
        syr=syr,
        set_fold=np.array(
            [fold_of_lifter[o] if with_folds else -1 for o in set_owners], dtype=np.int64
        ),
        fold_of_lifter=fold_of_lifter,
        n_folds=n_folds,
        min_rows=min_rows,
    )


def session_fold_ids(data: PopulationRows) -> list[int]:
    """The folds that get a session fold model (enough rows outside them)."""
    if not data.with_folds:
        return []
    return [
        fold
        for fold in sorted(set(data.fold_of_lifter.values()))
        if (data.fold != fold).sum() >= data.min_rows
    ]


def population_pieces(data: PopulationRows) -> list[Piece]:
    """Every fit ``fit_population`` makes on these rows, largest first (so that the last
    piece to start is a small one and the workers finish together)."""
    folds = session_fold_ids(data)
    pieces = [Piece(SESSION_HEAD)] + [Piece(SESSION_HEAD, f) for f in folds]
    if len(data.syw) >= data.min_rows:
        set_folds = [f for f in folds if (data.set_fold != f).sum() >= data.min_rows]
        for fold in [None, *set_folds]:
            pieces += [Piece(head, fold) for head in SET_HEADS]
    return sorted(pieces, key=lambda p: -_piece_size(data, p))


def _piece_size(data: PopulationRows, piece: Piece) -> int:
    if piece.head == SESSION_HEAD:
        return int(len(data.y) if piece.fold is None else (data.fold != piece.fold).sum())
    n = len(data.syw) if piece.fold is None else int((data.set_fold != piece.fold).sum())
    return min(n, MAX_SET_ROWS)


def piece_rows(data: PopulationRows, piece: Piece) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) one piece fits on: exactly the rows ``fit_population`` gives that fit."""
    if piece.head == SESSION_HEAD:
        if piece.fold is None:
            return data.x, data.y
        keep = data.fold != piece.fold
        return data.x[keep], data.y[keep]
    x, yw, yr = data.sx, data.syw, data.syr
    if piece.fold is not None:
        keep = data.set_fold != piece.fold
        x, yw, yr = x[keep], yw[keep], yr[keep]
    thin = _thin(len(yw), MAX_SET_ROWS)
    x, yw, yr = x[thin], yw[thin], yr[thin]
    if piece.head == "set_weight":
        return x, yw
    has_reps = ~np.isnan(yr)
    return x[has_reps], yr[has_reps]


def fit_piece(data: PopulationRows, piece: Piece) -> CompactTrees:
    return fit_trees(*piece_rows(data, piece))


def assemble(
    data: PopulationRows, fitted: Mapping[Piece, CompactTrees], fit_seconds: float = 0.0
) -> PopulationModel:
    """The ``PopulationModel`` that ``fit_population`` returns, from the fitted pieces.

    Raises ``KeyError`` if a piece of ``population_pieces(data)`` is missing.
    """
    missing = [p.name for p in population_pieces(data) if p not in fitted]
    if missing:
        raise KeyError(f"population pieces missing: {', '.join(missing)}")
    model = PopulationModel(
        estimator=fitted[Piece(SESSION_HEAD)],
        n_rows=len(data.y),
        n_lifters=len(data.fold_of_lifter),
        n_folds=data.n_folds,
        params=dict(POPULATION_PARAMS),
        fold_of_lifter=dict(data.fold_of_lifter),
    )
    folds = session_fold_ids(data)
    model.folds = {f: fitted[Piece(SESSION_HEAD, f)] for f in folds}
    model.fold_ids = folds
    if all(Piece(h) in fitted for h in SET_HEADS):
        model.set_heads = {h: fitted[Piece(h)] for h in SET_HEADS}
        for fold in folds:
            if all(Piece(h, fold) in fitted for h in SET_HEADS):
                model.set_folds[fold] = {h: fitted[Piece(h, fold)] for h in SET_HEADS}
    model.params["fit_seconds"] = round(fit_seconds, 3)
    return model
