"""Document requests, contacts' portal accounts, client emails, reminders, deliveries and
queries to the client (with their reminders)."""

import factory
from django.utils import timezone

from atlasos import clock as wall_clock
from tests.clock import current_date
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory, ContactFactory
from tests.factories.documents import DocumentFactory
from tests.factories.tenancy import TenantFactory

# --- document requests ------------------------------------------------------------------------


class DocumentRequestFactory(TenantFactory):
    class Meta:
        model = "portal.DocumentRequest"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    title = factory.Sequence(lambda n: f"Documents for request {n}")
    period = factory.LazyFunction(lambda: current_date().replace(day=1))
    due = factory.LazyFunction(lambda: current_date() + timezone.timedelta(days=7))


class RequestItemFactory(TenantFactory):
    class Meta:
        model = "portal.RequestItem"

    request = factory.SubFactory(
        DocumentRequestFactory, practice=factory.SelfAttribute("..practice")
    )
    title = factory.Sequence(lambda n: f"Requested document {n}")
    doc_type = "other"
    required = True
    position = factory.Sequence(lambda n: (n + 1) * 10)


class RequestItemDocumentFactory(TenantFactory):
    class Meta:
        model = "portal.RequestItemDocument"

    item = factory.SubFactory(RequestItemFactory, practice=factory.SelfAttribute("..practice"))
    document = factory.SubFactory(
        DocumentFactory,
        practice=factory.SelfAttribute("..practice"),
        client=factory.SelfAttribute("..item.request.client"),
    )


# --- contacts' portal accounts ----------------------------------------------------------------


class PortalUserFactory(UserFactory):
    """A client contact's sign-in: the practice, no staff role. (A variant of ``UserFactory``:
    the registry keeps ``UserFactory`` for ``accounts.User``.)"""

    email = factory.Sequence(lambda n: f"portal-contact{n}@client.example.com")
    role = ""


class PortalAccountFactory(TenantFactory):
    class Meta:
        model = "portal.PortalAccount"

    contact = factory.SubFactory(
        ContactFactory,
        practice=factory.SelfAttribute("..practice"),
        email=factory.SelfAttribute("..user.email"),
    )
    user = factory.SubFactory(PortalUserFactory, practice=factory.SelfAttribute("..practice"))


class PortalGrantFactory(TenantFactory):
    class Meta:
        model = "portal.PortalGrant"

    account = factory.SubFactory(PortalAccountFactory, practice=factory.SelfAttribute("..practice"))
    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))


class PortalLinkFactory(TenantFactory):
    class Meta:
        model = "portal.PortalLink"

    account = factory.SubFactory(PortalAccountFactory, practice=factory.SelfAttribute("..practice"))
    purpose = "sign_in"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: wall_clock.now() + timezone.timedelta(minutes=20))


# --- client emails and reminders --------------------------------------------------------------


class PortalEmailFactory(TenantFactory):
    class Meta:
        model = "portal.PortalEmail"

    contact = factory.SubFactory(ContactFactory, practice=factory.SelfAttribute("..practice"))
    kind = "request"
    day = factory.LazyFunction(current_date)
    to_address = factory.SelfAttribute("contact.email")
    subject = "Documents needed"
    body_text = "Please upload your documents."
    body_html = "<p>Please upload your documents.</p>"


class ReminderSettingsFactory(TenantFactory):
    class Meta:
        model = "portal.ReminderSettings"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))


class ReminderFactory(TenantFactory):
    class Meta:
        model = "portal.Reminder"

    email = factory.SubFactory(
        PortalEmailFactory, practice=factory.SelfAttribute("..practice"), kind="reminder"
    )
    request = factory.SubFactory(
        DocumentRequestFactory, practice=factory.SelfAttribute("..practice")
    )
    contact = factory.SelfAttribute("email.contact")
    step = 1


# --- deliveries -------------------------------------------------------------------------------


class DeliveryFactory(TenantFactory):
    class Meta:
        model = "portal.Delivery"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    title = factory.Sequence(lambda n: f"Management accounts {n}")
    published_at = factory.LazyFunction(wall_clock.now)


class DeliveryDocumentFactory(TenantFactory):
    class Meta:
        model = "portal.DeliveryDocument"

    delivery = factory.SubFactory(DeliveryFactory, practice=factory.SelfAttribute("..practice"))
    document = factory.SubFactory(
        DocumentFactory,
        practice=factory.SelfAttribute("..practice"),
        client=factory.SelfAttribute("..delivery.client"),
    )


# --- queries to the client --------------------------------------------------------------------


class ClientQueryFactory(TenantFactory):
    class Meta:
        model = "portal.ClientQuery"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    question = factory.Sequence(lambda n: f"Question {n}: what is this payment?")


class ClientQueryDocumentFactory(TenantFactory):
    class Meta:
        model = "portal.ClientQueryDocument"

    query = factory.SubFactory(ClientQueryFactory, practice=factory.SelfAttribute("..practice"))
    document = factory.SubFactory(
        "tests.factories.documents.DocumentFactory",
        practice=factory.SelfAttribute("..practice"),
        client=factory.SelfAttribute("..query.client"),
    )


class QueryReminderFactory(TenantFactory):
    class Meta:
        model = "portal.QueryReminder"

    email = factory.SubFactory(
        PortalEmailFactory, practice=factory.SelfAttribute("..practice"), kind="query_reminder"
    )
    query = factory.SubFactory(ClientQueryFactory, practice=factory.SelfAttribute("..practice"))
    contact = factory.SelfAttribute("email.contact")
    step = 1
