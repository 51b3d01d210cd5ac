"""Email providers' inbound webhooks: each provider's documented payload carrying a PDF to a
client's address is kept once, through the one intake; a call failing the provider's check is
refused and recorded, never stored; a retry is a duplicate; mail to an unknown address is
answered 200 and refused by intake."""

import base64
import datetime
import email
import email.policy
import hashlib
import hmac
import io
import json
from email.message import EmailMessage

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.core.files.storage import default_storage

from atlasos.tenancy.context import practice_context, unscoped
from inbox import addresses, webhooks
from inbox.models import Channel, InboundMessage, RefusedDelivery
from tests.factories.clients import ClientFactory

pytestmark = [
    pytest.mark.django_db,
    # anymail 13 no longer supports SendGrid officially and says so each time its view is made.
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

SECRET = "atlas-hooks:pa55-w0rd"
MAILGUN_KEY = "key-mailgun-signing"
AUTH = {"Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()}
WRONG_AUTH = {"Authorization": "Basic " + base64.b64encode(b"atlas-hooks:guess").decode()}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SENDER = "alice@client.example"
CERT_URL = "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-atlas.pem"


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


@pytest.fixture
def address(practice):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd")
    return addresses.client_address(client)


def mime(
    to: str, *, message_id="<stmt-2026-11@client.example>", body="November statement."
) -> bytes:
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = f"Alice Client <{SENDER}>"
    message["To"] = to
    message["Subject"] = "Bank statement November"
    message["Date"] = "Tue, 17 Nov 2026 09:00:00 +0000"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="statement.pdf")
    return message.as_bytes()


# --- each provider's payload, in its documented shape ----------------------------------------


def postmark(to: str, raw: bytes, *, with_raw=True) -> dict:
    payload = {
        "FromName": "Alice Client",
        "From": SENDER,
        "FromFull": {"Email": SENDER, "Name": "Alice Client", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": to.split("+")[-1].split("@")[0]}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": "Bank statement November",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Tue, 17 Nov 2026 09:00:00 +0000",
        "TextBody": "November statement.",
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "MessageStream": "inbound",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{SENDER}>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {
                "Name": "Received-SPF",
                "Value": f"Pass (sender SPF authorized) identity=mailfrom; envelope-from={SENDER}",
            },
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": "<stmt-2026-11@client.example>"},
        ],
        "Attachments": [
            {
                "Name": "statement.pdf",
                "Content": base64.b64encode(PDF).decode(),
                "ContentType": "application/pdf",
                "ContentLength": len(PDF),
                "ContentID": "",  # as Postmark posts an ordinary attachment
            }
        ],
    }
    if with_raw:
        payload["RawEmail"] = raw.decode()
    return payload


def post_postmark(client, payload, headers=AUTH):
    return client.post(
        "/inbox/hooks/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def mailgun_signed(fields: dict, key=MAILGUN_KEY) -> dict:
    token, timestamp = "06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0", "1795424400"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {**fields, "token": token, "timestamp": timestamp, "signature": signature.hexdigest()}


def mailgun_mime(to: str, raw: bytes, key=MAILGUN_KEY) -> dict:
    return mailgun_signed({"recipient": to, "sender": SENDER, "body-mime": raw.decode()}, key=key)


def mailgun_parsed(to: str) -> dict:
    pdf = io.BytesIO(PDF)
    pdf.name = "statement.pdf"
    pdf.content_type = "application/pdf"
    headers = [
        ["X-Mailgun-Spf", "Pass"],
        ["X-Mailgun-Incoming", "Yes"],
        ["From", f"Alice Client <{SENDER}>"],
        ["To", to],
        ["Subject", "Bank statement November"],
        ["Date", "Tue, 17 Nov 2026 09:00:00 +0000"],
        ["Message-Id", "<stmt-2026-11@client.example>"],
        ["Mime-Version", "1.0"],
    ]
    return mailgun_signed(
        {
            "recipient": to,
            "sender": SENDER,
            "from": f"Alice Client <{SENDER}>",
            "subject": "Bank statement November",
            "message-headers": json.dumps(headers),
            "body-plain": "November statement.",
            "attachment-count": "1",
            "attachment-1": pdf,
        }
    )


def post_mailgun(client, fields, path="inbound_mime", headers=AUTH):
    return client.post(f"/inbox/hooks/mailgun/{path}/", data=fields, headers=headers)


def sendgrid_raw(to: str, raw: bytes) -> dict:
    return {
        "email": raw.decode(),
        "envelope": json.dumps({"to": [to], "from": SENDER}),
        "to": to,
        "from": f"Alice Client <{SENDER}>",
        "subject": "Bank statement November",
        "sender_ip": "192.0.2.10",
        "spam_score": "0.1",
        "SPF": "pass",
        "dkim": "{@client.example : pass}",
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"}),
    }


def sendgrid_parsed(to: str) -> dict:
    pdf = io.BytesIO(PDF)
    pdf.name = "statement.pdf"
    pdf.content_type = "application/pdf"
    return {
        "headers": (
            f"From: Alice Client <{SENDER}>\nTo: {to}\nSubject: Bank statement November\n"
            "Date: Tue, 17 Nov 2026 09:00:00 +0000\nMessage-ID: <stmt-2026-11@client.example>\n"
            "MIME-Version: 1.0\n"
        ),
        "envelope": json.dumps({"to": [to], "from": SENDER}),
        "to": to,
        "from": f"Alice Client <{SENDER}>",
        "subject": "Bank statement November",
        "text": "November statement.",
        "SPF": "pass",
        "dkim": "{@client.example : pass}",
        "charsets": json.dumps({"text": "UTF-8"}),
        "attachments": "1",
        "attachment-info": json.dumps(
            {"attachment1": {"filename": "statement.pdf", "type": "application/pdf"}}
        ),
        "attachment1": pdf,
    }


def post_sendgrid(client, fields, headers=AUTH):
    return client.post("/inbox/hooks/sendgrid/inbound/", data=fields, headers=headers)


# Amazon SNS signs with a certificate it serves; here, one of our own, served by a stand-in.
SNS_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(key) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


SNS_CERT = _certificate(SNS_KEY)


@pytest.fixture(autouse=True)
def sns_certificates(monkeypatch):
    """No network: the certificate SNS would serve at ``CERT_URL`` is ours."""
    fetched = []

    def fetch(url):
        fetched.append(url)
        return SNS_CERT

    monkeypatch.setattr(webhooks, "_SNS_CERTIFICATES", {})
    monkeypatch.setattr(webhooks, "fetch_certificate_pem", fetch)
    return fetched


def ses_notification(to: str, raw: bytes, *, action="SNS", dmarc="PASS") -> dict:
    receipt = {
        "timestamp": "2026-11-17T09:00:01.000Z",
        "processingTimeMillis": 357,
        "recipients": [to],
        "spamVerdict": {"status": "PASS"},
        "virusVerdict": {"status": "PASS"},
        "spfVerdict": {"status": "PASS"},
        "dkimVerdict": {"status": "PASS"},
        "dmarcVerdict": {"status": dmarc},
        "action": {
            "type": "SNS",
            "topicArn": "arn:aws:sns:eu-west-2:111111111111:atlas-inbound",
            "encoding": "BASE64",
        },
    }
    if action == "S3":
        receipt["action"] = {
            "type": "S3",
            "topicArn": "arn:aws:sns:eu-west-2:111111111111:atlas-inbound",
            "bucketName": "atlas-inbound-mail",
            "objectKeyPrefix": "inbound",
            "objectKey": "inbound/fqef5sop459utgdf4o9lqbsv7jeo73pejig34301",
        }
    event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2026-11-17T09:00:00.000Z",
            "source": SENDER,
            "messageId": "fqef5sop459utgdf4o9lqbsv7jeo73pejig34301",
            "destination": [to],
            "headersTruncated": False,
            "commonHeaders": {"from": [f"Alice Client <{SENDER}>"], "to": [to]},
        },
        "receipt": receipt,
    }
    if action == "SNS":
        event["content"] = base64.b64encode(raw).decode()
    return {
        "Type": "Notification",
        "MessageId": "8f6dee70-c885-558a-be7d-bd48bbf5335e",
        "TopicArn": "arn:aws:sns:eu-west-2:111111111111:atlas-inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(event),
        "Timestamp": "2026-11-17T09:00:01.100Z",
        "SignatureVersion": "1",
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe",
    }


