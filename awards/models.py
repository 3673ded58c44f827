import datetime
import uuid
from fractions import Fraction
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.fields import NormalizedCharField, NormalizedTextField, SearchKeyField
from learningcity.models import Bilingual
from learningcity.permissions import Action, ScopedQuerySet
from learningcity.text import search_key
from learningcity.uploads import validate_document

from .choices import (
    AttachmentKind,
    CommentStatus,
    DossierAction,
    DossierStatus,
    NomineeKind,
)

# --- Reference data: maintained by the Department administrator in the admin ----------------------


class CommendationFormQuerySet(models.QuerySet):
    def valid_for(self, round_: "Round"):
        """Forms in force at some time during ``round_``'s intake window."""
        return self.filter(valid_from__lte=round_.intake_closes).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=round_.intake_opens)
        )


class CommendationForm(Bilingual):
    """A form of commendation (Bằng khen, Giấy khen, ...) with the law it comes from.

    Reference data with validity dates, not code: the law and its decrees change.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    conferred_by = NormalizedCharField(_("conferred by"), max_length=200)
    legal_source = NormalizedCharField(_("legal source"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = CommendationFormQuerySet.as_manager()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("form of commendation")
        verbose_name_plural = _("forms of commendation")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="commendation_form_validity_in_order",
                violation_error_message=_("A form of commendation cannot expire before it starts."),
            ),
        ]


class FieldOfActivity(Bilingual):
    """What a nominee's achievements are about: education, encouraging learning, culture, ..."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")
        ordering = ["order", "code"]


