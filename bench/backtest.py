"""Wall time of the backtest of the largest shared log: the coach's ``backtest_ml`` command.

Run as an operator runs it (a subprocess of ``manage.py``; it reads the file and the other
lifters' logs as ``--population`` and never touches the database), with both kinds of
prediction (``session_top`` and ``next_set``) and one BLAS thread: one core.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

from bench import data, env
from bench.context import Context
from bench.harness import Figure

LIMIT_S = 60.0  # the target: under a minute on one core


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
    one_thread = {**os.environ, **dict.fromkeys(env.THREAD_VARS, "1")}
    start = time.perf_counter()
    proc = subprocess.run(
        command,
        cwd=env.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=LIMIT_S * 20,
        env=one_thread,
    )
    seconds = time.perf_counter() - start
    (env.VAR / f"backtest-{name}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return [Figure(label, None, "s", passed=False, note=f"exit {proc.returncode}: {tail[0]}")]
    note = "manage.py backtest_ml --population <the other shared logs>, session_top + next_set"
    with contextlib.suppress(OSError, ValueError, AttributeError, KeyError, TypeError):
        summary = json.loads(out.read_text())["summary"]
        pooled = summary["pooled"]
        coach, naive = pooled["coach"]["mae"], pooled["repeat_last"]["mae"]
        note += (
            f"; top sets: {pooled['n']} predictions, MAE coach {coach:.2f} vs repeat last "
            f"{naive:.2f} kg (×{coach / naive:.3f})"
        )
        later = summary["next_set"]["later"]
        first = summary["next_set"]["first"]
        note += (
            f"; next sets: {first['n']} first + {later['n']} later, later-set MAE coach "
            f"{later['coach']['mae']:.2f} vs rule {later['rule']['mae']:.2f} kg"
        )
    return [
        Figure(
            name=label,
            median=seconds,
            unit="s",
            target=f"< {LIMIT_S:g} s (one core)",
            passed=seconds < LIMIT_S,
            runs=1,
            note=note,
        )
    ]
