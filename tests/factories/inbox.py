"""The Smart Inbox: messages as they arrived, their attachments (bytes kept under the
practice's inbox prefix), the rules triage taught and the practice's mailbox."""

import hashlib
import uuid

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from atlasos import clock as wall_clock
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import TenantFactory

# A real, empty PDF the upload checks accept; each attachment gets a comment of its own so
# that no two are the same bytes.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _inbox_key(practice) -> str:
    return f"practices/{practice.pk}/inbox/{uuid.uuid4().hex}"


class InboundMessageFactory(TenantFactory):
    """A parsed message waiting in triage (the raw bytes are not stored: pages never read
    them)."""

    class Meta:
        model = "inbox.InboundMessage"

    channel = "file"
    recipient = factory.Sequence(lambda n: f"practice-{n}@in.atlas.test")
    raw_key = factory.LazyAttribute(lambda o: _inbox_key(o.practice) + ".eml")
    raw_size = 2048
    sha256 = factory.Sequence(lambda n: _sha256(f"message {n}".encode()))
    message_id = factory.Sequence(lambda n: f"message-{n}@client.example.com")
    from_address = factory.Sequence(lambda n: f"sender{n}@client.example.com")
    from_name = factory.Sequence(lambda n: f"Sender {n}")
    subject = factory.Sequence(lambda n: f"Documents {n}")
    sent_at = factory.LazyFunction(wall_clock.now)
    text_body = "Please find this month's invoices attached.\nThanks, Alice"
    html_body = "<p>Please find this month's invoices attached.</p><p>Thanks, Alice</p>"
    status = "triage"
    reason = "No client could be chosen with confidence: the best is a suggestion."


class InboundAttachmentFactory(TenantFactory):
    """A PDF the message carried, waiting to be filed: its bytes are saved under the
    practice's inbox prefix, so download and filing work for it."""

    class Meta:
        model = "inbox.InboundAttachment"

    message = factory.SubFactory(
        InboundMessageFactory, practice=factory.SelfAttribute("..practice")
    )
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"invoice-{n}.pdf")
    content_type = "application/pdf"
    content = factory.Sequence(lambda n: SAMPLE_PDF + f"% attachment {n}\n".encode())
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: _sha256(o.content))
    storage_key = factory.LazyAttribute(lambda o: _inbox_key(o.practice))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        content = kwargs.pop("content")
        kwargs["storage_key"] = default_storage.save(kwargs["storage_key"], ContentFile(content))
        return super()._create(model_class, *args, **kwargs)


class RoutingRuleFactory(TenantFactory):
    class Meta:
        model = "inbox.RoutingRule"

    pattern = factory.Sequence(lambda n: f"accounts{n}@supplier.example.com")
    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    times_used = 3
    times_right = 2


class MailboxFactory(TenantFactory):
    """A mailbox whose stored password is not a real token (nothing decrypts it here)."""

    class Meta:
        model = "inbox.Mailbox"

    host = "imap.example.com"
    username = factory.Sequence(lambda n: f"documents{n}@practice.example.com")
    password_encrypted = "not-a-real-token"
