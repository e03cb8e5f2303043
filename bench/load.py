"""Load run: gunicorn on loopback, the training view and the predict endpoint under ``wrk``.

    python -m bench.load [--seconds 10] [--connections 8] [--workers 2] [--database-url URL]

Starts everything it needs in a temporary folder and stops it again: a Redis on a spare port,
a production-like gunicorn (DEBUG off, static files collected, SQLite file unless
``--database-url`` names another database), a lifter with a trained coach model, a warm cache.
Phases (each bounded by ``--seconds``, at most 30):

1. training view, warm cache;   2. predict endpoint, warm cache;
3. predict endpoint, Redis stopped a third of the way in;   4. training view, Redis still down.

Prints requests/s, p50/p99 latency and errors (socket errors + non-2xx) per phase; exits 1 if
any phase had an error. Loopback only. Needs ``wrk`` (Debian: ``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_PHASE_SECONDS = 30


def free_port(preferred: range | None = None) -> int:
    for port in preferred or ():
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for a service to start")


def answers(port: int, request: bytes, expect: bytes) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            return s.recv(64).startswith(expect)
    except OSError:
        return False


@dataclass
class Result:
    phase: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int

    def line(self) -> str:
        return (
            f"{self.phase:<44} {self.rps:>8.1f} req/s  p50 {self.p50_ms:>7.1f} ms  "
            f"p99 {self.p99_ms:>7.1f} ms  requests {self.requests:>6}  errors {self.errors}"
        )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS_MS[unit]


def run_wrk(phase: str, url: str, cookie: str, seconds: int, connections: int) -> Result:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "--timeout", "5s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout  # fmt: skip
    requests = int(re.search(r"(\d+) requests in ([\d.]+\w+)", out).group(1))
    elapsed = _ms(re.search(r"\d+ requests in ([\d.]+\w+)", out).group(1)) / 1000
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
    return Result(phase, requests, elapsed, requests / elapsed, p50, p99, errors)


class Services:
    """Redis and gunicorn, started here and stopped here (by pid)."""

    def __init__(self, tmp: Path, workers: int, database_url: str | None) -> None:
        self.tmp = tmp
        self.redis_port = free_port(range(6396, 6400))
        self.web_port = free_port()
        self.workers = workers
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "homegym.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "HOMEGYM_VAR_DIR": str(tmp),
            "DATABASE_URL": database_url or f"sqlite:///{tmp / 'load.sqlite3'}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "ML_MODEL_ROOT": str(tmp / "models"),
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(REPO),
        }
        for name in ("CELERY_BROKER_URL", "CACHE_REDIS_URL", "RESULT_REDIS_URL"):
            self.env.pop(name, None)

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save",
             "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: answers(self.redis_port, b"PING\r\n", b"+PONG"))

    def stop_redis(self) -> None:
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
        self.redis = None

    def start_web(self) -> None:
        self.log = log = open(self.tmp / "gunicorn.log", "wb")  # noqa: SIM115
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "homegym.wsgi", "--bind",
             f"127.0.0.1:{self.web_port}", "--workers", str(self.workers), "--timeout", "30"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        request = f"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1:{self.web_port}\r\n\r\n".encode()
        try:
            wait_until(lambda: answers(self.web_port, request, b"HTTP/1.0 200"), timeout=60)
        except RuntimeError:
            print((self.tmp / "gunicorn.log").read_text(errors="replace")[-3000:])
            raise

    def stop(self) -> None:
        if self.web is not None and self.web.poll() is None:
            self.web.send_signal(signal.SIGTERM)
            self.web.wait(timeout=20)
            self.log.close()
        self.stop_redis()


def prepare(env: dict[str, str]) -> dict:
    """Migrate, collect static files, create a lifter with history and a trained model."""
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO, env={**env, "STATIC_ROOT": str(Path(env["HOMEGYM_VAR_DIR"]) / "static")},
        check=True,
    )  # fmt: skip
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from core.models import Satz, Trainingseinheit, Uebung
    from ml_coach.trainer import train_and_store

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(
        f"load-{secrets.token_hex(4)}", password="load-pw-123"
    )
    uebung = Uebung.objects.create(name=f"Kniebeuge {user.username}")
    start = timezone.now() - timedelta(days=60)
    einheit = None
    for i in range(20):
        einheit = Trainingseinheit.objects.create(
            user=user, datum=start + timedelta(days=3 * i), name="Beine"
        )
        Satz.objects.bulk_create(
            Satz(einheit=einheit, uebung=uebung, satz_nr=n + 1,
                 gewicht=Decimal(80 + 2.5 * (i // 2)), wiederholungen=5, rpe=Decimal(8))
            for n in range(3)
        )  # fmt: skip
    model = train_and_store(user.pk, uebung.pk)
    return {
        "username": user.username,
        "password": "load-pw-123",
        "workout": einheit.pk,
        "uebung": uebung.pk,
        "model": f"{model.pk} {model.status}",
    }


def login(port: int, username: str, password: str) -> str:
    import requests

    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    seconds = max(1, min(args.seconds, MAX_PHASE_SECONDS))
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            print(f"{tool} fehlt (Debian: apt-get install {tool.replace('-server', '')})")
            return 2

    tmp = Path(tempfile.mkdtemp(prefix="homegym-load-"))
    services = Services(tmp, args.workers, args.database_url)
    results: list[Result] = []
    try:
        services.start_redis()
        data = prepare(services.env)
        services.start_web()
        cookie = login(services.web_port, data["username"], data["password"])
        base = f"http://127.0.0.1:{services.web_port}"
        training = f"{base}/training/{data['workout']}/"
        predict = f"{base}/api/ml/predict/{data['uebung']}/"
        import requests

        for url in (training, predict):  # warm the cache
            assert requests.get(url, headers={"Cookie": cookie}, timeout=10).status_code == 200
        print(f"gunicorn workers={args.workers} wrk -t2 -c{args.connections} -d{seconds}s, "
              f"model {data['model']}, cpus={os.cpu_count()}")  # fmt: skip
        results.append(run_wrk("1 training view, warm cache", training, cookie, seconds,
                               args.connections))  # fmt: skip
        print(results[-1].line(), flush=True)
        results.append(run_wrk("2 predict API, warm cache", predict, cookie, seconds,
                               args.connections))  # fmt: skip
        print(results[-1].line(), flush=True)
        stopper = threading.Timer(seconds / 3, services.stop_redis)
        stopper.start()
        results.append(run_wrk("3 predict API, Redis stopped after 1/3", predict, cookie,
                               seconds, args.connections))  # fmt: skip
        stopper.join()
        print(results[-1].line(), flush=True)
        results.append(run_wrk("4 training view, Redis down", training, cookie, seconds,
                               args.connections))  # fmt: skip
        print(results[-1].line(), flush=True)
    finally:
        services.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [r.phase for r in results if r.errors]
    print("errors: none" if not failed else f"errors in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
