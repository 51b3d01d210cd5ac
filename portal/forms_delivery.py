"""The Deliver panel's form: which documents, the title, an optional message, and the
confirmation that delivering may close requests with documents still outstanding."""

import uuid

from django import forms

from atlasos.form_fields import MultiLineField, SingleLineField
from documents.models import Document
from portal.delivery import CONFIRM_LABEL, default_title


class DocumentsField(forms.ModelMultipleChoiceField):
    """Documents by code; a value that is not even a UUID is just another unknown document."""

    def _check_values(self, value):
        for code in value if isinstance(value, list | tuple) else []:
            try:
                uuid.UUID(str(code))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super()._check_values(value)


class DeliveryForm(forms.Form):
    """Documents are chosen by code among the practice's documents (the scoped manager);
    ``portal.delivery.publish`` then insists on live documents of the pack's client, with a
    message naming the document when one is not."""

    documents = DocumentsField(
        label="Documents to deliver",
        queryset=Document.objects.none(),
        to_field_name="code",
        error_messages={
            "required": "Nothing published: choose at least one document to deliver.",
            "invalid_choice": "Nothing published: one of the chosen documents no longer exists.",
        },
    )
    title = SingleLineField(
        label="Title",
        max_length=200,
        error_messages={"required": "Nothing published: give the delivery a title."},
    )
    message = MultiLineField(
        label="Message to the client",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional; shown in the email and in the portal beside the documents.",
    )
    # Shown only while documents are outstanding; ``publish`` refuses without it then.
    close_outstanding = forms.BooleanField(
        label=CONFIRM_LABEL,
        required=False,
        help_text="The period's open requests close and their reminders stop; the client is "
        "no longer asked for the missing documents.",
    )

    def __init__(self, *args, pack, **kwargs):
        kwargs.setdefault("initial", {"title": default_title(pack)})
        super().__init__(*args, **kwargs)
        self.pack = pack
        self.fields["documents"].queryset = Document.objects.all()

    @property
    def chosen_codes(self) -> set[str] | None:
        """The codes ticked in a submitted form (to tick them again on an error), else None."""
        if not self.is_bound:
            return None
        return set(self.data.getlist("documents"))