def sns_sign(message: dict, key=SNS_KEY) -> dict:
    """Sign as SNS does (AWS docs, "Verifying the signatures of Amazon SNS messages"): the
    Notification's fields in this order, each "name\\nvalue\\n"."""
    names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    text = "".join(f"{name}\n{message[name]}\n" for name in names if name in message)
    algorithm = hashes.SHA1() if message["SignatureVersion"] == "1" else hashes.SHA256()
    signature = key.sign(text.encode(), padding.PKCS1v15(), algorithm)
    return {**message, "Signature": base64.b64encode(signature).decode()}


def post_ses(client, message, headers=AUTH):
    return client.post(
        "/inbox/hooks/amazon_ses/inbound/",
        data=json.dumps(message),
        content_type="text/plain; charset=UTF-8",
        headers={
            **headers,
            "x-amz-sns-message-type": message["Type"],
            "x-amz-sns-message-id": message["MessageId"],
        },
    )


@pytest.fixture
def s3(monkeypatch):
    """The S3 object SES wrote the message to (anymail downloads it with boto3)."""
    objects = {}

    def download(view, bucket_name, object_key):
        return io.BytesIO(objects[(bucket_name, object_key)])

    monkeypatch.setattr(AmazonSESInboundWebhookView, "download_s3_object", download)
    return objects


