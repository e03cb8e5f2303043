"""Leave-one-lifter-out evaluation: every shared log backtested with all *other* logs as the
population, exactly as ``manage.py backtest_ml FILE --population DIR`` does it (same functions;
here each file is parsed once instead of once per run).

    python -m bench.evaluate [--dir ../shared/data/workouts] [--algorithm coach|guide_rf]
                             [--only p51 p79] [--json OUT] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "workouts"
WORSE_BY = 1.03


def evaluate(
    directory: Path,
    algorithm: str = "coach",
    retrain_every: int = 1,
    only: list[str] | None = None,
    log=print,
    population_size: int | None = None,
    draws: int = 1,
) -> dict:
    from ml_coach.backtest import exercise_histories, file_digest, load_log, run_backtest
    from ml_coach.population_model import fit_population

    files = sorted(directory.glob("*.csv"))
    parsed, histories, digests = {}, {}, {}
    for path in files:
        parsed[path.name] = load_log(path, "auto")
        digests[path.name] = file_digest(path)
        histories[path.name] = exercise_histories(parsed[path.name])
    lifters = []
    for path in files:
        name = path.name
        if only and path.stem not in only:
            continue
        t0 = time.perf_counter()
        others = {
            k: v for k, v in histories.items() if k != name and digests[k] != digests[name] and v
        }
        for draw in range(draws):
            chosen = others
            if population_size is not None:  # an instance with that many lifters of its own
                keys = random.Random(f"{name}:{draw}").sample(sorted(others), population_size)
                chosen = {k: others[k] for k in sorted(keys)}
            population = fit_population(chosen, n_folds=0) if algorithm == "coach" else None
            result = run_backtest(parsed[name], population, algorithm, retrain_every)
            row = _row(path, result, t0)
            if row is not None:
                row["lifter"] = path.stem if draws == 1 else f"{path.stem}#{draw}"
                lifters.append(row)
                log(
                    f"{row['lifter']}: n={row['n']} coach {row['coach_mae']:.2f} "
                    f"last {row['repeat_last_mae']:.2f} ratio {row['ratio']:.3f} "
                    f"({row['seconds']} s)"
                )
    return summarize(lifters, algorithm)


def _row(path: Path, result, t0: float) -> dict | None:
    """One lifter's figures (None when the log has no exercise to backtest)."""
    s = result.summary()["pooled"]
    if not s["n"]:
        return None
    row = {
        "lifter": path.stem,
        "n": s["n"],
        "coach_mae": s["coach"]["mae"],
        "repeat_last_mae": s["repeat_last"]["mae"],
        "double_progression_mae": s["double_progression"]["mae"],
        "coach_within": s["coach"]["within_2_5"],
        "repeat_last_within": s["repeat_last"]["within_2_5"],
        "model_share": s["sources"].get("model", 0) / s["n"],
        "seconds": round(time.perf_counter() - t0, 1),
        "predictions": [
            (p.actual_kg, p.predicted_kg, p.baseline_kg, p.double_progression_kg)
            for p in result.of_kind("session_top")
        ],
        "set_predictions": result.of_kind("next_set"),
        "top_predictions": result.of_kind("session_top"),
    }
    row["ratio"] = row["coach_mae"] / row["repeat_last_mae"] if row["repeat_last_mae"] else 1
    return row


def summarize_sets(lifters: list[dict]) -> dict:
    """Set-level figures pooled over all lifters (``next_set`` predictions)."""
    from ml_coach.backtest import score_sets

    return score_sets([p for row in lifters for p in row["set_predictions"]])


def summarize(lifters: list[dict], algorithm: str) -> dict:
    from ml_coach.backtest import reps_score

    preds = np.array([p for row in lifters for p in row["predictions"]], dtype=np.float64)
    actual = preds[:, 0]
    pooled = {}
    for i, method in enumerate(("coach", "repeat_last", "double_progression"), start=1):
        err = np.abs(preds[:, i] - actual)
        pooled[method] = {"mae": float(err.mean()), "within_2_5": float((err <= 2.5 + 1e-9).mean())}
    sets = summarize_sets(lifters)
    top_reps = reps_score([p for row in lifters for p in row.pop("top_predictions", [])])
    worse = [
        r["lifter"]
        for r in lifters
        if r["repeat_last_mae"] and r["coach_mae"] > WORSE_BY * r["repeat_last_mae"]
    ]
    better = [r["lifter"] for r in lifters if r["coach_mae"] < r["repeat_last_mae"]]
    for row in lifters:
        row.pop("predictions")
        row.pop("set_predictions")
    return {
        "next_set": sets,
        "top_reps": top_reps,
        "algorithm": algorithm,
        "n_lifters": len(lifters),
        "n_predictions": len(actual),
        "pooled": pooled,
        "ratio": pooled["coach"]["mae"] / pooled["repeat_last"]["mae"],
        "lifters_worse_by_3pct": worse,
        "lifters_better": better,
        "lifters": lifters,
    }


