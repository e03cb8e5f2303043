"""``python -m bench``: every performance figure against its target, as a table and JSON.

    python -m bench                 # everything (about 15 min on 2 cores)
    python -m bench --quick         # a fast subset with smaller sizes
    python -m bench --only serve,nightly

A full run writes ``bench/results.json`` and the table between the markers in
``docs/benchmarks.md``; ``--quick``/``--only`` runs write ``var/bench/results-partial.json``
unless ``--out`` says otherwise.
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread before numpy is imported anywhere: "1 core" figures mean it.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from bench import env  # noqa: E402
from bench.context import QUICK, Context, Sizes  # noqa: E402
from bench.harness import Figure, machine_info, render_table, write_results  # noqa: E402

MODULES = (
    "train",
    "serve",
    "signal",
    "view",
    "nextset",
    "load",
    "nightly",
    "backtest",
    "guide",
)
RESULTS = Path(__file__).resolve().parent / "results.json"
DOCS = env.REPO_ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:table:start -->", "<!-- bench:table:end -->"


def module_runner(name: str):
    """The ``run(ctx) -> list[Figure]`` of one module (imported only when it is run)."""
    from importlib import import_module

    modules = {
        "train": "bench.training",
        "serve": "bench.serving",
        "signal": "bench.signal_overhead",
        "view": "bench.training_view",
        "nextset": "bench.next_set",
        "load": "bench.load",
        "nightly": "bench.nightly_retrain",
        "backtest": "bench.backtest",
        "guide": "bench.guide",
    }
    return import_module(modules[name]).run


def run_modules(names: list[str], ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        started = time.perf_counter()
        print(f"[bench] {name} ...", flush=True)
        try:
            got = module_runner(name)(ctx)
        except SystemExit:
            raise
        except Exception as exc:
            traceback.print_exc()
            got = [
                Figure(
                    name=f"{name}: failed",
                    median=None,
                    unit="",
                    passed=False,
                    note=f"{type(exc).__name__}: {exc}"[:200],
                )
            ]
        for fig in got:
            fig.module = name
        figures += got
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", flush=True)
        print(render_table(got), flush=True)
    return figures


def headline_line(figures: list[Figure]) -> str:
    """The side-by-side in one line: the guide's RandomForest ÷ ours, from this run."""
    ratios = [f for f in figures if f.name.startswith("guide ÷ ours") and f.median]
    if not ratios:
        return ""
    text = ", ".join(f"{f.name.split(': ', 1)[1]} {f.median:.2f}×" for f in ratios)
    return f"Headline, the deployment guide's RandomForest ÷ ours: {text}."


def update_docs(table: str, command: str, seconds: float) -> None:
    """Replace the table between the markers in docs/benchmarks.md with this run's."""
    if not DOCS.exists():
        return
    text = DOCS.read_text()
    if START not in text or END not in text:
        return
    info = machine_info()
    libs = ", ".join(f"{k} {v}" for k, v in info["libraries"].items() if v)
    block = (
        f"{START}\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `{command}` "
        f"({seconds / 60:.1f} min) on {info['cores']} cores (load average "
        f"{info['load_average'][1]:.1f} over the last 5 min), {info['platform']}, "
        f"Python {info['python']}; {libs}.\n\n{table}\n{END}"
    )
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(head + block + tail)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these modules (comma separated, repeatable): {', '.join(MODULES)}",
    )
    parser.add_argument("--out", type=Path, help="where to write the JSON results")
    args = parser.parse_args(argv)
    only = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    unknown = sorted(set(only) - set(MODULES))
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    args.modules = [m for m in MODULES if m in only] if only else list(MODULES)
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = shlex.join(["python", "-m", "bench", *argv])
    full = not args.quick and len(args.modules) == len(MODULES)
    out = args.out or (RESULTS if full else env.VAR / "results-partial.json")
    from bench import data

    data.shared_dir()  # a clear error before anything starts
    env.setup_django()
    ctx = Context(sizes=QUICK if args.quick else Sizes(), quick=args.quick)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    try:
        figures = run_modules(args.modules, ctx)
    finally:
        env.stop_started_redis()
    seconds = time.perf_counter() - started
    table = render_table(figures)
    print("\n" + table)
    headline = headline_line(figures)
    if headline:
        print(f"\n{headline}")
    print(f"\n{sum(f.passed is False for f in figures)} MISS, {seconds / 60:.1f} min; {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_results(figures, out, command, seconds, {"load_average_at_start": load_at_start})
    if full:
        update_docs(f"{table}\n\n{headline}" if headline else table, "make bench", seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