def deliver(client, provider: str, to: str, raw: bytes, s3_objects=None):
    """Post ``raw`` to ``to`` the way ``provider`` does; the response."""
    if provider == "postmark":
        return post_postmark(client, postmark(to, raw))
    if provider == "postmark parsed":
        return post_postmark(client, postmark(to, raw, with_raw=False))
    if provider == "mailgun":
        return post_mailgun(client, mailgun_mime(to, raw))
    if provider == "mailgun parsed":
        return post_mailgun(client, mailgun_parsed(to), path="inbound")
    if provider == "sendgrid":
        return post_sendgrid(client, sendgrid_raw(to, raw))
    if provider == "sendgrid parsed":
        return post_sendgrid(client, sendgrid_parsed(to))
    if provider == "amazon_ses":
        return post_ses(client, sns_sign(ses_notification(to, raw)))
    if provider == "amazon_ses s3":
        s3_objects[("atlas-inbound-mail", "inbound/fqef5sop459utgdf4o9lqbsv7jeo73pejig34301")] = raw
        return post_ses(client, sns_sign(ses_notification(to, raw, action="S3")))
    raise AssertionError(provider)


PROVIDERS = [
    "postmark",
    "postmark parsed",
    "mailgun",
    "mailgun parsed",
    "sendgrid",
    "sendgrid parsed",
    "amazon_ses",
    "amazon_ses s3",
]
RAW_MIME = {"postmark", "mailgun", "sendgrid", "amazon_ses", "amazon_ses s3"}


def messages(practice) -> list[InboundMessage]:
    with practice_context(practice.pk):
        return list(InboundMessage.objects.all())


def refusals() -> list[RefusedDelivery]:
    with unscoped("test: refused deliveries"):
        return list(RefusedDelivery.objects.all())


def stored(message: InboundMessage) -> bytes:
    with default_storage.open(message.raw_key) as file:
        return file.read()


