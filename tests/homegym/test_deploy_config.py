"""Production configuration: `check --deploy` clean, compose file valid and not over-exposed."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import REPO_ROOT


def _prod_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="homegym.example.org",
        DJANGO_SETTINGS_MODULE="homegym.settings",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = _prod_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_shape(compose):
    assert {"postgres", "redis", "web", "worker", "beat", "flower"} <= set(compose["services"])
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in compose["services"][name], name
    assert {"pgdata", "ml_models"} <= set(compose["volumes"])


def test_only_the_web_port_is_public(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "worker", "beat"):
        assert "ports" not in services[name], f"{name} must not publish a port"
    assert all(str(p).startswith("127.0.0.1:") for p in services["flower"]["ports"])


def test_model_files_are_a_private_volume(compose):
    web = compose["services"]["web"]
    mounts = [str(v) for v in web.get("volumes", [])]
    assert "ml_models:/data/ml_models" in mounts
    assert not any("static" in m for m in mounts)


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_file_is_valid():
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
