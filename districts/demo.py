"""Demo programme data: the state the city reported, with 16 of 22 districts having a committee
(30/10/2024), most with a plan, interim reviews in every state, key-task progress; and the
current year's: reviews of its first half, progress on its key tasks.

Each district's officer records its committee, plan, progress and reviews; the Department's
reviewer acknowledges or returns the reviews. History rows carry those actors and the dates the
records describe (the deadlines demo dates the reviews around their deadline). Deterministic
and idempotent."""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from learningcity.demo import (
    Step,
    at,
    department_reviewer,
    district_officers,
    retell,
    retell_many,
)
from learningcity.models import ReportingPeriod

from . import selectors, services
from .choices import CommitteeRole, ReviewStatus, TaskStatus
from .models import CommitteeMember, InterimReview, KeyTaskProgress, SteeringCommittee

WITHOUT_COMMITTEE = {"761", "767", "777", "784", "786", "787"}
WITHOUT_PLAN = {"765", "785"}
# District code -> the state of its review of the first half of 2025.
REVIEW_STATES = {
    "760": ReviewStatus.ACKNOWLEDGED,
    "769": ReviewStatus.SUBMITTED,
    "770": ReviewStatus.RETURNED,
    "764": ReviewStatus.SUBMITTED,
    "766": ReviewStatus.ACKNOWLEDGED,
    "768": ReviewStatus.DRAFT,
    "771": ReviewStatus.SUBMITTED,
    "774": ReviewStatus.RETURNED,
    "778": ReviewStatus.SUBMITTED,
    "783": ReviewStatus.ACKNOWLEDGED,
}
# The current year's first half: the state of each district's review, by the order of the
# districts that have a committee (None: not sent).
REVIEW_STATES_THIS_YEAR = [
    ReviewStatus.ACKNOWLEDGED,
    ReviewStatus.ACKNOWLEDGED,
    ReviewStatus.SUBMITTED,
    ReviewStatus.ACKNOWLEDGED,
    ReviewStatus.RETURNED,
    ReviewStatus.ACKNOWLEDGED,
    None,
]
ACHIEVEMENTS = (
    "Đã thành lập Ban chỉ đạo, ban hành kế hoạch và triển khai đến các phường; tổ chức Tuần lễ "
    "học tập suốt đời; các trung tâm học tập cộng đồng mở lớp kỹ năng số cho người dân."
)
RETURN_COMMENT = "Đề nghị bổ sung số liệu cụ thể về số lớp và số người tham gia."
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Phan"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm"]
MEMBERS = [
    ("Phó Chủ tịch UBND", "Ủy ban nhân dân", CommitteeRole.HEAD),
    ("Trưởng phòng", "Phòng Giáo dục và Đào tạo", CommitteeRole.DEPUTY_HEAD),
    ("Chủ tịch", "Hội Khuyến học", CommitteeRole.DEPUTY_HEAD),
    ("Phó Trưởng phòng", "Phòng Giáo dục và Đào tạo", CommitteeRole.STANDING_MEMBER),
    ("Trưởng phòng", "Phòng Văn hóa và Thông tin", CommitteeRole.MEMBER),
    ("Trưởng phòng", "Phòng Lao động - Thương binh và Xã hội", CommitteeRole.MEMBER),
    ("Giám đốc", "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên", CommitteeRole.MEMBER),
    ("Bí thư", "Đoàn Thanh niên", CommitteeRole.MEMBER),
    ("Chủ tịch", "Hội Liên hiệp Phụ nữ", CommitteeRole.MEMBER),
]
DIFFICULTIES = [
    "Kinh phí cho hoạt động của trung tâm học tập cộng đồng còn hạn chế.",
    "Đội ngũ cán bộ phụ trách kiêm nhiệm nhiều việc, thiếu thời gian.",
    "Cơ sở vật chất, thiết bị công nghệ thông tin tại các phường còn thiếu.",
    "Người lao động tự do khó sắp xếp thời gian tham gia học tập.",
    "Chưa có hướng dẫn chi tiết về cách đo lường các chỉ số của UNESCO.",
]
PROPOSALS = [
    "Đề nghị Sở hướng dẫn cụ thể bộ chỉ số thành phố học tập.",
    "Đề nghị bố trí kinh phí riêng cho trung tâm học tập cộng đồng.",
    "Đề nghị tổ chức tập huấn chuyển đổi số cho cán bộ phụ trách.",
    "Đề nghị tăng cường phối hợp với Hội Khuyến học trong vận động nguồn lực.",
]


