"""What every benchmark module receives: the sizes of this run and a few shared helpers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sizes:
    """How much each module measures; ``QUICK`` is the fast subset (``--quick``)."""

    train_sets: tuple[int, ...] = (100, 1_000, 10_000)
    train_runs: int = 5
    serve_lifters: int = 3
    calls: int = 300
    cold_calls: int = 60
    memory_models: int = 40
    memory_runs: int = 3
    signal_runs: int = 1000
    nightly_users: int = 200
    nightly_exercises: int = 8
    nightly_concurrency: tuple[int, ...] = (1, 2)
    nightly_timeout_s: float = 900.0
    view_exercises: int = 10
    view_calls: int = 100
    load_seconds: float = 30.0
    load_clients: int = 8
    load_gunicorn_workers: int = 2
    backtest_file: str = ""  # "" = the largest shared log
    guide_files: int = 6
    guide_predict_calls: int = 200


QUICK = Sizes(
    train_sets=(100, 1_000),
    train_runs=3,
    serve_lifters=1,
    calls=100,
    cold_calls=20,
    memory_models=15,
    memory_runs=1,
    signal_runs=200,
    nightly_users=12,
    nightly_timeout_s=300.0,
    view_calls=30,
    load_seconds=5.0,
    load_clients=4,
    backtest_file="p41",
    guide_files=1,
    guide_predict_calls=50,
)


@dataclass
class Context:
    sizes: Sizes
    quick: bool = False
    notes: list[str] = field(default_factory=list)
