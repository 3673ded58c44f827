from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.forms import CreateOnceForm, DateInput, PortalForm, VersionField

from .choices import CentreStatus, LearningTopic
from .models import MAX_VND, Criterion

VND_HELP = _("In đồng (VND), digits only.")


class WardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, ward):
        return f"{ward.name} · {ward.parent.name} ({ward.code})"


class CentreForm(PortalForm):
    name = forms.CharField(label=_("Name of the centre"), max_length=200)
    decision_number = forms.CharField(
        label=_("Establishing decision number"),
        max_length=60,
        required=False,
        help_text=_("For example 125/QĐ-UBND."),
    )
    decision_date = forms.DateField(
        label=_("Establishing decision date"), required=False, widget=DateInput()
    )
    director = forms.CharField(label=_("Director"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    rooms = forms.IntegerField(label=_("Classrooms"), min_value=0, max_value=999, initial=0)
    has_library_corner = forms.BooleanField(label=_("Library corner"), required=False)
    computers = forms.IntegerField(label=_("Computers"), min_value=0, max_value=9999, initial=0)
    has_internet = forms.BooleanField(label=_("Internet access"), required=False)
    model_decision_number = forms.CharField(
        label=_("Model-centre decision number"),
        max_length=60,
        required=False,
        help_text=_("Only for a designated model centre (TTHTCĐ điểm)."),
    )
    model_year = forms.IntegerField(
        label=_("Model-centre year"), min_value=2000, max_value=2100, required=False
    )
    model_valid_until = forms.DateField(
        label=_("Model-centre valid until"), required=False, widget=DateInput()
    )
    version = VersionField()

    PERSONAL = ("director", "phone", "email")
    FACILITIES = ("rooms", "has_library_corner", "computers", "has_internet")
    DESIGNATION = ("model_decision_number", "model_year", "model_valid_until")


class CentreCreateForm(CreateOnceForm, CentreForm):
    ward = WardChoiceField(label=_("Ward, commune or township"), queryset=None)

    field_order = ["ward"]

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards
        del self.fields["version"]


class CentreStatusForm(PortalForm):
    status = forms.ChoiceField(choices=CentreStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CentreImportForm(PortalForm):
    upload = forms.FileField(
        label=_("Centre list (XLSX)"),
        help_text=_("Use the template: one row per ward, identified by its GSO code."),
    )


def _count(label, **kwargs):
    return forms.IntegerField(label=label, min_value=0, max_value=10**9, initial=0, **kwargs)


class ReportForm(PortalForm):
    """The yearly report; classes and sessions per topic are fields ``classes_<topic>`` and
    ``sessions_<topic>``, handed to the service as ``topics``."""

    participants_total = _count(_("Participants in total"))
    participants_women = _count(_("of whom women"))
    participants_elderly = _count(_("of whom older people"))
    participants_disabled = _count(_("of whom people with disabilities"))
    uses_it = forms.BooleanField(label=_("The centre uses IT"), required=False)
    it_usage = forms.CharField(
        label=_("How the centre uses IT"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: online classes, Zalo groups, e-learning, digital library."),
    )
    funding_state = forms.IntegerField(
        label=_("State budget"), min_value=0, max_value=MAX_VND, initial=0, help_text=VND_HELP
    )
    funding_social = forms.IntegerField(
        label=_("Socialised contributions"),
        min_value=0,
        max_value=MAX_VND,
        initial=0,
        help_text=VND_HELP,
    )
    funding_association = forms.IntegerField(
        label=_("Association for Encouraging Learning"),
        min_value=0,
        max_value=MAX_VND,
        initial=0,
        help_text=VND_HELP,
    )
    funding_other = forms.IntegerField(
        label=_("Other sources"), min_value=0, max_value=MAX_VND, initial=0, help_text=VND_HELP
    )
    highlights = forms.CharField(
        label=_("Highlights"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    difficulties = forms.CharField(
        label=_("Difficulties"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = VersionField()

    PARTICIPANTS = (
        "participants_total",
        "participants_women",
        "participants_elderly",
        "participants_disabled",
    )
    FUNDING = ("funding_state", "funding_social", "funding_association", "funding_other")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for topic in LearningTopic:
            for kind, label in (("classes", _("classes")), ("sessions", _("sessions"))):
                field = _count(f"{topic.label}: {label}")
                field.widget.attrs.update({"class": "form-control form-control-sm"})
                self.fields[f"{kind}_{topic.value}"] = field

    def participant_fields(self):
        return [self[name] for name in self.PARTICIPANTS]

    def funding_fields(self):
        return [self[name] for name in self.FUNDING]

    def topic_rows(self):
        """(topic label, classes field, sessions field) for the template's table."""
        return [
            (topic.label, self[f"classes_{topic.value}"], self[f"sessions_{topic.value}"])
            for topic in LearningTopic
        ]

    def clean(self):
        data = super().clean()
        total = data.get("participants_total")
        if total is not None:
            for name in self.PARTICIPANTS[1:]:
                value = data.get(name)
                if value is not None and value > total:
                    self.add_error(
                        name,
                        _("This cannot be more than the participants in total (%(total)s).")
                        % {"total": total},
                    )
        if data.get("uses_it") and not data.get("it_usage"):
            self.add_error("it_usage", _("Say how the centre uses IT."))
        data["topics"] = {
            topic: {
                "classes": data.pop(f"classes_{topic}", 0) or 0,
                "sessions": data.pop(f"sessions_{topic}", 0) or 0,
            }
            for topic in LearningTopic.values
        }
        return data


class ReportDecisionForm(PortalForm):
    comment = forms.CharField(
        label=_("Comment to the centre"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the report."),
    )


class EvaluationForm(PortalForm):
    """The criteria sheet: one ``points_<code>`` field per active criterion."""

    evaluated_on = forms.DateField(label=_("Date of evaluation"), widget=DateInput())
    comments = forms.CharField(
        label=_("Comments"), required=False, max_length=8000, widget=forms.Textarea({"rows": 4})
    )
    proposals = forms.CharField(
        label=_("Proposals for improvement"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = VersionField()

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            field = forms.IntegerField(
                label=criterion.display_name,
                min_value=0,
                max_value=criterion.max_points,
                help_text=_("0 to %(max)s points") % {"max": criterion.max_points},
            )
            field.widget.attrs.update(
                {"class": "form-control points-input", "data-max": criterion.max_points}
            )
            self.fields[f"points_{criterion.code}"] = field
        self.order_fields(
            ["evaluated_on", *(f"points_{c.code}" for c in criteria), "comments", "proposals"]
        )

    def criterion_fields(self):
        return [self[f"points_{c.code}"] for c in self.criteria]

    def clean(self):
        data = super().clean()
        data["points"] = {
            c.code: data.pop(f"points_{c.code}")
            for c in self.criteria
            if f"points_{c.code}" in data
        }
        return data
