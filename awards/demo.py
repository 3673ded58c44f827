"""Demo award data: the 2024 round exactly as the city reported it, and a 2025 round in progress.

2024: the Department received 103 dossiers (30 individuals, 5 households or clans, 68 collectives)
and one decision of the City People's Committee awarded 65 of them (16 individuals, 1 household,
48 collectives). The council did not recommend most of the others; a few it recommended were not
granted; all 38 were then rejected. 2025: dossiers in every state of the workflow, posted for
public comment, with comments waiting for moderation.

Every dossier looks as if it had gone through the services: its events (who, when, why), its
history rows, its vote, opinions and attachments. They are written in bulk, so loading takes a
second or two. Deterministic and idempotent: a round that already has dossiers is left alone.
The 2025 round's windows are set around the day of loading (intake still open, comments open
since ten days), so that the demo always has something to post and to comment on.
"""

import copy
import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from districts.models import AdministrativeUnit
from districts.selectors import portal_district_list
from learningcity.choices import Role
from learningcity.demo import NAMED_DISTRICTS, district_officers

from .choices import AttachmentKind, CommentStatus, DossierAction, DossierStatus, NomineeKind
from .models import (
    Attachment,
    CommendationForm,
    Decision,
    Dossier,
    DossierEvent,
    FieldOfActivity,
    Movement,
    PublicComment,
    ReviewOpinion,
    Round,
    VoteTally,
    recommend_threshold,
)
from .services import vote_reason

