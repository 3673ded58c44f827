from django import forms
from django.utils.translation import gettext_lazy as _

from learningcity.forms import CreateOnceForm, DateInput, PortalForm, VersionField
from learningcity.uploads import validate_document

from .choices import CommitteeRole, TaskStatus

FILE_HELP = _("PDF, Word, Excel, JPG or PNG.")


class DocumentField(forms.FileField):
    default_validators = [validate_document]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", FILE_HELP)
        super().__init__(**kwargs)


class CommitteeForm(PortalForm):
    number = forms.CharField(
        label=_("Decision number"), max_length=60, help_text=_("For example 1234/QĐ-UBND.")
    )
    issued_on = forms.DateField(label=_("Decision date"), widget=DateInput())
    signer = forms.CharField(
        label=_("Signed by"), max_length=150, help_text=_("Name and title of the signatory.")
    )
    file = DocumentField(label=_("Scanned decision"))


class CommitteeEstablishForm(CreateOnceForm, CommitteeForm):
    copy_members = forms.BooleanField(
        label=_("Start from the members of the current committee"), required=False, initial=True
    )


class CommitteeEditForm(CommitteeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MemberForm(PortalForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    role = forms.ChoiceField(label=_("Committee role"), choices=CommitteeRole.choices)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)


class MemberAddForm(CreateOnceForm, MemberForm):
    pass


class MemberImportForm(PortalForm):
    upload = forms.FileField(
        label=_("Member list (XLSX)"),
        help_text=_("Use the template. The file replaces the current member list."),
    )


class PlanForm(CreateOnceForm):
    number = forms.CharField(
        label=_("Plan number"), max_length=60, help_text=_("For example 56/KH-UBND.")
    )
    issued_on = forms.DateField(label=_("Date issued"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=300)
    start_year = forms.IntegerField(
        label=_("From year"), min_value=2000, max_value=2100, initial=2024
    )
    end_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100, initial=2030)
    file = DocumentField(label=_("Plan document"))

    def clean(self):
        data = super().clean()
        if (
            data.get("start_year")
            and data.get("end_year")
            and data["start_year"] > data["end_year"]
        ):
            self.add_error("end_year", _("The plan cannot end before it starts."))
        return data


class ProgressForm(PortalForm):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    account = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = DocumentField(label=_("Evidence"))
    version = VersionField()


class ReviewForm(PortalForm):
    held_on = forms.DateField(label=_("Date held"), widget=DateInput())
    achievements = forms.CharField(
        label=_("Achievements"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    difficulties = forms.CharField(
        label=_("Difficulties and obstacles"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    proposals = forms.CharField(
        label=_("Proposals"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = VersionField()


class ReviewDecisionForm(PortalForm):
    comment = forms.CharField(
        label=_("Comment to the district"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the review."),
    )
