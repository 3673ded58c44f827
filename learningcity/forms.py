"""Shared form plumbing: Bootstrap rendering and service errors shown next to their fields."""

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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


def run_service(form: PortalForm, service, **extra) -> object | None:
    """Call ``service`` with the form's cleaned data; on a ValidationError, show it on the form.

    Returns the service's result, or None when the form or the service refused the input.
    """
    if not form.is_valid():
        return None
    try:
        return service(**form.cleaned_data, **extra)
    except ValidationError as error:
        form.apply_service_error(error)
        return None


def run_step(request, step, success: str) -> bool:
    """Run a workflow ``step`` (a service call without a form); a message says how it went."""
    try:
        step()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True
