"""One message as it arrived: its headers, its text (escaped), its HTML body only sanitised
and in a sandboxed frame that loads nothing, its attachments and where each went, the routing
reasons and candidates; an attachment's bytes as a download; "Reprocess"."""

import pytest
from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from inbox.models import InboundMessage
from inbox.views.html_body import sanitise
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.inbox import InboundAttachmentFactory, InboundMessageFactory
from tests.factories.portal import PortalAccountFactory
from tests.helpers import reload, sign_in, signed_in

pytestmark = pytest.mark.django_db

HOSTILE_HTML = """
<html><head><style>body { background: url(https://tracker.example/bg.png) }</style>
<script>alert(document.cookie)</script></head>
<body onload="alert(1)">
<p style="color: red; background-image: url(https://tracker.example/p.png)">Hello <b>Helen</b></p>
<p style="color: #123456">Plain colour</p>
<img src="https://tracker.example/open.gif" alt="pixel">
<img srcset="https://tracker.example/a.png 2x" src="cid:logo@acme" alt="logo">
<img src="/clients/">
<a href="https://acme.example/invoice">the invoice</a>
<a href="javascript:alert(1)">click</a>
<form action="https://phish.example"><input name="password"></form>
<iframe src="https://evil.example"></iframe>
<table background="https://tracker.example/t.png"><tr><td>Total</td></tr></table>
</body></html>
"""


# --- the sanitiser ----------------------------------------------------------------------------


def test_the_sanitiser_keeps_text_and_drops_everything_active_or_remote():
    clean = sanitise(HOSTILE_HTML)
    assert "Hello <b>Helen</b>" in clean and "Total" in clean
    for gone in ("<script", "alert", "onload", "<form", "<input", "<iframe", "<style"):
        assert gone not in clean, gone
    assert "tracker.example" not in clean  # no image, background or style URL survives
    assert "srcset" not in clean and 'src="/clients/"' not in clean
    assert 'src="cid:logo@acme"' in clean  # the message's own part, never fetched
    assert "javascript:" not in clean
    assert 'style="color:#123456"' in clean


def test_links_open_a_new_tab_without_referrer_or_opener():
    clean = sanitise('<a href="https://acme.example/x">x</a>')
    assert 'href="https://acme.example/x"' in clean
    assert 'rel="noopener noreferrer"' in clean and 'target="_blank"' in clean


def test_a_style_value_hiding_a_url_is_dropped_whole():
    for style in (
        "color: red; background: url(https://x.example/a)",
        r"color: u\rl(https://x.example/a)",
        "font-family: image-set('https://x.example/a' 1x)",
    ):
        assert "x.example" not in sanitise(f'<p style="{style}">a</p>'), style


def test_nothing_in_nothing_out():
    assert sanitise("") == ""


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_headers_and_the_escaped_text(practice, staff):
    message = InboundMessageFactory(
        practice=practice,
        from_name="Alice Client",
        from_address="alice@acme.example",
        recipient="harbour+abc@in.atlas.test",
        subject="October statements",
        message_id="CAF123@mail.acme.example",
        text_body="Hi,\n<script>alert('x')</script>\nThanks",
        authenticated=True,
        headers=[
            ["From", "Alice Client <alice@acme.example>"],
            ["Authentication-Results", "mx.example; dmarc=pass header.from=acme.example"],
        ],
    )
    page = signed_in(staff).get(f"/inbox/{message.code}/").content.decode()

    assert "Alice Client &lt;alice@acme.example&gt;" in page
    assert "harbour+abc@in.atlas.test" in page
    assert "18 November 2026" in page  # the date it was sent
    assert "CAF123@mail.acme.example" in page
    assert "Passed" in page and "dmarc=pass header.from=acme.example" in page
    assert (
        '<pre class="message-text">Hi,\n&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;' in page
    )
    assert "<script>alert" not in page


def test_an_unverified_sender_says_so(practice, staff):
    message = InboundMessageFactory(practice=practice, authenticated=False)
    page = signed_in(staff).get(f"/inbox/{message.code}/").content.decode()
    assert "Not passed" in page and "the sender is not verified" in page


