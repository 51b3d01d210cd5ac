"""Every form of every app takes typed text and dates through ``atlasos.form_fields``: text as
``SingleLineField`` or ``MultiLineField``, dates as ``BoundedDateField``. A new form with a plain
``forms.CharField`` or ``forms.DateField`` fails here, without editing this file."""

from django import forms
from django.conf import settings

from atlasos.form_fields import BoundedDateField, MultiLineField, SingleLineField
from tests.helpers import project_forms

# CharFields that carry no free text: an email address has its own validator; a password is
# never shown, mailed or stored as typed.
OTHER_TEXT = (forms.EmailField, forms.URLField, forms.SlugField, forms.UUIDField)


def plain_fields(form: type[forms.BaseForm]) -> list[str]:
    plain = []
    for name, field in form.base_fields.items():
        if isinstance(field, forms.DateField) and not isinstance(field, BoundedDateField):
            plain.append(f"{name} (a date: use BoundedDateField)")
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field, (SingleLineField, MultiLineField, *OTHER_TEXT))
            and not isinstance(field.widget, forms.PasswordInput)
        ):
            plain.append(f"{name} (text: use SingleLineField or MultiLineField)")
    return plain


def test_the_walk_finds_the_forms_of_every_app():
    modules = {form.__module__ for form in project_forms()}
    assert {"clients.forms", "portal.forms", "templates_engine.forms", "tasks.forms"} <= modules
    assert "tasks.filters" in modules and "atlasos.accounts.forms" in modules
    assert settings.ROOT_URLCONF


def test_every_form_takes_text_and_dates_through_the_bounded_fields():
    offenders = {
        f"{form.__module__}.{form.__qualname__}": fields
        for form in project_forms()
        if (fields := plain_fields(form))
    }
    assert not offenders, offenders


def test_a_model_form_gets_the_fields_from_its_model():
    from clients.forms import ClientForm
    from templates_engine.forms import TemplateItemForm

    assert isinstance(ClientForm.base_fields["name"], SingleLineField)
    assert isinstance(ClientForm.base_fields["notes"], MultiLineField)
    assert isinstance(ClientForm.base_fields["notes"].widget, forms.Textarea)
    assert isinstance(TemplateItemForm.base_fields["title"], SingleLineField)
    # Choices stay choices.
    assert isinstance(ClientForm.base_fields["entity_type"], forms.TypedChoiceField)
