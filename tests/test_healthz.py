import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from atlasos import views
from tests.helpers import needs_redis

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_every_dependency(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_a_dependency_fails(client, db, monkeypatch):
    def broken():
        raise ConnectionError("storage unreachable")

    monkeypatch.setitem(views.CHECKS, "storage", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["checks"]["storage"]["status"] == "error"
    assert "storage unreachable" in body["checks"]["storage"]["error"]
    assert body["checks"]["database"]["status"] == "ok"


@needs_redis
def test_healthz_checks_the_real_broker(db, settings):
    from atlasos.celery import app

    app.conf.task_always_eager = False
    try:
        assert views._check_broker() == "ok"
    finally:
        app.conf.task_always_eager = True


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atlasos.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "a-real-production-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "atlasos.example.com",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{ROOT}/var/deploy-check.sqlite3"
        ),
    }
    env.pop("SECURE_SSL_REDIRECT", None)  # the test settings turn it off for this process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlasos.settings", "DEBUG": "false"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_error_pages_are_ours(client, staff):
    from tests.helpers import sign_in

    sign_in(client, staff, reauthenticate=False)
    response = client.get("/clients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert connection.vendor in ("sqlite", "postgresql")
