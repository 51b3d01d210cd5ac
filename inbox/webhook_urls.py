"""The email providers' inbound webhooks (``inbox.webhooks``), one URL each, included from
``atlasos/urls.py`` under ``inbox/hooks/``. Only these four inbound views are routed (not all
of ``anymail.urls``, whose tracking and other providers' views the inbox has no use for)."""

from django.urls import path, re_path

from atlasos.tenancy.routes import public
from inbox import webhooks

app_name = "inbox_hooks"

REASON = (
    "an email provider posts inbound mail here; it carries no session, and is checked by the "
    "provider's basic auth and signature instead (inbox.webhooks)"
)

urlpatterns = [
    path("postmark/inbound/", public(REASON)(webhooks.PostmarkInbound.as_view()), name="postmark"),
    # Mailgun posts the raw message when the URL contains "mime", its parsed fields otherwise.
    re_path(
        r"^mailgun/inbound(_mime)?/$",
        public(REASON)(webhooks.MailgunInbound.as_view()),
        name="mailgun",
    ),
    path("sendgrid/inbound/", public(REASON)(webhooks.SendGridInbound.as_view()), name="sendgrid"),
    path(
        "amazon_ses/inbound/",
        public(REASON)(webhooks.AmazonSESInbound.as_view()),
        name="amazon_ses",
    ),
]