def _ratio(a, b) -> str:
    return f"{a / b:.3f}" if a is not None and b else "–"


def set_markdown(summary: dict) -> list[str]:
    """The reps of the top set and the set-level table (first and later working sets)."""
    tr = summary["top_reps"]
    lines = [
        f"Top-set reps (n={tr['n']}): coach MAE {tr['coach_mae']:.3f}, same reps as last "
        f"session's top set {tr['baseline_mae']:.3f} → "
        f"**{_ratio(tr['coach_mae'], tr['baseline_mae'])}**.",
        "",
        "| working set | n | coach MAE kg | Strong previous | rule (prev set + last change) "
        "| coach/Strong | coach/rule | coach ≤2.5 | rule ≤2.5 | reps coach | reps rule "
        "| model share |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for part, label in (("first", "set 1"), ("later", "set 2 onward")):
        p = summary["next_set"][part]
        if not p["n"]:
            continue
        c, st, ru, re = p["coach"], p["strong_previous"], p["rule"], p["reps"]
        share = p["sources"].get("model", 0) / p["n"]
        lines.append(
            f"| {label} | {p['n']} | {c['mae']:.3f} | {st['mae']:.3f} | {ru['mae']:.3f} "
            f"| {_ratio(c['mae'], st['mae'])} | {_ratio(c['mae'], ru['mae'])} "
            f"| {c['within_2_5']:.1%} | {ru['within_2_5']:.1%} | {re['coach_mae']:.3f} "
            f"| {re['baseline_mae']:.3f} | {share:.0%} |"
        )
    return lines


def markdown(summary: dict) -> str:
    p = summary["pooled"]
    lines = [
        f"Algorithm `{summary['algorithm']}`: {summary['n_lifters']} lifters, "
        f"{summary['n_predictions']} session-top predictions.",
        "",
        "| method | MAE kg | within 2.5 kg |",
        "|---|---:|---:|",
    ]
    for method in ("coach", "repeat_last", "double_progression"):
        lines.append(f"| {method} | {p[method]['mae']:.3f} | {p[method]['within_2_5']:.1%} |")
    lines += [
        "",
        f"Coach / repeat-last MAE: **{summary['ratio']:.3f}**; lifters better than repeat-last: "
        f"{len(summary['lifters_better'])}/{summary['n_lifters']}; worse by more than 3 %: "
        f"{len(summary['lifters_worse_by_3pct'])}/{summary['n_lifters']} "
        f"({', '.join(summary['lifters_worse_by_3pct']) or 'none'}).",
    ]
    lines += ["", *set_markdown(summary)]
    lines += [
        "",
        "| lifter | n | coach MAE | repeat-last MAE | ratio | double-progr. MAE "
        "| coach ≤2.5 | repeat ≤2.5 | model share |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary["lifters"]:
        lines.append(
            f"| {r['lifter']} | {r['n']} | {r['coach_mae']:.2f} | {r['repeat_last_mae']:.2f} "
            f"| {r['ratio']:.3f} | {r['double_progression_mae']:.2f} | {r['coach_within']:.1%} "
            f"| {r['repeat_last_within']:.1%} | {r['model_share']:.0%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--algorithm", default="coach", choices=["coach", "guide_rf"])
    parser.add_argument("--retrain-every", type=int, default=None)
    parser.add_argument("--only", nargs="*", help="lifters (file stems) to backtest")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--population-size",
        type=int,
        help="learn each population from this many other lifters only (an instance's size)",
    )
    parser.add_argument("--draws", type=int, default=1, help="random populations per lifter")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegym.settings")
    import django

    django.setup()
    retrain = args.retrain_every or (1 if args.algorithm == "coach" else 5)
    t0 = time.perf_counter()
    summary = evaluate(
        args.dir,
        args.algorithm,
        retrain,
        args.only,
        log=lambda m: print(m, file=sys.stderr, flush=True),
        population_size=args.population_size,
        draws=args.draws,
    )
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    summary["command"] = " ".join(["python -m bench.evaluate", *(argv or sys.argv[1:])])
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    print(markdown(summary))
    print(f"\n{summary['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