class Movement(models.Model):
    """An emulation movement (phong trào thi đua) that awards are given under."""

    name = NormalizedCharField(_("name"), max_length=300)
    launched_by = NormalizedCharField(_("launched by"), max_length=200)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    legal_basis = NormalizedCharField(_("legal basis"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    history = HistoricalRecords()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    start_year__gte=2000, end_year__lte=2100, start_year__lte=F("end_year")
                ),
                name="movement_years_in_order",
                violation_error_message=_("The movement's years must run forward, 2000 to 2100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """One round of nominations under a movement (the 2024 round), with its two windows.

    Districts send dossiers during the intake window; the nominees are posted for public comment
    during the comment window (the decree asks for at least 10 working days for higher awards).
    """

    movement = models.ForeignKey(
        Movement, verbose_name=_("movement"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, help_text=_("Dossier codes carry it: KT-2024-0001.")
    )
    title = NormalizedCharField(_("title"), max_length=200, blank=True)
    intake_opens = models.DateField(_("intake opens"))
    intake_closes = models.DateField(_("intake closes"))
    comment_opens = models.DateField(_("public comment opens"))
    comment_closes = models.DateField(_("public comment closes"))
    # The last dossier number given in this round (codes are KT-<year>-<number>).
    last_number = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["last_number"])

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="round_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(intake_closes__gte=F("intake_opens")),
                name="round_intake_in_order",
                violation_error_message=_("The intake cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(comment_closes__gte=F("comment_opens"))
                & Q(comment_opens__gte=F("intake_opens")),
                name="round_comment_in_order",
                violation_error_message=_(
                    "The public comment period must close after it opens, and cannot open "
                    "before the intake."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title or _("Round %(year)s") % {"year": self.year}

    def is_open_for_intake(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.intake_opens <= today <= self.intake_closes

    def is_open_for_comment(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.comment_opens <= today <= self.comment_closes


# --- Dossiers -------------------------------------------------------------------------------------


def dossier_upload_path(instance, filename: str) -> str:
    """Attachments are filed by district and dossier, under a random name nobody can guess."""
    suffix = PurePath(filename).suffix.lower()
    dossier = instance.dossier
    return f"awards/{dossier.district_id}/{dossier.pk}/{uuid.uuid4().hex}{suffix}"


def decision_upload_path(instance, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"awards/decisions/{instance.round_id}/{uuid.uuid4().hex}{suffix}"


phone_validator = RegexValidator(
    r"^\+?[0-9 .]{8,15}$", _("Enter a phone number: digits, spaces or dots, 8 to 15 characters.")
)
id_number_validator = RegexValidator(
    r"^([0-9]{9}|[0-9]{12})$", _("An identity card number has 9 or 12 digits.")
)


class Dossier(models.Model):
    """An award nomination dossier (hồ sơ đề nghị khen thưởng) sent by a district."""

    TRANSITIONS = {
        (DossierStatus.DRAFT, DossierAction.SUBMIT): DossierStatus.SUBMITTED,
        (DossierStatus.SUBMITTED, DossierAction.RECEIVE): DossierStatus.RECEIVED,
        (DossierStatus.SUBMITTED, DossierAction.RETURN): DossierStatus.RETURNED,
        (DossierStatus.RETURNED, DossierAction.RESUBMIT): DossierStatus.RESUBMITTED,
        (DossierStatus.RESUBMITTED, DossierAction.RECEIVE): DossierStatus.RECEIVED,
        (DossierStatus.RESUBMITTED, DossierAction.RETURN): DossierStatus.RETURNED,
        (DossierStatus.RECEIVED, DossierAction.START_REVIEW): DossierStatus.UNDER_REVIEW,
        (DossierStatus.UNDER_REVIEW, DossierAction.RECOMMEND): DossierStatus.RECOMMENDED,
        (DossierStatus.UNDER_REVIEW, DossierAction.NOT_RECOMMEND): DossierStatus.NOT_RECOMMENDED,
        (DossierStatus.RECOMMENDED, DossierAction.AWARD): DossierStatus.AWARDED,
        (DossierStatus.RECOMMENDED, DossierAction.REJECT): DossierStatus.REJECTED,
        (DossierStatus.NOT_RECOMMENDED, DossierAction.REJECT): DossierStatus.REJECTED,
    }
    # Who may take each step: the nominating district (CHANGE) or the Department (REVIEW).
    PERMISSIONS = {
        DossierAction.SUBMIT: Action.CHANGE,
        DossierAction.RESUBMIT: Action.CHANGE,
        DossierAction.RECEIVE: Action.REVIEW,
        DossierAction.RETURN: Action.REVIEW,
        DossierAction.START_REVIEW: Action.REVIEW,
        DossierAction.RECOMMEND: Action.REVIEW,
        DossierAction.NOT_RECOMMEND: Action.REVIEW,
        DossierAction.AWARD: Action.REVIEW,
        DossierAction.REJECT: Action.REVIEW,
    }
    EDITABLE = (DossierStatus.DRAFT, DossierStatus.RETURNED)
    # Shown only to the Department and the nominating district, never publicly or to API consumers.
    PERSONAL_FIELDS = ("household_head", "address", "phone", "id_number", "birth_date")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="dossiers"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    code = models.CharField(_("dossier code"), max_length=20, unique=True, editable=False)
    nominee_kind = models.CharField(_("nominee kind"), max_length=20, choices=NomineeKind.choices)
    nominee_name = NormalizedCharField(
        _("nominee"),
        max_length=200,
        help_text=_("Full name of the person, the household or clan, or the collective."),
    )
    nominee_search = SearchKeyField(sources=("nominee_name",), db_index=True)
    position = NormalizedCharField(
        _("position"), max_length=200, blank=True, help_text=_("For an individual.")
    )
    organisation = NormalizedCharField(
        _("unit"),
        max_length=200,
        blank=True,
        help_text=_("An individual's place of work, or the collective's parent organisation."),
    )
    household_head = NormalizedCharField(
        _("head of the household or clan"), max_length=150, blank=True
    )
    address = NormalizedCharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    id_number = models.CharField(
        _("identity card number"), max_length=12, blank=True, validators=[id_number_validator]
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    district = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="award_dossiers",
    )
    ward = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("ward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.ForeignKey(
        FieldOfActivity,
        verbose_name=_("field of activity"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    summary = NormalizedTextField(_("summary of achievements"), max_length=4000)
    proposed_form = models.ForeignKey(
        CommendationForm,
        verbose_name=_("proposed form of commendation"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    nominating_unit = NormalizedCharField(
        _("nominating unit"), max_length=200, help_text=_("For example UBND Quận 1.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, editable=False)
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="dossiers",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    unit_scope = "district"

    class Meta:
        verbose_name = _("award dossier")
        verbose_name_plural = _("award dossiers")
        ordering = ["-round__year", "number"]
        indexes = [
            # The list of a round counts its dossiers by status (drafts left out), and the
            # statistics group them: an index-only count instead of fetching the round's rows.
            models.Index(fields=["round", "status"], name="dossier_round_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="unique_dossier_number"),
            models.UniqueConstraint(
                fields=["round", "nominee_kind", "district", "nominee_search"],
                name="one_nomination_per_nominee_and_round",
                violation_error_message=_(
                    "This nominee is already nominated by this district in this round."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="awarded") | Q(decision__isnull=False),
                name="awarded_dossier_has_decision",
                violation_error_message=_("An awarded dossier must name its decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.nominee_name}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @staticmethod
    def make_code(year: int, number: int) -> str:
        return f"KT-{year}-{number:04d}"

    def clean(self) -> None:
        super().clean()
        # Kept current here, so the duplicate-nomination constraint is checked on the new name.
        self.nominee_search = search_key(self.nominee_name or "")
        errors = {}
        if self.nominee_kind == NomineeKind.INDIVIDUAL and not self.position:
            errors["position"] = _("Give the individual's position.")
        if self.nominee_kind == NomineeKind.HOUSEHOLD:
            if not self.household_head:
                errors["household_head"] = _("Give the head of the household or clan.")
            if not self.address:
                errors["address"] = _("Give the household's or clan's address.")
        if self.birth_date and self.nominee_kind != NomineeKind.INDIVIDUAL:
            errors["birth_date"] = _("Only an individual has a date of birth.")
        if self.birth_date and self.birth_date >= timezone.localdate():
            errors["birth_date"] = _("The date of birth must be in the past.")
        if self.district_id and self.district.level != "district":
            errors["district"] = _("Choose a district-level unit.")
        if self.ward_id and self.district_id and self.ward.parent_id != self.district_id:
            errors["ward"] = _("This ward is not in the dossier's district.")
        if self.proposed_form_id and self.round_id:
            valid = CommendationForm.objects.valid_for(self.round).filter(pk=self.proposed_form_id)
            if not valid.exists():
                errors["proposed_form"] = _(
                    "This form of commendation is not in force in the round."
                )
        if errors:
            raise ValidationError(errors)


class DossierEvent(models.Model):
    """One step of a dossier's workflow: who moved it, when, from what to what, and why.

    Written only by the services and never changed, so it carries no history of its own; the
    dossier's own history (simple_history) records every field change beside it.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("step"), max_length=20, choices=DossierAction.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=DossierStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = NormalizedTextField(_("reason"), blank=True, max_length=4000)

    objects = ScopedQuerySet.as_manager()

    unit_scope = "dossier__district"

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_action_display()}"


class Attachment(models.Model):
    """A file of a dossier: the achievement report, the council minutes, evidence."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind of document"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(
        _("file"), upload_to=dossier_upload_path, validators=[validate_document]
    )
    original_name = NormalizedCharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    unit_scope = "dossier__district"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["dossier", "kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReviewOpinion(models.Model):
    """A council reviewer's written opinion on a dossier under review."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="opinions"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = NormalizedTextField(_("opinion"), max_length=4000)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    unit_scope = "dossier__district"

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        ordering = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.text[:40]}"