def pdf_of(raw: bytes) -> bytes | None:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    for part in parsed.walk():
        if part.get_filename() == "statement.pdf":
            return part.get_content()
    return None


# --- kept -------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_pdf_to_a_client_address_is_kept_once_and_queued(
    provider, client, practice, address, s3, django_capture_on_commit_callbacks
):
    raw = mime(address)

    with django_capture_on_commit_callbacks() as queued:
        response = deliver(client, provider, address, raw, s3)

    assert response.status_code == 200, response.content
    [message] = messages(practice)
    assert message.channel == Channel.WEBHOOK
    assert message.provider == provider.split()[0]
    assert message.recipient == address
    assert message.envelope_from == SENDER
    assert message.message_id == "stmt-2026-11@client.example"
    assert message.status == InboundMessage.Status.RECEIVED
    kept = stored(message)
    assert message.sha256 == hashlib.sha256(kept).hexdigest()
    assert kept.startswith(b"Authentication-Results: in.atlas.test (verdicts of ")
    if provider in RAW_MIME:  # the provider's raw message, byte for byte, under our verdict
        assert kept.split(b"\r\n", 1)[1] == raw
    assert pdf_of(kept) == PDF
    # Processing is enqueued once the row is committed.
    [enqueue] = queued
    assert enqueue.args == (message.pk,)
    assert enqueue.keywords == {"practice_id": practice.pk}
    assert refusals() == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_post_twice_is_one_message(provider, client, practice, address, s3):
    raw = mime(address)

    first = deliver(client, provider, address, raw, s3)
    again = deliver(client, provider, address, raw, s3)

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(messages(practice)) == 1


@pytest.mark.parametrize("provider", ["postmark parsed", "mailgun parsed", "sendgrid parsed"])
def test_a_rebuilt_message_hashes_the_same_on_a_retry(provider, client, practice, address):
    """Without a Message-ID only the SHA-256 tells a retry: anymail's rebuilt message must
    come out with the same bytes (stable MIME boundaries)."""
    raw = mime(address, message_id="")
    payload = {
        "postmark parsed": lambda: postmark(address, raw, with_raw=False),
        "mailgun parsed": lambda: mailgun_parsed(address),
        "sendgrid parsed": lambda: sendgrid_parsed(address),
    }[provider]

    def post():
        data = payload()
        if provider == "postmark parsed":
            data["Headers"] = [h for h in data["Headers"] if h["Name"] != "Message-ID"]
            return post_postmark(client, data)
        if provider == "mailgun parsed":
            headers = [h for h in json.loads(data["message-headers"]) if h[0] != "Message-Id"]
            data = mailgun_signed({**data, "message-headers": json.dumps(headers)})
            return post_mailgun(client, data, path="inbound")
        data["headers"] = "\n".join(
            line for line in data["headers"].split("\n") if not line.startswith("Message-ID")
        )
        return post_sendgrid(client, data)

    assert post().status_code == 200
    assert post().status_code == 200

    [message] = messages(practice)
    assert message.message_id == ""
    assert pdf_of(stored(message)) == PDF


def test_mail_to_two_client_addresses_of_one_practice_is_one_message(client, practice, address, s3):
    with practice_context(practice.pk):
        other = addresses.client_address(ClientFactory(practice=practice))
    raw = mime(f"{address}, {other}")
    notification = ses_notification(address, raw)
    event = json.loads(notification["Message"])
    event["receipt"]["recipients"] = [address, other]
    notification["Message"] = json.dumps(event)

    assert post_ses(client, sns_sign(notification)).status_code == 200

    [message] = messages(practice)
    assert message.recipient == address


