from django import forms
from django.contrib.auth import password_validation

from atlasos.accounts.models import STAFF_ROLE_CHOICES, Role
from atlasos.form_fields import SingleLineField, model_form_field
from atlasos.tenancy.models import Practice


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    full_name = SingleLineField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, initial=Role.STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=STAFF_ROLE_CHOICES,
        error_messages={
            "required": "Choose staff, manager or partner.",
            "invalid_choice": "Choose staff, manager or partner.",
        },
    )


class AcceptInvitationForm(forms.Form):
    full_name = SingleLineField(label="Your name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class PracticeSettingsForm(forms.ModelForm):
    class Meta:
        model = Practice
        formfield_callback = model_form_field
        fields = ["name", "country", "timezone", "pack_release_offset", "require_mfa"]
