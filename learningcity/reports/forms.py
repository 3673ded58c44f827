from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from districts.selectors import portal_district_list
from learningcity.forms import PortalForm
from learningcity.models import ReportingPeriod

from . import selectors
from .choices import ReportKind


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class ReportRequestForm(PortalForm):
    """Kind, period and (for the Department) a district; an officer's district is their own."""

    # Yearly, as the periods below are at first: the kind shown must be the kind they fit.
    kind = forms.ChoiceField(
        label=_("Kind of report"), choices=ReportKind.choices, initial=ReportKind.YEARLY
    )
    period = PeriodChoiceField(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.none(),
        to_field_name="code",
        help_text=_("A UNESCO progress report is filed for a year and covers the year before too."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=portal_district_list(),
        to_field_name="code",
        required=False,
        empty_label=_("Whole city (the Department's report)"),
    )

    def __init__(self, *args, fixed_district=None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.data.get("kind") or self.initial.get("kind") or ReportKind.YEARLY
        self.fields["period"].queryset = selectors.periods_for_kind(kind=kind)
        # Choosing the kind reloads the periods that fit it (htmx, no inline script).
        self.fields["kind"].widget.attrs.update(
            {
                "hx-get": reverse("reports:period-options"),
                "hx-target": "#id_period",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        if fixed_district is not None:
            del self.fields["district"]
