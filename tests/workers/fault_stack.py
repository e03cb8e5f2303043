"""Real processes for the fault tests: a Redis the test stops and starts, a Celery worker, a
gunicorn web server and celery beat, all on loopback, sharing the test database.

Ports: Redis on the first free one of 6396–6399 (6395 is the suite's own test Redis here),
gunicorn on a free ephemeral port. Every process is started and ended by the test, by pid.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from homegym.settings import redis_db_url
from tests.waiting import wait_for as _wait_for

REPO = Path(__file__).resolve().parents[2]
REDIS_PORTS = range(6396, 6400)
APPLICATION_NAME = "homegym-faults"  # how the stack's processes show in pg_stat_activity


def wait_for(predicate: Callable[[], object], timeout: float = 30.0):
    """Whole processes start and stop here: a longer default wait, polled less often."""
    return _wait_for(predicate, timeout, step=0.1)


def port_is_free(port: int) -> bool:
    """Nothing listens there (connections are refused)."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RedisServer:
    """``redis-server`` without persistence: a restart loses everything, like a power cut."""

    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.ping, timeout=10)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None
        wait_for(lambda: not self.ping(), timeout=10)

    def client(self, db: int):
        import redis

        return redis.Redis.from_url(redis_db_url(self.url, db), socket_timeout=2)


def start_redis() -> RedisServer:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    for port in REDIS_PORTS:
        if port_is_free(port):
            server = RedisServer(port)
            server.start()
            return server
    pytest.skip("no free port in 6396-6399 for the fault tests' Redis")


def database_url() -> str | None:
    """The test database as a URL other processes can open, or None (in-memory SQLite)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("postgresql"):
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{s['NAME']}?application_name={APPLICATION_NAME}"
    name = str(s["NAME"])
    if s["ENGINE"].endswith("sqlite3") and "memory" not in name and name:
        return f"sqlite:///{name}"
    return None


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class Process:
    name: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Stack:
    redis: RedisServer
    env: dict[str, str]
    tmp: Path
    model_root: Path
    processes: list[Process] = field(default_factory=list)

    def spawn(self, name: str, args: list[str]) -> Process:
        log_path = self.tmp / f"{name}-{len(self.processes)}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                args, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        process = Process(name, proc, log_path)
        self.processes.append(process)
        return process

    def worker(self) -> Process:
        process = self.spawn(
            "worker",
            [sys.executable, "-m", "celery", "-A", "homegym", "worker", "-Q", "ml,default",
             "-c", "1", "-P", "prefork", "-n", f"faults{os.getpid()}@%h", "--without-mingle",
             "--without-gossip", "--loglevel=INFO"],
        )  # fmt: skip
        wait_for(lambda: "ready." in process.log() or process.proc.poll() is not None, 60)
        assert process.proc.poll() is None, process.log()[-3000:]
        return process

    def web(self) -> tuple[Process, str]:
        port = free_port()
        process = self.spawn(
            "web",
            [sys.executable, "-m", "gunicorn", "homegym.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "60", "--access-logfile", "-"],
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base) or process.proc.poll() is not None, 60)
        assert process.proc.poll() is None, process.log()[-3000:]
        return process, base

    def beat(self, schedule_dir: Path) -> Process:
        return self.spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "homegym", "beat", "--loglevel=INFO",
             "-s", str(schedule_dir / "celerybeat-schedule"), "--max-interval", "1"],
        )  # fmt: skip

    def cache(self):
        """A Django cache client for the stack's Redis, encoding keys like the processes."""
        from django.conf import settings
        from django_redis.cache import RedisCache

        options = dict(settings.CACHES["default"])
        return RedisCache(redis_db_url(self.redis.url, 11), {**options, "LOCATION": None})

    def sender(self):
        """A Celery app that queues to the stack's broker (the suite's app stays untouched)."""
        from celery import Celery

        # Not the current app: the suite's shared tasks must keep sending to the suite's broker.
        app = Celery("fault-sender", broker=redis_db_url(self.redis.url, 10), set_as_current=False)
        app.conf.broker_transport_options = {"socket_timeout": 2, "socket_connect_timeout": 2}
        return app

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.redis.stop()


def _answers(base: str) -> bool:
    import requests

    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def make_stack(tmp: Path) -> Stack:
    url = database_url()
    if url is None:
        pytest.skip("needs a database other processes can open (PostgreSQL or SQLite file)")
    redis_server = start_redis()
    model_root = tmp / "models"
    model_root.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.workers.fault_settings",
        "DATABASE_URL": url,
        "TEST_REDIS_URL": redis_server.url,
        "TEST_ML_MODEL_ROOT": str(model_root),
        "PYTHONPATH": str(REPO),
        "HOMEGYM_VAR_DIR": str(tmp),
        "ML_MIN_SAMPLES": "10",
        "PYTHONUNBUFFERED": "1",
    }
    return Stack(redis=redis_server, env=env, tmp=tmp, model_root=model_root)


class Browser:
    """A logged-in lifter talking HTTP to the stack's gunicorn."""

    def __init__(self, base: str, username: str, password: str) -> None:
        import requests

        self.base = base
        self.session = requests.Session()
        page = self.session.get(f"{base}/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.session.post(
            f"{base}/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[-500:]

    @property
    def csrf(self) -> str:
        return self.session.cookies["csrftoken"]

    def get(self, path: str, **kw):
        return self.session.get(self.base + path, timeout=30, allow_redirects=False, **kw)

    def post(self, path: str, data=None, **kw):
        headers = {"X-CSRFToken": self.csrf, "Referer": self.base + "/", **kw.pop("headers", {})}
        return self.session.post(
            self.base + path, data=data, headers=headers, timeout=30, allow_redirects=False, **kw
        )