def recommend_threshold() -> Fraction:
    """The share of "for" votes among the votes cast that a dossier must exceed."""
    return Fraction(str(getattr(settings, "AWARDS_RECOMMEND_THRESHOLD", 0.5)))


class VoteTally(models.Model):
    """The council's vote on one dossier. The recommendation follows it (see ``recommends``)."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="vote"
    )
    meeting_date = models.DateField(_("council meeting date"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"))
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    unit_scope = "dossier__district"

    class Meta:
        verbose_name = _("vote tally")
        verbose_name_plural = _("vote tallies")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__gt=0) | Q(votes_against__gt=0) | Q(votes_abstain__gt=0),
                name="vote_tally_has_votes",
                violation_error_message=_("A vote needs at least one vote cast."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.votes_for}/{self.votes_against}/{self.votes_abstain}"

    @property
    def votes_cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def share_for(self) -> Fraction:
        return Fraction(self.votes_for, self.votes_cast) if self.votes_cast else Fraction(0)

    def recommends(self, threshold: Fraction | None = None) -> bool:
        """Recommended when "for" is MORE than the threshold share of the votes cast (for,
        against and abstentions): with 0.5, a strict majority of those present and voting."""
        return self.share_for > (recommend_threshold() if threshold is None else threshold)


class Decision(models.Model):
    """The People's Committee decision that grants awards to a set of recommended dossiers."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="decisions"
    )
    number = NormalizedCharField(_("decision number"), max_length=60)
    signed_on = models.DateField(_("date signed"))
    signer = NormalizedCharField(_("signed by"), max_length=150)
    file = models.FileField(
        _("scanned decision"),
        upload_to=decision_upload_path,
        blank=True,
        validators=[validate_document],
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    unit_scope = None  # the People's Committee's, public once signed

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["round", "signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"],
                name="unique_decision_number_per_round",
                violation_error_message=_("This decision is already recorded for the round."),
            ),
        ]

    def __str__(self) -> str:
        return _("Decision %(number)s of %(date)s") % {
            "number": self.number,
            "date": date_format(self.signed_on, "SHORT_DATE_FORMAT"),
        }


class PublicComment(models.Model):
    """A comment from the public on a posted nominee; shown only once a reviewer approves it.

    The contact is the commenter's personal data: only the Department sees it.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="comments"
    )
    author_name = NormalizedCharField(_("your name"), max_length=150)
    contact = NormalizedCharField(
        _("phone or e-mail"),
        max_length=150,
        help_text=_("So that the Department can ask you more; it is never published."),
    )
    text = NormalizedTextField(_("comment"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    submitted_at = models.DateTimeField(_("sent at"), default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    unit_scope = "dossier__district"

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"
