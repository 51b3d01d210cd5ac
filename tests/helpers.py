"""Helpers the tests share; fixtures live in the ``conftest.py`` files, factories in
``tests/factories/``, and helpers used by one app's tests only in that folder's ``helpers.py``.

- the database the suite runs on: ``ON_POSTGRES``, ``needs_postgres``, ``needs_redis``;
- HTTP: ``HTMX`` (the header of an htmx request), ``sign_in``, ``signed_in``;
- rows: ``reload`` (a tenant row read again in its practice's context);
- the project's forms: ``project_forms``;
- packs: ``standard_pack`` (made by the recurrence job, as in production) and three builders
  that differ in what they fix: ``make_pack_all_due_on`` (every stage due on one day: the
  board), ``make_pack_with_stages_done`` (named client, chosen stages done: the calendar) and
  ``make_pack_due_from_6_nov`` (named client on the shared monthly template, collect due
  Fri 6 Nov: the notifications).
"""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import get_resolver

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.models import Pack
from tasks.recurrence import ensure_packs
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.factories.accounts import PASSWORD
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.project import project_packages

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")

# --- the database the suite runs on -----------------------------------------------------------

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "atlasos.tenancy.postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="row-level security needs PostgreSQL: set DATABASE_URL"
)
needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"
)

# --- HTTP -------------------------------------------------------------------------------------

HTMX = {"HX-Request": "true"}


def sign_in(client, user, password: str = PASSWORD, reauthenticate: bool = True):
    """Sign in through the real login form and, by default, confirm the password again as
    allauth asks before sensitive actions (it then trusts the session for five minutes)."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if reauthenticate:
        response = client.post("/accounts/reauthenticate/", {"password": password})
        assert response.status_code == 302, response.content.decode()[:2000]
    return client


def signed_in(user) -> HttpClient:
    """A new HTTP client signed in as ``user``."""
    return sign_in(HttpClient(), user)


# --- rows -------------------------------------------------------------------------------------


def reload(obj):
    """The row read again from the database, inside its practice's context."""
    with practice_context(obj.practice_id):
        return type(obj).objects.get(pk=obj.pk)


# --- the project's forms ----------------------------------------------------------------------


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class of the project's packages (third-party forms, allauth's, are checked by
    their authors)."""
    get_resolver().url_patterns  # noqa: B018 - importing every view imports every form
    found, queue = [], [forms.BaseForm]
    while queue:
        cls = queue.pop()
        queue.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in project_packages():
            found.append(cls)
    return found


# --- packs ------------------------------------------------------------------------------------

OCTOBER = datetime.date(2026, 10, 1)

# On 25 November 2026 the October pack exists; its stages are due 6, 11, 13, 17, 19 and
# 20 November (working days 5, 8, 10, 12, 14 and 15), all before today's real date.
OCTOBER_PACK_DUE = datetime.datetime(2026, 11, 25, 9, tzinfo=LONDON)


def standard_pack(practice, client, now=OCTOBER_PACK_DUE) -> Pack:
    """The client's pack for the period due at ``now``, on the practice's standard template,
    created by the recurrence job as in production."""
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
        ClientTemplate.objects.get_or_create(client=client, template=template)
        ensure_packs(practice, now, client_ids=[client.pk])
        return (
            Pack.objects.select_related("client", "template")
            .filter(client=client, template=template)
            .latest("period")
        )


# The board is drawn for Wednesday 25 November 2026: a pack due on ALL_DUE_ON is on time, and
# a delivered one was done at ALL_DONE_AT.
ALL_DUE_ON = datetime.date(2026, 11, 30)
ALL_DONE_AT = datetime.datetime(2026, 11, 10, 12, tzinfo=UTC)


def make_pack_all_due_on(
    practice, client=None, period=OCTOBER, *, due=ALL_DUE_ON, complete=False, **fields
) -> Pack:
    """A pack with every stage due on ``due``; ``complete`` delivers it."""
    client = client or ClientFactory(practice=practice)
    values = {f"{stage}_due": due for stage in STAGES}
    values.update(current_due=due)
    if complete:
        values.update(completed_at=ALL_DONE_AT, current_stage="")
        values.update({f"{stage}_done_at": ALL_DONE_AT for stage in STAGES})
    values.update(fields)
    return PackFactory(practice=practice, client=client, period=period, **values)


# The calendar's today is Thursday 12 November 2026: its packs' targets by stage, and the
# moment their done stages were done.
STAGE_DUES = {
    "collect": datetime.date(2026, 11, 6),
    "capture": datetime.date(2026, 11, 11),
    "reconcile": datetime.date(2026, 11, 13),
    "prepare": datetime.date(2026, 11, 17),
    "review": datetime.date(2026, 11, 19),
    "deliver": datetime.date(2026, 11, 20),
}
STAGES_DONE_AT = datetime.datetime(2026, 11, 5, 10, tzinfo=UTC)


def make_pack_with_stages_done(
    practice,
    name,
    short_code="",
    *,
    completed=(),
    delivered=False,
    dues=None,
    period=OCTOBER,
    **fields,
) -> Pack:
    """A pack of a new client called ``name`` with the given stages complete (and the pack
    delivered if ``delivered``)."""
    dues = dues or STAGE_DUES
    client = ClientFactory(
        practice=practice,
        name=name,
        short_code=short_code or name.upper().replace(" ", "")[:6],
        entity_type=fields.pop("entity_type", "limited_company"),
    )
    done = set(STAGES) if delivered else set(completed)
    current = "" if delivered else next(s for s in STAGES if s not in done)
    return PackFactory(
        practice=practice,
        client=client,
        period=period,
        **{f"{stage}_due": dues[stage] for stage in STAGES},
        **{f"{stage}_done_at": STAGES_DONE_AT for stage in done},
        started_at=STAGES_DONE_AT if done else None,
        completed_at=STAGES_DONE_AT if delivered else None,
        current_stage=current,
        current_due=dues[current] if current else None,
        **fields,
    )


# The notifications' October 2026 pack: collect is due Fri 6 Nov and capture Mon 9 Nov
# (Europe/London is UTC in November), and fixed clocks around those dates.
DUES_FROM_6_NOV = {
    "collect_due": datetime.date(2026, 11, 6),
    "capture_due": datetime.date(2026, 11, 9),
    "reconcile_due": datetime.date(2026, 11, 11),
    "prepare_due": datetime.date(2026, 11, 13),
    "review_due": datetime.date(2026, 11, 17),
    "deliver_due": datetime.date(2026, 11, 18),
}
# Monday 9 November, 10:00: collect (due Fri 6 Nov) is overdue, capture (due Mon 9) is not yet.
MON_9 = datetime.datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
# Tuesday 10 November: capture (due Mon 9 Nov) has gone overdue too.
TUE_10 = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


def make_pack_due_from_6_nov(practice, name="Acme Ltd", short_code=None, period=OCTOBER, **fields):
    """A pack of a new client called ``name``, on the practice's "Monthly bookkeeping" template
    (made on first use), due as in ``DUES_FROM_6_NOV``."""
    client = ClientFactory(
        practice=practice, name=name, **({"short_code": short_code} if short_code else {})
    )
    with practice_context(practice.pk):
        template = TaskTemplate.objects.filter(name="Monthly bookkeeping").first()
    template = template or TaskTemplateFactory(practice=practice, name="Monthly bookkeeping")
    values = {**DUES_FROM_6_NOV, "current_due": DUES_FROM_6_NOV["collect_due"], **fields}
    return PackFactory(practice=practice, client=client, template=template, period=period, **values)
