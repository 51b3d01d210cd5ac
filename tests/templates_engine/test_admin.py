"""The Django admin shows task templates across practices, read-only."""

from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from templates_engine.models import TaskTemplate
from tests.factories.accounts import UserFactory
from tests.factories.templates_engine import ClientExtraItemFactory, ClientTemplateFactory
from tests.helpers import sign_in


def test_platform_admin_sees_templates_and_client_customisation(practice, other_practice):
    ct = ClientTemplateFactory(practice=practice)
    ClientExtraItemFactory(practice=practice, client_template=ct, title="Board pack")
    admin = sign_in(
        HttpClient(),
        UserFactory(practice=None, role="", is_superuser=True, is_staff=True),
        reauthenticate=False,
    )
    with practice_context(practice.pk):
        standard = TaskTemplate.objects.get(name__startswith="Monthly Bookkeeping")
    listing = admin.get("/admin/templates_engine/tasktemplate/").content.decode()
    assert listing.count("Monthly Bookkeeping Pack — Standard") == 2  # one per practice
    detail = admin.get(f"/admin/templates_engine/tasktemplate/{standard.pk}/change/")
    assert "Bank statements received" in detail.content.decode()
    ct_page = admin.get(f"/admin/templates_engine/clienttemplate/{ct.pk}/change/")
    assert "Board pack" in ct_page.content.decode()
    assert admin.get("/admin/templates_engine/tasktemplate/add/").status_code == 403
