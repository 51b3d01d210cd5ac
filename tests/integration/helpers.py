"""Helpers for the integration tests: real Celery worker processes (started on a queue of their
own, against the test database, with a recording email backend) and S3 on loopback (moto's
server; the fixtures are in ``conftest.py``)."""

import email
import os
import subprocess
import sys
import time
from email import policy as email_policy
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from atlasos import clock as wall_clock
from tests.helpers import ON_POSTGRES

# --- worker processes -------------------------------------------------------------------------

# Marks for a test that runs a real worker process.
NEEDS_A_WORKER = [
    pytest.mark.skipif(
        not (ON_POSTGRES and os.environ.get("REDIS_URL")),
        reason="a real worker process needs a shared database and broker: set DATABASE_URL "
        "(PostgreSQL) and REDIS_URL",
    ),
    pytest.mark.postgres,
]


WAIT_SECONDS = 90


def worker_database_url() -> str:
    """DATABASE_URL, pointed at the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = settings.DATABASES["default"]["NAME"]
    return urlunsplit(parts._replace(path=f"/{name}"))


def start_worker(queue: str, mail_dir, log, **env) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "DATABASE_URL": worker_database_url(),
        "RECORDED_MAIL_DIR": str(mail_dir),
        "ATLAS_TEST_NOW": wall_clock.now().isoformat(),  # the worker lives at the test's moment
        **env,
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "atlasos",
            "worker",
            "--pool=solo",  # the task runs in this process: SIGKILL stops it mid-send
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, worker: subprocess.Popen, log_path, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited before {what}:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}:\n{log_path.read_text()[-4000:]}")


def delivered(mail_dir) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
        for path in sorted(mail_dir.glob("*.eml"))
    ]


# --- S3 on loopback ---------------------------------------------------------------------------

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

REGION = "eu-west-2"


def bucket_keys(bucket) -> list[str]:
    s3, name = bucket
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", []))
