import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from atlasos.celery import app as celery_app
from atlasos.entrances import error_page_for, start_page_of
from atlasos.tenancy.routes import public


@public("the entry point: sends a visitor to sign in or to their start page")
def home(request: HttpRequest) -> HttpResponse:
    """Partners and managers start on the task board, the rest of the staff on My work,
    client contacts on the portal's home."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if request.user.is_practice_staff:
        return redirect("board" if request.user.can_review else "my_work")
    start = start_page_of(request.user)
    if start is not None:
        return redirect(start)
    return render(request, "no_practice.html", status=403)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return "ok"


def _check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return "ok (in-process tasks)"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_storage() -> str:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as fh:
            if fh.read() != b"ok":
                raise RuntimeError("file written was not read back")
    finally:
        default_storage.delete(name)
    return "ok"


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "storage": _check_storage,
}


@public("load balancers and monitoring probe it without credentials; it reveals no data")
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": check()}
        except Exception as exc:  # noqa: BLE001 - any failure is the answer we report
            healthy = False
            results[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )


def _error_page(request, status: int) -> HttpResponse:
    return error_page_for(request, status) or render(
        request, f"errors/{status}.html", status=status
    )


def error_404(request, exception=None):
    return _error_page(request, 404)


def error_403(request, exception=None):
    return _error_page(request, 403)


def error_500(request):
    # No request context: whatever failed (the database, a context processor) must not
    # fail the error page too.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
