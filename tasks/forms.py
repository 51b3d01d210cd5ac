import uuid

from django import forms
from django.contrib.auth import get_user_model

from atlasos.accounts.models import REVIEWER_ROLES
from atlasos.form_fields import MultiLineField
from clients.forms import MemberChoiceField, team_members

User = get_user_model()

REVIEWER_HELP = "A partner or manager who does not prepare the pack."
REVIEWER_INVALID = "Choose a partner or manager of the practice as reviewer."
PREPARER_INVALID = "Choose a member of the practice's team as preparer."


class PeopleForm(forms.Form):
    """A preparer and a reviewer chosen from the practice's team (partners and managers only
    may review). ``EMPTY_LABEL`` names what leaving a field blank means."""

    EMPTY_LABEL = "Nobody"

    preparer = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": PREPARER_INVALID},
    )
    reviewer = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text=REVIEWER_HELP,
        error_messages={"invalid_choice": REVIEWER_INVALID},
    )

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preparer"].queryset = team_members(practice_id)
        self.fields["reviewer"].queryset = team_members(practice_id, REVIEWER_ROLES)
        for name in ("preparer", "reviewer"):
            self.fields[name].empty_label = self.EMPTY_LABEL


class PackReassignForm(PeopleForm):
    """Who prepares and who reviews one pack (partners and managers only)."""

    def clean(self):
        cleaned = super().clean()
        preparer, reviewer = cleaned.get("preparer"), cleaned.get("reviewer")
        if preparer is not None and preparer == reviewer:
            # The tick rules refuse a preparer's review, so the pack could never be reviewed.
            self.add_error("reviewer", "The preparer cannot also review the pack.")
        return cleaned


class BulkReassignForm(PeopleForm):
    """A new preparer and/or reviewer for the packs ticked in a list."""

    EMPTY_LABEL = "Leave unchanged"

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("preparer") or cleaned.get("reviewer")):
            raise forms.ValidationError("Choose a new preparer, a new reviewer, or both.")
        return cleaned


class PackItemNoteForm(forms.Form):
    """A checklist item's note; blank removes it."""

    note = MultiLineField(
        required=False,
        max_length=5000,
        error_messages={
            "max_length": "A note can be at most 5,000 characters (this one has %(show_value)d)."
        },
    )


def pack_codes(values: list[str]) -> list[uuid.UUID]:
    """The well-formed pack codes among the posted values; anything else is ignored."""
    codes = []
    for value in values:
        try:
            codes.append(uuid.UUID(value))
        except (TypeError, ValueError):
            continue
    return codes


class MyWorkFilterForm(forms.Form):
    role = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Packs I prepare or review"),
            ("preparer", "Packs I prepare"),
            ("reviewer", "Packs I review"),
        ],
    )

    @property
    def role_value(self) -> str:
        return self.cleaned_data.get("role", "") if self.is_valid() else ""
