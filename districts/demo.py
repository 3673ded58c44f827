"""Demo programme data: the state the city reported, with 16 of 22 districts having a committee
(30/10/2024), most with a plan, interim reviews in every state. Deterministic and idempotent."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from learningcity.choices import Role
from learningcity.models import ReportingPeriod

from . import selectors, services
from .choices import CommitteeRole, ReviewStatus, TaskStatus
from .models import InterimReview, KeyTaskProgress, SteeringCommittee

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
    user_model = get_user_model()
    admin = user_model.objects.filter(role=Role.DEPARTMENT_ADMIN).first()
    reviewer = user_model.objects.filter(role=Role.DEPARTMENT_REVIEWER).first()
    year_2025 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    half_2025 = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)
    districts = list(selectors.portal_district_list())
    made = 0
    for district in districts:
        if district.code in WITHOUT_COMMITTEE:
            continue
        if SteeringCommittee.objects.filter(district=district).exists():
            continue  # loaded before
        made += 1
        issued = datetime.date(2024, rng.randint(3, 10), rng.randint(1, 28))
        committee = services.committee_establish(
            user=admin,
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
                user=admin,
                committee=committee,
                full_name=name,
                position=position,
                organisation=f"{organisation} {district.name}" if order == 1 else organisation,
                role=role,
                order=order,
            )
        if district.code not in WITHOUT_PLAN:
            services.plan_issue(
                user=admin,
                district=district,
                number=f"{rng.randint(10, 999)}/KH-UBND",
                issued_on=issued + datetime.timedelta(days=rng.randint(10, 60)),
                title=f"Kế hoạch triển khai xây dựng Thành phố học tập toàn cầu UNESCO trên địa "
                f"bàn {district.name} giai đoạn 2024-2030",
                start_year=2024,
                end_year=2030,
            )
        for period in (half_2025, year_2025):
            for task in selectors.key_tasks_for(period=period):
                status = rng.choice(list(TaskStatus))
                account = (
                    ""
                    if status == TaskStatus.NOT_STARTED
                    else ("Đã triển khai đến các phường, xã, thị trấn.")
                )
                KeyTaskProgress.objects.get_or_create(
                    district=district,
                    key_task=task,
                    period=period,
                    defaults={"status": status, "account": account},
                )
        state = REVIEW_STATES.get(district.code)
        if state is None or InterimReview.objects.filter(district=district).exists():
            continue
        review = services.review_save(
            user=admin,
            district=district,
            period=half_2025,
            held_on=datetime.date(2025, 7, rng.randint(5, 25)),
            achievements="Đã thành lập Ban chỉ đạo, ban hành kế hoạch và triển khai đến các "
            "phường; tổ chức Tuần lễ học tập suốt đời; các trung tâm học tập cộng đồng mở "
            "lớp kỹ năng số cho người dân.",
            difficulties="\n".join(rng.sample(DIFFICULTIES, 2)),
            proposals="\n".join(rng.sample(PROPOSALS, 2)),
        )
        if state != ReviewStatus.DRAFT:
            review = services.review_submit(user=admin, review=review)
        if state == ReviewStatus.ACKNOWLEDGED:
            services.review_acknowledge(user=reviewer, review=review, comment="")
        elif state == ReviewStatus.RETURNED:
            services.review_return(
                user=reviewer,
                review=review,
                comment="Đề nghị bổ sung số liệu cụ thể về số lớp và số người tham gia.",
            )
    with_committee = SteeringCommittee.objects.filter(superseded_at=None).count()
    return [
        f"Programme: {with_committee}/{len(districts)} districts have a steering committee"
        f" ({made} added)."
    ]
