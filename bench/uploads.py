"""Time a 25 MB upload through the staff upload view (issue 5: "upload throughput for a 25 MB
file"), and check that 25 MB + 1 byte is refused with the size message.

The file is a real-looking PDF (catalog, page, a content stream padded with random bytes to
exactly the size). Each run posts different bytes (a run number in the header), so the
duplicate check never short-circuits the store. The multipart body is written to a file before
the clock starts and streamed to Django's handler as a server reads a socket, so the time is
the server's: the multipart parser spooling to a temporary file, content sniffing and SHA-256,
the move into storage, the database row. Measured in-process (Django's test client handler, no
network hop) on the local file-system storage and the configured database (SQLite by default,
DATABASE_URL if set). Peak memory: Python allocations during one upload (tracemalloc, in a
separate run, as tracing slows everything) and the process's maximum RSS.

    .venv/bin/python bench/uploads.py [--runs 7] [--size-mb 25]
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlasos.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DEBUG", "true")
# Local file-system storage, in a throwaway folder.
os.environ["AWS_STORAGE_BUCKET_NAME"] = ""
MEDIA = tempfile.TemporaryDirectory(prefix="atlasos-bench-uploads-")
os.environ["MEDIA_ROOT"] = MEDIA.name

MB = 1024 * 1024


def pdf_of_size(size: int, run: int, padding: bytes) -> bytes:
    """A one-page PDF of exactly ``size`` bytes: its content stream carries the padding."""
    head = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        + f"% bench run {run}\n".encode()
        + b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
    )
    tail = b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    # The stream header's length field has a fixed width, so the total is exact.
    stream_len = size - len(head) - len(tail) - len(b"4 0 obj<</Length 0000000000>>stream\n")
    if stream_len < 0:
        raise ValueError("size too small for a PDF")
    stream_head = f"4 0 obj<</Length {stream_len:010d}>>stream\n".encode()
    body = head + stream_head + padding[:stream_len] + tail
    assert len(body) == size, (len(body), size)
    return body


def write_body(path: Path, name: str, content: bytes, period: str) -> str:
    """Write the multipart body of an upload form to ``path``; return its content type."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    data = {
        "doc_type": "management_accounts",
        "period": period,
        "files": [SimpleUploadedFile(name, content, "application/pdf")],
    }
    path.write_bytes(encode_multipart(BOUNDARY, data))
    return MULTIPART_CONTENT


def post(client, url: str, path: Path, content_type: str) -> tuple[float, list[str]]:
    """Post the body in ``path`` as a server would receive it: read from a stream (not held in
    memory, unlike ``client.post``). Seconds the upload took, and what it said (the page
    showing the messages uses them up)."""
    from django.contrib.messages import get_messages

    with path.open("rb") as stream:
        started = time.perf_counter()
        response = client.request(
            REQUEST_METHOD="POST",
            PATH_INFO=url,
            CONTENT_TYPE=content_type,
            CONTENT_LENGTH=str(path.stat().st_size),
            **{"wsgi.input": stream},
        )
        seconds = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"the upload answered {response.status_code}")
    said = [str(message) for message in get_messages(response.wsgi_request)]
    client.get(response["Location"])
    return seconds, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size-mb", type=int, default=25)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from atlasos.tenancy.context import practice_context, unscoped
    from atlasos.tenancy.models import Practice
    from clients.models import Client as ClientRecord
    from demo.seed import seed_practice
    from documents.models import Document
    from portal.forms import last_month, period_value

    setup_test_environment()  # allows the test client's host, keeps email in memory
    call_command("migrate", verbosity=0)
    size = args.size_mb * MB
    limit = settings.ATLAS_UPLOAD_MAX_BYTES
    print(
        f"database: {connection.vendor}; storage: {settings.STORAGES['default']['BACKEND']}; "
        f"media: {settings.MEDIA_ROOT}; limit: {limit / MB:g} MB; file: {size / MB:g} MB; "
        f"runs: {args.runs}"
    )

    name = f"Bench Uploads {uuid.uuid4().hex[:8]}"
    email = f"bench-{uuid.uuid4().hex[:8]}@bench.example.com"
    seeded = seed_practice(name=name, email=email, password="bench", clients=1, history=0)
    try:
        partner = get_user_model().objects.get(email=email)
        with practice_context(seeded.practice.pk):
            client_record = ClientRecord.objects.order_by("pk").first()
        http = Client()
        http.force_login(partner)
        url = reverse("client_documents", args=[client_record.code])
        period = period_value(last_month(timezone.localdate()))
        padding = os.urandom(max(size, limit + 1))

        body = Path(MEDIA.name) / "request-body"
        kind = write_body(body, "warm-up.pdf", pdf_of_size(64 * 1024, 0, padding), period)
        post(http, url, body, kind)
        timings = []
        for run in range(1, args.runs + 1):
            kind = write_body(body, f"accounts-{run}.pdf", pdf_of_size(size, run, padding), period)
            seconds, messages = post(http, url, body, kind)
            timings.append(seconds)
            if messages != [f"Stored accounts-{run}.pdf."]:
                raise SystemExit(f"run {run}: {messages}")

        kind = write_body(body, "traced.pdf", pdf_of_size(size, 0, padding), period)
        tracemalloc.start()
        _, messages = post(http, url, body, kind)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if messages != ["Stored traced.pdf."]:
            raise SystemExit(f"traced run: {messages}")

        kind = write_body(
            body, "one-byte-too-many.pdf", pdf_of_size(limit + 1, -1, padding), period
        )
        _, refused = post(http, url, body, kind)
        with practice_context(seeded.practice.pk):
            stored = list(
                Document.objects.filter(client=client_record).values_list("size", flat=True)
            )
        over_stored = any(s > limit for s in stored)
    finally:
        with unscoped("bench: remove the benchmark practice"):
            with practice_context(seeded.practice.pk):
                Document.objects.all().delete()
            Practice.objects.filter(pk=seeded.practice.pk).delete()
        MEDIA.cleanup()

    median = statistics.median(timings)
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print()
    print(
        f"upload of {size / MB:g} MB, {args.runs} runs: median {median * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) "
        f"→ {size / MB / median:.1f} MB/s"
    )
    print(f"peak Python allocations during one upload (tracemalloc): {peak / MB:.1f} MB")
    print(
        "process max RSS (with the benchmark's own copies of the file while it builds the "
        f"request bodies): {max_rss_mb:.0f} MB"
    )
    print(f"{(limit + 1):,} bytes: {' / '.join(refused)}")
    print(f"stored documents: {len(stored)}; any over the limit: {over_stored}")


if __name__ == "__main__":
    main()
