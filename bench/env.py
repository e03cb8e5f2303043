"""The benchmark's own environment: its own database, Redis, model folder and one BLAS thread.

Everything here runs before Django is imported, because settings are read from the
environment once. The bench never touches an instance's data: it uses ``BENCH_DATABASE_URL``
(default the local PostgreSQL database ``hg_bench``, created when missing) and
``BENCH_REDIS_URL`` (default a Redis on port 6390, started here when none answers), and it
empties that Redis's broker, cache and result databases between measurements.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR = REPO_ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hg_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6390/0"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

_started_redis: subprocess.Popen | None = None


def redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)


def configure_environment() -> None:
    """Point the settings at the bench's own services; production-like (DEBUG off)."""
    (VAR / "static").mkdir(parents=True, exist_ok=True)
    url = redis_url()
    for name in THREAD_VARS:
        os.environ[name] = "1"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "homegym.settings",
            "DATABASE_URL": database_url(),
            # As deploy/systemd/homegym.env.example: persistent connections in web and worker.
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": redis_db(url, 0),
            "CELERY_BROKER_URL": redis_db(url, 0),
            "CACHE_REDIS_URL": redis_db(url, 1),
            "RESULT_REDIS_URL": redis_db(url, 2),
            "CELERY_RESULT_BACKEND": redis_db(url, 2),
            "CACHE_KEY_PREFIX": "homegym-bench",
            "ML_MODEL_ROOT": str(VAR / "models"),
            "STATIC_ROOT": str(VAR / "static"),
            "DEBUG": "0",
            "SECRET_KEY": "homegym-bench-not-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
    )


def ensure_database() -> None:
    """Create the bench database when it does not exist (PostgreSQL only)."""
    url = database_url()
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"bench: BENCH_DATABASE_URL must be PostgreSQL, got {url!r}")
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        raise SystemExit(f"bench: PostgreSQL at {parts.netloc} not reachable: {exc}") from exc


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


def ensure_redis() -> None:
    """Use the Redis at BENCH_REDIS_URL, or start a private one there (stopped at exit)."""
    global _started_redis
    url = redis_url()
    if _redis_answers(url):
        return
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost") or not shutil.which("redis-server"):
        raise SystemExit(f"bench: no Redis answers at {url}; start one or set BENCH_REDIS_URL")
    port = str(parts.port or 6379)
    _started_redis = subprocess.Popen(
        ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        if _redis_answers(url):
            return
        time.sleep(0.1)
    raise SystemExit(f"bench: started redis-server on port {port} but it does not answer")


def stop_started_redis() -> None:
    if _started_redis is not None and _started_redis.poll() is None:
        _started_redis.terminate()
        _started_redis.wait(timeout=10)


def flush_redis() -> None:
    """Empty the bench Redis's broker, cache and result databases (never another Redis)."""
    import redis

    for db in (0, 1, 2):
        redis.Redis.from_url(redis_db(redis_url(), db)).flushdb()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django() -> None:
    """Configure, check services, set Django up and migrate the bench database."""
    configure_environment()
    ensure_database()
    ensure_redis()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def stop_process_group(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM the process group started for a figure, SIGKILL it after ``grace`` seconds."""
    import signal

    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
