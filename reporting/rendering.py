"""The worker's part of rendering a client's management accounts pack for a month
(``reporting.pack_versions.request`` records the version and enqueues it): render the PDF, file
it in the client's documents (type management accounts, source generated), mark the version
ready and tick the pack's "accounts rendered" item. A retry of a version that is no longer
rendering does nothing; a failure is recorded with its reason."""

from __future__ import annotations

import logging

from django.db import transaction

from atlasos import clock
from documents.models import DocType
from documents.store import store_generated_pdf
from reporting.models import AccountsRender
from tasks.models import Pack

logger = logging.getLogger(__name__)
State = AccountsRender.State


def render_and_file(render_pk: int) -> AccountsRender | None:
    from reporting.pack_document import render_pack_pdf  # WeasyPrint: workers only

    render = AccountsRender.objects.select_related("client", "client__practice").get(pk=render_pk)
    if render.state != State.RENDERING:
        return None
    try:
        pdf, pages = render_pack_pdf(render.client, render.period, render.version)
    except Exception as error:  # a render must never stay "rendering"
        logger.exception("accounts pack %s did not render", render.pk)
        _failed(render, f"The pack could not be rendered: {error}")
        return None
    name = f"Management accounts {render.client.name} {render.period:%Y-%m} v{render.version}.pdf"
    try:
        with transaction.atomic():
            locked = AccountsRender.objects.select_for_update().get(pk=render.pk)
            if locked.state != State.RENDERING:
                return None
            locked.document = store_generated_pdf(
                render.client,
                name,
                pdf,
                doc_type=DocType.MANAGEMENT_ACCOUNTS,
                period=render.period,
                user=locked.requested_by,
            )
            locked.pages = pages
            locked.state = State.READY
            locked.finished_at = clock.now()
            locked.save(update_fields=["document", "pages", "state", "finished_at"])
    except Exception as error:  # the store refused it, or lost it: never stay "rendering"
        logger.exception("accounts pack %s was not filed", render.pk)
        _failed(render, f"The pack could not be filed: {error}")
        return None
    _tick_rendered(locked)
    return locked


def _failed(render: AccountsRender, why: str) -> None:
    AccountsRender.objects.filter(pk=render.pk, state=State.RENDERING).update(
        state=State.FAILED, error=why[:300], finished_at=clock.now()
    )


def _tick_rendered(render: AccountsRender) -> None:
    from tasks.services import auto_tick
    from templates_engine.models import AutoTick

    for pack in Pack.objects.filter(client_id=render.client_id, period=render.period):
        auto_tick(
            pack,
            AutoTick.ACCOUNTS_RENDERED,
            reason=f"Management accounts rendered (version {render.version})",
        )
