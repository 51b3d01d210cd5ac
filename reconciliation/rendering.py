"""The worker's part of finishing a reconciliation: render its statement and file the PDF in
the client's documents (reconciliation.finishing puts it in the "rendering" state first)."""

import logging

from django.db import transaction

from documents.models import DocType
from documents.store import store_generated_pdf
from reconciliation.models import Reconciliation

logger = logging.getLogger(__name__)
State = Reconciliation.State


def render_and_file(reconciliation_pk: int) -> Reconciliation | None:
    """The worker's part: render the statement and file it. A retry after it was filed does
    nothing; a failure goes back to open with the reason shown."""
    from reconciliation.report import render_statement  # WeasyPrint: loaded by workers only

    reconciliation = Reconciliation.objects.select_related("bank_account", "client").get(
        pk=reconciliation_pk
    )
    if reconciliation.state != State.RENDERING:
        return None
    try:
        pdf = render_statement(reconciliation)
    except Exception as error:  # a render must never leave it stuck in "rendering"
        logger.exception("reconciliation %s: the statement did not render", reconciliation.pk)
        Reconciliation.objects.filter(pk=reconciliation.pk, state=State.RENDERING).update(
            state=State.OPEN,
            render_error=f"The statement could not be rendered: {error}"[:300],
            prepared_by=None,
            finished_at=None,
        )
        return None
    name = (
        f"Bank reconciliation {reconciliation.bank_account.name} {reconciliation.period:%Y-%m}.pdf"
    )
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
        if locked.state != State.RENDERING:
            return None
        document = store_generated_pdf(
            locked.client,
            name,
            pdf,
            doc_type=DocType.RECONCILIATION_REPORT,
            period=locked.period,
            user=locked.prepared_by,
        )
        locked.report = document
        locked.state = State.FINISHED
        locked.save(update_fields=["report", "state"])
    return locked
