"""Load runs: gunicorn on loopback, the predict endpoint and the training view, bounded.

Runs inside ``python -m bench`` on the bench's PostgreSQL with the largest replayed lifter
(10 exercises with trained models) and a private Redis, which phase 3 stops on purpose:

1. predict endpoint, warm cache (the headline figure: requests/s and p99);
2. training view with 10 exercises, warm cache;
3. predict endpoint, Redis stopped a third of the way in;
4. training view, Redis down.

Each phase lasts ``load_seconds`` (at most 30) with ``load_clients`` closed-loop connections
(each waits for its answer before asking again), after a warm-up; only 127.0.0.1 is used.
The load generator is ``wrk`` when installed, else a Python client. Errors (socket errors,
non-2xx answers) must be zero in every phase. The client shares the cores with the server,
so the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle

from bench import env
from bench.context import Context
from bench.harness import Figure, summary
from bench.serving import serving_user

MAX_PHASE_SECONDS = 30
WARMUP_S = 2.0
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    phase: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@contextmanager
def private_redis():
    """A Redis of this module's own, so that phase 3 may stop it (by its pid)."""
    port = env.free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    import redis

    while True:
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
            break
        except redis.exceptions.RedisError:
            if time.monotonic() > deadline:
                raise RuntimeError("private redis-server did not start") from None
            time.sleep(0.1)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)

    try:
        yield url, stop
    finally:
        stop()


@contextmanager
def gunicorn(workers: int, redis_url: str):
    """gunicorn serving the app on a free loopback port; stopped by its own pid."""
    port = env.free_port()
    overrides = {
        "REDIS_URL": env.redis_db(redis_url, 0),
        "CELERY_BROKER_URL": env.redis_db(redis_url, 0),
        "CACHE_REDIS_URL": env.redis_db(redis_url, 1),
        "RESULT_REDIS_URL": env.redis_db(redis_url, 2),
        "CELERY_RESULT_BACKEND": env.redis_db(redis_url, 2),
    }
    log = open(env.VAR / "gunicorn.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "homegym.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
         "--timeout", "30"],
        cwd=env.REPO_ROOT, env={**os.environ, **overrides}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/openapi.json")
                conn.getresponse().read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log.name}") from None
                time.sleep(0.2)
        yield port
    finally:
        env.stop_process_group(proc, grace=30)
        log.close()


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS_MS[unit]


def run_wrk(phase: str, url: str, cookie: str, seconds: int, connections: int) -> Result:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "--timeout", "5s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
    requests, elapsed = int(found.group(1)), _ms(found.group(2)) / 1000
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return Result(phase, requests, elapsed, p50, p99, errors, "wrk")


def run_python(phase: str, port: int, paths: list[str], cookie: str, seconds: int, clients: int):
    """Closed-loop keep-alive clients in threads: the fallback without ``wrk``."""
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine = cycle(paths[offset:] + paths[:offset])
        local, bad = [], 0
        while (t0 := time.perf_counter()) < stop_at:
            try:
                conn.request("GET", next(mine), headers={"Cookie": cookie})
                resp = conn.getresponse()
                resp.read()
                bad += not 200 <= resp.status < 400
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                bad += 1
            local.append((time.perf_counter() - t0) * 1000)
        conn.close()
        with lock:
            latencies.extend(local)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    p50, p99 = summary(latencies) if latencies else (0.0, 0.0)
    return Result(phase, len(latencies), seconds, p50, p99, errors[0], "python")


def session_cookie(user) -> str:
    """A logged-in session of ``user`` in the shared database (no password needed)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def run(ctx: Context) -> list[Figure]:
    from django.core.management import call_command
    from django.urls import reverse

    from bench.training_view import todays_workout

    sizes = ctx.sizes
    seconds = int(max(1, min(sizes.load_seconds, MAX_PHASE_SECONDS)))
    call_command("collectstatic", interactive=False, verbosity=0)
    user, ids = serving_user(10)
    today = todays_workout(user, ids)
    cookie = session_cookie(user)
    predict_paths = [reverse("api:ml-predict", args=[i]) for i in ids]
    view_path = reverse("web:workout", args=[today.pk])
    use_wrk = shutil.which("wrk") is not None
    results: list[Result] = []
    try:
        with (
            private_redis() as (redis_url, stop_redis),
            gunicorn(sizes.load_gunicorn_workers, redis_url) as port,
        ):
            base = f"http://127.0.0.1:{port}"

            def load(phase: str, paths: list[str]) -> Result:
                if use_wrk:
                    # wrk asks for one URL; the first exercise stands for all (warm cache).
                    return run_wrk(phase, base + paths[0], cookie, seconds, sizes.load_clients)
                return run_python(phase, port, paths, cookie, seconds, sizes.load_clients)

            run_python("warm-up", port, [*predict_paths, view_path], cookie, 1, 2)
            time.sleep(WARMUP_S / 2)
            results.append(load("predict endpoint, warm cache", predict_paths))
            results.append(load("training view, 10 exercises, warm cache", [view_path]))
            stopper = threading.Timer(seconds / 3, stop_redis)
            stopper.start()
            results.append(load("predict endpoint, Redis stopped after 1/3", predict_paths))
            stopper.join()
            results.append(load("training view, Redis down", [view_path]))
    finally:
        today.delete()
    setup = (
        f"gunicorn {sizes.load_gunicorn_workers} sync workers, {sizes.load_clients} "
        f"connections, {seconds} s, {results[0].tool if results else '-'}"
    )
    figures = []
    for r in results:
        figures.append(
            Figure(
                name=f"under load: {r.phase}",
                median=r.rps,
                unit="req/s",
                target="0 errors",
                passed=r.errors == 0,
                runs=r.requests,
                note=f"{r.errors} errors; latency p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms; "
                f"{setup}",
            )
        )
    if results:
        first = results[0]
        figures.append(
            Figure(
                name="predict endpoint under load: latency",
                median=first.p50_ms,
                p99=first.p99_ms,
                unit="ms",
                runs=first.requests,
                note=setup,
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.load``: only these phases, on the bench's database and services."""
    import argparse
    from dataclasses import replace

    from bench.context import Sizes
    from bench.harness import render_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: the bench's)")
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url
    env.setup_django()
    sizes = replace(
        Sizes(),
        load_seconds=float(args.seconds),
        load_clients=args.connections,
        load_gunicorn_workers=args.workers,
    )
    try:
        figures = run(Context(sizes=sizes))
    finally:
        env.stop_started_redis()
    print(render_table(figures))
    return 1 if any(f.passed is False for f in figures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
