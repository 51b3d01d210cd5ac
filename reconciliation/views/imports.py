"""Files into the workspace: upload a bank statement or the ledger's export (it is kept in the
client's documents), or pick a bank statement already there (from the portal or the inbox);
see what the file holds before anything is saved (for a spreadsheet: the column mapping and
each rejected row with its reason), then import it. After an import the matcher runs."""

import contextlib
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from atlasos.accounts.decorators import staff_required
from documents.models import DocType, Document
from documents.store import store_document
from documents.uploads import UploadRefused
from reconciliation import imports, workspace
from reconciliation.access import access_reconciliation
from reconciliation.forms import MappingForm, UploadForm
from reconciliation.importers import ledger_exports, tabular
from reconciliation.models import Reconciliation, Side
from reconciliation.statements import StatementError
from reconciliation.summary import ledger_closing, statement_closing
from reconciliation.views.moves import back

PREVIEW_ROWS = 30


def _side(request) -> str:
    side = request.GET.get("side") or request.POST.get("side")
    return side if side in Side.values else Side.BANK


def _import_url(reconciliation, document, side) -> str:
    url = reverse("reconciliation:import", args=[reconciliation.code])
    return f"{url}?document={document.code}&side={side}"


@staff_required
@require_POST
def upload(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to import.")
        return back(reconciliation, "imports")
    side = form.cleaned_data["side"]
    try:
        document, _ = store_document(
            reconciliation.client,
            form.cleaned_data["file"],
            doc_type=DocType.BANK_STATEMENT if side == Side.BANK else DocType.OTHER,
            period=reconciliation.period,
            user=request.user,
        )
    except UploadRefused as error:
        messages.error(request, str(error))
        return back(reconciliation, "imports")
    return redirect(_import_url(reconciliation, document, side))


def _choose(request, reconciliation) -> HttpResponse:
    """No file named: the files there are to import, and the upload."""
    if request.method == "POST":
        messages.error(request, "Choose the file to import.")
        return back(reconciliation, "imports")
    context = {
        "nav": "clients",
        "reconciliation": reconciliation,
        "client": reconciliation.client,
        "account": reconciliation.bank_account,
        "statement_documents": list(
            imports.bank_statement_documents(reconciliation.client, reconciliation.period)[:50]
        ),
        "upload_bank": UploadForm(initial={"side": Side.BANK}, auto_id="bank_%s"),
        "upload_ledger": UploadForm(initial={"side": Side.LEDGER}, auto_id="ledger_%s"),
    }
    return render(request, "reconciliation/import_choose.html", context)


def refresh_balances(reconciliation: Reconciliation) -> None:
    """Take the balances from the files, unless someone entered them."""
    if reconciliation.balances_entered:
        return
    account, period = reconciliation.bank_account_id, reconciliation.period
    Reconciliation.objects.filter(pk=reconciliation.pk, balances_entered=False).update(
        statement_balance=statement_closing(account, period),
        ledger_balance=ledger_closing(account, period),
    )


def _preview(data: bytes, document: Document, side: str, mapping) -> dict:
    """What the file holds, before it is saved."""
    try:
        if mapping is not None:
            shown = tabular.preview(data, document.original_name, mapping)
            return {
                "rows": shown.lines[:PREVIEW_ROWS],
                "row_count": len(shown.lines),
                "rejected": shown.rejected,
                "columns": shown.columns,
            }
        statements = imports.statements_in(data, document.original_name, side, None)
    except (imports.ImportRefused, StatementError) as error:
        return {"error": str(error)}
    lines = [line for s in statements for line in s.lines]
    return {"statements": statements, "rows": lines[:PREVIEW_ROWS], "row_count": len(lines)}


@staff_required
@require_http_methods(["GET", "POST"])
def import_document(request: HttpRequest, code) -> HttpResponse:
    """``?document=<code>``: one of the reconciliation's client's live documents."""
    reconciliation = access_reconciliation(request, code)
    posted = request.GET.get("document") or request.POST.get("document", "")
    if not posted:
        return _choose(request, reconciliation)
    try:
        document_code = uuid.UUID(posted)
    except ValueError:
        raise Http404("No such document.") from None
    document = get_object_or_404(
        Document.objects.live().filter(client=reconciliation.client), code=document_code
    )
    side = _side(request)
    if not reconciliation.is_open:
        messages.error(request, "Reopen the reconciliation to import into it.")
        return back(reconciliation, "imports")
    try:
        data = imports.read_document(document)
    except (imports.ImportRefused, FileNotFoundError) as error:
        messages.error(request, str(error) or "The file is no longer in the store.")
        return back(reconciliation, "imports")
    spreadsheet = imports.is_spreadsheet(data, document.original_name)
    if spreadsheet and side == Side.LEDGER:
        # Xero, QuickBooks and Sage exports say what each column is: no mapping to choose.
        spreadsheet = ledger_exports.detect_ledger_format(data, document.original_name) == "csv"
    mapping, form = None, None
    if spreadsheet:
        mapping, form = _mapping(request, reconciliation, document, side, data)
    if request.method == "POST" and (form is None or not form.is_bound or form.is_valid()):
        return _import(request, reconciliation, document, side, mapping)
    context = {
        "nav": "clients",
        "reconciliation": reconciliation,
        "client": reconciliation.client,
        "account": reconciliation.bank_account,
        "document": document,
        "side": side,
        "side_label": Side(side).label,
        "form": form,
        "preview": _preview(data, document, side, mapping) if mapping or not spreadsheet else {},
    }
    return render(request, "reconciliation/import.html", context)


def _mapping(request, reconciliation, document, side, data):
    saved = imports.saved_mapping(reconciliation.bank_account, side)
    try:
        guessed = saved or tabular.guess_mapping(data, document.original_name)
    except StatementError:
        guessed = None
    try:
        columns = tabular.preview(data, document.original_name, guessed).columns if guessed else []
    except StatementError:
        columns = []
    source = request.POST if request.method == "POST" else request.GET
    bound = "date_column" in source
    form = MappingForm(
        source if bound else None,
        columns=columns,
        mapping=guessed,
    )
    if bound and form.is_valid():
        return form.mapping(), form
    return guessed, form


def _import(request, reconciliation, document, side, mapping) -> HttpResponse:
    confirmed = request.POST.get("confirmed") == "1"
    try:
        result = imports.import_document(
            reconciliation.bank_account,
            reconciliation.period,
            side,
            document,
            user=request.user,
            mapping=mapping,
            confirmed=confirmed,
        )
    except imports.AccountMismatch as mismatch:
        return render(
            request,
            "reconciliation/import_confirm.html",
            {
                "nav": "clients",
                "reconciliation": reconciliation,
                "client": reconciliation.client,
                "document": document,
                "side": side,
                "question": str(mismatch),
                "mapping": mapping.to_dict() if mapping else None,
                "post": request.POST,
            },
        )
    except imports.ImportRefused as error:
        messages.error(request, str(error))
        return back(reconciliation, "imports")
    refresh_balances(reconciliation)
    messages.success(request, result.message)
    if result.statement_import.warning:
        messages.warning(request, result.statement_import.warning)
    with contextlib.suppress(workspace.WorkspaceError):  # closed meanwhile: nothing to match
        workspace.run_matcher(reconciliation)
    return back(reconciliation, "lines")
