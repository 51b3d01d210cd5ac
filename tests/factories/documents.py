"""The client document store."""

import hashlib
import uuid

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories.clients import ClientFactory
from tests.factories.tenancy import TenantFactory

SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document_key(practice) -> str:
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
        content = kwargs.pop("content")
        kwargs["storage_key"] = default_storage.save(kwargs["storage_key"], ContentFile(content))
        return super()._create(model_class, *args, **kwargs)
