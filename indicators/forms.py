"""Forms for the indicator pages: one form for all of a district's values, the Department's
review, and the Excel import."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

from learningcity.forms import PortalForm
from learningcity.uploads import validate_document

from .choices import Unit
from .models import Value
from .services import Entry

FILE_HELP = _("PDF, Word, Excel, JPG or PNG.")


def parse_number(text: str) -> Decimal:
    """A number typed the way the active language writes it: "1.234,5" in Vietnamese,
    "1,234.5" in English. A lone separator followed by other than three digits is taken as the
    decimal point whatever the language ("12.5" and "12,5" are both twelve and a half)."""
    decimal_sep, thousand_sep = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    text = "".join(text.split())
    if decimal_sep in text:
        whole, _sep, fraction = text.rpartition(decimal_sep)
        whole = whole.replace(thousand_sep, "")
    elif text.count(thousand_sep) == 1 and len(text.partition(thousand_sep)[2]) != 3:
        whole, _sep, fraction = text.partition(thousand_sep)
    else:
        whole, fraction = text.replace(thousand_sep, ""), ""
    try:
        number = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation as exc:
        raise ValidationError(_("Enter a number."), code="invalid") from exc
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    return number


def format_number(value: Decimal | None) -> str:
    """``value`` as a person types it in the active language, without trailing zeros."""
    if value is None:
        return ""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value, force_grouping=True)


class NumberField(forms.CharField):
    """A decimal number in the active language's notation; the service checks the range."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return parse_number(text) if text else None


YES_NO_CHOICES = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


def field_name(code: str, part: str) -> str:
    """The form field of one part of an indicator's value: "WB1.1" -> "WB1_1-numerator"."""
    return f"{code.replace('.', '_')}-{part}"


@dataclass
class ValueRow:
    """One indicator of the form: its saved value and its inputs (none if computed)."""

    value: Value
    fields: dict = field(default_factory=dict)
    warning: Decimal | None = None

    @property
    def indicator(self):
        return self.value.indicator

    @property
    def errors(self) -> list[str]:
        return [error for bound in self.fields.values() for error in bound.errors]


class ValuesForm(PortalForm):
    """Every value a district enters for a period, in one form.

    Fields are named by indicator code and part (see ``field_name``); ``entries()`` turns the
    cleaned data into what ``services.values_save`` takes. The service's errors, keyed by
    indicator code, land on the indicator's first input.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, values: list[Value], warnings: dict | None = None, **kwargs):
        self.values = values
        self.warnings = warnings or {}
        self.entered = [v for v in values if not v.indicator.computed]
        super().__init__(*args, **kwargs)
        for value in self.entered:
            for part, form_field in self._fields_for(value).items():
                name = field_name(value.indicator.code, part)
                self.fields[name] = form_field
                self.initial.setdefault(name, self._initial(value, part))
        self._apply_bootstrap()

    def _apply_bootstrap(self) -> None:
        for form_field in self.fields.values():
            widget = form_field.widget
            if "class" in widget.attrs or isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" else css

    @staticmethod
    def _fields_for(value: Value) -> dict:
        indicator = value.indicator
        fields = {}
        if indicator.is_ratio:
            fields["numerator"] = NumberField(label=_("Number"))
            fields["denominator"] = NumberField(label=indicator.denominator_label)
        elif indicator.unit == Unit.YES_NO:
            fields["value"] = forms.TypedChoiceField(
                label=_("Value"),
                choices=YES_NO_CHOICES,
                coerce=Decimal,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        else:
            fields["value"] = NumberField(label=_("Value"))
        fields["note"] = forms.CharField(
            label=_("Evidence note"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        fields["evidence"] = forms.FileField(
            label=_("Evidence file"),
            required=False,
            validators=[validate_document],
            help_text=FILE_HELP,
            widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
        )
        return fields

    @staticmethod
    def _initial(value: Value, part: str):
        if part == "note":
            return value.note
        if part == "evidence":
            return None
        number = getattr(value, part)
        if value.indicator.unit == Unit.YES_NO and not value.indicator.is_ratio:
            return "" if number is None else str(int(number))
        return format_number(number)

    def rows(self) -> list[ValueRow]:
        """Every value in framework order, with its bound inputs and its warning."""
        rows = []
        for value in self.values:
            code = value.indicator.code
            parts = () if value.indicator.computed else self._fields_for(value).keys()
            rows.append(
                ValueRow(
                    value=value,
                    fields={part: self[field_name(code, part)] for part in parts},
                    warning=self.warnings.get(value.pk),
                )
            )
        return rows

    def entries(self) -> dict[str, Entry]:
        data = self.cleaned_data
        entries = {}
        for value in self.entered:
            code = value.indicator.code
            parts = {
                part: data.get(field_name(code, part))
                for part in ("value", "numerator", "denominator", "note", "evidence")
            }
            parts["note"] = parts["note"] or ""
            entries[code] = Entry(**parts)
        return entries

    def apply_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        first_input = {
            v.indicator.code: field_name(
                v.indicator.code, "numerator" if v.indicator.is_ratio else "value"
            )
            for v in self.entered
        }
        for code, errors in error.error_dict.items():
            target = first_input.get(code)
            self.add_error(target if code != NON_FIELD_ERRORS else None, errors)


class ReviewForm(PortalForm):
    """The Department's decision: a general comment and, optionally, one per value."""

    comment = forms.CharField(
        label=_("General comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the values, unless you comment on a value."),
    )

    def __init__(self, *args, codes: list[str], **kwargs):
        self.codes = codes
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[field_name(code, "comment")] = forms.CharField(
                label=_("Comment on %(code)s") % {"code": code},
                required=False,
                max_length=2000,
                widget=forms.Textarea(
                    attrs={"rows": 2, "cols": 28, "class": "form-control form-control-sm"}
                ),
            )

    def comment_field(self, code: str):
        return self[field_name(code, "comment")]

    def value_comments(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(field_name(code, "comment"), "") for code in self.codes}

    def apply_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error("comment" if name == "review_comment" else None, errors)


class ValuesImportForm(PortalForm):
    upload = forms.FileField(
        label=_("Indicator values (XLSX)"),
        help_text=_("Use the template of this submission. Only the values in the file change."),
    )
