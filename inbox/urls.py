from django.urls import path

from inbox.views import messages, rules, settings, triage

app_name = "inbox"

message_urls = [
    path("inbox/", messages.message_list, name="list"),
    path("inbox/triage/", triage.triage, name="triage"),
    path("inbox/<inbound_message:code>/", messages.message_detail, name="message"),
    path("inbox/<inbound_message:code>/html/", messages.message_html, name="message_html"),
    path(
        "inbox/<inbound_message:code>/reprocess/",
        messages.message_reprocess,
        name="reprocess",
    ),
    path(
        "inbox/attachments/<inbound_attachment:code>/",
        messages.attachment_download,
        name="attachment",
    ),
]

triage_urls = [
    path("inbox/<inbound_message:code>/assign/", triage.assign, name="assign"),
    path("inbox/<inbound_message:code>/split/", triage.split, name="split"),
    path("inbox/<inbound_message:code>/not-a-document/", triage.not_document, name="not_document"),
]

settings_urls = [
    path("settings/inbox/", settings.inbox_settings, name="settings"),
    path("settings/inbox/rules/", rules.rule_list, name="rules"),
    path("settings/inbox/rules/<routing_rule:code>/", rules.rule_edit, name="rule_edit"),
    path(
        "settings/inbox/rules/<routing_rule:code>/delete/",
        rules.rule_delete,
        name="rule_delete",
    ),
    path(
        "clients/<client:code>/inbox-address/rotate/",
        settings.rotate_address,
        name="rotate_address",
    ),
]

urlpatterns = [*message_urls, *triage_urls, *settings_urls]
