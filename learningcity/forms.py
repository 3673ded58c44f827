"""Shared form plumbing: Bootstrap rendering and service errors shown next to their fields."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .workflow import NEW, create_once, sent_before


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class DateInput(forms.DateInput):
    """The browser's date picker; it exchanges ISO dates whatever the display language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A select of hundreds of options (a country's 696 districts) with its options written in
    Python: the same HTML as Django's templates give, which render each option through a
    template of its own and cost more than the rest of the page. No option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, mark_safe(" selected") if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>\n  {}\n</select>', name, attrs, options)


class PortalForm(forms.Form):
    """Adds Bootstrap's classes to every widget, so templates just write {{ form }}."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def apply_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields, the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            target = field if field in self.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            self.add_error(target, errors)


class VersionField(forms.IntegerField):
    """The version of the record the form was opened on, 0 (``workflow.NEW``) when none existed
    yet: a save made on a stale form is refused (``learningcity.workflow.check_version``)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", NEW)
        super().__init__(**kwargs)


class CreateOnceForm(PortalForm):
    """A form that creates a record: sent twice (a double click, a browser resending it), it
    creates one.

    It carries a one-time token, fresh each time the empty form is shown; ``run_service``
    records it with what the service created (``learningcity.workflow.create_once``), and a
    second request with it gets that record and ``sent_before`` True, for the view to say so.
    """

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    sent_before = False


def run_service(form: PortalForm, service, **extra) -> object | None:
    """Call ``service`` with the form's cleaned data; on a ValidationError, show it on the form.

    Returns the service's result, or None when the form or the service refused the input. A
    ``CreateOnceForm`` calls the service once per token.
    """
    if isinstance(form, CreateOnceForm) and "form_token" in form.fields and form.is_bound:
        earlier = sent_before(user=extra.get("user"), token=form["form_token"].data)
        if earlier is not None:
            form.sent_before = True
            return earlier
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    token = data.pop("form_token", None)
    try:
        if not isinstance(form, CreateOnceForm):
            return service(**data, **extra)
        created, fresh = create_once(
            user=extra.get("user"), token=token, create=lambda: service(**data, **extra)
        )
        form.sent_before = not fresh
        return created
    except ValidationError as error:
        form.apply_service_error(error)
        return None


def saved_message(request, form: PortalForm, text) -> None:
    """The success message of a form's save; a form sent again says that it was saved once."""
    if getattr(form, "sent_before", False):
        messages.info(
            request,
            _("This form had already been sent: it was saved once, and here is the result."),
        )
    else:
        messages.success(request, text)


def run_step(request, step, success: str) -> bool:
    """Run a workflow ``step`` (a service call without a form); a message says how it went."""
    try:
        step()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True
