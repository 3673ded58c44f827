"""Demo centres: one per ward of the city (273), about one model centre per district, yearly
reports and evaluations for 2024 and 2025 in mixed states, with some districts missing reports.

Deterministic (every centre, report and evaluation draws from its own seeded generator) and
idempotent (what exists is left alone). Rows are created in bulk, with their history rows,
in a few seconds.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from districts.selectors import in_portal, ward_list
from learningcity.choices import Role

from . import selectors
from .choices import ActivityReportStatus, CentreStatus, LearningTopic
from .models import ActivityReport, Centre, Evaluation, EvaluationScore, ReportTopic

YEARS = (2024, 2025)
CHANGE_REASON = "demo data"
# District code -> years with no report from any of its centres.
SILENT = {"784": {2025}, "786": {2025}, "787": {2024}}
# District code -> years its office has not evaluated yet.
NOT_EVALUATED = {"783": {2025}, "785": {2025}}
# Model centres besides the one each district has: a second one in Thủ Đức, and an expired one.
EXTRA_MODEL = {"769": 2}
EXPIRED_MODEL = {"787"}
SUSPENDED_WARDS = 2  # centres suspended across the city
# (status, weight) of a report, by year, where the district reports at all.
STATES = {
    2024: [
        (ActivityReportStatus.ACCEPTED, 86),
        (ActivityReportStatus.SUBMITTED, 4),
        (None, 10),
    ],
    2025: [
        (ActivityReportStatus.ACCEPTED, 58),
        (ActivityReportStatus.SUBMITTED, 16),
        (ActivityReportStatus.RETURNED, 8),
        (ActivityReportStatus.DRAFT, 8),
        (None, 10),
    ],
}
IT_LIKELIHOOD = {2024: 0.58, 2025: 0.74}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Phan"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm"]
STREETS = ["Lê Lợi", "Nguyễn Trãi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Cách Mạng"]
IT_USES = [
    "Lớp kỹ năng số qua Zalo và Google Meet; tra cứu dịch vụ công trực tuyến.",
    "Phòng máy cho người dân học tin học cơ bản; tủ sách điện tử.",
    "Hướng dẫn người cao tuổi dùng điện thoại thông minh, thanh toán không dùng tiền mặt.",
]
HIGHLIGHTS = [
    "Tổ chức lớp tiếng Anh giao tiếp cho người lao động tự do.",
    "Phối hợp Hội Khuyến học mở lớp kỹ năng sống cho thanh thiếu niên hè.",
    "Lớp chuyển giao kỹ thuật trồng rau sạch, nuôi trồng thủy sản.",
    "Tuyên truyền pháp luật về an toàn giao thông, phòng chống ma túy.",
]
DIFFICULTIES = [
    "Thiếu phòng học, phải mượn hội trường khu phố.",
    "Kinh phí hoạt động còn hạn chế.",
    "Người dân khó sắp xếp thời gian tham gia học.",
    "Thiết bị công nghệ thông tin đã cũ.",
]
RETURN_COMMENT = "Đề nghị bổ sung số lớp theo chủ đề và số người tham gia là phụ nữ."


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _centre(ward, rng: random.Random, *, model: str | None, suspended: bool) -> Centre:
    established = datetime.date(rng.randint(2006, 2016), rng.randint(1, 12), rng.randint(1, 28))
    centre = Centre(
        ward=ward,
        name=f"Trung tâm học tập cộng đồng {ward.name}",
        decision_number=f"{rng.randint(10, 999)}/QĐ-UBND",
        decision_date=established,
        director=_person(rng),
        phone=f"028 3{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        email=f"tthtcd.{ward.code}@demo.hcm.edu.vn",
        address=f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {ward.name}",
        rooms=rng.randint(1, 6),
        has_library_corner=rng.random() < 0.7,
        computers=rng.choice([0, 0, 2, 3, 5, 8, 10, 15]),
        has_internet=rng.random() < 0.85,
        status=CentreStatus.SUSPENDED if suspended else CentreStatus.ACTIVE,
    )
    if model:
        year = 2022 if model == "expired" else rng.choice([2023, 2024])
        centre.model_decision_number = f"{rng.randint(100, 999)}/QĐ-UBND"
        centre.model_year = year
        centre.model_valid_until = datetime.date(year + (1 if model == "expired" else 3), 12, 31)
    return centre


def _report(centre: Centre, year: int, status: str, rng: random.Random):
    total = rng.randint(250, 3200)
    uses_it = rng.random() < IT_LIKELIHOOD[year]
    report = ActivityReport(
        centre=centre,
        year=year,
        participants_total=total,
        participants_women=int(total * rng.uniform(0.48, 0.62)),
        participants_elderly=int(total * rng.uniform(0.12, 0.3)),
        participants_disabled=int(total * rng.uniform(0, 0.03)),
        uses_it=uses_it,
        it_usage=rng.choice(IT_USES) if uses_it else "",
        funding_state=rng.randint(20, 120) * 1_000_000,
        funding_social=rng.randint(0, 80) * 1_000_000,
        funding_association=rng.randint(0, 20) * 500_000,
        funding_other=rng.choice([0, 0, 1, 2, 5]) * 1_000_000,
        highlights=rng.choice(HIGHLIGHTS),
        difficulties=rng.choice(DIFFICULTIES),
        status=status,
        status_changed_at=timezone.make_aware(
            datetime.datetime(year + 1, 1, rng.randint(5, 28), 9, 0)
        )
        if status != ActivityReportStatus.DRAFT
        else None,
        review_comment=RETURN_COMMENT if status == ActivityReportStatus.RETURNED else "",
        version=1 if status == ActivityReportStatus.DRAFT else 2,
    )
    topics = []
    for topic in LearningTopic.values:
        if rng.random() < 0.6:
            classes = rng.randint(1, 10)
            topics.append((topic, classes, classes * rng.randint(4, 12)))
    return report, topics


def _evaluation(centre: Centre, year: int, criteria, bands, rng: random.Random):
    quality = rng.uniform(0.4, 1.0)
    scores = [
        (c, max(0, min(c.max_points, round(c.max_points * quality + rng.uniform(-2, 2)))))
        for c in criteria
    ]
    total = sum(points for _c, points in scores)
    evaluation = Evaluation(
        centre=centre,
        year=year,
        evaluated_on=datetime.date(year, 12, rng.randint(10, 28)),
        total_points=total,
        rating=next(band for band in bands if band.min_points <= total),
        comments="Trung tâm hoạt động đều đặn, bám sát nhu cầu học tập của người dân.",
        proposals="Tăng cường ứng dụng công nghệ thông tin; mở thêm lớp kỹ năng số.",
    )
    return evaluation, scores


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


@transaction.atomic
def demo_data_load() -> list[str]:
    admin = get_user_model().objects.filter(role=Role.DEPARTMENT_ADMIN).order_by("pk").first()
    history = {"default_user": admin, "default_change_reason": CHANGE_REASON}
    wards = list(in_portal(ward_list(), district="parent"))
    by_district: dict[str, list] = {}
    for ward in wards:
        by_district.setdefault(ward.parent.code, []).append(ward)

    models = {}
    for code, district_wards in by_district.items():
        rng = random.Random(f"model-{code}")
        for ward in rng.sample(district_wards, EXTRA_MODEL.get(code, 1)):
            models[ward.pk] = "expired" if code in EXPIRED_MODEL else "valid"
    rng = random.Random("suspended")
    suspended = {ward.pk for ward in rng.sample(wards, SUSPENDED_WARDS) if ward.pk not in models}

    registered = set(Centre.objects.values_list("ward_id", flat=True))
    new_centres = [
        _centre(
            ward,
            random.Random(f"centre-{ward.code}"),
            model=models.get(ward.pk),
            suspended=ward.pk in suspended,
        )
        for ward in wards
        if ward.pk not in registered
    ]
    bulk_create_with_history(new_centres, Centre, **history)

    centres = list(Centre.objects.filter(ward__in=wards).select_related("ward__parent"))
    reported = set(ActivityReport.objects.values_list("centre_id", "year"))
    new_reports, topic_rows = [], []
    for year in YEARS:
        for centre in centres:
            if (centre.pk, year) in reported or year in SILENT.get(centre.ward.parent.code, ()):
                continue
            rng = random.Random(f"report-{centre.ward.code}-{year}")
            status = _weighted(rng, STATES[year])
            if status is None:
                continue
            report, topics = _report(centre, year, status, rng)
            new_reports.append(report)
            topic_rows.append(topics)
    bulk_create_with_history(new_reports, ActivityReport, **history)
    bulk_create_with_history(
        [
            ReportTopic(report=report, topic=topic, classes=classes, sessions=sessions)
            for report, topics in zip(new_reports, topic_rows, strict=True)
            for topic, classes, sessions in topics
        ],
        ReportTopic,
        **history,
    )

    criteria = list(selectors.active_criteria())
    bands = list(selectors.rating_scale())  # best first
    evaluated = set(Evaluation.objects.values_list("centre_id", "year"))
    accepted = set(
        ActivityReport.objects.filter(status=ActivityReportStatus.ACCEPTED).values_list(
            "centre_id", "year"
        )
    )
    new_evaluations, score_rows = [], []
    for year in YEARS:
        for centre in centres:
            key = (centre.pk, year)
            if key in evaluated or key not in accepted:
                continue
            if year in NOT_EVALUATED.get(centre.ward.parent.code, ()):
                continue
            rng = random.Random(f"evaluation-{centre.ward.code}-{year}")
            evaluation, scores = _evaluation(centre, year, criteria, bands, rng)
            new_evaluations.append(evaluation)
            score_rows.append(scores)
    bulk_create_with_history(new_evaluations, Evaluation, **history)
    bulk_create_with_history(
        [
            EvaluationScore(
                evaluation=evaluation, criterion=c, max_points=c.max_points, points=points
            )
            for evaluation, scores in zip(new_evaluations, score_rows, strict=True)
            for c, points in scores
        ],
        EvaluationScore,
        **history,
    )

    today = timezone.localdate()
    model_count = Centre.objects.model_at(today).count()
    reports = dict(ActivityReport.objects.values_list("year").annotate(n=Count("pk")).order_by())
    return [
        f"Learning centres: {len(centres)} centres, {model_count} model centres today "
        f"({len(new_centres)} added); reports {reports}; "
        f"{Evaluation.objects.count()} evaluations ({len(new_evaluations)} added)."
    ]
