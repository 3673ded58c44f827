"""Demo indicator submissions: every district for 2024 and 2025, in mixed states, with values
near the national targets, and the current year's drafts being filled in. Each step is taken by
whom it belongs to: the district's officer opens, fills in and sends; the Department's reviewer
approves or returns (the deadlines demo then dates them around the deadline). Deterministic and
idempotent."""

import random

from django.db import transaction
from django.utils import timezone

from districts.selectors import portal_district_list
from learningcity.demo import department_reviewer, district_officers
from learningcity.models import ReportingPeriod

from . import services
from .choices import SubmissionStatus, Unit
from .models import Indicator, Submission
from .services import Entry

# District code -> state of its 2025 submission; districts not listed are approved.
STATES_2025 = {
    "761": SubmissionStatus.SUBMITTED,
    "767": SubmissionStatus.SUBMITTED,
    "777": SubmissionStatus.SUBMITTED,
    "785": SubmissionStatus.SUBMITTED,
    "770": SubmissionStatus.RETURNED,
    "784": SubmissionStatus.RETURNED,
    "786": SubmissionStatus.RETURNED,
    "768": SubmissionStatus.DRAFT,
    "760": SubmissionStatus.DRAFT,
    "787": None,  # not started
}
MISSING_2024 = {"786", "787"}
# Districts that have begun the current year's values (a draft, half filled in): the named demo
# districts and a few others, the year running to its deadline of 15 January.
STARTED_THIS_YEAR = {"760", "769", "770", "764", "771", "778"}
COUNT_RANGES = {
    "WB2.2": (2_000, 30_000),
    "WB3.1": (10, 80),
    "BB6.1": (5_000, 50_000),
    "BB6.2": (10, 100),
    "FC2.2": (5, 60),
    "FC3.1": (200_000_000, 3_000_000_000),
    "FC3.2": (100_000_000, 2_000_000_000),
}


def _entry(rng: random.Random, indicator: Indicator, district, year: int) -> Entry:
    growth = 1.0 if year == 2024 else 1.12
    if indicator.is_ratio:
        whole = (
            district.ward_count
            if indicator.code in ("BB4.1", "BB3.2")
            else rng.randint(20_000, 400_000)
        )
        # Around the 2025 target where there is one, a little lower the year before.
        target = next((float(t.value) for t in indicator.targets.all() if t.year == 2025), 65.0)
        share = min(0.98, target / 100 * rng.uniform(0.8, 1.2) * (0.93 if year == 2024 else 1))
        return Entry(numerator=round(whole * share), denominator=whole)
    if indicator.unit == Unit.SCORE:
        return Entry(value=round(rng.uniform(60, 85) * growth, 1))
    low, high = COUNT_RANGES.get(indicator.code, (1, 100))
    return Entry(value=int(rng.randint(low, high) * growth))


def _state(district, year: int, this_year: int) -> str | None:
    """The state of the district's submission of ``year`` in the demo (None: not started)."""
    if year == 2024:
        return None if district.code in MISSING_2024 else SubmissionStatus.APPROVED
    if year == 2025:
        return STATES_2025.get(district.code, SubmissionStatus.APPROVED)
    if year == this_year and district.code in STARTED_THIS_YEAR:
        return SubmissionStatus.DRAFT
    return None


@transaction.atomic
def demo_data_load() -> list[str]:
    rng = random.Random(2030)
    officers = district_officers()
    reviewer = department_reviewer()
    entered = list(
        Indicator.objects.filter(
            computed="", area__group__framework__is_current=True
        ).prefetch_related("targets")
    )
    this_year = timezone.localdate().year
    made = 0
    for year in sorted({2024, 2025, this_year}):
        period = ReportingPeriod.objects.get_or_create_for(kind="year", year=year)
        for district in portal_district_list():
            state = _state(district, year, this_year)
            if (
                state is None
                or Submission.objects.filter(district=district, period=period).exists()
            ):
                continue
            made += 1
            officer = officers[district.pk]
            submission = services.submission_open(user=officer, district=district, period=period)
            entries = {i.code: _entry(rng, i, district, min(year, 2025)) for i in entered}
            if state == SubmissionStatus.DRAFT:
                entries = dict(list(entries.items())[: len(entries) // 2])
            services.values_save(user=officer, submission=submission, entries=entries)
            if state == SubmissionStatus.DRAFT:
                continue
            submission = services.submission_submit(user=officer, submission=submission)
            if state == SubmissionStatus.APPROVED:
                services.submission_approve(user=reviewer, submission=submission)
            elif state == SubmissionStatus.RETURNED:
                services.submission_return(
                    user=reviewer,
                    submission=submission,
                    comment="Đề nghị rà soát lại số liệu trước khi gửi.",
                    value_comments={"WB2.2": "Số lượt tham gia cao bất thường, đề nghị kiểm tra."},
                )
    approved = Submission.objects.filter(status=SubmissionStatus.APPROVED).count()
    return [f"Indicators: {approved} approved district submissions ({made} added)."]
