"""The document store left the portal for its own app (documents/migrations/0001_initial.py,
portal/migrations/0007_document_moves_to_documents.py) without rebuilding a table: rows made
before the move, and everything that points at them, read the same after it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from atlasos.tenancy.context import unscoped

BEFORE = [("portal", "0006_requests_close_at_delivery"), ("documents", None)]


def migrate(targets):
    """Migrate to ``targets``; the models as they stood there (an app at None is left out)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_documents_made_in_the_portal_are_the_same_rows_after_the_move():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    with unscoped("test: rows made before a migration"):
        old = migrate(BEFORE)
        assert "document" not in old.all_models.get("documents", {})  # still the portal's
        Practice = old.get_model("tenancy", "Practice")
        Client = old.get_model("clients", "Client")
        Document = old.get_model("portal", "Document")
        DocumentRequest = old.get_model("portal", "DocumentRequest")
        RequestItem = old.get_model("portal", "RequestItem")
        RequestItemDocument = old.get_model("portal", "RequestItemDocument")
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.get_or_create(app_label="portal", model="document")

        practice = Practice.objects.create(name="Harbour & Co Bookkeeping")
        client = Client.objects.create(practice=practice, name="Harbourview Bakery Ltd")
        document = Document.objects.create(
            practice=practice,
            client=client,
            doc_type="bank_statement",
            source="portal",
            original_name="barclays-october.pdf",
            content_type="application/pdf",
            size=1234,
            sha256="a" * 64,
            storage_key=f"practices/{practice.pk}/documents/one",
        )
        request = DocumentRequest.objects.create(
            practice=practice, client=client, title="Documents for October 2026", due="2026-11-06"
        )
        item = RequestItem.objects.create(
            practice=practice, request=request, title="Bank statement", doc_type="bank_statement"
        )
        RequestItemDocument.objects.create(practice=practice, item=item, document=document)

        new = migrate(latest)
        Moved = new.get_model("documents", "Document")
        moved = Moved.objects.get(pk=document.pk)
        assert (moved.code, moved.original_name, moved.storage_key, moved.client_id) == (
            document.code,
            "barclays-october.pdf",
            f"practices/{practice.pk}/documents/one",
            client.pk,
        )
        assert Moved._meta.db_table == "portal_document"
        links = new.get_model("portal", "RequestItemDocument").objects.filter(document=moved)
        assert [link.item_id for link in links] == [item.pk]
        assert list(
            new.get_model("portal", "RequestItem").objects.get(pk=item.pk).documents.all()
        ) == [moved]
        content_types = new.get_model("contenttypes", "ContentType").objects
        assert content_types.filter(app_label="documents", model="document").exists()
        assert not content_types.filter(app_label="portal", model="document").exists()
