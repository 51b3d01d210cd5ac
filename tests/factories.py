"""factory-boy factories. Tenant rows are created inside their practice's context."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from atlasos import clock as wall_clock
from atlasos.accounts.models import Invitation, Role, hash_token
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from clients.choices import EntityType
from clients.models import (
    BankAccount,
    Client,
    ClientContact,
    ClientImport,
    ClientTag,
    Contact,
    Tag,
)
from tests.clock import current_date

PASSWORD = "correct-horse-battery"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n} Bookkeeping")


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside ``practice_context`` of its practice."""

    class Meta:
        abstract = True

    practice = factory.SubFactory(PracticeFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        practice = kwargs["practice"]
        with practice_context(practice.pk):
            return model_class.objects.create(*args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Member {n}")
    practice = factory.SubFactory(PracticeFactory)
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClientFactory(TenantFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    short_code = factory.Sequence(lambda n: f"CL{n:04d}")
    entity_type = EntityType.LIMITED_COMPANY


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example.com")


class ClientContactFactory(TenantFactory):
    class Meta:
        model = ClientContact

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    contact = factory.SubFactory(ContactFactory, practice=factory.SelfAttribute("..practice"))


class BankAccountFactory(TenantFactory):
    class Meta:
        model = BankAccount

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    name = "Business Current Account"
    bank_name = "Barclays"
    sort_code = "200000"
    account_number = factory.Sequence(lambda n: f"{10000000 + n}")


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.STAFF
    token_hash = factory.Sequence(lambda n: hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: wall_clock.now() + timezone.timedelta(days=7))


class TagFactory(TenantFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class ClientTagFactory(TenantFactory):
    class Meta:
        model = ClientTag

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    tag = factory.SubFactory(TagFactory, practice=factory.SelfAttribute("..practice"))


class ClientImportFactory(TenantFactory):
    class Meta:
        model = ClientImport

    file_name = "clients.csv"
    storage_key = factory.Sequence(lambda n: f"imports/missing-{n}.csv")


# Model label → factory: the URL isolation test builds any object a route takes from here.
FACTORIES = {
    "accounts.User": UserFactory,
    "accounts.Invitation": InvitationFactory,
    "clients.Client": ClientFactory,
    "clients.Contact": ContactFactory,
    "clients.ClientContact": ClientContactFactory,
    "clients.BankAccount": BankAccountFactory,
    "clients.ClientImport": ClientImportFactory,
    "clients.Tag": TagFactory,
    "clients.ClientTag": ClientTagFactory,
}


# --- task templates and packs -----------------------------------------------------------------


class TaskTemplateFactory(TenantFactory):
    class Meta:
        model = "templates_engine.TaskTemplate"

    name = factory.Sequence(lambda n: f"Template {n}")


class TemplateItemFactory(TenantFactory):
    class Meta:
        model = "templates_engine.TemplateItem"

    template = factory.SubFactory(TaskTemplateFactory, practice=factory.SelfAttribute("..practice"))
    stage = "collect"
    title = factory.Sequence(lambda n: f"Checklist item {n}")
    position = factory.Sequence(lambda n: (n + 1) * 10)


class ClientTemplateFactory(TenantFactory):
    class Meta:
        model = "templates_engine.ClientTemplate"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    template = factory.SubFactory(TaskTemplateFactory, practice=factory.SelfAttribute("..practice"))


class ClientExtraItemFactory(TenantFactory):
    class Meta:
        model = "templates_engine.ClientExtraItem"

    client_template = factory.SubFactory(
        ClientTemplateFactory, practice=factory.SelfAttribute("..practice")
    )
    stage = "prepare"
    title = "Board pack"


class ClientDisabledItemFactory(TenantFactory):
    class Meta:
        model = "templates_engine.ClientDisabledItem"

    client_template = factory.SubFactory(
        ClientTemplateFactory, practice=factory.SelfAttribute("..practice")
    )
    template_item = factory.SubFactory(
        TemplateItemFactory,
        practice=factory.SelfAttribute("..practice"),
        template=factory.SelfAttribute("..client_template.template"),
        mandatory=False,
    )


def _due(offset_days: int):
    return factory.LazyAttribute(lambda o: o.period + timezone.timedelta(days=31 + offset_days))


class PackFactory(TenantFactory):
    class Meta:
        model = "tasks.Pack"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    template = factory.SubFactory(TaskTemplateFactory, practice=factory.SelfAttribute("..practice"))
    period = factory.LazyFunction(lambda: current_date().replace(day=1))
    recurrence = "monthly"
    collect_due = _due(5)
    capture_due = _due(8)
    reconcile_due = _due(10)
    prepare_due = _due(12)
    review_due = _due(14)
    deliver_due = _due(15)
    current_stage = "collect"
    current_due = factory.SelfAttribute("collect_due")


class PackItemFactory(TenantFactory):
    class Meta:
        model = "tasks.PackItem"

    pack = factory.SubFactory(PackFactory, practice=factory.SelfAttribute("..practice"))
    stage = "collect"
    title = factory.Sequence(lambda n: f"Pack item {n}")
    position = factory.Sequence(lambda n: (n + 1) * 10)


class PackEventFactory(TenantFactory):
    class Meta:
        model = "tasks.PackEvent"

    pack = factory.SubFactory(PackFactory, practice=factory.SelfAttribute("..practice"))
    action = "created"
    created_at = factory.LazyFunction(wall_clock.now)


FACTORIES.update(
    {
        "templates_engine.TaskTemplate": TaskTemplateFactory,
        "templates_engine.TemplateItem": TemplateItemFactory,
        "templates_engine.ClientTemplate": ClientTemplateFactory,
        "templates_engine.ClientExtraItem": ClientExtraItemFactory,
        "templates_engine.ClientDisabledItem": ClientDisabledItemFactory,
        "tasks.Pack": PackFactory,
        "tasks.PackItem": PackItemFactory,
        "tasks.PackEvent": PackEventFactory,
    }
)


# --- notifications and alerts -----------------------------------------------------------------


def _practice_member(o):
    """The practice's first partner (the owner the URL isolation test signs in as), else a new
    member: a notification is only ever visible to its recipient."""
    user = (
        get_user_model()
        .objects.filter(practice=o.practice, role=Role.PARTNER, is_active=True)
        .order_by("pk")
        .first()
    )
    return user or UserFactory(practice=o.practice)


class OverdueAlertFactory(TenantFactory):
    class Meta:
        model = "notifications.OverdueAlert"

    pack = factory.SubFactory(PackFactory, practice=factory.SelfAttribute("..practice"))
    stage = "collect"
    due = factory.SelfAttribute("pack.collect_due")


class NotificationFactory(TenantFactory):
    class Meta:
        model = "notifications.Notification"

    recipient = factory.LazyAttribute(_practice_member)
    kind = "overdue"
    title = factory.Sequence(lambda n: f"Client {n} Ltd — Collect documents was due Fri 6 Nov")
    body = "The pack is behind."
    url = "/my-work/"
    email_state = "none"


class NotificationPreferenceFactory(TenantFactory):
    class Meta:
        model = "notifications.NotificationPreference"

    user = factory.LazyAttribute(_practice_member)
    email = "each"


class DigestFactory(TenantFactory):
    class Meta:
        model = "notifications.Digest"

    user = factory.LazyAttribute(_practice_member)
    day = factory.LazyFunction(current_date)


class CalendarFeedFactory(TenantFactory):
    class Meta:
        model = "notifications.CalendarFeed"

    user = factory.LazyAttribute(_practice_member)
    token_hash = factory.Sequence(lambda n: hash_token(f"feed-token-{n}"))


FACTORIES.update(
    {
        "notifications.OverdueAlert": OverdueAlertFactory,
        "notifications.Notification": NotificationFactory,
        "notifications.NotificationPreference": NotificationPreferenceFactory,
        "notifications.Digest": DigestFactory,
        "notifications.CalendarFeed": CalendarFeedFactory,
    }
)


# --- the document store -----------------------------------------------------------------------

SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _document_key(practice) -> str:
    import uuid

    return f"practices/{practice.pk}/documents/{uuid.uuid4().hex}"


class DocumentFactory(TenantFactory):
    """A stored PDF: the bytes (``content``) are saved through ``default_storage`` under the
    practice's prefix, so download and preview work for it."""

    class Meta:
        model = "documents.Document"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    doc_type = "bank_statement"
    source = "staff_upload"
    original_name = factory.Sequence(lambda n: f"statement-{n}.pdf")
    content_type = "application/pdf"
    content = factory.Sequence(lambda n: SAMPLE_PDF + f"% {n}\n".encode())
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: _sha256(o.content))
    storage_key = factory.LazyAttribute(lambda o: _document_key(o.practice))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        content = kwargs.pop("content")
        kwargs["storage_key"] = default_storage.save(kwargs["storage_key"], ContentFile(content))
        return super()._create(model_class, *args, **kwargs)


FACTORIES["documents.Document"] = DocumentFactory


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


FACTORIES.update(
    {
        "portal.DocumentRequest": DocumentRequestFactory,
        "portal.RequestItem": RequestItemFactory,
        "portal.RequestItemDocument": RequestItemDocumentFactory,
    }
)


# --- portal accounts, client emails, reminders and deliveries ---------------------------------


class PortalUserFactory(UserFactory):
    """A client contact's sign-in: the practice, no staff role."""

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


FACTORIES.update(
    {
        "portal.PortalAccount": PortalAccountFactory,
        "portal.PortalGrant": PortalGrantFactory,
        "portal.PortalEmail": PortalEmailFactory,
        "portal.Delivery": DeliveryFactory,
        "portal.DeliveryDocument": DeliveryDocumentFactory,
    }
)


class PortalLinkFactory(TenantFactory):
    class Meta:
        model = "portal.PortalLink"

    account = factory.SubFactory(PortalAccountFactory, practice=factory.SelfAttribute("..practice"))
    purpose = "sign_in"
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: wall_clock.now() + timezone.timedelta(minutes=20))


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


FACTORIES.update(
    {
        "portal.PortalLink": PortalLinkFactory,
        "portal.ReminderSettings": ReminderSettingsFactory,
        "portal.Reminder": ReminderFactory,
    }
)
