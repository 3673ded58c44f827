"""Test data for the awards app: rounds, dossiers moved through the real services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards import services
from awards.choices import AttachmentKind, DossierStatus, NomineeKind
from awards.models import CommendationForm, Dossier, FieldOfActivity, Movement, Round

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
FAKE_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
PERSONAL = {
    "phone": "0912345678",
    "id_number": "079123456789",
    "address": "12 Lê Lợi, Phường Bến Nghé",
    "birth_date": datetime.date(1975, 5, 17),
}


def make_round(year: int = 2030, *, comment_open: bool = True, intake_open: bool = True) -> Round:
    """A round of ``year`` whose windows are open (or closed) today."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    intake = (today - 90 * day, today + (30 if intake_open else -60) * day)
    comment = (
        (today - 5 * day, today + 10 * day)
        if comment_open
        else (today - 60 * day, today - 40 * day)
    )
    return Round.objects.create(
        movement=Movement.objects.get(),
        year=year,
        intake_opens=intake[0],
        intake_closes=intake[1],
        comment_opens=comment[0],
        comment_closes=comment[1],
    )


def fields(**overrides) -> dict:
    values = {
        "nominee_kind": NomineeKind.INDIVIDUAL,
        "nominee_name": "Nguyễn Văn An",
        "position": "Giáo viên",
        "organisation": "Trường THCS Văn Lang",
        "field": FieldOfActivity.objects.get(code="GD"),
        "proposed_form": CommendationForm.objects.get(code="BK-UBNDTP"),
        "summary": "Tích cực vận động người dân học tập suốt đời.",
        "nominating_unit": "UBND Quận 1",
        **PERSONAL,
    }
    values.update(overrides)
    return values


def create(user, round: Round, district, **overrides) -> Dossier:
    return services.dossier_create(user=user, round=round, district=district, **fields(**overrides))


def upload(content: bytes = PDF, name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(user, dossier: Dossier, kind: str = AttachmentKind.ACHIEVEMENT_REPORT):
    return services.attachment_add(user=user, dossier=dossier, kind=kind, file=upload())


def submitted(user, round: Round, district, **overrides) -> Dossier:
    dossier = create(user, round, district, **overrides)
    attach(user, dossier)
    return services.dossier_submit(user=user, dossier=dossier)


def advance(dossier: Dossier, status: str, *, officer, reviewer, **vote) -> Dossier:
    """Move ``dossier`` (a draft) to ``status`` through the services, the shortest way."""
    steps = {
        DossierStatus.SUBMITTED: 1,
        DossierStatus.RETURNED: 2,
        DossierStatus.RESUBMITTED: 3,
        DossierStatus.RECEIVED: 2,
        DossierStatus.UNDER_REVIEW: 3,
        DossierStatus.RECOMMENDED: 4,
        DossierStatus.NOT_RECOMMENDED: 4,
        DossierStatus.REJECTED: 5,
    }
    if status == DossierStatus.DRAFT:
        return dossier
    if not dossier.attachments.exists():
        attach(officer, dossier)
    dossier = services.dossier_submit(user=officer, dossier=dossier)
    if status in (DossierStatus.RETURNED, DossierStatus.RESUBMITTED):
        dossier = services.dossier_return(user=reviewer, dossier=dossier, reason="Bổ sung.")
        if status == DossierStatus.RESUBMITTED:
            dossier = services.dossier_submit(user=officer, dossier=dossier)
        return dossier
    if steps[status] >= 2:
        dossier = services.dossier_receive(user=reviewer, dossier=dossier)
    if steps[status] >= 3:
        dossier = services.dossier_start_review(user=reviewer, dossier=dossier)
    if steps[status] >= 4:
        against = 8 if status == DossierStatus.NOT_RECOMMENDED else 1
        dossier = services.vote_record(
            user=reviewer,
            dossier=dossier,
            meeting_date=timezone.localdate(),
            **(vote or {"votes_for": 9 - against, "votes_against": against, "votes_abstain": 0}),
        )
    if status == DossierStatus.REJECTED:
        dossier = services.dossier_reject(user=reviewer, dossier=dossier, reason="Không đạt.")
    return dossier


def grant(reviewer, round: Round, dossiers, number: str = "1234/QĐ-UBND"):
    return services.decision_grant(
        user=reviewer,
        round=round,
        number=number,
        signed_on=timezone.localdate(),
        signer="Phó Chủ tịch UBND Thành phố",
        dossiers=dossiers,
    )


def load_demo() -> None:
    """The demo accounts, then the awards demo (2024 and 2025 rounds)."""
    from awards import demo as awards_demo
    from learningcity import demo as accounts_demo

    accounts_demo.demo_data_load()
    awards_demo.demo_data_load()
