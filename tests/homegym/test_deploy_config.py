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
    # Not inherited: the settings module, and the browser tests' async escape hatch.
    unwanted = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
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


# --- production security settings, observed on real responses --------------------------------

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
plain = Client().get("/healthz", HTTP_HOST="homegym.example.org")
# The manifest needs collectstatic; plain static storage renders the login page without it.
static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=static):
    secure = Client().get("/login/", HTTP_HOST="homegym.example.org", secure=True)
cookies = {name: dict(morsel) for name, morsel in secure.cookies.items()}
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "nosniff": secure.get("X-Content-Type-Options", ""),
    "frame": secure.get("X-Frame-Options", ""),
    "cookies": cookies,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "model_root": str(settings.ML_MODEL_ROOT),
    "static_root": str(settings.STATIC_ROOT),
    "staticfiles_dirs": [str(d) for d in getattr(settings, "STATICFILES_DIRS", [])],
    "media_root": str(settings.MEDIA_ROOT),
}))
"""


@pytest.fixture(scope="module")
def production_probe(tmp_path_factory) -> dict:
    import json

    var = tmp_path_factory.mktemp("prodvar")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        env=_prod_env(HOMEGYM_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production_probe):
    assert production_probe["plain_status"] == 301
    assert production_probe["plain_location"].startswith("https://homegym.example.org/")


def test_production_sends_hsts_and_secure_cookies(production_probe):
    hsts = production_probe["hsts"]
    assert "max-age=" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
    assert "includeSubDomains" in hsts
    assert production_probe["nosniff"] == "nosniff"
    assert production_probe["frame"] == "DENY"
    assert production_probe["session_cookie_secure"] and production_probe["csrf_cookie_secure"]
    assert production_probe["session_cookie_httponly"]
    csrf = production_probe["cookies"]["csrftoken"]
    assert csrf["secure"] is True or csrf["secure"] == "True"
    assert csrf["samesite"].lower() in ("lax", "strict")


def test_model_files_are_never_below_a_served_folder(production_probe):
    from pathlib import Path

    model_root = Path(production_probe["model_root"]).resolve()
    served = [production_probe["static_root"], production_probe["media_root"]]
    served += production_probe["staticfiles_dirs"]
    for folder in filter(None, served):
        folder_path = Path(folder).resolve()
        if str(folder) in ("", "."):
            continue
        assert not model_root.is_relative_to(folder_path), (model_root, folder_path)
        assert not folder_path.is_relative_to(model_root), (model_root, folder_path)


# --- Flower: staff tool, never public --------------------------------------------------------


def test_flower_in_compose_is_loopback_only_and_needs_basic_auth(compose):
    flower = compose["services"]["flower"]
    assert [str(p) for p in flower["ports"]] == ["127.0.0.1:5555:5555"]
    command = flower["command"]
    assert "--basic_auth=" in command
    assert 'test -n "$$FLOWER_BASIC_AUTH"' in command  # refuses to start without credentials
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            if "5555" in str(port):
                assert name == "flower" and str(port).startswith("127.0.0.1:"), (name, port)


def _requires_basic_auth(text: str, line: str) -> bool:
    """On the command line, or from the environment (Flower reads FLOWER_BASIC_AUTH) with the
    script refusing to start without it / generating it."""
    if "--basic_auth=" in line:
        return True
    exported = "export FLOWER_BASIC_AUTH" in text and 'if [ -z "${FLOWER_BASIC_AUTH:-}" ]' in text
    required = 'test -n "$$FLOWER_BASIC_AUTH"' in text or "FLOWER_BASIC_AUTH:?" in text
    return exported or required


def test_flower_started_by_scripts_and_make_is_loopback_with_basic_auth():
    sources = {
        "scripts/run_all.sh": (REPO_ROOT / "scripts" / "run_all.sh").read_text(),
        "Makefile": (REPO_ROOT / "Makefile").read_text(),
    }
    for name, text in sources.items():
        lines = [line for line in text.splitlines() if " flower" in line and "celery" in line]
        assert lines, name
        for line in lines:
            assert "--address=127.0.0.1" in line, (name, line)
            assert _requires_basic_auth(text, line), (name, line)


@pytest.mark.slow
def test_flower_refuses_requests_without_credentials(tmp_path):
    """A real Flower started the way the scripts start it: 401 without the password."""
    import socket
    import time

    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FLOWER_BASIC_AUTH": "chef:geheim-123", "PYTHONPATH": str(REPO_ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "homegym.test_settings")
    with open(tmp_path / "flower.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "homegym", "flower",
             "--address=127.0.0.1", f"--port={port}"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"{base}/", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, (tmp_path / "flower.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "Flower did not start"
                time.sleep(0.3)
        assert response.status_code == 401
        assert requests.get(f"{base}/api/workers", timeout=5).status_code == 401
        assert requests.get(f"{base}/", auth=("chef", "falsch"), timeout=5).status_code == 401
        assert requests.get(f"{base}/", auth=("chef", "geheim-123"), timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_make_run_keeps_the_flower_password_in_a_private_file(tmp_path):
    """Not only printed to the scrolling console: var/flower-password, mode 600, stable."""
    env = {**os.environ, "HOMEGYM_VAR_DIR": str(tmp_path), "BIN": str(REPO_ROOT / ".venv/bin")}
    script = REPO_ROOT / "scripts" / "flower_password.sh"
    first = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=True)
    again = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=True)
    password_file = tmp_path / "flower-password"
    assert first.stdout == again.stdout == f"admin:{password_file.read_text().strip()}\n"
    assert len(password_file.read_text().strip()) >= 16
    assert password_file.stat().st_mode & 0o777 == 0o600
    run_all = (REPO_ROOT / "scripts" / "run_all.sh").read_text()
    echoed = [line for line in run_all.splitlines() if line.strip().startswith("echo")]
    assert not any("FLOWER_BASIC_AUTH" in line for line in echoed)
    assert any("flower-password" in line for line in run_all.splitlines())
