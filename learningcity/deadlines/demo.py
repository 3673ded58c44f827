"""Demo obligations for 2024 and 2025, with submissions dated around their deadlines so the
timeliness pages show at once a realistic mix of on-time, late and missing. Idempotent."""

import datetime
import zlib

from django.db import transaction
from django.utils import timezone

from learningcity.choices import Role
from learningcity.demo import DEMO_YEARS
from learningcity.models import User

from . import selectors, services
from .choices import ObligationKind
from .models import Obligation

# Days after the due date each demo district first submitted: most on time, some late.
DAY_OFFSETS = (-9, -6, -4, -3, -2, -1, 0, 0, 2, 5, 11, 19)
LOCK_AFTER_DAYS = 30


def _offset(*keys) -> int:
    return DAY_OFFSETS[zlib.crc32("/".join(map(str, keys)).encode()) % len(DAY_OFFSETS)]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


@transaction.atomic
def demo_data_load() -> list[str]:
    admin = User.objects.filter(role=Role.DEPARTMENT_ADMIN, username="admin").first()
    for year in DEMO_YEARS:
        # Interim reviews show the lock; the demo's indicators and CLC reports stay open to try.
        services.obligations_generate(
            user=admin,
            year=year,
            lock_after_days=LOCK_AFTER_DAYS,
            kinds=[ObligationKind.INTERIM_REVIEW],
        )
        services.obligations_generate(
            user=admin,
            year=year,
            kinds=[ObligationKind.INDICATOR_SUBMISSION, ObligationKind.CLC_REPORT],
        )
    redated = 0
    for obligation in selectors.obligation_list().filter(period__year__in=DEMO_YEARS):
        redated += _redate(obligation)
    return [
        f"Deadlines: {Obligation.objects.count()} obligations for "
        f"{', '.join(map(str, DEMO_YEARS))}; {redated} demo submissions dated around them"
    ]


def _redate(obligation: Obligation) -> int:
    """Date the demo's submissions (made today by the services) around the deadline."""
    from clc.models import ActivityReport
    from districts.models import InterimReview
    from indicators.models import Submission

    period = obligation.period
    rows, district = {
        ObligationKind.INTERIM_REVIEW: (InterimReview.objects.filter(period=period), "district_id"),
        ObligationKind.INDICATOR_SUBMISSION: (
            Submission.objects.filter(period=period),
            "district_id",
        ),
        ObligationKind.CLC_REPORT: (
            ActivityReport.objects.filter(year=period.year).select_related("centre__ward"),
            "centre.ward.parent_id",
        ),
    }[obligation.kind]
    count = 0
    for row in rows.filter(first_submitted_at__isnull=False):
        unit_id = row.district_id if district == "district_id" else row.centre.ward.parent_id
        # A district's centres report over a few days; the last of them decides its timeliness.
        spread = row.pk % 5 if obligation.kind == ObligationKind.CLC_REPORT else 0
        day = obligation.due_date + datetime.timedelta(
            days=_offset(obligation.pk, unit_id) - spread
        )
        if row.first_submitted_at.date() != day:
            type(row).objects.filter(pk=row.pk).update(first_submitted_at=_at(day))
            count += 1
    return count