@transaction.atomic
def demo_data_load() -> list[str]:
    rng = random.Random(20241030)
    officers = district_officers()
    reviewer = department_reviewer()
    year_2025 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    half_2025 = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)
    districts = list(selectors.portal_district_list())
    tasks = {p.pk: list(selectors.key_tasks_for(period=p)) for p in (half_2025, year_2025)}
    progress = []
    made = 0
    for district in districts:
        if district.code in WITHOUT_COMMITTEE:
            continue
        if SteeringCommittee.objects.filter(district=district).exists():
            continue  # loaded before
        made += 1
        officer = officers[district.pk]
        issued = datetime.date(2024, rng.randint(3, 10), rng.randint(1, 28))
        committee = services.committee_establish(
            user=officer,
            district=district,
            number=f"{rng.randint(100, 2999)}/QĐ-UBND",
            issued_on=issued,
            signer=f"Chủ tịch UBND {district.name}",
        )
        for order, (position, organisation, role) in enumerate(
            MEMBERS[: rng.randint(5, len(MEMBERS))], start=1
        ):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            services.member_create(
                user=officer,
                committee=committee,
                full_name=name,
                position=position,
                organisation=f"{organisation} {district.name}" if order == 1 else organisation,
                role=role,
                order=order,
            )
        # Recorded on the portal a few days after the decision was signed.
        retell(
            committee,
            [Step(None, at(issued + datetime.timedelta(days=3), 10), officer)],
            children=[(CommitteeMember.history, "committee_id")],
        )
        if district.code not in WITHOUT_PLAN:
            plan = services.plan_issue(
                user=officer,
                district=district,
                number=f"{rng.randint(10, 999)}/KH-UBND",
                issued_on=issued + datetime.timedelta(days=rng.randint(10, 60)),
                title=f"Kế hoạch triển khai xây dựng Thành phố học tập toàn cầu UNESCO trên địa "
                f"bàn {district.name} giai đoạn 2024-2030",
                start_year=2024,
                end_year=2030,
            )
            recorded = plan.issued_on + datetime.timedelta(days=2)
            retell(plan, [Step(None, at(recorded, 15), officer)])
        for period in (half_2025, year_2025):
            for task in tasks[period.pk]:
                status = rng.choice(list(TaskStatus))
                progress.append(_progress(district, task, period, status, officer))
        state = REVIEW_STATES.get(district.code)
        if state is None or InterimReview.objects.filter(district=district).exists():
            continue
        review = services.review_save(
            user=officer,
            district=district,
            period=half_2025,
            # Held before the review is sent, which is around its deadline of 5 July.
            held_on=datetime.date(2025, 6, rng.randint(10, 24)),
            achievements=ACHIEVEMENTS,
            difficulties="\n".join(rng.sample(DIFFICULTIES, 2)),
            proposals="\n".join(rng.sample(PROPOSALS, 2)),
        )
        _review_steps(review, state, officer, reviewer)
    _progress_save(progress)
    current = _load_this_year(districts, officers, reviewer)
    with_committee = SteeringCommittee.objects.filter(superseded_at=None).count()
    return [
        f"Programme: {with_committee}/{len(districts)} districts have a steering committee"
        f" ({made} added); {current}"
    ]


def _progress(district, task, period, status, officer) -> tuple[KeyTaskProgress, list[Step]]:
    """A district's progress on ``task``, recorded by its officer near the period's end (or a
    few days ago, in a period still running)."""
    account = (
        "" if status == TaskStatus.NOT_STARTED else "Đã triển khai đến các phường, xã, thị trấn."
    )
    spread = (district.pk + task.pk) % 12
    day = min(
        period.end_date - datetime.timedelta(days=10 + spread),
        timezone.localdate() - datetime.timedelta(days=3 + spread),
    )
    row = KeyTaskProgress(
        district=district, key_task=task, period=period, status=status, account=account
    )
    row._history_date, row._history_user = at(day, 16), officer
    return row, [Step(status, row._history_date, officer)]


