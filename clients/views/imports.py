from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from atlasos import clock
from atlasos.accounts.decorators import manager_required, staff_required
from clients import csv_io, imports
from clients.access import access_client_import
from clients.models import ClientImport
from clients.views.clients import filtered_clients


class ClientImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        allow_empty_file=True,  # the CSV reader says what an empty file lacks
        help_text="Saved from Excel as “CSV UTF-8”, or downloaded from Google Sheets as CSV.",
    )


def _csv_attachment(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
@require_GET
def client_export(request: HttpRequest) -> HttpResponse:
    _form, queryset = filtered_clients(request)
    filename = f"clients-{clock.practice_today(request.user.practice):%Y-%m-%d}.csv"
    return _csv_attachment(imports.export_lines(queryset, request.user.practice_id), filename)


def _upload_page(request: HttpRequest, form: ClientImportForm) -> HttpResponse:
    context = {
        "nav": "clients",
        "form": form,
        "columns": csv_io.COLUMNS,
        "max_rows": settings.ATLASOS_CLIENT_IMPORT_MAX_ROWS,
        "max_mb": settings.ATLASOS_CLIENT_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "clients/client_import.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def client_import(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.GET.get("example"):
            lines = csv_io.csv_lines(imports.example_rows(request.user))
            return _csv_attachment(lines, "clients-example.csv")
        return _upload_page(request, ClientImportForm())
    form = ClientImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            client_import = imports.store_upload(form.cleaned_data["file"], user=request.user)
        except csv_io.CsvFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("client_import_preview", client_import.code)
    return _upload_page(request, form)


def _preview_page(
    request: HttpRequest, client_import: ClientImport, preview: imports.Preview | None
) -> HttpResponse:
    context = {"nav": "clients", "client_import": client_import, "preview": preview}
    return render(request, "clients/client_import_preview.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def client_import_preview(request: HttpRequest, code) -> HttpResponse:
    client_import = access_client_import(request, code)
    if request.method == "GET":
        if client_import.state == ClientImport.State.IMPORTED:
            return _preview_page(request, client_import, None)
        return _preview_page(request, client_import, imports.build_preview(client_import))

    try:
        count = imports.confirm_import(client_import)
    except imports.AlreadyImported:
        messages.info(request, "This file has already been imported; nothing was imported again.")
        return redirect("client_import_preview", client_import.code)
    except imports.ImportRejected as exc:
        messages.error(request, "Nothing was imported: the file has errors.")
        return _preview_page(request, client_import, exc.preview)
    except (csv_io.CsvFileError, imports.StoredFileMissing):
        messages.error(request, "Nothing was imported.")
        return _preview_page(request, client_import, imports.build_preview(client_import))
    except IntegrityError:
        # A client was added with one of the codes while the import ran: the unique
        # constraint stopped it and the transaction rolled back.
        messages.error(
            request,
            "Nothing was imported: a client with one of these codes was added meanwhile.",
        )
        return _preview_page(request, client_import, imports.build_preview(client_import))
    messages.success(request, f"Imported {count:,} client{'s' if count != 1 else ''}.")
    return redirect("client_list")
