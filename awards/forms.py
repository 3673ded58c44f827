from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import AdministrativeUnit
from districts.selectors import in_portal, portal_district_list
from learningcity.forms import CreateOnceForm, DateInput, PortalForm, VersionField
from learningcity.uploads import validate_document

from .choices import AttachmentKind, NomineeKind
from .models import CommendationForm, Dossier, FieldOfActivity, Round
from .selectors import forms_for, is_department

FILE_HELP = _("PDF, Word, Excel, JPG or PNG.")


class DocumentField(forms.FileField):
    default_validators = [validate_document]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", FILE_HELP)
        super().__init__(**kwargs)


class CodeChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        # A NUL character names nothing, and PostgreSQL refuses to even compare it.
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class WardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.parent.name})"


# The file fields of the dossier form, by kind of document.
ATTACHMENT_FIELDS = {
    "achievement_report": AttachmentKind.ACHIEVEMENT_REPORT,
    "council_minutes": AttachmentKind.COUNCIL_MINUTES,
    "evidence": AttachmentKind.EVIDENCE,
}


class DossierForm(CreateOnceForm):
    """A new dossier (round and district chosen) or the edit of a draft or returned one."""

    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none())
    district = CodeChoiceField(
        label=_("District"), queryset=AdministrativeUnit.objects.none(), to_field_name="code"
    )
    ward = WardChoiceField(
        label=_("Ward"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    nominee_kind = forms.ChoiceField(label=_("Nominee kind"), choices=NomineeKind.choices)
    nominee_name = forms.CharField(
        label=_("Nominee"),
        max_length=200,
        help_text=_("Full name of the person, the household or clan, or the collective."),
    )
    position = forms.CharField(
        label=_("Position"), max_length=200, required=False, help_text=_("For an individual.")
    )
    organisation = forms.CharField(
        label=_("Unit"),
        max_length=200,
        required=False,
        help_text=_("An individual's place of work, or the collective's parent organisation."),
    )
    household_head = forms.CharField(
        label=_("Head of the household or clan"),
        max_length=150,
        required=False,
        help_text=_("For a household or clan."),
    )
    field = forms.ModelChoiceField(
        label=_("Field of activity"), queryset=FieldOfActivity.objects.filter(is_active=True)
    )
    proposed_form = forms.ModelChoiceField(
        label=_("Proposed form of commendation"), queryset=CommendationForm.objects.all()
    )
    summary = forms.CharField(
        label=_("Summary of achievements"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Posted publicly while the round is open for comment."),
    )
    nominating_unit = forms.CharField(
        label=_("Nominating unit"), max_length=200, help_text=_("For example UBND Quận 1.")
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(
        label=_("Identity card number"),
        max_length=12,
        required=False,
        help_text=_("Personal data: seen only by the Department and your district."),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    achievement_report = DocumentField(label=_("Achievement report"))
    council_minutes = DocumentField(label=_("Minutes of the nominating council"))
    evidence = DocumentField(label=_("Evidence"))
    version = VersionField()

    def __init__(self, *args, user, dossier: Dossier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        wards = AdministrativeUnit.objects.wards().select_related("parent").order_by("code")
        if dossier is not None:
            # The round and the district of a dossier are fixed once it has its code.
            del self.fields["round"], self.fields["district"], self.fields["form_token"]
            self.fields["ward"].queryset = wards.filter(parent=dossier.district_id)
            self.fields["proposed_form"].queryset = forms_for(dossier.round)
            return
        del self.fields["version"]  # a new dossier: sent twice, it is created once
        today = timezone.localdate()
        rounds = Round.objects.filter(intake_opens__lte=today, intake_closes__gte=today)
        self.fields["round"].queryset = rounds.order_by("-year")
        if len(open_rounds := list(rounds[:2])) == 1:
            self.fields["round"].initial = open_rounds[0].pk
        districts = portal_district_list()
        if not is_department(user):
            districts = districts.filter(pk=user.unit_id)
            wards = wards.filter(parent=user.unit_id)
            if user.unit_id:
                self.fields["district"].initial = user.unit.code
                self.fields["nominating_unit"].initial = f"UBND {user.unit.name}"
        else:
            wards = in_portal(wards, district="parent")
        self.fields["district"].queryset = districts
        self.fields["ward"].queryset = wards

    def clean(self):
        data = super().clean()
        ward, district = data.get("ward"), data.get("district")
        if ward and district and ward.parent_id != district.pk:
            self.add_error("ward", _("This ward is not in the chosen district."))
        return data


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpinionForm(PortalForm):
    text = forms.CharField(
        label=_("Your opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VoteForm(PortalForm):
    meeting_date = forms.DateField(label=_("Council meeting date"), widget=DateInput())
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=999)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=999)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=999)

    def clean(self):
        data = super().clean()
        counts = [data.get(f) for f in ("votes_for", "votes_against", "votes_abstain")]
        if all(c is not None for c in counts) and sum(counts) == 0:
            raise forms.ValidationError(_("A vote needs at least one vote cast."))
        return data


class DecisionForm(PortalForm):
    number = forms.CharField(
        label=_("Decision number"), max_length=60, help_text=_("For example 1234/QĐ-UBND.")
    )
    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput())
    signer = forms.CharField(
        label=_("Signed by"), max_length=150, help_text=_("Name and title of the signatory.")
    )
    file = DocumentField(label=_("Scanned decision"))


class DossierChoiceForm(forms.Form):
    """The recommended dossiers a decision grants; the page lists them as a table."""

    dossiers = forms.ModelMultipleChoiceField(
        queryset=Dossier.objects.none(),
        error_messages={"required": _("Choose the recommended dossiers it grants.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = queryset


class CommentForm(PortalForm):
    dossier = forms.TypedChoiceField(label=_("Nominee"), coerce=int, choices=())
    author_name = forms.CharField(label=_("Your name"), max_length=150)
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=150,
        help_text=_("So that the Department can ask you more; it is never published."),
    )
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, nominees: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [
            ("", "---------"),
            *[(row["pk"], f"{row['code']} · {row['nominee_name']}") for row in nominees],
        ]
