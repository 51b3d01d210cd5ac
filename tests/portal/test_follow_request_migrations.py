"""The data migrations that make existing collect items follow the request: every practice's
standard template items get their kind's key, open packs' items follow their template item
(delivered packs keep their history), and existing request items say what they count for.

The migrations' functions run against the historical models of the migrated schema, on rows
set back to how they were before."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import RequestItem
from tasks.models import Pack, PackItem
from templates_engine.models import TaskTemplate, TemplateItem
from templates_engine.standard import STANDARD_NAME
from tests.factories.clients import ClientFactory
from tests.factories.templates_engine import TaskTemplateFactory, TemplateItemFactory
from tests.helpers import standard_pack

STANDARD_KEYS = {
    "Bank statements received": "bank_statements",
    "Sales invoices received": "sales_invoices",
    "Purchase invoices received": "purchase_invoices",
    "Receipts received": "receipts",
    "Petty cash records received": "petty_cash",
    "Payroll report received": "payroll_report",
}
OLD_KEYS = {"Bank statements received": "documents_received"}


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.fixture
def apps(db):
    return MigrationLoader(connection).project_state().apps


def as_before(items) -> None:
    """Put the collect items' keys back as the standard template had them."""
    for title in STANDARD_KEYS:
        items.filter(stage="collect", title=title).update(auto_key=OLD_KEYS.get(title, ""))


def template_keys(practice) -> dict[str, str]:
    with practice_context(practice.pk):
        standard = TaskTemplate.objects.get(name=STANDARD_NAME)
        return dict(standard.items.filter(stage="collect").values_list("title", "auto_key"))


def test_every_practices_standard_template_items_get_their_kind(apps, practice, other_practice):
    for each in (practice, other_practice):
        with practice_context(each.pk):
            as_before(TemplateItem.objects.all())
    with practice_context(practice.pk):
        own = TemplateItemFactory(
            practice=practice,
            template=TaskTemplateFactory(practice=practice, name="Charity pack"),
            stage="collect",
            title="Receipts received",
            auto_key="bank_reconciled",  # a practice's own choice is kept
        )
    assert template_keys(practice)["Receipts received"] == ""

    migration("templates_engine", "0004_collect_items_follow_the_request").give_keys(apps, None)

    assert template_keys(practice) == STANDARD_KEYS
    assert template_keys(other_practice) == STANDARD_KEYS
    with practice_context(practice.pk):
        own.refresh_from_db()
    assert own.auto_key == "bank_reconciled"


def test_open_packs_follow_and_delivered_packs_keep_their_history(apps, practice):
    open_pack = standard_pack(practice, ClientFactory(practice=practice), now=wall_clock.now())
    delivered = standard_pack(practice, ClientFactory(practice=practice), now=wall_clock.now())
    with practice_context(practice.pk):
        Pack.objects.filter(pk=delivered.pk).update(completed_at=wall_clock.now())
        as_before(PackItem.objects.all())

    migration("tasks", "0005_pack_items_follow_the_request").follow_template(apps, None)

    with practice_context(practice.pk):
        keys = {
            pack.pk: dict(
                PackItem.objects.filter(pack=pack, stage="collect").values_list("title", "auto_key")
            )
            for pack in (open_pack, delivered)
        }
    assert keys[open_pack.pk] == STANDARD_KEYS
    assert keys[delivered.pk] == {title: OLD_KEYS.get(title, "") for title in STANDARD_KEYS}


def test_existing_request_items_say_what_they_count_for(apps, practice):
    pack = standard_pack(practice, ClientFactory(practice=practice), now=wall_clock.now())
    with practice_context(practice.pk):
        items = RequestItem.objects.filter(request__pack=pack)
        items.update(covers="")

    migration("portal", "0006_requests_close_at_delivery").give_covers(apps, None)

    with practice_context(practice.pk):
        assert dict(items.values_list("title", "covers")) == {
            "Sales invoices": "sales_invoices",
            "Purchase invoices": "purchase_invoices",
            "Receipts": "receipts",
            "Petty cash records": "petty_cash",
            "Payroll report": "payroll_report",
        }
