"""Fixtures for the task-template views: a small template and signed-in clients per role."""

import pytest
from django.test import Client as HttpClient

from atlasos.accounts.models import Role
from tests.factories.accounts import UserFactory
from tests.factories.templates_engine import TaskTemplateFactory, TemplateItemFactory
from tests.helpers import sign_in


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
