"""The benchmark data sets: the city (Ho Chi Minh City) and the whole country, same shape.

    python -m bench.generate --scale national --seed 2030

Loads the administrative units (`load_admin_units`), then, for every district of the scale:
ten years of indicator submissions (each year and its first half), a steering committee, a plan,
key-task progress and interim reviews; one community learning centre per ward with ten years of
yearly reports (and evaluations of the last two); award rounds for the ten years with dossiers
(100,000 for the country, the same number per district for the city). Rows are written in bulk,
as a real database would hold them after years of use; the same seed gives the same data.
"""

import argparse
import datetime
import io
import os
import random
from decimal import Decimal

import django

YEARS = range(2016, 2026)
NATIONAL_DOSSIERS = 100_000
NATIONAL_DISTRICTS = 696
BATCH = 5_000
PASSWORD = "Bench@2026"  # the benchmark's own accounts, in its own database
USERS = {
    "admin": "bench.admin",
    "reviewer": "bench.reviewer",
    "officer": "bench.officer",
    "consumer": "bench.api",
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Phan"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm"]


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}"


class Generator:
    def __init__(self, *, province: str, seed: int, out=print):
        from districts.selectors import district_list

        self.rng = random.Random(seed)
        self.out = out
        self.districts = list(district_list(province_code=province or None))
        self.province = province

    # --- accounts -------------------------------------------------------------------------------

    def users(self) -> None:
        from django.contrib.auth import get_user_model

        from learningcity.choices import Role

        officer_unit = next(d for d in self.districts if d.code == "760")  # Quận 1, both scales
        roles = {
            "admin": (Role.DEPARTMENT_ADMIN, None),
            "reviewer": (Role.DEPARTMENT_REVIEWER, None),
            "officer": (Role.DISTRICT_OFFICER, officer_unit),
            "consumer": (Role.API_CONSUMER, None),
        }
        for key, username in USERS.items():
            role, unit = roles[key]
            get_user_model().objects.create_user(username, password=PASSWORD, role=role, unit=unit)
        self.reviewer = get_user_model().objects.get(username=USERS["reviewer"])

    # --- programme ------------------------------------------------------------------------------

    def programme(self) -> None:
        from districts.choices import ReviewStatus, TaskStatus
        from districts.models import (
            ImplementationPlan,
            InterimReview,
            KeyTask,
            KeyTaskProgress,
            SteeringCommittee,
        )
        from learningcity.models import ReportingPeriod

        rng = self.rng
        committees, plans, progress, reviews = [], [], [], []
        tasks = list(KeyTask.objects.filter(is_active=True).order_by("code"))
        halves = [
            ReportingPeriod.objects.get_or_create_for(kind="half_year", year=y, number=1)
            for y in (2024, 2025)
        ]
        year_2025 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
        for district in self.districts:
            if rng.random() < 0.8:
                issued = datetime.date(2024, rng.randint(3, 10), rng.randint(1, 28))
                committees.append(
                    SteeringCommittee(
                        district=district,
                        number=f"{rng.randint(100, 2999)}/QĐ-UBND",
                        issued_on=issued,
                        signer=f"Chủ tịch UBND {district.name}",
                    )
                )
                if rng.random() < 0.85:
                    plans.append(
                        ImplementationPlan(
                            district=district,
                            number=f"{rng.randint(10, 999)}/KH-UBND",
                            issued_on=issued + datetime.timedelta(days=30),
                            title=f"Kế hoạch xây dựng thành phố học tập {district.name} 2024-2030",
                        )
                    )
            for period in (*halves, year_2025):
                progress.extend(
                    KeyTaskProgress(
                        district=district,
                        key_task=task,
                        period=period,
                        status=rng.choice(TaskStatus.values),
                        account="Đã triển khai đến các phường, xã.",
                    )
                    for task in tasks
                )
            for period in halves:
                status = rng.choice(ReviewStatus.values)
                reviews.append(
                    InterimReview(
                        district=district,
                        period=period,
                        held_on=period.end_date + datetime.timedelta(days=10),
                        achievements="Tổ chức Tuần lễ học tập suốt đời; mở lớp kỹ năng số.",
                        difficulties="Kinh phí cho trung tâm học tập cộng đồng còn hạn chế.",
                        proposals="Đề nghị Sở hướng dẫn cụ thể bộ chỉ số thành phố học tập.",
                        status=status,
                        status_changed_at=None
                        if status == ReviewStatus.DRAFT
                        else _aware(period.end_date + datetime.timedelta(days=12)),
                    )
                )
        for model, rows in (
            (SteeringCommittee, committees),
            (ImplementationPlan, plans),
            (KeyTaskProgress, progress),
            (InterimReview, reviews),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
        self.out(f"programme: {len(committees)} committees, {len(reviews)} interim reviews")

    # --- indicators -----------------------------------------------------------------------------

    def indicators(self) -> None:
        from indicators.choices import SubmissionStatus, Unit
        from indicators.models import Framework, Indicator, Submission, Value
        from indicators.services import city_figures_refresh
        from learningcity.models import ReportingPeriod

        rng = self.rng
        framework = Framework.objects.get(is_current=True)
        entered = list(
            Indicator.objects.filter(computed="", area__group__framework=framework).order_by("code")
        )
        periods = []
        for year in YEARS:
            periods.append(ReportingPeriod.objects.get_or_create_for(kind="year", year=year))
            periods.append(
                ReportingPeriod.objects.get_or_create_for(kind="half_year", year=year, number=1)
            )
        latest = periods[-2]
        submissions = []
        for period in periods:
            for district in self.districts:
                status = SubmissionStatus.APPROVED
                # Quận 1, the district the benchmark asks about, is in the same state at both
                # scales, so that its figures compare like with like.
                if period == latest and district.code != "760":
                    status = rng.choice(
                        [SubmissionStatus.APPROVED] * 5
                        + [SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED]
                        + [SubmissionStatus.DRAFT]
                    )
                submissions.append(
                    Submission(
                        district=district,
                        period=period,
                        framework=framework,
                        status=status,
                        status_changed_at=_aware(period.end_date + datetime.timedelta(days=20)),
                    )
                )
        Submission.objects.bulk_create(submissions, batch_size=BATCH)
        values = []
        for submission in submissions:
            for indicator in entered:
                if indicator.is_ratio:
                    whole = rng.randint(20_000, 400_000)
                    part = int(whole * rng.uniform(0.3, 0.95))
                    values.append(
                        Value(
                            submission=submission,
                            indicator=indicator,
                            numerator=part,
                            denominator=whole,
                            value=(Decimal(part) * 100 / whole).quantize(Decimal("0.0001")),
                        )
                    )
                else:
                    value = (
                        round(rng.uniform(55, 90), 1)
                        if indicator.unit == Unit.SCORE
                        else rng.randint(5, 50_000)
                    )
                    values.append(
                        Value(submission=submission, indicator=indicator, value=Decimal(value))
                    )
            if len(values) >= BATCH:
                Value.objects.bulk_create(values)
                values.clear()
        Value.objects.bulk_create(values)
        city_figures_refresh(periods=[period.pk for period in periods])
        self.out(f"indicators: {len(submissions)} submissions of {len(entered)} values each")

    # --- community learning centres -------------------------------------------------------------

    def centres(self) -> None:
        from clc.choices import ActivityReportStatus, CentreStatus, LearningTopic
        from clc.models import ActivityReport, Centre, Evaluation, EvaluationScore, ReportTopic
        from clc.selectors import active_criteria, rating_scale
        from districts.models import AdministrativeUnit

        rng = self.rng
        wards = AdministrativeUnit.objects.wards().filter(parent__in=self.districts)
        centres = []
        for ward in wards.order_by("code"):
            model_year = rng.choice([None, None, None, None, 2023, 2024])
            centres.append(
                Centre(
                    ward=ward,
                    name=f"Trung tâm học tập cộng đồng {ward.name}",
                    decision_number=f"{rng.randint(10, 999)}/QĐ-UBND",
                    decision_date=datetime.date(rng.randint(2006, 2015), 6, 1),
                    director=_person(rng),
                    address=f"Số {rng.randint(1, 300)}, {ward.name}",
                    rooms=rng.randint(1, 6),
                    computers=rng.choice([0, 2, 5, 10]),
                    has_internet=rng.random() < 0.85,
                    status=CentreStatus.ACTIVE if rng.random() < 0.97 else CentreStatus.SUSPENDED,
                    model_decision_number=f"{rng.randint(100, 999)}/QĐ-UBND" if model_year else "",
                    model_year=model_year,
                    model_valid_until=datetime.date(model_year + 3, 12, 31) if model_year else None,
                )
            )
        Centre.objects.bulk_create(centres, batch_size=BATCH)

        statuses = [ActivityReportStatus.ACCEPTED] * 8 + [
            ActivityReportStatus.SUBMITTED,
            ActivityReportStatus.RETURNED,
        ]
        criteria = list(active_criteria())
        bands = list(rating_scale())
        reports = topics = evaluations = 0
        for year in YEARS:
            batch, batch_topics, batch_evaluations, batch_scores = [], [], [], []
            for centre in centres:
                if rng.random() < 0.08:
                    continue  # some centres never report a year
                total = rng.randint(250, 3200)
                report = ActivityReport(
                    centre=centre,
                    year=year,
                    participants_total=total,
                    participants_women=int(total * 0.55),
                    participants_elderly=int(total * 0.2),
                    participants_disabled=int(total * 0.01),
                    uses_it=rng.random() < 0.6,
                    funding_state=rng.randint(20, 120) * 1_000_000,
                    funding_social=rng.randint(0, 80) * 1_000_000,
                    highlights="Mở lớp tiếng Anh giao tiếp cho người lao động tự do.",
                    difficulties="Thiếu phòng học, phải mượn hội trường khu phố.",
                    status=rng.choice(statuses),
                    status_changed_at=_aware(datetime.date(year + 1, 1, 15)),
                    version=2,
                )
                batch.append(report)
                for topic in rng.sample(LearningTopic.values, 3):
                    classes = rng.randint(1, 10)
                    batch_topics.append(
                        ReportTopic(
                            report=report, topic=topic, classes=classes, sessions=classes * 6
                        )
                    )
                if (
                    year >= YEARS[-2]
                    and report.status == ActivityReportStatus.ACCEPTED
                    and rng.random() < 0.5
                ):
                    scores = [(c, rng.randint(c.max_points // 2, c.max_points)) for c in criteria]
                    points = sum(p for _c, p in scores)
                    evaluation = Evaluation(
                        centre=centre,
                        year=year,
                        evaluated_on=datetime.date(year, 12, 15),
                        total_points=points,
                        rating=next(b for b in bands if b.min_points <= points),
                    )
                    batch_evaluations.append(evaluation)
                    batch_scores.extend(
                        EvaluationScore(
                            evaluation=evaluation, criterion=c, max_points=c.max_points, points=p
                        )
                        for c, p in scores
                    )
            ActivityReport.objects.bulk_create(batch, batch_size=BATCH)
            ReportTopic.objects.bulk_create(batch_topics, batch_size=BATCH)
            Evaluation.objects.bulk_create(batch_evaluations, batch_size=BATCH)
            EvaluationScore.objects.bulk_create(batch_scores, batch_size=BATCH)
            reports += len(batch)
            topics += len(batch_topics)
            evaluations += len(batch_evaluations)
        self.out(
            f"centres: {len(centres)} centres, {reports} yearly reports ({topics} topic rows), "
            f"{evaluations} evaluations"
        )

    # --- awards ---------------------------------------------------------------------------------

    def awards(self, dossiers: int) -> None:
        from awards.choices import DossierAction, DossierStatus, NomineeKind
        from awards.models import (
            CommendationForm,
            Decision,
            Dossier,
            DossierEvent,
            FieldOfActivity,
            Movement,
            Round,
        )

        rng = self.rng
        movement = Movement.objects.create(
            name="Phong trào thi đua xây dựng xã hội học tập (dữ liệu đo hiệu năng)",
            launched_by="Thủ tướng Chính phủ",
            start_year=YEARS[0],
            end_year=YEARS[-1],
        )
        fields = list(FieldOfActivity.objects.order_by("code"))
        form = CommendationForm.objects.order_by("order", "code").first()
        wards: dict[int, list] = {}
        from districts.models import AdministrativeUnit

        for ward in (
            AdministrativeUnit.objects.wards().filter(parent__in=self.districts).order_by("code")
        ):
            wards.setdefault(ward.parent_id, []).append(ward)
        per_year = dossiers // len(YEARS)
        finals = [DossierStatus.AWARDED] * 6 + [DossierStatus.REJECTED] * 3
        latest = [
            DossierStatus.SUBMITTED,
            DossierStatus.RECEIVED,
            DossierStatus.UNDER_REVIEW,
            DossierStatus.RETURNED,
            DossierStatus.DRAFT,
        ]
        total = 0
        for year in YEARS:
            round = Round.objects.create(
                movement=movement,
                year=year,
                title=f"Đợt xét khen thưởng năm {year}",
                intake_opens=datetime.date(year, 3, 1),
                intake_closes=datetime.date(year, 8, 31),
                comment_opens=datetime.date(year, 9, 9),
                comment_closes=datetime.date(year, 9, 20),
                last_number=per_year,
            )
            decision = Decision.objects.create(
                round=round,
                number=f"{rng.randint(1000, 9999)}/QĐ-UBND",
                signed_on=datetime.date(year, 11, 20),
                signer="Phó Chủ tịch Ủy ban nhân dân",
                created_at=_aware(datetime.date(year, 11, 22)),
            )
            rows, names = [], set()
            for number in range(1, per_year + 1):
                district = self.districts[(number * 7919) % len(self.districts)]
                status = rng.choice(latest if year == YEARS[-1] else finals)
                kind = rng.choice(NomineeKind.values)
                created = _aware(datetime.date(year, 3, 1) + datetime.timedelta(days=number % 150))
                name = _person(rng) if kind == NomineeKind.INDIVIDUAL else "Tập thể khu phố"
                if (kind, district.pk, name) in names:  # one nomination per nominee and round
                    name = f"{name} {number}"
                names.add((kind, district.pk, name))
                rows.append(
                    Dossier(
                        round=round,
                        number=number,
                        code=Dossier.make_code(year, number),
                        nominee_kind=kind,
                        nominee_name=name,
                        district=district,
                        ward=rng.choice(wards[district.pk]) if district.pk in wards else None,
                        field=rng.choice(fields),
                        summary="Nhiều năm liền tích cực tham gia xây dựng xã hội học tập.",
                        proposed_form=form,
                        nominating_unit=f"Ủy ban nhân dân {district.name}",
                        status=status,
                        status_changed_at=created + datetime.timedelta(days=30),
                        decision=decision if status == DossierStatus.AWARDED else None,
                        created_at=created,
                        version=3,
                    )
                )
            Dossier.objects.bulk_create(rows, batch_size=BATCH)
            DossierEvent.objects.bulk_create(
                [
                    DossierEvent(
                        dossier=d,
                        action=DossierAction.SUBMIT,
                        from_status=DossierStatus.DRAFT,
                        to_status=DossierStatus.SUBMITTED,
                        at=d.created_at,
                    )
                    for d in rows
                    if d.status != DossierStatus.DRAFT
                ],
                batch_size=BATCH,
            )
            total += len(rows)
        self.out(f"awards: {len(YEARS)} rounds, {total} dossiers")


def deadlines(out=print) -> None:
    """The 2025 obligations, and each submission's first submission dated from its status
    change (the data set is written in bulk, without the services that stamp it). Idempotent,
    so that it also brings an older data set up to date."""
    from django.db.models import F

    from clc.models import ActivityReport
    from districts.models import InterimReview
    from indicators.models import Submission
    from learningcity.deadlines.choices import ObligationKind
    from learningcity.deadlines.models import Obligation
    from learningcity.deadlines.services import OBLIGATION_PLAN, default_due_date
    from learningcity.models import ReportingPeriod

    for model in (InterimReview, Submission, ActivityReport):
        model.objects.filter(first_submitted_at=None).exclude(status="draft").update(
            first_submitted_at=F("status_changed_at")
        )
    for kind, period_kind in OBLIGATION_PLAN.items():
        low, high = ReportingPeriod.NUMBER_LIMITS[period_kind]
        for number in range(low, high + 1):
            period = ReportingPeriod.objects.get_or_create_for(
                kind=period_kind, year=2025, number=number
            )
            Obligation.objects.get_or_create(
                kind=kind,
                period=period,
                defaults={"due_date": default_due_date(ObligationKind(kind), period)},
            )
    out(f"deadlines: {Obligation.objects.count()} obligations")


def generate(*, scale: str, seed: int, out=print) -> None:
    """Fill the (migrated, empty) database of the settings with the data set of ``scale``."""
    from django.core.management import call_command
    from django.db import connection, transaction

    province = "79" if scale == "city" else "all"
    call_command("load_admin_units", province=[province], stdout=io.StringIO())
    with transaction.atomic():
        generator = Generator(province="79" if scale == "city" else "", seed=seed, out=out)
        share = len(generator.districts) / NATIONAL_DISTRICTS
        generator.users()
        generator.programme()
        generator.indicators()
        generator.centres()
        generator.awards(round(NATIONAL_DOSSIERS * min(1.0, share)))
        deadlines(out=out)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them on a live database
    out(f"{scale}: {len(generator.districts)} districts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["city", "national"], default="city")
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument(
        "--update", action="store_true", help="bring an existing data set up to date only"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings.base")
    django.setup()
    if args.update:
        deadlines()
    else:
        generate(scale=args.scale, seed=args.seed)


if __name__ == "__main__":
    main()
