"""Demo obligations from the demo's first year to the current one, and the story of every demo
submission told around its deadline: the district's officer opened it, sent it on a day near
the due date (most on time, some late), and the reviewer (the Department, or the district
office for a learning centre's report) accepted or returned it a few days later. Timeliness,
the records' dates, their history rows and the notices sent about them thus tell the same
story. Idempotent."""

import datetime
import zlib

from django.db import transaction

from learningcity.demo import (
    Step,
    at,
    demo_years,
    department_admin,
    department_reviewer,
    district_officers,
    retell_many,
)

from . import selectors, services
from .choices import ObligationKind
from .models import Obligation

# Days after the due date each demo district first submitted: most on time, some late.
DAY_OFFSETS = (-9, -6, -4, -3, -2, -1, 0, 0, 2, 5, 11, 19)
LOCK_AFTER_DAYS = 30
OPENED_DAYS_BEFORE = 12  # a district opens its submission this long before sending it


def _offset(*keys) -> int:
    return DAY_OFFSETS[zlib.crc32("/".join(map(str, keys)).encode()) % len(DAY_OFFSETS)]


@transaction.atomic
def demo_data_load() -> list[str]:
    admin = department_admin()
    years = demo_years()
    for year in years:
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
    cast = {"officers": district_officers(), "reviewer": department_reviewer()}
    obligations = list(selectors.obligation_list().filter(period__year__in=years))
    # The Department set each year's deadlines at the start of the year.
    told = retell_many(
        [(o, [Step(None, at(datetime.date(o.period.year, 1, 5), 8), admin)]) for o in obligations]
    )
    for obligation in obligations:
        told += _tell(obligation, cast)
    return [
        f"Deadlines: {Obligation.objects.count()} obligations for "
        f"{', '.join(map(str, years))}; {told} history rows, dates and notices of demo "
        "submissions told around them"
    ]


def _tell(obligation: Obligation, cast: dict) -> int:
    """Date each demo submission of ``obligation`` (made at loading by the services) around its
    deadline, with the district's officer and the reviewer as actors."""
    from clc.models import ActivityReport, ReportTopic
    from districts.models import InterimReview
    from indicators.models import Submission, Value

    period = obligation.period
    if obligation.kind == ObligationKind.INTERIM_REVIEW:
        rows = InterimReview.objects.filter(period=period)
    elif obligation.kind == ObligationKind.INDICATOR_SUBMISSION:
        rows = Submission.objects.filter(period=period)
    else:
        rows = ActivityReport.objects.filter(year=period.year).select_related("centre__ward")
    children = {
        ObligationKind.CLC_REPORT: [(ReportTopic.history, "report_id")],
        ObligationKind.INDICATOR_SUBMISSION: [(Value.history, "submission_id")],
    }.get(obligation.kind, [])
    stories = []
    for row in rows.order_by("pk"):
        if obligation.kind == ObligationKind.CLC_REPORT:
            unit_id = row.centre.ward.parent_id
            # A district's centres report over a few days; the last of them decides its
            # timeliness. The district office reviews its centres' reports.
            spread, reviewer = row.pk % 5, cast["officers"].get(unit_id)
        else:
            unit_id = row.district_id
            spread, reviewer = 0, cast["reviewer"]
        officer = cast["officers"].get(unit_id)
        sent = obligation.due_date + datetime.timedelta(
            days=_offset(obligation.pk, unit_id) - spread
        )
        opened = sent - datetime.timedelta(days=OPENED_DAYS_BEFORE + row.pk % 7)
        if row.first_submitted_at is None:
            # Not sent yet: opened a while into the period, or before its deadline.
            opened = min(opened, period.start_date + datetime.timedelta(days=30 + row.pk % 20))
        steps = [Step("draft", at(opened, 8, 30), officer)]
        if row.first_submitted_at is not None:
            steps.append(Step("submitted", at(sent, 9, 30), officer))
            if row.status not in ("draft", "submitted"):
                reviewed = sent + datetime.timedelta(days=3 + row.pk % 6)
                steps.append(Step(row.status, at(reviewed, 14), reviewer))
        stories.append((row, steps))
    return retell_many(stories, children=children) + _date_notices(obligation.kind, stories)


def _date_notices(kind: str, stories: list) -> int:
    """Date the notices the services sent about each record at the step they tell of: "sent"
    when it was sent, "returned" or "approved" when it was reviewed."""
    from django.urls import reverse

    from learningcity.notifications.choices import NoticeKind
    from learningcity.notifications.models import Notification

    page = {
        ObligationKind.INTERIM_REVIEW: "districts:review",
        ObligationKind.INDICATOR_SUBMISSION: "indicators:submission",
    }.get(kind)
    if page is None:  # the demo's centre reports are written in bulk: no notice was sent
        return 0
    moments = {}
    for record, steps in stories:
        url = reverse(page, args=[record.pk])
        for step in steps[1:]:
            notice = {"submitted": NoticeKind.SUBMITTED, "returned": NoticeKind.RETURNED}.get(
                step.status, NoticeKind.APPROVED
            )
            moments[(url, notice)] = step.at
    stale = []
    for notice in Notification.objects.filter(url__in={url for url, _kind in moments}):
        moment = moments.get((notice.url, notice.kind))
        if moment is not None and notice.created_at != moment:
            notice.created_at = moment
            stale.append(notice)
    Notification.objects.bulk_update(stale, ["created_at"], batch_size=500)
    return len(stale)
