"""Speed and size of the coach, measured on a real log (no database needed):

    DJANGO_SETTINGS_MODULE=homegym.settings python -m bench.coach_speed [LOG] [--population DIR]

Prints: per-(user, exercise) training time for the first 1,000 sets of the log's largest
exercise (one core), the population model's fit time, one prediction with the models loaded,
and artifact sizes. Takes the median of repeated runs.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from bench.evaluate import DEFAULT_DIR


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("log", nargs="?", type=Path, default=DEFAULT_DIR / "p01.csv")
    parser.add_argument("--population", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--sets", type=int, default=1000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")
    import django

    django.setup()
    from ml_coach.backtest import exercise_history, histories_from_files, load_log, population_files
    from ml_coach.coach_model import decide, fit_coach, loaded
    from ml_coach.population_model import fit_population
    from ml_coach.sessions import group_sessions

    exercises = load_log(args.log)
    name, records = max(exercises.items(), key=lambda kv: len(kv[1]))
    records = records[: args.sets]
    lifters = histories_from_files(population_files(args.population, args.log))
    t0 = time.perf_counter()
    population = fit_population(lifters, n_folds=3)
    pop_fit = time.perf_counter() - t0
    pop_bytes = len(pickle.dumps(population, protocol=pickle.HIGHEST_PROTOCOL))
    served_bytes = len(pickle.dumps(population.estimator, protocol=pickle.HIGHEST_PROTOCOL))

    def train():
        sessions = loaded(group_sessions(records))
        _, _, step = exercise_history(records)
        return fit_coach(
            sessions,
            step,
            population=population,
            lifter_key="bench",
            population_ref={"id": 0, "path": "-", "sha256": "-"},
        )

    with threadpool_limits(1):
        result = train()
        train_ms = _median_ms(train, 7)
    model = result.model
    model.uses_model = True
    model.expert = "population"  # time the model path even if the gate chose the baseline
    sessions = loaded(group_sessions(records))
    _, _, step = exercise_history(records)
    at = sessions[-1].start
    predict_ms = _median_ms(
        lambda: decide(sessions, len(records), step, at, model, population), 200
    )
    coach_bytes = len(pickle.dumps(result.model, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"exercise: {name} ({len(records)} sets, {len(sessions)} sessions)")
    print(f"train one (user, exercise) model, 1 core: {train_ms:.1f} ms (median of 7)")
    print(f"predict next weight, models loaded: {predict_ms:.3f} ms (median of 200)")
    print(f"per-(user, exercise) artifact: {coach_bytes / 1024:.1f} KB")
    print(
        f"population model: {population.n_lifters} lifters, {population.n_rows} rows, "
        f"fit (full + 3 folds, 1 core) {pop_fit:.1f} s, artifact (full + 3 fold models) "
        f"{pop_bytes / 1024:.1f} KB, of which the served trees {served_bytes / 1024:.1f} KB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
