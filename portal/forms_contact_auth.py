from django import forms


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address your accountant invited to the client portal.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
