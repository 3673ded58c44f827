import calendar
import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import PeriodKind, Role
from .fields import NormalizedCharField
from .permissions import ScopedQuerySet


class Bilingual(models.Model):
    """A name in Vietnamese and English; pages show the one of the active language."""

    name = NormalizedCharField(_("name (Vietnamese)"), max_length=300)
    name_en = NormalizedCharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class PortalUserManager(UserManager.from_queryset(ScopedQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.DEPARTMENT_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal account. What it may see and change follows from its role and its unit."""

    full_name = NormalizedCharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Required for district officers: the only unit whose data they may change."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="vi",
        help_text=_(
            "The language of the user's pages when they sign in, and of their notices and "
            "e-mails; the header switch sets it."
        ),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = PortalUserManager()

    # The path from this model to the unit that owns it, for the scoping helper.
    unit_scope = "unit"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.DISTRICT_OFFICER) | Q(unit__isnull=False),
                name="district_officer_has_unit",
                violation_error_message=_("A district officer must be bound to a unit."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.DISTRICT_OFFICER and self.unit_id is None:
            raise ValidationError({"unit": _("A district officer must be bound to a unit.")})

    def save(self, *args, **kwargs) -> None:
        # Only Department administrators use the Django admin; the role decides, not a flag.
        self.is_staff = self.is_superuser = self.role == Role.DEPARTMENT_ADMIN
        super().save(*args, **kwargs)

    @property
    def is_department_staff(self) -> bool:
        return self.role in (Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER)


class ReportingPeriodQuerySet(models.QuerySet):
    def get_or_create_for(self, *, kind: str, year: int, number: int = 0) -> "ReportingPeriod":
        """The period of ``kind``, ``year`` and ``number`` (0 for a year), created on first use."""
        period = ReportingPeriod(kind=kind, year=year, number=number)
        period.clean()
        period.start_date, period.end_date = period.bounds()
        period.code = period.make_code()
        obj, _created = self.get_or_create(
            code=period.code,
            defaults={
                "kind": kind,
                "year": year,
                "number": number,
                "start_date": period.start_date,
                "end_date": period.end_date,
            },
        )
        return obj


class ReportingPeriod(models.Model):
    """A span data is entered and reported for: a year, a half-year, a quarter or a month."""

    NUMBER_LIMITS = {
        PeriodKind.YEAR: (0, 0),
        PeriodKind.HALF_YEAR: (1, 2),
        PeriodKind.QUARTER: (1, 4),
        PeriodKind.MONTH: (1, 12),
    }
    CODE_FORMATS = {
        PeriodKind.YEAR: "{year}",
        PeriodKind.HALF_YEAR: "{year}-H{number}",
        PeriodKind.QUARTER: "{year}-Q{number}",
        PeriodKind.MONTH: "{year}-M{number:02d}",
    }

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), default=0)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["start_date", "-end_date"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="unique_period"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="period_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == PeriodKind.YEAR:
            label = gettext("Year %(year)s")
        elif self.kind == PeriodKind.HALF_YEAR:
            label = (
                gettext("First half of %(year)s")
                if self.number == 1
                else gettext("Second half of %(year)s")
            )
        elif self.kind == PeriodKind.QUARTER:
            label = gettext("Quarter %(number)s/%(year)s")
        else:
            label = gettext("Month %(number)s/%(year)s")
        return label % {"year": self.year, "number": self.number}

    def clean(self) -> None:
        low, high = self.NUMBER_LIMITS[self.kind]
        if not low <= self.number <= high:
            raise ValidationError(
                {
                    "number": _("For this kind of period the number must be %(low)s to %(high)s.")
                    % {"low": low, "high": high}
                }
            )

    def make_code(self) -> str:
        return self.CODE_FORMATS[self.kind].format(year=self.year, number=self.number)

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        months_per_period = {
            PeriodKind.YEAR: 12,
            PeriodKind.HALF_YEAR: 6,
            PeriodKind.QUARTER: 3,
            PeriodKind.MONTH: 1,
        }[self.kind]
        first_month = 1 + (max(self.number, 1) - 1) * months_per_period
        last_month = first_month + months_per_period - 1
        last_day = calendar.monthrange(self.year, last_month)[1]
        return datetime.date(self.year, first_month, 1), datetime.date(
            self.year, last_month, last_day
        )


def import_preview_path(instance, filename: str) -> str:
    """A preview's file, under a random name nobody can guess."""
    return f"imports/{instance.kind}/{uuid.uuid4().hex}.xlsx"


class ImportPreview(models.Model):
    """A spreadsheet an officer has previewed, kept until the import is confirmed.

    Confirming uses it once (``confirmed_at`` is set and its file deleted); a preview never
    confirmed is deleted with its file after ``IMPORT_PREVIEW_HOURS``
    (learningcity.import_previews)."""

    kind = models.CharField(_("kind"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="import_previews",
    )
    file = models.FileField(_("file"), upload_to=import_preview_path, max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class SentForm(models.Model):
    """A create form that has done its work: its one-time token and what it created.

    Each create form carries a fresh token (``learningcity.forms.CreateOnceForm``); the first
    request with it records it here in the transaction that creates the record, so a form sent
    twice (a double click, a browser resending) creates one record and the second request is
    answered with it (``learningcity.workflow.create_once``).
    """

    token = models.UUIDField(primary_key=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, editable=False
    )
    object_id = models.PositiveBigIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")

    def __str__(self) -> str:
        return str(self.token)

    @property
    def created(self) -> models.Model | None:
        """What the form created, or None if it has since been removed."""
        if self.content_type_id is None:
            return None
        model = self.content_type.model_class()
        return model._base_manager.filter(pk=self.object_id).first() if model else None