# --- unknown recipients -----------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_mail_to_an_unknown_address_is_answered_200_and_refused_by_intake(
    provider, client, practice, address, s3
):
    nobody = "nobody+zzzzzzzzzz@in.atlas.test"

    response = deliver(client, provider, nobody, mime(nobody), s3)

    assert response.status_code == 200  # else the provider retries for days
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.channel == Channel.WEBHOOK
    assert refusal.provider == provider.split()[0]
    assert refusal.recipient == nobody


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["postmark", "mailgun", "sendgrid", "amazon_ses"])
def test_a_wrong_basic_auth_is_refused_and_recorded(provider, client, practice, address):
    raw = mime(address)
    post = {
        "postmark": lambda: post_postmark(client, postmark(address, raw), headers=WRONG_AUTH),
        "mailgun": lambda: post_mailgun(client, mailgun_mime(address, raw), headers=WRONG_AUTH),
        "sendgrid": lambda: post_sendgrid(client, sendgrid_raw(address, raw), headers=WRONG_AUTH),
        "amazon_ses": lambda: post_ses(
            client, sns_sign(ses_notification(address, raw)), headers=WRONG_AUTH
        ),
    }[provider]

    response = post()

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.channel == Channel.WEBHOOK
    assert refusal.provider == provider
    assert refusal.remote_addr == "127.0.0.1"
    assert "basic auth" in refusal.reason


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_without_a_webhook_secret_every_call_is_refused(client, practice, address, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}

    response = post_postmark(client, postmark(address, mime(address)), headers={})

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert "no WEBHOOK_SECRET" in refusal.reason


def test_a_mailgun_post_with_a_wrong_signature_is_refused(client, practice, address):
    fields = mailgun_mime(address, mime(address), key="key-someone-else")

    response = post_mailgun(client, fields)

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == "mailgun"
    assert "signature" in refusal.reason


def test_an_sns_message_with_a_wrong_signature_is_refused(client, practice, address):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    message = sns_sign(ses_notification(address, mime(address)), key=forger)

    response = post_ses(client, message)

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == "amazon_ses"
    assert "SNS signature does not verify" in refusal.reason


def test_an_sns_message_changed_after_signing_is_refused(client, practice, address):
    message = sns_sign(ses_notification(address, mime(address)))
    event = json.loads(message["Message"])
    event["receipt"]["dmarcVerdict"] = {"status": "PASS"}
    event["mail"]["source"] = "ceo@client.example"
    message["Message"] = json.dumps(event)

    assert post_ses(client, message).status_code == 400
    assert messages(practice) == []
    assert len(refusals()) == 1


def test_an_sns_certificate_from_elsewhere_is_never_fetched(
    client, practice, address, sns_certificates
):
    notification = ses_notification(address, mime(address))
    notification["SigningCertURL"] = "https://sns.eu-west-2.amazonaws.com.evil.example/c.pem"

    response = post_ses(client, sns_sign(notification))

    assert response.status_code == 400
    assert sns_certificates == []
    [refusal] = refusals()
    assert "not from SNS" in refusal.reason


def test_sns_signature_version_2_is_checked_too(client, practice, address, sns_certificates):
    notification = ses_notification(address, mime(address))
    notification["SignatureVersion"] = "2"

    assert post_ses(client, sns_sign(notification)).status_code == 200
    assert post_ses(client, sns_sign(notification)).status_code == 200

    assert len(messages(practice)) == 1
    assert sns_certificates == [CERT_URL]  # fetched once, then kept


def test_sns_asks_for_basic_auth_first_and_that_is_not_a_refusal(client, practice, address):
    """SNS posts without credentials until it is answered 401 (anymail answers it)."""
    response = post_ses(client, sns_sign(ses_notification(address, mime(address))), headers={})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert messages(practice) == []
    assert refusals() == []


# --- verdicts ---------------------------------------------------------------------------------


def test_amazon_ses_verdicts_are_written_above_the_message(client, practice, address):
    forged = b"Authentication-Results: mx.client.example; dmarc=pass header.from=bank.example\r\n"
    raw = forged + mime(address)

    assert (
        post_ses(client, sns_sign(ses_notification(address, raw, dmarc="FAIL"))).status_code == 200
    )

    [message] = messages(practice)
    top, rest = stored(message).split(b"\r\n", 1)
    assert top == (
        b"Authentication-Results: in.atlas.test (verdicts of Amazon SES); "
        b"spf=pass smtp.mailfrom=client.example; dmarc=fail header.from=client.example"
    )
    assert rest == raw  # the sender's own header stays, below ours


