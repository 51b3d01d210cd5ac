from django.http import HttpRequest, HttpResponse

from atlasos.accounts.decorators import manager_required, staff_required


@staff_required
def client_export(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # being written by the CSV helper


@manager_required
def client_import(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # being written by the CSV helper


@manager_required
def client_import_preview(request: HttpRequest, code) -> HttpResponse:
    raise NotImplementedError  # being written by the CSV helper
