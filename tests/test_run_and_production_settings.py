"""`make run` gives emailed links the port it serves on, and production settings refuse a cache
that each process keeps to itself (the sign-in rate limits would count per process).

Settings are read once per process, so each case imports them in a fresh Python process with
the environment it describes; `make -n` prints the commands `make run` would run.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_SECRET = "x" * 20 + "a-real-production-secret-with-enough-entropy-0123456789"
# What the test process itself has set (the test settings, CI's services) must not leak into
# the environments under test.
INHERITED = (
    "SITE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "ATLASOS_SINGLE_PROCESS",
    "DEBUG",
    "HOST",
    "PORT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND']); print(settings.SITE_URL)"
)


def environment(**values: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env["DJANGO_SETTINGS_MODULE"] = "atlasos.settings"
    env.update(values)
    return env


def import_settings(**values: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env=environment(**values),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**values: str) -> subprocess.CompletedProcess:
    return import_settings(DEBUG="false", SECRET_KEY=PRODUCTION_SECRET, **values)


def make_run_commands(*arguments: str, **values: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments],
        cwd=ROOT,
        env=environment(**values),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def site_urls_of(commands: list[str], program: str) -> list[str]:
    """The SITE_URL each ``manage.py <program>`` command of ``make run`` is started with."""
    lines = [line for line in commands if f"manage.py {program}" in line]
    assert lines, f"make run starts no manage.py {program}: {commands}"
    found = [re.search(r'SITE_URL="([^"]*)"', line) for line in lines]
    return [match.group(1) if match else None for match in found]


# --- make run and SITE_URL --------------------------------------------------------------------


def test_make_run_on_another_port_gives_emailed_links_that_port():
    commands = make_run_commands("PORT=8123")
    assert any("runserver 127.0.0.1:8123" in line for line in commands)
    # The server and the periodic jobs (reminders, alerts: the emails) both link to it, and so
    # does the demo seed.
    assert site_urls_of(commands, "runserver") == ["http://127.0.0.1:8123"]
    assert site_urls_of(commands, "run_periodic_jobs") == ["http://127.0.0.1:8123"]
    assert site_urls_of(commands, "seed_demo") == ["http://127.0.0.1:8123"]


def test_make_run_keeps_a_site_url_that_is_set():
    commands = make_run_commands("PORT=8123", SITE_URL="https://atlas.example.com")
    assert site_urls_of(commands, "runserver") == ["https://atlas.example.com"]
    assert site_urls_of(commands, "run_periodic_jobs") == ["https://atlas.example.com"]


def test_make_run_on_every_interface_links_to_a_reachable_address():
    commands = make_run_commands("HOST=0.0.0.0", "PORT=8123")
    assert any("runserver 0.0.0.0:8123" in line for line in commands)
    assert site_urls_of(commands, "runserver") == ["http://127.0.0.1:8123"]


def test_settings_take_the_site_url_make_run_gives_them():
    result = import_settings(DEBUG="true", SITE_URL="http://127.0.0.1:8123")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "http://127.0.0.1:8123"


def test_an_empty_site_url_falls_back_to_the_local_default():
    result = import_settings(DEBUG="true", SITE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "http://127.0.0.1:8000"


def test_a_site_url_without_a_scheme_is_refused_with_a_clear_message():
    result = import_settings(DEBUG="true", SITE_URL="127.0.0.1:8123")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SITE_URL must be an absolute http(s) address" in result.stderr


# --- a shared cache in production -------------------------------------------------------------


def test_production_refuses_to_start_without_a_shared_cache():
    result = production()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "needs a cache shared by all its processes" in result.stderr
    assert "Set REDIS_URL" in result.stderr


def test_production_refuses_a_local_memory_cache_named_on_purpose():
    result = production(CACHE_URL="locmemcache://")
    assert result.returncode != 0
    assert "needs a cache shared by all its processes" in result.stderr


def test_production_starts_with_redis():
    result = production(REDIS_URL="redis://127.0.0.1:6379/6")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "django.core.cache.backends.redis.RedisCache"


def test_production_starts_with_a_database_cache():
    result = production(CACHE_URL="dbcache://atlasos_cache")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "django.core.cache.backends.db.DatabaseCache"


def test_the_embedded_default_keeps_its_local_cache():
    result = import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "http://127.0.0.1:8000",
    ]
