"""The email providers' inbound webhook calls, built as each provider documents them
(Postmark, Mailgun, SendGrid, Amazon SES through SNS, each with a raw message or parsed
fields), posted to the inbox's hooks, and read back (the messages kept, the refusals, the
stored bytes). Shared by the ``tests/inbox/test_webhooks_*.py`` modules; a helper module, not a
test module, so nothing here is collected. The fixtures they use are in ``conftest.py``.
"""

import base64
import datetime
import email
import email.policy
import hashlib
import hmac
import io
import json
from email.message import EmailMessage

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.core.files.storage import default_storage

from atlasos.tenancy.context import practice_context, unscoped
from inbox.models import InboundMessage, RefusedDelivery

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
