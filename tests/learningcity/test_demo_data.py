import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from clc.models import ActivityReport, Evaluation
from districts.models import (
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTaskProgress,
    SteeringCommittee,
)
from districts.selectors import portal_district_list
from indicators.models import Submission, Value
from learningcity.choices import Role
from learningcity.deadlines.models import Obligation
from learningcity.demo import DEMO_PASSWORD
from learningcity.models import ReportingPeriod, User
from learningcity.notifications.models import Notification


def test_demo_data_loads_twice_without_duplicates(hcmc):
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    call_command("load_demo_data", stdout=out)
    users = get_user_model().objects.all()
    # The six named accounts, and an officer for each of the 19 other districts.
    assert users.count() == 6 + 19
    assert set(users.values_list("role", flat=True)) == set(Role)
    officer = users.get(username="quan1")
    assert officer.unit.code == "760" and officer.check_password(DEMO_PASSWORD)
    assert users.get(username="canbo761").unit.code == "761"
    assert users.get(username="canbo761").check_password(DEMO_PASSWORD)
    assert users.get(username="admin").is_superuser
    districts = portal_district_list()
    officers = users.filter(role=Role.DISTRICT_OFFICER)
    assert set(officers.values_list("unit_id", flat=True)) == {d.pk for d in districts}
    # From 2024 to the current year, x (1 year + 2 halves + 4 quarters + 12 months)
    years = range(2024, timezone.localdate().year + 1)
    assert ReportingPeriod.objects.count() == 19 * len(years)
    assert "quan1" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_demo_data_needs_the_units(db):
    with pytest.raises(CommandError, match="load_admin_units"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_demo_data_is_refused_where_not_allowed(hcmc, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


# Who takes each step of a workflow record: the district's officer, or the reviewer.
DEPARTMENT_REVIEWS = {"approved", "returned", "acknowledged"}


def _story_is_told(record, *, reviewer_role: str | None, loaded_at) -> None:
    """Every history row of ``record`` dates from before loading, is taken by the district's
    officer (a review step by ``reviewer_role``), and agrees with the record's own dates."""
    rows = list(record.history.select_related("history_user").order_by("history_date"))
    assert rows, record
    district_id = (
        record.centre.ward.parent_id if isinstance(record, ActivityReport) else record.district_id
    )
    for row in rows:
        assert row.history_date < loaded_at, (record, row.history_date)
        actor = row.history_user
        if reviewer_role and row.status in DEPARTMENT_REVIEWS | {"accepted"}:
            assert actor.role == reviewer_role, (record, row.status, actor)
        else:
            assert (actor.role, actor.unit_id) == (Role.DISTRICT_OFFICER, district_id), (
                record,
                row.status,
                actor,
            )
    if getattr(record, "first_submitted_at", None):
        sent = next(r for r in rows if r.status == "submitted")
        assert sent.history_date == record.first_submitted_at, record
    if getattr(record, "status_changed_at", None):
        last = next(r for r in reversed(rows) if r.status == record.status)
        assert record.status_changed_at <= last.history_date, record
        assert record.status_changed_at > rows[0].history_date or len(rows) == 1, record


def test_every_demo_history_row_tells_the_demo_story(hcmc):
    loaded_at = timezone.now()
    call_command("load_demo_data", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    for submission in Submission.objects.all():
        _story_is_told(submission, reviewer_role=Role.DEPARTMENT_REVIEWER, loaded_at=loaded_at)
    for review in InterimReview.objects.all():
        _story_is_told(review, reviewer_role=Role.DEPARTMENT_REVIEWER, loaded_at=loaded_at)
    for report in ActivityReport.objects.select_related("centre__ward"):
        # The district office accepts and returns its centres' reports.
        _story_is_told(report, reviewer_role=Role.DISTRICT_OFFICER, loaded_at=loaded_at)
    for model in (SteeringCommittee, ImplementationPlan, KeyTaskProgress):
        for record in model.objects.all():
            _story_is_told(record, reviewer_role=None, loaded_at=loaded_at)
    for evaluation in Evaluation.objects.select_related("centre__ward"):
        row = evaluation.history.get()
        assert row.history_date.date() == evaluation.evaluated_on + datetime.timedelta(days=1)
        assert row.history_user.unit_id == evaluation.centre.ward.parent_id
    # Rows saved with a record (its values, its members) carry the same story, and nothing
    # a district did is dated at loading by the Department's administrator.
    for model in (Value, CommitteeMember, Submission, InterimReview, ActivityReport):
        late = model.history.filter(history_date__gte=loaded_at)
        assert not late.exists(), model
    for model in (Submission, InterimReview, ActivityReport, SteeringCommittee, KeyTaskProgress):
        assert not model.history.filter(history_user=admin).exists(), model
    assert not Obligation.history.filter(history_date__gte=loaded_at).exists()
    # The notices sent about them are dated with them.
    notices = Notification.objects.filter(kind__in=["submitted", "returned", "approved"])
    assert notices.exists() and not notices.filter(created_at__gte=loaded_at).exists()

    # The demo's timeliness is the history's: a submission was first sent when its history
    # says it was sent, by the district.
    sent_2025 = Submission.objects.filter(period__year=2025, first_submitted_at__isnull=False)
    assert sent_2025.count() == 19  # all but two drafts and one not started
    reports = ActivityReport.objects.exclude(status="draft")
    assert not reports.filter(first_submitted_at__isnull=True).exists()

    # Loading again tells the same story: nothing changes.
    before = [
        list(model.history.order_by("history_id").values_list("history_date", "history_user"))
        for model in (Submission, Value, InterimReview, ActivityReport, KeyTaskProgress, User)
    ]
    call_command("load_demo_data", stdout=io.StringIO())
    after = [
        list(model.history.order_by("history_id").values_list("history_date", "history_user"))
        for model in (Submission, Value, InterimReview, ActivityReport, KeyTaskProgress, User)
    ]
    assert after == before


def test_the_demo_has_the_current_year(hcmc):
    call_command("load_demo_data", stdout=io.StringIO())
    today = timezone.localdate()
    year = today.year
    assert ReportingPeriod.objects.filter(year=year, kind="year").exists()
    kinds = set(Obligation.objects.filter(period__year=year).values_list("kind", flat=True))
    assert kinds == {"interim_review", "indicator_submission", "clc_report"}
    # The current year's first half is reviewed (by now), and the year's work is under way:
    # drafts of indicator values and of centres' reports.
    if datetime.date(year, 7, 1) <= today:
        half = InterimReview.objects.filter(period__year=year, period__kind="half_year")
        assert half.filter(status="acknowledged").exists()
        assert half.filter(status="submitted").exists()
        assert half.filter(status="returned").exists()
    assert Submission.objects.filter(period__year=year, status="draft").exists()
    assert ActivityReport.objects.filter(year=year, status="draft").exists()
    # Nothing of the current year is dated after today.
    assert not Submission.history.filter(history_date__gt=timezone.now()).exists()