MOVEMENT_NAME = (
    "Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn 2023-2030"
)
# Kind -> (received, awarded, recommended by the council but not granted) in the 2024 round.
PLAN_2024 = {
    NomineeKind.INDIVIDUAL: (30, 16, 1),
    NomineeKind.HOUSEHOLD: (5, 1, 0),
    NomineeKind.COLLECTIVE: (68, 48, 2),
}
# Final state -> how many 2025 dossiers are in it.
PLAN_2025 = [
    (DossierStatus.DRAFT, 3),
    (DossierStatus.SUBMITTED, 4),
    (DossierStatus.RETURNED, 2),
    (DossierStatus.RESUBMITTED, 1),
    (DossierStatus.RECEIVED, 5),
    (DossierStatus.UNDER_REVIEW, 5),
    (DossierStatus.RECOMMENDED, 4),
    (DossierStatus.NOT_RECOMMENDED, 2),
]
# The steps that lead from a draft to each final state.
A = DossierAction
PATHS = {
    DossierStatus.DRAFT: [],
    DossierStatus.SUBMITTED: [A.SUBMIT],
    DossierStatus.RETURNED: [A.SUBMIT, A.RETURN],
    DossierStatus.RESUBMITTED: [A.SUBMIT, A.RETURN, A.RESUBMIT],
    DossierStatus.RECEIVED: [A.SUBMIT, A.RECEIVE],
    DossierStatus.UNDER_REVIEW: [A.SUBMIT, A.RECEIVE, A.START_REVIEW],
    DossierStatus.RECOMMENDED: [A.SUBMIT, A.RECEIVE, A.START_REVIEW, A.RECOMMEND],
    DossierStatus.NOT_RECOMMENDED: [A.SUBMIT, A.RECEIVE, A.START_REVIEW, A.NOT_RECOMMEND],
    DossierStatus.AWARDED: [A.SUBMIT, A.RECEIVE, A.START_REVIEW, A.RECOMMEND, A.AWARD],
    "recommended_rejected": [A.SUBMIT, A.RECEIVE, A.START_REVIEW, A.RECOMMEND, A.REJECT],
    "not_recommended_rejected": [A.SUBMIT, A.RECEIVE, A.START_REVIEW, A.NOT_RECOMMEND, A.REJECT],
}
DISTRICT_STEPS = (A.SUBMIT, A.RESUBMIT)
RETURN_REASONS = [
    "Đề nghị bổ sung biên bản họp Hội đồng Thi đua - Khen thưởng của đơn vị.",
    "Báo cáo thành tích chưa có xác nhận của cấp trình; đề nghị bổ sung.",
    "Đề nghị bổ sung số liệu minh chứng cho các thành tích nêu trong báo cáo.",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Phan"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu", "Thu", "Kim", "Đức"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm"]
STREETS = ["Lê Lợi", "Nguyễn Trãi", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Võ Văn Tần"]
POSITIONS = {
    "GD": ("Giáo viên", "Trường Tiểu học"),
    "KH": ("Chủ tịch Hội Khuyến học", "Hội Khuyến học"),
    "VH": ("Cán bộ văn hóa - xã hội", "Ủy ban nhân dân"),
    "CD": ("Tổ trưởng tổ dân phố", "Ủy ban nhân dân"),
    "DN": ("Giám đốc", "Trung tâm Giáo dục nghề nghiệp"),
}
COLLECTIVES = {
    "GD": ["Trường Tiểu học", "Trường Trung học cơ sở", "Trường Mầm non"],
    "KH": ["Hội Khuyến học", "Chi hội Khuyến học khu phố 1"],
    "VH": ["Thư viện", "Nhà văn hóa"],
    "DN": ["Công ty TNHH Học liệu", "Công ty Cổ phần Tri thức"],
    "CD": ["Trung tâm học tập cộng đồng", "Khu phố 2"],
}
KIND_FIELDS = {
    NomineeKind.INDIVIDUAL: ["GD", "KH", "GD", "VH", "CD", "KH"],
    NomineeKind.HOUSEHOLD: ["KH", "CD"],
    NomineeKind.COLLECTIVE: ["GD", "KH", "CD", "VH", "DN", "GD", "CD"],
}
SUMMARIES = {
    NomineeKind.INDIVIDUAL: "Nhiều năm tích cực tham gia xây dựng xã hội học tập tại địa phương; "
    "vận động {n} người dân tham gia các lớp học tại trung tâm học tập cộng đồng; là gương "
    "điển hình về tự học, học tập suốt đời.",
    NomineeKind.HOUSEHOLD: "Gia đình, dòng họ đạt danh hiệu học tập {n} năm liền; các thành viên "
    "đều tham gia học tập thường xuyên; lập quỹ khuyến học hỗ trợ con cháu học tập.",
    NomineeKind.COLLECTIVE: "Tổ chức {n} lớp kỹ năng, chuyên đề cho người dân; đẩy mạnh chuyển "
    "đổi số trong học tập suốt đời; phối hợp tốt với Hội Khuyến học trong phong trào xây dựng "
    "xã hội học tập.",
}
# Reviewers' opinions: (for a dossier the council went on to recommend, for one it did not).
OPINIONS = {
    True: [
        "Hồ sơ đầy đủ, thành tích tiêu biểu, có sức lan tỏa trong cộng đồng.",
        "Thành tích rõ ràng, có số liệu minh chứng; đề nghị Hội đồng xem xét khen thưởng.",
    ],
    False: [
        "Thành tích chưa thật nổi bật so với các hồ sơ cùng loại.",
        "Số liệu minh chứng còn ít; chưa thể hiện rõ sức lan tỏa.",
    ],
}
# How many classes, people or years a summary cites, by nominee kind.
SUMMARY_COUNTS = {
    NomineeKind.INDIVIDUAL: (10, 120),
    NomineeKind.HOUSEHOLD: (3, 10),
    NomineeKind.COLLECTIVE: (6, 40),
}
COMMENTS = [
    (
        "Nguyễn Văn Toàn",
        "toan.nv@example.com",
        "Tôi là người dân trong khu phố, xác nhận các "
        "lớp học tại đây rất bổ ích và được duy trì thường xuyên.",
        CommentStatus.APPROVED,
    ),
    (
        "Trần Thị Hoa",
        "0903 123 456",
        "Đơn vị đã hỗ trợ con tôi học kỹ năng số miễn phí; đề nghị khen thưởng là xứng đáng.",
        CommentStatus.APPROVED,
    ),
    (
        "Lê Minh Khoa",
        "khoa.lm@example.com",
        "Đề nghị nêu rõ hơn số lớp đã mở trong năm.",
        CommentStatus.APPROVED,
    ),
    (
        "Phạm Thu Trang",
        "0912 000 111",
        "Xin hỏi hồ sơ này đã được lấy ý kiến khu dân cư chưa?",
        CommentStatus.PENDING,
    ),
    ("Võ Quốc Bảo", "bao.vq@example.com", "Ủng hộ đề nghị khen thưởng.", CommentStatus.PENDING),
]


def _pdf(title: str) -> bytes:
    """A small, well-formed one-page PDF that says ``title`` (ASCII)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 16 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _demo_file(name: str, title: str) -> tuple[str, int]:
    """A demo document stored once and shared by the demo rows that attach it."""
    path = f"awards/demo/{name}"
    content = _pdf(title)
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    return path, len(content)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(moment)


@dataclass
class Spec:
    """One demo dossier: who, where, and the steps it went through with their dates."""

    kind: str
    district: AdministrativeUnit
    field_code: str
    final: str
    returned: bool
    steps: list = field(default_factory=list)  # (action, datetime, actor, reason)


class Loader:
    def __init__(self, rng: random.Random):
        self.rng = rng
        users = get_user_model().objects
        self.admin = users.filter(role=Role.DEPARTMENT_ADMIN).order_by("pk").first()
        self.reviewer = (
            users.filter(role=Role.DEPARTMENT_REVIEWER).order_by("pk").first() or self.admin
        )
        self.officers = district_officers()
        self.districts = list(portal_district_list())
        self.wards: dict[int, list[AdministrativeUnit]] = {}
        for ward in (
            AdministrativeUnit.objects.wards().filter(parent__in=self.districts).order_by("code")
        ):
            self.wards.setdefault(ward.parent_id, []).append(ward)
        self.fields = {f.code: f for f in FieldOfActivity.objects.all()}
        self.forms = {f.code: f for f in CommendationForm.objects.all()}
        self.names: set[tuple] = set()
        self.report = _demo_file("bao-cao-thanh-tich.pdf", "Bao cao thanh tich - du lieu mau")
        self.minutes = _demo_file("bien-ban-hoi-dong.pdf", "Bien ban hop Hoi dong TD-KT")

    def district_actor(self, district):
        return self.officers.get(district.pk, self.admin)

    # --- names and details ---------------------------------------------------------------------

    def _person(self) -> str:
        rng = self.rng
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def nominee(self, spec: Spec) -> dict:
        """Name and details of a nominee, unique per district, kind and round."""
        rng = self.rng
        wards = self.wards.get(spec.district.pk) or [spec.district]
        for _attempt in range(200):
            ward = rng.choice(wards)
            details = self._details(spec, ward)
            key = (spec.district.pk, spec.kind, details["nominee_name"])
            if key not in self.names:
                self.names.add(key)
                details["ward"] = ward if ward is not spec.district else None
                return details
        raise RuntimeError("Could not find a unique demo nominee name")

    def _details(self, spec: Spec, ward) -> dict:
        rng = self.rng
        address = f"{rng.randint(1, 350)} {rng.choice(STREETS)}, {ward.name}, {spec.district.name}"
        if spec.kind == NomineeKind.INDIVIDUAL:
            position, organisation = POSITIONS[spec.field_code]
            return {
                "nominee_name": self._person(),
                "position": position,
                "organisation": f"{organisation} {ward.name}",
                "address": address,
                "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                "id_number": f"079{rng.randint(100_000_000, 999_999_999)}",
                "birth_date": datetime.date(rng.randint(1958, 1990), rng.randint(1, 12), 15),
            }
        if spec.kind == NomineeKind.HOUSEHOLD:
            head = self._person()
            family = head.split()[0]
            name = f"Gia đình ông {head}" if rng.random() < 0.5 else f"Dòng họ {family} {ward.name}"
            return {"nominee_name": name, "household_head": head, "address": address}
        kind_name = rng.choice(COLLECTIVES[spec.field_code])
        return {
            "nominee_name": f"{kind_name} {ward.name}",
            "organisation": f"Ủy ban nhân dân {spec.district.name}",
        }

    # --- writing ---------------------------------------------------------------------------------

    def write(self, round: Round, specs: list[Spec], *, decision: Decision | None = None) -> None:
        """Create ``specs`` in ``round`` as the services would have left them, in bulk."""
        rng = self.rng
        dossiers = []
        for number, spec in enumerate(specs, start=round.last_number + 1):
            details = self.nominee(spec)
            created_at = spec.steps[0][1]
            dossier = Dossier(
                round=round,
                number=number,
                code=Dossier.make_code(round.year, number),
                nominee_kind=spec.kind,
                district=spec.district,
                field=self.fields[spec.field_code],
                proposed_form=self.forms["BK-UBNDTP"],
                summary=SUMMARIES[spec.kind].format(n=rng.randint(*SUMMARY_COUNTS[spec.kind])),
                nominating_unit=f"Ủy ban nhân dân {spec.district.name}",
                status=DossierStatus.DRAFT,
                status_changed_at=created_at,
                created_at=created_at,
                **details,
            )
            dossiers.append(dossier)
        for dossier in dossiers:
            dossier.nominee_search = Dossier._meta.get_field("nominee_search").pre_save(
                dossier, True
            )
        # The first history row is the draft as created; the dossier is then stored final.
        created_rows = []
        for dossier, spec in zip(dossiers, specs, strict=True):
            snapshot = copy.copy(dossier)
            snapshot._history_date = spec.steps[0][1]
            snapshot._history_user = spec.steps[0][2]
            created_rows.append(snapshot)
        finals = []
        for dossier, spec in zip(dossiers, specs, strict=True):
            final = spec.steps[-1]
            dossier.status = self._status_after(spec)
            dossier.status_changed_at = final[1]
            dossier.version = len(spec.steps)
            if dossier.status == DossierStatus.AWARDED:
                dossier.decision = decision
            finals.append(dossier)
        Dossier.objects.bulk_create(finals)
        for row, dossier in zip(created_rows, finals, strict=True):
            row.pk = dossier.pk
        Round.objects.filter(pk=round.pk).update(last_number=round.last_number + len(finals))

        events, changes, tallies, opinions, attachments = [], [], [], [], []
        for dossier, spec in zip(finals, specs, strict=True):
            self._steps(dossier, spec, events, changes, tallies, opinions)
            attachments.extend(self._attachments(dossier, spec))
        Dossier.history.bulk_history_create(created_rows, batch_size=500)
        Dossier.history.bulk_history_create(changes, update=True, batch_size=500)
        DossierEvent.objects.bulk_create(events, batch_size=500)
        bulk_create_with_history(tallies, VoteTally, batch_size=500)
        bulk_create_with_history(opinions, ReviewOpinion, batch_size=500)
        bulk_create_with_history(attachments, Attachment, batch_size=500)

    @staticmethod
    def _status_after(spec: Spec) -> str:
        status = DossierStatus.DRAFT
        for action, *_rest in spec.steps[1:]:
            status = Dossier.TRANSITIONS[(status, action)]
        return status

    def _steps(self, dossier, spec, events, changes, tallies, opinions) -> None:
        status = DossierStatus.DRAFT
        state = copy.copy(dossier)
        state.status, state.version, state.decision = DossierStatus.DRAFT, 1, None
        events.append(
            DossierEvent(
                dossier=dossier,
                action=A.CREATE,
                from_status="",
                to_status=status,
                actor=spec.steps[0][2],
                at=spec.steps[0][1],
            )
        )
        actions = [step[0] for step in spec.steps]
        for action, at, actor, reason in spec.steps[1:]:
            target = Dossier.TRANSITIONS[(status, action)]
            if action in (A.RECOMMEND, A.NOT_RECOMMEND):
                tally = self._tally(dossier, action, at)
                tally._history_date, tally._history_user = at, actor
                tallies.append(tally)
                reason = vote_reason(tally, recommend_threshold())
            if action == A.START_REVIEW:
                opinion = ReviewOpinion(
                    dossier=dossier,
                    reviewer=self.reviewer,
                    text=self.rng.choice(OPINIONS[A.NOT_RECOMMEND not in actions]),
                    created_at=at + datetime.timedelta(days=7),
                )
                opinion._history_date = opinion.created_at
                opinion._history_user = self.reviewer
                if spec.final != DossierStatus.UNDER_REVIEW or self.rng.random() < 0.5:
                    opinions.append(opinion)
            events.append(
                DossierEvent(
                    dossier=dossier,
                    action=action,
                    from_status=status,
                    to_status=target,
                    actor=actor,
                    at=at,
                    reason=reason,
                )
            )
            status = target
            state = copy.copy(state)
            state.status, state.status_changed_at, state.version = status, at, state.version + 1
            if status == DossierStatus.AWARDED:
                state.decision = dossier.decision
            state._history_date, state._history_user = at, actor
            changes.append(state)

    def _tally(self, dossier, action, at) -> VoteTally:
        rng = self.rng
        members = 9
        if action == A.RECOMMEND:
            votes_for = rng.randint(7, members)
            against = rng.randint(0, members - votes_for)
        else:
            votes_for = rng.randint(1, 4)
            against = rng.randint(2, members - votes_for)
        meeting = (at - datetime.timedelta(days=1)).date()
        return VoteTally(
            dossier=dossier,
            meeting_date=meeting,
            votes_for=votes_for,
            votes_against=against,
            votes_abstain=members - votes_for - against,
            recorded_by=self.reviewer,
            recorded_at=at,
        )

    def _attachments(self, dossier, spec) -> list[Attachment]:
        created, actor = spec.steps[0][1], spec.steps[0][2]
        documents = [(AttachmentKind.ACHIEVEMENT_REPORT, self.report, "bao-cao-thanh-tich")]
        if dossier.nominee_kind == NomineeKind.COLLECTIVE:
            documents.append((AttachmentKind.COUNCIL_MINUTES, self.minutes, "bien-ban-hop"))
        if spec.final == DossierStatus.DRAFT and self.rng.random() < 0.5:
            documents = []  # a draft still being written
        rows = []
        for kind, (path, size), stem in documents:
            row = Attachment(
                dossier=dossier,
                kind=kind,
                file=path,
                original_name=f"{stem}-{dossier.code}.pdf",
                size=size,
                uploaded_by=actor,
                uploaded_at=created,
            )
            row._history_date, row._history_user = created, actor
            rows.append(row)
        return rows


# --- the two rounds ------------------------------------------------------------------------------


def _movement() -> Movement:
    movement = Movement.objects.filter(name=MOVEMENT_NAME).first()
    if movement is None:  # removed in the admin: put it back as the migration seeded it
        movement = Movement.objects.create(
            name=MOVEMENT_NAME,
            launched_by="Thủ tướng Chính phủ",
            launched_on=datetime.date(2023, 6, 10),
            start_year=2023,
            end_year=2030,
        )
    return movement


def _load_2024(loader: Loader, movement: Movement) -> str:
    round, _created = Round.objects.get_or_create(
        year=2024,
        defaults={
            "movement": movement,
            "title": "Đợt xét khen thưởng năm 2024",
            "intake_opens": datetime.date(2024, 3, 1),
            "intake_closes": datetime.date(2024, 8, 31),
            # Ten working days of posting before the council met.
            "comment_opens": datetime.date(2024, 9, 9),
            "comment_closes": datetime.date(2024, 9, 20),
        },
    )
    if round.dossiers.exists():
        return f"Awards: the {round.year} round is already loaded."
    rng = loader.rng
    outcomes = []
    for kind, (received, awarded, not_granted) in PLAN_2024.items():
        for index in range(received):
            if index < awarded:
                final = DossierStatus.AWARDED
            elif index < awarded + not_granted:
                final = "recommended_rejected"
            else:
                final = "not_recommended_rejected"
            outcomes.append((kind, final, KIND_FIELDS[kind][index % len(KIND_FIELDS[kind])]))
    rng.shuffle(outcomes)
    decision = Decision(
        round=round,
        number="4821/QĐ-UBND",
        signed_on=datetime.date(2024, 11, 20),
        signer="Phó Chủ tịch Ủy ban nhân dân Thành phố",
        file=_demo_file("quyet-dinh-khen-thuong-2024.pdf", "Quyet dinh khen thuong 2024")[0],
        created_at=_at(datetime.date(2024, 11, 22), 10),
    )
    decision._history_user = loader.reviewer
    decision.save()
    specs = []
    review_day = datetime.date(2024, 9, 5)
    council_day = datetime.date(2024, 10, 9)
    for index, (kind, final, field_code) in enumerate(outcomes):
        district = loader.districts[index % len(loader.districts)]
        officer = loader.district_actor(district)
        spec = Spec(kind, district, field_code, final, returned=index % 9 == 4)
        day = datetime.date(2024, 3, 4) + datetime.timedelta(days=(index * 37) % 140)
        spec.steps.append((A.CREATE, _at(day, 9, index % 60), officer, ""))
        day += datetime.timedelta(days=rng.randint(2, 6))
        spec.steps.append((A.SUBMIT, _at(day, 15, index % 60), officer, ""))
        if spec.returned:
            day += datetime.timedelta(days=3)
            spec.steps.append((A.RETURN, _at(day, 10), loader.reviewer, RETURN_REASONS[index % 3]))
            day += datetime.timedelta(days=rng.randint(5, 8))
            spec.steps.append((A.RESUBMIT, _at(day, 16), officer, ""))
        day += datetime.timedelta(days=rng.randint(2, 5))
        spec.steps.append((A.RECEIVE, _at(day, 11, index % 60), loader.reviewer, ""))
        spec.steps.append((A.START_REVIEW, _at(review_day, 9, index % 60), loader.reviewer, ""))
        verdict = A.NOT_RECOMMEND if final == "not_recommended_rejected" else A.RECOMMEND
        spec.steps.append((verdict, _at(council_day, 14, index % 60), loader.reviewer, ""))
        if final == DossierStatus.AWARDED:
            spec.steps.append((A.AWARD, decision.created_at, loader.reviewer, str(decision)))
        else:
            reason = (
                "Không được Ủy ban nhân dân Thành phố khen thưởng trong đợt này."
                if final == "recommended_rejected"
                else "Hội đồng Thi đua - Khen thưởng không đề nghị khen thưởng."
            )
            spec.steps.append(
                (A.REJECT, _at(datetime.date(2024, 11, 25), 9), loader.reviewer, reason)
            )
        specs.append(spec)
    loader.write(round, specs, decision=decision)
    awarded = round.dossiers.filter(status=DossierStatus.AWARDED).count()
    return (
        f"Awards: {round.year} round with {len(specs)} dossiers received, {awarded} awarded by "
        f"decision {decision.number}."
    )


def _load_2025(loader: Loader, movement: Movement) -> str:
    today = timezone.localdate()
    intake_opens = datetime.date(2025, 3, 3)
    comment_opens = max(intake_opens, today - datetime.timedelta(days=10))
    round, _created = Round.objects.get_or_create(
        year=2025,
        defaults={
            "movement": movement,
            "title": "Đợt xét khen thưởng năm 2025",
            "intake_opens": intake_opens,
            "intake_closes": max(datetime.date(2025, 10, 31), today + datetime.timedelta(60)),
            "comment_opens": comment_opens,
            "comment_closes": today + datetime.timedelta(days=20),
        },
    )
    if round.dossiers.exists():
        return f"Awards: the {round.year} round is already loaded."
    rng = loader.rng
    now = timezone.now()
    # Every other dossier goes to a named demo account's district, so each of them has work in
    # several states; the rest spread over the other districts.
    own = [d for d in loader.districts if d.code in NAMED_DISTRICTS] or loader.districts
    others = [d for d in loader.districts if d not in own] or own
    kinds = [
        NomineeKind.COLLECTIVE,
        NomineeKind.INDIVIDUAL,
        NomineeKind.COLLECTIVE,
        NomineeKind.HOUSEHOLD,
        NomineeKind.INDIVIDUAL,
    ]
    start = max(intake_opens, today - datetime.timedelta(days=100))
    specs = []
    index = 0
    for final, count in PLAN_2025:
        for _n in range(count):
            pool = own if index % 2 == 0 else others
            district = pool[(index // 2) % len(pool)]
            kind = kinds[index % len(kinds)]
            field_codes = KIND_FIELDS[kind]
            spec = Spec(kind, district, field_codes[index % len(field_codes)], final, False)
            officer = loader.district_actor(district)
            day = start + datetime.timedelta(days=index)
            actions = PATHS[final]
            moments = [day]
            for action in actions:
                if action == A.START_REVIEW:
                    day = max(day, start + datetime.timedelta(days=45))
                elif action in (A.RECOMMEND, A.NOT_RECOMMEND):
                    day = max(day, start + datetime.timedelta(days=75))
                else:
                    day += datetime.timedelta(days=rng.randint(2, 4))
                moments.append(day)
            spec.steps.append((A.CREATE, min(_at(moments[0], 9, index), now), officer, ""))
            for action, moment in zip(actions, moments[1:], strict=True):
                actor = officer if action in DISTRICT_STEPS else loader.reviewer
                reason = RETURN_REASONS[index % 3] if action == A.RETURN else ""
                spec.steps.append((action, min(_at(moment, 10, index), now), actor, reason))
            specs.append(spec)
            index += 1
    loader.write(round, specs)
    posted = list(
        round.dossiers.filter(
            status__in=(DossierStatus.RECEIVED, DossierStatus.UNDER_REVIEW)
        ).order_by("number")[: len(COMMENTS)]
    )
    comments = []
    for offset, (dossier, (name, contact, text, status)) in enumerate(
        zip(posted, COMMENTS, strict=False)
    ):
        sent = min(_at(comment_opens, 8) + datetime.timedelta(days=offset, hours=3), now)
        comment = PublicComment(
            dossier=dossier,
            author_name=name,
            contact=contact,
            text=text,
            status=status,
            submitted_at=sent,
        )
        if status == CommentStatus.APPROVED:
            comment.moderated_by = loader.reviewer
            comment.moderated_at = min(sent + datetime.timedelta(hours=5), now)
        comment._history_date = sent
        comments.append(comment)
    bulk_create_with_history(comments, PublicComment)
    states = ", ".join(f"{count} {status}" for status, count in PLAN_2025)
    return f"Awards: {round.year} round in progress with {len(specs)} dossiers ({states})."


@transaction.atomic
def demo_data_load() -> list[str]:
    loader = Loader(random.Random(20241120))
    if loader.admin is None or not loader.districts:
        return ["Awards: no demo accounts or districts; nothing loaded."]
    movement = _movement()
    return [_load_2024(loader, movement), _load_2025(loader, movement)]
