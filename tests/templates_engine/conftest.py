"""Fixtures for the task-template views: a small template and signed-in clients per role."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient

from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from tests.factories.accounts import UserFactory
from tests.factories.templates_engine import TaskTemplateFactory, TemplateItemFactory
from tests.helpers import sign_in

LONDON = ZoneInfo("Europe/London")
HTMX = {"HX-Request": "true"}


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=LONDON)


def reload(obj):
    with practice_context(obj.practice_id):
        return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def template(practice):
    """A small monthly template: two collect items (one optional) and one prepare item."""
    template = TaskTemplateFactory(
        practice=practice, name="Monthly — Small", description="For small clients."
    )
    for stage, title, mandatory, position in [
        ("collect", "Bank statements received", True, 10),
        ("collect", "Petty cash records received", False, 20),
        ("prepare", "Management accounts prepared", True, 30),
    ]:
        TemplateItemFactory(
            practice=practice,
            template=template,
            stage=stage,
            title=title,
            mandatory=mandatory,
            position=position,
        )
    return template


def template_items(template) -> dict[str, object]:
    """The template's items by title."""
    with practice_context(template.practice_id):
        return {item.title: item for item in template.items.all()}


@pytest.fixture
def partner_http(partner):
    return sign_in(HttpClient(), partner)


@pytest.fixture
def manager_http(manager):
    return sign_in(HttpClient(), manager)


@pytest.fixture
def staff_http(staff):
    return sign_in(HttpClient(), staff)


@pytest.fixture
def other_http(other_practice):
    return sign_in(HttpClient(), UserFactory(practice=other_practice, role=Role.PARTNER))
