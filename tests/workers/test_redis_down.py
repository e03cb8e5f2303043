"""Redis refusing or hanging: sets are still saved, pages still render, the API says 503."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def stopped_redis():
    """A Redis started on a spare port, then shut down: its port now refuses connections."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    port = _free_port()
    subprocess.run(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
         "--daemonize", "yes"],
        check=True,
    )  # fmt: skip
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout:
            break
        time.sleep(0.05)
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
    return port


def _run(port: int, tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homegym.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HOMEGYM_VAR_DIR": str(tmp_path),
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "ML_MIN_SAMPLES": "3",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
        "PYTHONPATH": str(REPO),
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, str(REPO / "tests" / "workers" / "redis_down_check.py")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_redis_stopped_sets_saved_pages_render(stopped_redis, tmp_path):
    result, log = _run(stopped_redis, tmp_path)
    assert result["web_set_codes"] == [302] * 5  # logged through the training page
    assert result["saved"] == 20
    assert result["web_set_ms_max"] < 3000
    assert result["save_ms_median"] < 50
    assert result["save_ms_max"] < 3000
    assert all(code == 200 for code in result["pages"].values()), result["pages"]
    assert result["api_train"] == 503 and result["api_train_ms"] < 5000
    assert "not queued" in log  # the miss is logged


def test_hung_redis_costs_one_timeout_not_one_per_save(hung_redis, tmp_path):
    result, _ = _run(hung_redis, tmp_path)
    assert result["web_set_codes"] == [302] * 5
    assert result["saved"] == 20
    assert result["save_ms_median"] < 50
    assert result["save_ms_max"] < 3000  # one socket timeout (1 s), then the breaker is open
    assert all(code == 200 for code in result["pages"].values()), result["pages"]
    assert result["api_train"] == 503 and result["api_train_ms"] < 500  # breaker still open
