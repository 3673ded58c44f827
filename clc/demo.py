"""Demo centres: one per ward of the city (273), about one model centre per district, yearly
reports and evaluations for 2024 and 2025 in mixed states, with some districts missing reports.

The current year's reports are being written (drafts), due at the end of March next year.

Deterministic (every centre, report and evaluation draws from its own seeded generator) and
idempotent (what exists is left alone). Rows are created in bulk, with their history rows,
in a few seconds. Each district's officer registers its centres, writes and sends their reports
and accepts or returns them (the district office reviews its centres' reports), and evaluates
them: a report has a history row for each step, which the deadlines demo dates around the
report's deadline; a centre is dated when the portal started, an evaluation on its day.
"""

import copy
import datetime
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from districts.selectors import in_portal, ward_list
from learningcity.demo import FIRST_DEMO_YEAR, at, demo_years, district_officers

from . import selectors
from .choices import ActivityReportStatus, CentreStatus, LearningTopic
from .models import ActivityReport, Centre, Evaluation, EvaluationScore, ReportTopic

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
# A later year, still under way: some centres have begun their report.
STATES_UNDER_WAY = [(ActivityReportStatus.DRAFT, 30), (None, 70)]
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
    uses_it = rng.random() < IT_LIKELIHOOD.get(year, IT_LIKELIHOOD[2025])
    # Placeholder dates of sending and review; the deadlines demo dates them around the due date.
    changed = (
        timezone.make_aware(datetime.datetime(year + 1, 1, rng.randint(5, 28), 9, 0))
        if status != ActivityReportStatus.DRAFT
        else None
    )
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
        status_changed_at=changed,
        first_submitted_at=changed,
        review_comment=RETURN_COMMENT if status == ActivityReportStatus.RETURNED else "",
        version=len(_path(status)),
    )
    topics = []
    for topic in LearningTopic.values:
        if rng.random() < 0.6:
            classes = rng.randint(1, 10)
            topics.append((topic, classes, classes * rng.randint(4, 12)))
    return report, topics


def _path(status: str) -> list[str]:
    """The states a report went through to reach ``status``."""
    if status == ActivityReportStatus.DRAFT:
        return [status]
    if status == ActivityReportStatus.SUBMITTED:
        return [ActivityReportStatus.DRAFT, status]
    return [ActivityReportStatus.DRAFT, ActivityReportStatus.SUBMITTED, status]


def _report_history(reports: list[ActivityReport], officers) -> None:
    """A history row for each step of each report, in the order they were taken, with the
    officer of the centre's district as actor (dated by the deadlines demo)."""
    rows = []
    for report in reports:
        path = _path(report.status)
        for version, status in enumerate(path, start=1):
            row = copy.copy(report)
            row.status, row.version = status, version
            if status == ActivityReportStatus.DRAFT:
                row.status_changed_at = row.first_submitted_at = None
            row._history_user = officers.get(report.centre.ward.parent_id)
            rows.append((version, row))
    # Every report's first step before any report's second: history rows dated in this order.
    rows.sort(key=lambda pair: pair[0])
    ActivityReport.history.bulk_history_create(
        [row for _version, row in rows], default_change_reason=CHANGE_REASON, batch_size=500
    )


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
    officers = district_officers()
    history = {"default_change_reason": CHANGE_REASON}
    years = demo_years()
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
    new_centres = []
    for ward in wards:
        if ward.pk in registered:
            continue
        centre = _centre(
            ward,
            random.Random(f"centre-{ward.code}"),
            model=models.get(ward.pk),
            suspended=ward.pk in suspended,
        )
        # Registered by the district's officer when the portal opened.
        day = datetime.date(FIRST_DEMO_YEAR, 1, 8) + datetime.timedelta(days=ward.pk % 20)
        centre._history_date, centre._history_user = at(day, 9), officers.get(ward.parent_id)
        new_centres.append(centre)
    bulk_create_with_history(new_centres, Centre, **history)

    centres = list(Centre.objects.filter(ward__in=wards).select_related("ward__parent"))
    reported = set(ActivityReport.objects.values_list("centre_id", "year"))
    new_reports, topic_rows = [], []
    for year in years:
        for centre in centres:
            if (centre.pk, year) in reported or year in SILENT.get(centre.ward.parent.code, ()):
                continue
            rng = random.Random(f"report-{centre.ward.code}-{year}")
            status = _weighted(rng, STATES.get(year, STATES_UNDER_WAY))
            if status is None:
                continue
            report, topics = _report(centre, year, status, rng)
            new_reports.append(report)
            topic_rows.append(topics)
    ActivityReport.objects.bulk_create(new_reports, batch_size=500)
    # The topics' history first: they were written in the draft, before it was sent.
    topics = []
    for report, rows in zip(new_reports, topic_rows, strict=True):
        for topic, classes, sessions in rows:
            row = ReportTopic(report=report, topic=topic, classes=classes, sessions=sessions)
            row._history_user = officers.get(report.centre.ward.parent_id)
            topics.append(row)
    bulk_create_with_history(topics, ReportTopic, **history)
    _report_history(new_reports, officers)

    criteria = list(selectors.active_criteria())
    bands = list(selectors.rating_scale())  # best first
    evaluated = set(Evaluation.objects.values_list("centre_id", "year"))
    accepted = set(
        ActivityReport.objects.filter(status=ActivityReportStatus.ACCEPTED).values_list(
            "centre_id", "year"
        )
    )
    new_evaluations, score_rows = [], []
    for year in years:
        for centre in centres:
            key = (centre.pk, year)
            if key in evaluated or key not in accepted:
                continue
            if year in NOT_EVALUATED.get(centre.ward.parent.code, ()):
                continue
            rng = random.Random(f"evaluation-{centre.ward.code}-{year}")
            evaluation, scores = _evaluation(centre, year, criteria, bands, rng)
            # Entered by the district's officer the day after the evaluation.
            evaluation._history_date = at(evaluation.evaluated_on + datetime.timedelta(days=1), 10)
            evaluation._history_user = officers.get(centre.ward.parent_id)
            new_evaluations.append(evaluation)
            score_rows.append(scores)
    bulk_create_with_history(new_evaluations, Evaluation, **history)
    scores = []
    for evaluation, rows in zip(new_evaluations, score_rows, strict=True):
        for criterion, points in rows:
            score = EvaluationScore(
                evaluation=evaluation,
                criterion=criterion,
                max_points=criterion.max_points,
                points=points,
            )
            score._history_date = evaluation._history_date
            score._history_user = evaluation._history_user
            scores.append(score)
    bulk_create_with_history(scores, EvaluationScore, **history)

    today = timezone.localdate()
    model_count = Centre.objects.model_at(today).count()
    reports = dict(ActivityReport.objects.values_list("year").annotate(n=Count("pk")).order_by())
    return [
        f"Learning centres: {len(centres)} centres, {model_count} model centres today "
        f"({len(new_centres)} added); reports {reports}; "
        f"{Evaluation.objects.count()} evaluations ({len(new_evaluations)} added)."
    ]
