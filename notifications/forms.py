from django import forms

from notifications.models import EmailChoice


class NotificationSettingsForm(forms.Form):
    email = forms.ChoiceField(
        label="Email me about overdue packs",
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you want to hear about overdue packs.",
            "invalid_choice": "Choose one of the three options: each alert, a daily digest or "
            "no email.",
        },
        help_text="The bell in the top bar shows every alert whatever you choose. The daily "
        "digest goes out at 07:00, your practice's time.",
    )
