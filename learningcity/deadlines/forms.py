from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.selectors import portal_district_list
from learningcity.forms import DateInput, PortalForm, VersionField

from .choices import ObligationKind


class GenerateForm(PortalForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    lock_after_days = forms.IntegerField(
        label=_("Entry closes after (days)"),
        min_value=0,
        max_value=366,
        required=False,
        help_text=_("Empty: entry never closes."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"),
        choices=ObligationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(ObligationKind.values),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["kinds"].widget.attrs["class"] = "form-check-input"


class ObligationForm(PortalForm):
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    lock_after_days = forms.IntegerField(
        label=_("Entry closes after (days)"),
        min_value=0,
        max_value=366,
        required=False,
        help_text=_("Empty: entry never closes."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=portal_district_list().order_by("code"),
        required=False,
        help_text=_("Leave empty for every district of the portal."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


class ExceptionForm(PortalForm):
    unit = forms.ModelChoiceField(
        label=_("District"), queryset=portal_district_list().order_by("code")
    )
    until = forms.DateField(label=_("Open until"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