def test_the_html_body_is_framed_sandboxed_and_loads_nothing(practice, staff):
    message = InboundMessageFactory(practice=practice, html_body=HOSTILE_HTML)
    http = signed_in(staff)

    page = http.get(f"/inbox/{message.code}/").content.decode()
    assert f'src="/inbox/{message.code}/html/"' in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert "tracker.example" not in page  # the page itself never carries the body

    response = http.get(f"/inbox/{message.code}/html/")
    body = response.content.decode()
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "default-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp and "script-src" not in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "Hello <b>Helen</b>" in body
    assert "tracker.example" not in body and "<script>alert" not in body


def test_a_message_without_html_has_no_frame(practice, staff):
    message = InboundMessageFactory(practice=practice, html_body="")
    http = signed_in(staff)
    assert "<iframe" not in http.get(f"/inbox/{message.code}/").content.decode()
    assert http.get(f"/inbox/{message.code}/html/").status_code == 404


def test_each_attachment_says_where_it_went(practice, staff):
    acme = ClientFactory(practice=practice, name="Acme Ltd")
    message = InboundMessageFactory(practice=practice, status="routed", client=acme)
    document = DocumentFactory(practice=practice, client=acme, original_name="october.pdf")
    filed = InboundAttachmentFactory(
        practice=practice,
        message=message,
        name="october.pdf",
        status="filed",
        client=acme,
        document=document,
        doc_type="bank_statement",
        period="2026-10-01",
        reason="Satisfies “Bank statement” of “Documents for October 2026”.",
    )
    refused = InboundAttachmentFactory(
        practice=practice,
        message=message,
        name="setup.exe",
        content_type="application/x-msdownload",
        status="refused",
        reason="This type of file is not accepted.",
    )
    logo = InboundAttachmentFactory(
        practice=practice,
        message=message,
        name="logo.png",
        status="not_document",
        reason="An inline image (a signature or a logo).",
    )

    page = signed_in(staff).get(f"/inbox/{message.code}/").content.decode()

    row = page[page.index(f'id="attachment-{filed.code}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="/documents/{document.code}/"' in row
    assert f'href="/clients/{acme.code}/documents/"' in row and "Acme Ltd" in row
    assert "Bank statement, October 2026" in row and "Satisfies" in row
    assert f'href="/inbox/attachments/{filed.code}/"' in row
    assert "application/pdf" in row and "badge-complete" in row
    assert "This type of file is not accepted." in page and refused.name in page
    assert "An inline image (a signature or a logo)." in page and logo.name in page


def test_the_routing_reasons_and_ranked_candidates_are_shown(practice, staff, other_practice):
    acme = ClientFactory(practice=practice, name="Acme Ltd")
    beta = ClientFactory(practice=practice, name="Beta Ltd")
    theirs = ClientFactory(practice=other_practice, name="Not Ours Ltd")
    message = InboundMessageFactory(
        practice=practice,
        candidates=[
            {
                "client_id": acme.pk,
                "confidence": "Suggestion",
                "score": 0.7,
                "reasons": ["The sender is a contact of Acme Ltd (not authenticated)."],
            },
            {
                "client_id": beta.pk,
                "confidence": "Suggestion",
                "score": 0.4,
                "reasons": ["“Beta” appears in the subject."],
            },
            {"client_id": theirs.pk, "confidence": "High", "score": 0.9, "reasons": ["x"]},
        ],
    )
    page = signed_in(staff).get(f"/inbox/{message.code}/").content.decode()

    assert page.index("File to Acme Ltd") < page.index("File to Beta Ltd")
    assert "The sender is a contact of Acme Ltd (not authenticated)." in page
    assert "Not Ours Ltd" not in page  # a client of another practice is never offered


# --- reprocess --------------------------------------------------------------------------------


def test_reprocess_queues_the_message_again(practice, staff, django_capture_on_commit_callbacks):
    message = InboundMessageFactory(practice=practice, status="failed", reason="It broke.")
    http = signed_in(staff)
    assert "Reprocess" in http.get(f"/inbox/{message.code}/").content.decode()

    with django_capture_on_commit_callbacks() as queued:
        response = http.post(f"/inbox/{message.code}/reprocess/", follow=True)

    assert response.redirect_chain[-1][0] == f"/inbox/{message.code}/"
    assert "will be processed again" in response.content.decode()
    assert reload(message).status == InboundMessage.Status.RECEIVED
    assert len(queued) == 1


def test_a_filed_message_is_not_reprocessed(practice, staff, django_capture_on_commit_callbacks):
    message = InboundMessageFactory(practice=practice, status="routed")
    http = signed_in(staff)
    assert "Reprocess" not in http.get(f"/inbox/{message.code}/").content.decode()

    with django_capture_on_commit_callbacks() as queued:
        response = http.post(f"/inbox/{message.code}/reprocess/", follow=True)

    assert "This message is filed" in response.content.decode()
    assert reload(message).status == "routed" and not queued


def test_reprocess_is_a_post(practice, staff):
    message = InboundMessageFactory(practice=practice, status="failed")
    assert signed_in(staff).get(f"/inbox/{message.code}/reprocess/").status_code == 405


# --- downloading an attachment ----------------------------------------------------------------


def test_an_attachment_downloads_as_a_file_never_shown(practice, staff):
    attachment = InboundAttachmentFactory(
        practice=practice, name="Facture été 2026.pdf", content=b"%PDF-1.4 bytes"
    )
    response = signed_in(staff).get(f"/inbox/attachments/{attachment.code}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 bytes"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Facture%20%C3%A9t%C3%A9%202026.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"


def test_an_html_attachment_is_still_only_a_download(practice, staff):
    attachment = InboundAttachmentFactory(
        practice=practice,
        name="invoice.html",
        content_type="text/html",
        content=b"<script>alert(1)</script>",
    )
    response = signed_in(staff).get(f"/inbox/attachments/{attachment.code}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_attachment_without_kept_bytes_or_outside_the_practice_folder_is_404(
    practice, staff, other_practice
):
    skipped = InboundAttachmentFactory(practice=practice)
    theirs = InboundAttachmentFactory(practice=other_practice)
    with practice_context(practice.pk):
        type(skipped).objects.filter(pk=skipped.pk).update(storage_key="")
    elsewhere = InboundAttachmentFactory(practice=practice)
    with practice_context(practice.pk):
        type(elsewhere).objects.filter(pk=elsewhere.pk).update(storage_key=theirs.storage_key)
    http = signed_in(staff)
    assert http.get(f"/inbox/attachments/{skipped.code}/").status_code == 404
    assert http.get(f"/inbox/attachments/{elsewhere.code}/").status_code == 404


# --- who may see it ---------------------------------------------------------------------------


def test_another_practices_message_and_attachment_are_404(practice, staff, other_practice):
    message = InboundMessageFactory(practice=other_practice)
    attachment = InboundAttachmentFactory(practice=other_practice)
    http = signed_in(staff)
    assert http.get(f"/inbox/{message.code}/").status_code == 404
    assert http.get(f"/inbox/{message.code}/html/").status_code == 404
    assert http.get(f"/inbox/attachments/{attachment.code}/").status_code == 404
    assert http.post(f"/inbox/{message.code}/reprocess/").status_code == 404


def test_a_client_contact_is_refused(practice):
    message = InboundMessageFactory(practice=practice)
    attachment = InboundAttachmentFactory(practice=practice, message=message)
    account = PortalAccountFactory(practice=practice)
    http = sign_in(HttpClient(), account.user, reauthenticate=False)
    assert http.get(f"/inbox/{message.code}/").status_code == 403
    assert http.get(f"/inbox/attachments/{attachment.code}/").status_code == 403
    assert http.post(f"/inbox/{message.code}/reprocess/").status_code == 403


# Session, user (with its practice), the message (with its client and who handled it), its
# attachments (with their documents and clients), the candidates' clients, the clients the
# picker suggests, the top bar's triage count, the bell's unread count.
MESSAGE_QUERIES = 8


@pytest.mark.parametrize("count", [1, 12])
def test_the_message_page_runs_the_same_queries_at_any_size(
    practice, staff, count, django_assert_max_num_queries
):
    clients = ClientFactory.create_batch(count, practice=practice)
    message = InboundMessageFactory(
        practice=practice,
        candidates=[
            {"client_id": c.pk, "confidence": "Suggestion", "score": 0.5, "reasons": ["r"]}
            for c in clients
        ],
    )
    for client in clients:
        document = DocumentFactory(practice=practice, client=client)
        InboundAttachmentFactory(
            practice=practice, message=message, status="filed", client=client, document=document
        )
    InboundAttachmentFactory(practice=practice, message=message)
    http = signed_in(staff)
    with django_assert_max_num_queries(MESSAGE_QUERIES):
        assert http.get(f"/inbox/{message.code}/").status_code == 200
