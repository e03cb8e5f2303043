"""Wall time of the backtest of the largest shared log: the coach's ``backtest_ml`` command.

Run as an operator runs it (a subprocess of ``manage.py``; it reads the file and the other
lifters' logs as ``--population`` and never touches the database).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time

from bench import data, env
from bench.context import Context
from bench.harness import Figure

LIMIT_S = 300.0  # the target: a few minutes on 2 cores


def run(ctx: Context) -> list[Figure]:
    name = ctx.sizes.backtest_file or data.largest_log()
    path = data.log_files()[name]
    label = f"backtest of {name}.csv ({len(data.parsed(name).sets):,} sets)"
    out = env.VAR / f"backtest-{name}.json"
    command = [
        sys.executable,
        "manage.py",
        "backtest_ml",
        str(path),
        "--population",
        str(path.parent),
        "--json",
        str(out),
    ]
    start = time.perf_counter()
    proc = subprocess.run(
        command, cwd=env.REPO_ROOT, capture_output=True, text=True, timeout=LIMIT_S * 4
    )
    seconds = time.perf_counter() - start
    (env.VAR / f"backtest-{name}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return [Figure(label, None, "s", passed=False, note=f"exit {proc.returncode}: {tail[0]}")]
    note = "manage.py backtest_ml --population <the other shared logs>"
    with contextlib.suppress(OSError, ValueError, AttributeError, KeyError, TypeError):
        pooled = json.loads(out.read_text())["summary"]["pooled"]
        coach, naive = pooled["coach"]["mae"], pooled["repeat_last"]["mae"]
        note += (
            f"; {pooled['n']} predictions, MAE coach {coach:.2f} vs repeat last "
            f"{naive:.2f} kg (×{coach / naive:.3f})"
        )
    return [
        Figure(
            name=label,
            median=seconds,
            unit="s",
            target=f"a few minutes (≤ {LIMIT_S:g} s)",
            passed=seconds <= LIMIT_S,
            runs=1,
            note=note,
        )
    ]
