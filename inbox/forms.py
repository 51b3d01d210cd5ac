"""The inbox's forms: the list's filters, the triage decisions (assign, split), a rule's client
and the practice's IMAP mailbox. Each takes the practice and builds its client choices from it
(PostgreSQL's foreign-key checks ignore row-level security)."""

import uuid

from django import forms
from django.db.models import Q, QuerySet

from atlasos.form_fields import SingleLineField, model_form_field
from clients.choices import ClientStatus
from clients.models import Client
from inbox.models import InboundAttachment, InboundMessage, Mailbox


def practice_clients(practice_id: int) -> QuerySet:
    """The clients mail may be filed to: archived ones too (a late statement of an archived
    client still belongs to it, and the router offers them)."""
    return Client.objects.filter(practice_id=practice_id)


def active_clients(practice_id: int) -> QuerySet:
    """The clients the pickers suggest."""
    return practice_clients(practice_id).filter(status=ClientStatus.ACTIVE)


class ClientCodeField(SingleLineField):
    """A client named by its code: the UUID in its address, or the short code people type
    ("ACME01", what the pickers suggest), or its name in full. Cleans to the ``Client``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.clients: QuerySet | None = None  # set by the form, from its practice

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            client = self.clients.filter(code=uuid.UUID(value)).first()
        except ValueError:
            client = self.clients.filter(short_code__iexact=value).first()
            if client is None:
                # A name typed in full (the pickers suggest names beside the codes).
                named = list(self.clients.filter(name__iexact=value)[:2])
                client = named[0] if len(named) == 1 else None
        if client is None:
            raise forms.ValidationError(f"No client has the code {value}.", code="unknown_client")
        return client


def _give_clients(form: forms.Form, practice_id: int) -> None:
    for field in form.fields.values():
        if isinstance(field, ClientCodeField):
            field.clients = practice_clients(practice_id)


class MessageFilterForm(forms.Form):
    """The inbox list's filters, read from the URL: an invalid value is dropped, not an error."""

    q = SingleLineField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *InboundMessage.Status.choices]
    )
    client = forms.ChoiceField(label="Client", required=False)

    FIELDS = ("q", "status", "client")

    def __init__(self, data, *, practice_id: int, **kwargs):
        data = {key: data.get(key, "") for key in self.FIELDS if data.get(key)}
        super().__init__(data, **kwargs)
        clients = (
            Client.objects.filter(practice_id=practice_id)
            .order_by("name")
            .values_list("code", "name")
        )
        self.fields["client"].choices = [
            ("", "Any client"),
            *[(str(code), name) for code, name in clients],
        ]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"placeholder": "Sender or subject", "data-search": ""}
        )

    @property
    def values(self) -> dict:
        """The valid filters that are set (an invalid one is dropped, the rest still apply)."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}

    def apply(self, queryset: QuerySet, *, status: bool = True) -> QuerySet:
        """``queryset`` filtered; ``status=False`` leaves the status out (for the chips' counts,
        which say how many each status would show with the other filters)."""
        values = self.values
        if q := values.get("q"):
            queryset = queryset.filter(
                Q(from_address__icontains=q) | Q(from_name__icontains=q) | Q(subject__icontains=q)
            )
        if client := values.get("client"):
            queryset = queryset.filter(client__code=client)
        if status and (chosen := values.get("status")):
            queryset = queryset.filter(status=chosen)
        return queryset


class AssignForm(forms.Form):
    """Triage: every waiting attachment of the message to one client."""

    client = ClientCodeField(label="Client")

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _give_clients(self, practice_id)


class SplitForm(forms.Form):
    """Triage: for each waiting attachment, a client or "not a document"."""

    def __init__(self, *args, attachments: list[InboundAttachment], practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachments = attachments
        for attachment in attachments:
            self.fields[f"client-{attachment.code}"] = ClientCodeField(
                label=f"Client for {attachment.name}", required=False
            )
            self.fields[f"skip-{attachment.code}"] = forms.BooleanField(
                label="Not a document", required=False
            )
        _give_clients(self, practice_id)

    def clean(self):
        cleaned = super().clean()
        for attachment in self.attachments:
            client = cleaned.get(f"client-{attachment.code}")
            skip = cleaned.get(f"skip-{attachment.code}")
            if f"client-{attachment.code}" in self.errors:
                continue
            if client and skip:
                self.add_error(
                    f"client-{attachment.code}",
                    f"Choose a client for {attachment.name} or mark it not a document, not both.",
                )
            elif not client and not skip:
                self.add_error(
                    f"client-{attachment.code}",
                    f"Choose a client for {attachment.name}, or mark it not a document.",
                )
        return cleaned

    def decisions(self) -> dict[int, Client | None]:
        """Attachment id → its client, or None for "not a document"."""
        return {
            attachment.pk: self.cleaned_data.get(f"client-{attachment.code}")
            for attachment in self.attachments
        }


class RuleForm(forms.Form):
    """Settings › Inbox rules: the client a sender's mail belongs to."""

    client = ClientCodeField(label="Client")

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _give_clients(self, practice_id)


class MailboxForm(forms.ModelForm):
    """The practice's IMAP mailbox. The password is write-only: never rendered back, and left
    blank it keeps the stored one."""

    password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted. Leave blank to keep the password already saved.",
    )

    class Meta:
        model = Mailbox
        formfield_callback = model_form_field
        fields = [
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "processed_folder",
            "is_active",
        ]
        labels = {
            "host": "IMAP server",
            "username": "User name",
            "processed_folder": "Processed folder",
        }
        help_texts = {
            "host": "For example imap.example.com.",
            "port": "993 for SSL/TLS, 143 for STARTTLS.",
            "folder": "The folder read for new mail.",
            "processed_folder": "Where a message is moved once taken. Left blank, it is "
            "flagged instead, so it is taken once.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["port"].widget.attrs.update({"min": 1, "max": 65535})
        self.fields["username"].widget.attrs["autocomplete"] = "off"
        if not self.has_password:
            self.fields["password"].help_text = "Stored encrypted, never shown again."

    @property
    def has_password(self) -> bool:
        return bool(self.instance.pk and self.instance.password_encrypted)

    def clean_port(self):
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError("A port is a number from 1 to 65535.")
        return port

    def clean_password(self):
        password = self.cleaned_data["password"]
        if "\x00" in password or "\n" in password or "\r" in password:
            raise forms.ValidationError("A password cannot hold a line break or a NUL.")
        if not password and not self.has_password:
            raise forms.ValidationError("Enter the mailbox's password.")
        return password
