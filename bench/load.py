"""The predict endpoint under load: gunicorn on loopback, a fixed number of clients, 30 s.

``GET /api/ml/predict/<uebung_id>/`` with token auth, cycling over the lifter's exercises that
have a model (the one-hour Redis cache is warm after the first round, as in daily use). The
load is bounded: ``load_clients`` keep-alive client threads, each waiting for its answer
before asking again, for ``load_seconds`` after a 2 s warm-up; only 127.0.0.1 is used.
The clients run on the same cores as the server, so the figure is a floor, not a ceiling.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from itertools import cycle

from bench import env
from bench.context import Context
from bench.harness import Figure, summary
from bench.serving import serving_user

WARMUP_S = 2.0


@contextmanager
def gunicorn(workers: int):
    """gunicorn serving the app on a free loopback port; stopped by its own pid."""
    port = env.free_port()
    log = open(env.VAR / "gunicorn.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "homegym.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--timeout",
            "30",
        ],
        cwd=env.REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
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
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


def hammer(port: int, paths: list[str], token: str, clients: int, seconds: float) -> dict:
    """Closed-loop load: each client sends its next request when the previous one answered."""
    start = time.perf_counter()
    measure_from = start + WARMUP_S
    stop_at = measure_from + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = cycle(paths[offset:] + paths[:offset])
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        local: list[float] = []
        codes: dict[int, int] = {}
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                conn.request("GET", next(mine), headers=headers)
                resp = conn.getresponse()
                resp.read()
                code = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                code = 0
            t1 = time.perf_counter()
            if t0 >= measure_from and t1 <= stop_at:
                local.append((t1 - t0) * 1000)
                codes[code] = codes.get(code, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + WARMUP_S + 30)
    return {"latencies": latencies, "statuses": statuses, "seconds": seconds}


def run(ctx: Context) -> list[Figure]:
    try:
        from django.urls import NoReverseMatch, reverse

        reverse("api:ml-predict", args=[1])
    except (ImportError, NoReverseMatch) as exc:
        return [Figure("predict endpoint under load", None, "req/s", note=f"no API yet: {exc}")]
    from rest_framework.authtoken.models import Token

    sizes = ctx.sizes
    user, ids = serving_user(10)
    token, _ = Token.objects.get_or_create(user=user)
    paths = [reverse("api:ml-predict", args=[i]) for i in ids]
    env.flush_redis()
    with gunicorn(sizes.load_gunicorn_workers) as port:
        result = hammer(port, paths, token.key, sizes.load_clients, sizes.load_seconds)
    lat = result["latencies"]
    ok = result["statuses"].get(200, 0)
    errors = sum(n for code, n in result["statuses"].items() if code != 200)
    if not lat:
        return [Figure("predict endpoint under load", None, "req/s", note="no answers")]
    median, p99 = summary(lat)
    setup = (
        f"gunicorn {sizes.load_gunicorn_workers} sync workers, {sizes.load_clients} clients, "
        f"{sizes.load_seconds:g} s, {len(ids)} exercises"
    )
    return [
        Figure(
            name="predict endpoint under load: throughput",
            median=ok / result["seconds"],
            unit="req/s",
            passed=None if errors == 0 else False,
            runs=len(lat),
            note=f"{setup}; {errors} non-200 answers {dict(result['statuses'])}",
        ),
        Figure(
            name="predict endpoint under load: latency",
            median=median,
            p99=p99,
            unit="ms",
            runs=len(lat),
            note=setup,
        ),
    ]