def _progress_save(progress: list[tuple[KeyTaskProgress, list[Step]]]) -> None:
    """Record the progress rows not recorded yet, with their history, dated as their steps."""
    if not progress:
        return
    recorded = set(
        KeyTaskProgress.objects.filter(
            district__in={row.district_id for row, _steps in progress}
        ).values_list("district_id", "key_task_id", "period_id")
    )
    new = [
        (row, steps)
        for row, steps in progress
        if (row.district_id, row.key_task_id, row.period_id) not in recorded
    ]
    bulk_create_with_history([row for row, _steps in new], KeyTaskProgress, batch_size=500)
    retell_many(new)  # its ``updated_at``, which saving set to today


def _review_steps(review, state, officer, reviewer) -> None:
    if state != ReviewStatus.DRAFT:
        review = services.review_submit(user=officer, review=review)
    if state == ReviewStatus.ACKNOWLEDGED:
        services.review_acknowledge(user=reviewer, review=review, comment="")
    elif state == ReviewStatus.RETURNED:
        services.review_return(user=reviewer, review=review, comment=RETURN_COMMENT)


def _load_this_year(districts, officers, reviewer) -> str:
    """The years since 2025 as they stand today: each second half that has ended reviewed, the
    current year's first half reviewed once it has ended, its key tasks under way."""
    today = timezone.localdate()
    if today.year <= 2025:
        return "no later year."
    committed = [d for d in districts if SteeringCommittee.objects.filter(district=d).exists()]
    added = []
    for year_number in range(2025, today.year + 1):
        halves = [(year_number, 2)] if year_number == 2025 else [(year_number, 1), (year_number, 2)]
        for number in (n for y, n in halves if _half_end(y, n) < today):
            half = ReportingPeriod.objects.get_or_create_for(
                kind="half_year", year=year_number, number=number
            )
            added.append(f"{half.code}: {_load_half(half, committed, officers, reviewer)}")
    year = ReportingPeriod.objects.get_or_create_for(kind="year", year=today.year)
    progress = []
    for district in committed:
        rng = random.Random(f"{district.code}-{today.year}")
        for task in selectors.key_tasks_for(period=year):
            status = rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.NOT_STARTED])
            progress.append(_progress(district, task, year, status, officers[district.pk]))
    _progress_save(progress)
    return "reviews added: " + ", ".join(added) + "."


def _half_end(year: int, number: int) -> datetime.date:
    return datetime.date(year, 6, 30) if number == 1 else datetime.date(year, 12, 31)


def _load_half(half, committed, officers, reviewer) -> int:
    """An ended half-year: its key tasks' progress and, from most districts with a committee,
    its interim review in one of the states the Department sees. Returns the reviews added."""
    tasks = list(selectors.key_tasks_for(period=half))
    progress, reviews = [], 0
    # Each half-year a different district is late in sending.
    shift = half.year * 2 + half.number
    for index, district in enumerate(committed):
        rng = random.Random(f"{district.code}-{half.code}")
        officer = officers[district.pk]
        for task in tasks:
            status = rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.DONE])
            progress.append(_progress(district, task, half, status, officer))
        state = REVIEW_STATES_THIS_YEAR[(index + shift) % len(REVIEW_STATES_THIS_YEAR)]
        if state is None or InterimReview.objects.filter(district=district, period=half).exists():
            continue
        review = services.review_save(
            user=officer,
            district=district,
            period=half,
            # Held in the half's last month, before it is sent around its deadline.
            held_on=half.end_date - datetime.timedelta(days=rng.randint(6, 20)),
            achievements=ACHIEVEMENTS,
            difficulties="\n".join(rng.sample(DIFFICULTIES, 2)),
            proposals="\n".join(rng.sample(PROPOSALS, 2)),
        )
        _review_steps(review, state, officer, reviewer)
        reviews += 1
    _progress_save(progress)
    return reviews