def test_sendgrid_verdicts_keep_only_result_words_and_plain_domains(client, practice, address):
    fields = sendgrid_raw(address, mime(address))
    fields["SPF"] = "pass\r\nX-Injected: yes"
    fields["dkim"] = "{@client.example : pass, @evil.example\r\nX-Injected: : pass}"
    fields["envelope"] = json.dumps({"to": [address], "from": "x@client.example\r\nX-Bad: 1"})

    assert post_sendgrid(client, fields).status_code == 200

    [message] = messages(practice)
    top = stored(message).split(b"\r\n", 1)[0]
    assert top == (
        b"Authentication-Results: in.atlas.test (verdicts of SendGrid); "
        b"spf=none; dkim=pass header.d=client.example"
    )


def test_postmark_and_mailgun_give_spf_only(client, practice, address):
    with practice_context(practice.pk):
        other = addresses.client_address(ClientFactory(practice=practice))
    post_postmark(client, postmark(address, mime(address)))
    post_mailgun(client, mailgun_parsed(other), path="inbound")

    with practice_context(practice.pk):
        from_postmark = InboundMessage.objects.get(provider="postmark")
        from_mailgun = InboundMessage.objects.get(provider="mailgun")
    assert stored(from_postmark).split(b"\r\n", 1)[0] == (
        b"Authentication-Results: in.atlas.test (verdicts of Postmark); "
        b"spf=pass smtp.mailfrom=client.example"
    )
    assert stored(from_mailgun).split(b"\r\n", 1)[0] == (
        b"Authentication-Results: in.atlas.test (verdicts of Mailgun); "
        b"spf=pass smtp.mailfrom=client.example"
    )


def test_a_raw_message_in_another_8bit_charset_is_kept_byte_for_byte(client, practice, address):
    """Django decodes form fields as UTF-8, replacing what is not; the raw message is read from
    the request body instead."""
    raw = (
        f"From: {SENDER}\r\nTo: {address}\r\nSubject: Relev\xe9\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 cr\xe8me, re\xe7u.\r\n"
    ).encode("latin-1")
    boundary = "----atlasFormBoundary"
    fields = {k: v for k, v in sendgrid_raw(address, b"").items() if k != "email"}
    body = b""
    for name, value in [*fields.items(), ("email", raw)]:
        value = value if isinstance(value, bytes) else value.encode()
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()

    response = client.post(
        "/inbox/hooks/sendgrid/inbound/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=AUTH,
    )

    assert response.status_code == 200
    [message] = messages(practice)
    assert stored(message).split(b"\r\n", 1)[1] == raw


def test_a_storage_failure_is_a_500_so_the_provider_retries(client, practice, address, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken)
    client.raise_request_exception = False

    response = post_postmark(client, postmark(address, mime(address)))

    assert response.status_code == 500
    assert messages(practice) == []
    assert refusals() == []


@pytest.mark.parametrize("provider", ["postmark", "mailgun", "sendgrid", "amazon_ses"])
def test_a_post_over_djangos_upload_limit_is_refused_and_recorded(
    provider, client, practice, address, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = deliver(client, provider, address, mime(address))

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert "larger than DATA_UPLOAD_MAX_MEMORY_SIZE" in refusal.reason


def test_an_inbound_event_from_a_view_that_is_not_the_inboxs_is_ignored(practice, address):
    message = AnymailInboundMessage.parse_raw_mime_bytes(mime(address))
    event = AnymailInboundEvent(event_type="inbound", message=message)

    inbound.send(sender=AmazonSESInboundWebhookView, event=event, esp_name="Amazon SES")

    assert messages(practice) == []
