from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from atlasos.accounts.models import REVIEWER_ROLES, Role
from atlasos.form_fields import SingleLineField, model_form_field
from clients import validators
from clients.choices import ClientStatus, EntityType
from clients.models import BankAccount, Client, Contact

User = get_user_model()


def team_members(practice_id: int, roles=None):
    queryset = User.objects.of_practice(practice_id).filter(is_active=True, role__in=Role.values)
    if roles:
        queryset = queryset.filter(role__in=roles)
    return queryset.order_by("full_name")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.get_role_display()})"


def split_tags(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for raw in text.replace(";", ",").split(","):
        name = " ".join(raw.split())[:40]
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


class ClientForm(forms.ModelForm):
    tags_text = SingleLineField(
        label="Tags",
        required=False,
        help_text="Separate tags with commas, e.g. retail, VAT cash scheme.",
    )

    company_number = SingleLineField(max_length=14, required=False)
    vat_number = SingleLineField(label="VAT number", max_length=24, required=False)

    class Meta:
        model = Client
        formfield_callback = model_form_field
        fields = [
            "name",
            "short_code",
            "entity_type",
            "company_number",
            "vat_number",
            "vat_frequency",
            "payroll_frequency",
            "year_end_day",
            "year_end_month",
            "accounting_system",
            "currency",
            "preparer",
            "reviewer",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"preparer": MemberChoiceField, "reviewer": MemberChoiceField}

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice_id = practice_id
        self.fields["preparer"].queryset = team_members(practice_id)
        self.fields["reviewer"].queryset = team_members(practice_id, REVIEWER_ROLES)
        self.fields["reviewer"].help_text = "A partner or manager who signs the packs off."
        self.fields["year_end_day"].widget = forms.NumberInput(attrs={"min": 1, "max": 31})
        self.fields["short_code"].widget.attrs["class"] = "code"
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_short_code(self):
        code = validators.normalise_code(self.cleaned_data["short_code"])
        validators.validate_client_code(code)
        clash = Client.objects.filter(short_code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Another client already uses the code {code}.")
        return code

    def clean_company_number(self):
        value = validators.normalise_company_number(self.cleaned_data["company_number"])
        validators.validate_company_number(value)
        return value

    def clean_vat_number(self):
        value = validators.normalise_vat_number(self.cleaned_data["vat_number"])
        validators.validate_vat_number(value)
        return value

    def clean_currency(self):
        value = self.cleaned_data["currency"].strip().upper()
        validators.validate_currency(value)
        return value

    def clean(self):
        cleaned = super().clean()
        try:
            validators.validate_year_end(cleaned.get("year_end_month"), cleaned.get("year_end_day"))
        except forms.ValidationError as exc:
            self.add_error("year_end_day", exc)
        return cleaned

    @property
    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags_text", ""))


class ClientFilterForm(forms.Form):
    SORTS = {
        "name": "name",
        "-name": "-name",
        "code": "short_code",
        "-code": "-short_code",
        "type": "entity_type",
        "-type": "-entity_type",
        "preparer": "preparer__full_name",
        "-preparer": "-preparer__full_name",
        "created": "created_at",
        "-created": "-created_at",
    }

    q = SingleLineField(label="Search", required=False, max_length=100)
    entity_type = forms.ChoiceField(
        label="Entity type", required=False, choices=[("", "All types"), *EntityType.choices]
    )
    member = forms.ChoiceField(label="Team member", required=False)
    status = forms.ChoiceField(
        required=False,
        choices=[
            (ClientStatus.ACTIVE, "Active"),
            (ClientStatus.ARCHIVED, "Archived"),
            ("all", "All"),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, *args, practice_id: int, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"placeholder": "Name, code, company or VAT number", "data-search": ""}
        )
        self.members = list(team_members(practice_id))
        self.fields["member"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Unassigned"),
            *[(str(m.code), m.full_name) for m in self.members],
        ]
        self.user = user

    def filter(self, queryset):
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or ClientStatus.ACTIVE
        if status != "all":
            queryset = queryset.filter(status=status)
        if q := (data.get("q") or "").strip():
            compact = q.replace(" ", "").upper()
            queryset = queryset.filter(
                Q(name__icontains=q)
                | Q(short_code__icontains=compact)
                | Q(company_number__icontains=compact)
                | Q(vat_number__icontains=compact)
            )
        if entity_type := data.get("entity_type"):
            queryset = queryset.filter(entity_type=entity_type)
        if member := data.get("member"):
            if member == "none":
                queryset = queryset.filter(preparer__isnull=True, reviewer__isnull=True)
            else:
                member_id = (
                    self.user.pk
                    if member == "me"
                    else next((m.pk for m in self.members if str(m.code) == member), None)
                )
                queryset = queryset.filter(Q(preparer_id=member_id) | Q(reviewer_id=member_id))
        return queryset.order_by(self.SORTS.get(data.get("sort") or "name", "name"), "pk")


class ContactForm(forms.ModelForm):
    position = SingleLineField(
        required=False, max_length=80, help_text="Their role at this client, e.g. Director."
    )

    class Meta:
        model = Contact
        formfield_callback = model_form_field
        fields = ["name", "email", "phone"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email:
            clash = Contact.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
            if self.instance.pk and clash.exists():
                raise forms.ValidationError("Another contact already has this email address.")
        return email


class BankAccountForm(forms.ModelForm):
    # Wider than the stored values: people type spaces and dashes, which are stripped.
    sort_code = SingleLineField(
        max_length=10, required=False, help_text="UK accounts: sort code and account number."
    )
    account_number = SingleLineField(max_length=12, required=False)
    iban = SingleLineField(
        label="IBAN", max_length=48, required=False, help_text="Accounts outside the UK."
    )

    class Meta:
        model = BankAccount
        formfield_callback = model_form_field
        fields = [
            "name",
            "bank_name",
            "sort_code",
            "account_number",
            "iban",
            "currency",
            "is_active",
        ]

    def clean_sort_code(self):
        value = validators.normalise_sort_code(self.cleaned_data["sort_code"])
        validators.validate_sort_code(value)
        return value

    def clean_account_number(self):
        value = self.cleaned_data["account_number"].replace(" ", "")
        validators.validate_account_number(value)
        return value

    def clean_iban(self):
        value = validators.normalise_iban(self.cleaned_data["iban"])
        validators.validate_iban(value)
        return value

    def clean_currency(self):
        value = self.cleaned_data["currency"].strip().upper()
        validators.validate_currency(value)
        return value

    def clean(self):
        cleaned = super().clean()
        sort_code, number, iban = (
            cleaned.get("sort_code"),
            cleaned.get("account_number"),
            cleaned.get("iban"),
        )
        if self.errors:
            return cleaned
        if bool(sort_code) != bool(number):
            raise forms.ValidationError(
                "A UK account needs both the sort code and the account number."
            )
        if not iban and not sort_code:
            raise forms.ValidationError("Give the sort code and account number, or the IBAN.")
        return cleaned
