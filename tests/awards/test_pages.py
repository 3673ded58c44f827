"""The awards pages: a district nominates, the Department reviews, the public comments, the
People's Committee decides; scoping, personal data, bad uploads, exports and query counts."""

import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from awards import services
from awards.choices import AttachmentKind, CommentStatus, DossierStatus, NomineeKind
from awards.models import (
    Attachment,
    CommendationForm,
    Dossier,
    FieldOfActivity,
    PublicComment,
    Round,
)

from .helpers import (
    FAKE_PDF,
    PDF,
    PERSONAL,
    advance,
    attach,
    create,
    grant,
    load_demo,
    make_round,
    upload,
)


def english(client):
    client.cookies["django_language"] = "en"
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_data(round, district, **changes) -> dict:
    ward = district.children.order_by("code").first()
    data = {
        "round": round.pk,
        "district": district.code,
        "nominee_kind": NomineeKind.INDIVIDUAL,
        "nominee_name": "Nguyễn Thị Hồng Nhung",
        "position": "Giáo viên",
        "organisation": "Trường Tiểu học Trần Hưng Đạo",
        "household_head": "",
        "address": "45 Nguyễn Huệ, Phường Bến Nghé",
        "phone": "0987654321",
        "id_number": "079188812345",
        "birth_date": "1980-03-21",
        "ward": ward.pk,
        "field": FieldOfActivity.objects.get(code="GD").pk,
        "proposed_form": CommendationForm.objects.get(code="BK-UBNDTP").pk,
        "summary": "Vận động 120 người dân tham gia lớp kỹ năng số.",
        "nominating_unit": "UBND Quận 1",
    }
    data.update(changes)
    return data


PERSONAL_MARKS = ["0987654321", "079188812345", "45 Nguyễn Huệ", "21/03/1980"]


def test_a_dossier_goes_from_the_district_to_the_award(
    client, hcmc, officer_1, reviewer, district_1, round_open
):
    """The issue's "done when": create with attachments, submit, return, resubmit, receive,
    opinions and vote, public posting, decision."""
    client.force_login(officer_1)
    response = client.post(
        "/awards/new/",
        {
            **form_data(round_open, district_1),
            "achievement_report": upload(PDF, "bao-cao-thanh-tich.pdf"),
            "council_minutes": upload(PDF, "bien-ban.pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    dossier = Dossier.objects.get()
    assert dossier.code == "KT-2030-0001" and dossier.attachments.count() == 2
    assert response["Location"] == f"/awards/{dossier.pk}/"
    detail = html(client.get(f"/awards/{dossier.pk}/"))
    assert f"/awards/{dossier.pk}/submit/" in detail and "0987654321" in detail
    client.post(f"/awards/{dossier.pk}/submit/", {"expected_status": "draft"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED

    client.force_login(reviewer)
    assert dossier.code in html(client.get("/awards/review/"))
    client.post(f"/awards/{dossier.pk}/return/", {"reason": "Bổ sung minh chứng số lớp học."})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED

    client.force_login(officer_1)
    assert "Bổ sung minh chứng số lớp học." in html(client.get(f"/awards/{dossier.pk}/"))
    response = client.post(
        f"/awards/{dossier.pk}/edit/",
        {
            **form_data(round_open, district_1, summary="Đã bổ sung: 14 lớp, 320 học viên."),
            "version": dossier.version,
            "evidence": upload(PDF, "minh-chung.pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    client.post(f"/awards/{dossier.pk}/submit/", {"expected_status": "returned"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESUBMITTED and dossier.attachments.count() == 3

    client.force_login(reviewer)
    client.post(f"/awards/{dossier.pk}/receive/", {"expected_status": "resubmitted"})
    client.post(f"/awards/{dossier.pk}/start-review/", {"expected_status": "received"})
    client.post(f"/awards/{dossier.pk}/opinions/", {"text": "Thành tích nổi bật."})
    response = client.post(
        f"/awards/{dossier.pk}/vote/",
        {
            "meeting_date": "2030-01-15",
            "votes_for": 7,
            "votes_against": 1,
            "votes_abstain": 1,
            "expected_status": "under_review",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECOMMENDED

    public = html(Client().get(f"/awards/public/{round_open.pk}/"))
    assert "Nguyễn Thị Hồng Nhung" in public and "Đã bổ sung: 14 lớp" in public
    assert not any(mark in public for mark in PERSONAL_MARKS)

    page = html(client.get(f"/awards/rounds/{round_open.pk}/decision/"))
    assert dossier.code in page
    response = client.post(
        f"/awards/rounds/{round_open.pk}/decision/",
        {
            "number": "1234/QĐ-UBND",
            "signed_on": "2030-02-01",
            "signer": "Phó Chủ tịch UBND Thành phố",
            "dossiers": [dossier.pk],
            "file": upload(PDF, "quyet-dinh.pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWARDED
    public = html(Client().get(f"/awards/public/{round_open.pk}/"))
    assert "1234/QĐ-UBND" in public and "Nguyễn Thị Hồng Nhung" in public

    timeline = html(client.get(f"/awards/{dossier.pk}/"))
    assert timeline.count('<li class="list-group-item">') >= 8
    assert "Thành tích nổi bật." in timeline
    actions = [e.action for e in dossier.events.order_by("at", "pk")]
    assert actions == [
        "create",
        "submit",
        "return",
        "resubmit",
        "receive",
        "start_review",
        "recommend",
        "award",
    ]


def test_the_detail_offers_only_what_the_user_may_do_now(
    client, hcmc, officer_1, reviewer, district_1, round_open
):
    dossier = create(officer_1, round_open, district_1)
    attach(officer_1, dossier)
    client.force_login(officer_1)
    page = html(client.get(f"/awards/{dossier.pk}/"))
    assert f"/awards/{dossier.pk}/submit/" in page and f"/awards/{dossier.pk}/edit/" in page
    assert f"/awards/{dossier.pk}/receive/" not in page
    client.force_login(reviewer)
    assert client.get(f"/awards/{dossier.pk}/").status_code == 404  # a draft is the district's
    dossier = advance(dossier, DossierStatus.SUBMITTED, officer=officer_1, reviewer=reviewer)
    page = html(client.get(f"/awards/{dossier.pk}/"))
    assert f"/awards/{dossier.pk}/receive/" in page and f"/awards/{dossier.pk}/return/" in page
    assert f"/awards/{dossier.pk}/submit/" not in page and "/edit/" not in page
    client.force_login(officer_1)
    page = html(client.get(f"/awards/{dossier.pk}/"))
    for step in ("submit", "receive", "return", "edit", "start-review", "vote"):
        assert f"/awards/{dossier.pk}/{step}/" not in page
    # An officer cannot take the Department's step by posting to it.
    assert client.post(f"/awards/{dossier.pk}/receive/", {}).status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_a_stale_page_gets_a_clear_message(
    client, hcmc, officer_1, reviewer, district_1, round_open
):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.SUBMITTED,
        officer=officer_1,
        reviewer=reviewer,
    )
    english(client).force_login(reviewer)
    client.post(f"/awards/{dossier.pk}/receive/", {"expected_status": "submitted"})
    # The second click comes from a page that still shows "submitted".
    response = client.post(
        f"/awards/{dossier.pk}/start-review/", {"expected_status": "submitted"}, follow=True
    )
    assert "already moved this dossier" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_destructive_steps_ask_for_confirmation(
    client, hcmc, officer_1, reviewer, district_1, round_open
):
    dossier = create(officer_1, round_open, district_1)
    attachment = attach(officer_1, dossier)
    client.force_login(officer_1)
    page = html(client.get(f"/awards/files/{attachment.pk}/delete/"))
    assert "bao-cao.pdf" in page and Attachment.objects.filter(pk=attachment.pk).exists()
    client.post(f"/awards/files/{attachment.pk}/delete/")
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    attach(officer_1, dossier)
    dossier = advance(dossier, DossierStatus.SUBMITTED, officer=officer_1, reviewer=reviewer)
    client.force_login(reviewer)
    page = html(client.get(f"/awards/{dossier.pk}/return/"))
    assert 'name="reason"' in page
    response = client.post(f"/awards/{dossier.pk}/return/", {"reason": ""})
    assert response.status_code == 200  # the reason is required
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


# --- Scope and personal data ----------------------------------------------------------------------


def test_another_districts_dossier_is_not_found(
    client, hcmc, officer_1, officer_3, reviewer, district_1, round_open
):
    dossier = create(officer_1, round_open, district_1)
    attachment = attach(officer_1, dossier)
    client.force_login(officer_3)
    for url in [
        f"/awards/{dossier.pk}/",
        f"/awards/{dossier.pk}/edit/",
        f"/awards/files/{attachment.pk}/",
        f"/awards/files/{attachment.pk}/delete/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/awards/{dossier.pk}/submit/").status_code == 404
    assert dossier.nominee_name not in html(client.get("/awards/"))
    client.force_login(officer_1)
    download = client.get(f"/awards/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_personal_data_only_for_the_department_and_the_district(
    client, hcmc, officer_1, reviewer, api_consumer, admin_user, district_1, round_open
):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.SUBMITTED,
        officer=officer_1,
        reviewer=reviewer,
    )
    attachment = dossier.attachments.get()
    for user in (officer_1, reviewer, admin_user):
        client.force_login(user)
        page = html(client.get(f"/awards/{dossier.pk}/"))
        assert PERSONAL["phone"] in page and PERSONAL["id_number"] in page, user
        assert f"/awards/files/{attachment.pk}/" in page
    client.force_login(api_consumer)
    page = html(client.get(f"/awards/{dossier.pk}/"))
    assert dossier.nominee_name in page
    assert PERSONAL["phone"] not in page and PERSONAL["id_number"] not in page
    assert PERSONAL["address"] not in page and "/awards/files/" not in page
    assert client.get(f"/awards/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "api_consumer"])
def test_only_districts_and_the_administrator_nominate(client, hcmc, role, request, round_open):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/awards/new/").status_code == 403
    assert (
        client.post("/awards/new/", form_data(round_open, hcmc.children.first())).status_code == 403
    )
    assert not Dossier.objects.exists()


def test_department_pages_are_closed_to_districts(client, hcmc, officer_1, round_open):
    client.force_login(officer_1)
    for url in [
        "/awards/review/",
        "/awards/comments/",
        f"/awards/rounds/{round_open.pk}/decision/",
        f"/awards/rounds/{round_open.pk}/close/",
    ]:
        assert client.get(url).status_code == 403, url


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [(FAKE_PDF, "is not what its name says"), (PDF + b"0" * 4096, "the limit is")],
    ids=["fake-pdf", "oversized"],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_stored(
    client, hcmc, officer_1, district_1, round_open, settings, media_in_tmp, content, message
):
    settings.UPLOAD_MAX_BYTES = 1024
    english(client).force_login(officer_1)
    response = client.post(
        "/awards/new/",
        {
            **form_data(round_open, district_1),
            "achievement_report": upload(content, "bao-cao.pdf"),
        },
    )
    page = html(response)
    assert message in page
    assert not Dossier.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in Path(media_in_tmp).rglob("*") if p.is_file()]


def test_a_duplicate_nomination_gets_a_clear_message(
    client, hcmc, officer_1, district_1, round_open
):
    first = create(officer_1, round_open, district_1, nominee_name="Trần Văn Lợi")
    english(client).force_login(officer_1)
    page = html(
        client.post("/awards/new/", form_data(round_open, district_1, nominee_name="tran van loi"))
    )
    assert "already nominated" in page and first.code in page
    assert Dossier.objects.count() == 1


# --- The public page, comments and moderation -----------------------------------------------------


def _public_set(officer, reviewer, district, round) -> dict[str, Dossier]:
    """One dossier in each state, each with its own name and personal data."""
    made = {}
    for n, status in enumerate(
        [
            DossierStatus.DRAFT,
            DossierStatus.SUBMITTED,
            DossierStatus.RETURNED,
            DossierStatus.RECEIVED,
            DossierStatus.UNDER_REVIEW,
            DossierStatus.RECOMMENDED,
            DossierStatus.NOT_RECOMMENDED,
        ]
    ):
        dossier = create(
            officer,
            round,
            district,
            nominee_name=f"Ứng viên {status}",
            phone=f"09000000{n:02d}",
            id_number=f"07900000{n:04d}",
            address=f"{n} Đường Bí Mật",
        )
        made[status] = advance(dossier, status, officer=officer, reviewer=reviewer)
    household = create(
        officer,
        round,
        district,
        nominee_kind=NomineeKind.HOUSEHOLD,
        nominee_name="Gia đình ông Võ Văn Kiệt Tác",
        household_head="Võ Văn Kiệt Tác Chủ Hộ",
        birth_date=None,
        position="",
    )
    made["household"] = advance(
        household, DossierStatus.RECEIVED, officer=officer, reviewer=reviewer
    )
    return made


def test_the_public_page_shows_only_public_data_and_needs_no_login(
    hcmc, officer_1, reviewer, district_1, round_open
):
    made = _public_set(officer_1, reviewer, district_1, round_open)
    page = html(Client().get(f"/awards/public/{round_open.pk}/"))
    for status in (DossierStatus.RECEIVED, DossierStatus.UNDER_REVIEW, DossierStatus.RECOMMENDED):
        dossier = made[status]
        assert dossier.nominee_name in page and dossier.code in page
    assert made["household"].nominee_name in page
    for status in (
        DossierStatus.DRAFT,
        DossierStatus.SUBMITTED,
        DossierStatus.RETURNED,
        DossierStatus.NOT_RECOMMENDED,
    ):
        assert made[status].nominee_name not in page, status
    assert "Quận 1" in page and "Bằng khen" in page and "Giáo viên" not in page
    for leak in ["09000000", "07900000", "Đường Bí Mật", "17/05/1975", "Chủ Hộ", "/awards/files/"]:
        assert leak not in page, leak
    assert "bao-cao.pdf" not in page
    # The index of rounds is public too.
    assert str(round_open) in html(Client().get("/awards/public/"))


def test_nominees_are_posted_only_during_the_comment_window(hcmc, officer_1, reviewer, district_1):
    round = make_round(comment_open=False)
    dossier = advance(
        create(officer_1, round, district_1),
        DossierStatus.UNDER_REVIEW,
        officer=officer_1,
        reviewer=reviewer,
    )
    page = html(Client().get(f"/awards/public/{round.pk}/"))
    assert dossier.nominee_name not in page and 'name="text"' not in page


def test_comments_are_rate_limited_and_moderated(
    hcmc, client, officer_1, reviewer, district_1, round_open, settings
):
    settings.AWARDS_COMMENT_RATE = "5/h"
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.UNDER_REVIEW,
        officer=officer_1,
        reviewer=reviewer,
    )
    visitor = english(Client())
    url = f"/awards/public/{round_open.pk}/"
    missing = visitor.post(url, {"dossier": dossier.pk, "author_name": "", "text": "x"})
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    for n in range(4):
        sent = visitor.post(
            url,
            {
                "dossier": dossier.pk,
                "author_name": f"Người dân {n}",
                "contact": f"dan{n}@example.com",
                "text": f"Ý kiến số {n}.",
            },
        )
        assert sent.status_code == 302, sent.content.decode()[-2000:]
    limited = visitor.post(
        url,
        {"dossier": dossier.pk, "author_name": "Spam", "contact": "s@x.vn", "text": "Quá nhiều."},
    )
    assert limited.status_code == 429 and "Too many comments" in limited.content.decode()
    assert PublicComment.objects.count() == 4
    assert set(PublicComment.objects.values_list("status", flat=True)) == {CommentStatus.PENDING}
    assert "Ý kiến số 0." not in html(visitor.get(url))

    client.force_login(reviewer)
    queue = html(client.get("/awards/comments/"))
    assert "dan0@example.com" in queue  # the Department sees the contact
    first, second = PublicComment.objects.order_by("submitted_at", "pk")[:2]
    client.post(f"/awards/comments/{first.pk}/approve/")
    confirm = html(client.get(f"/awards/comments/{second.pk}/reject/"))
    assert second.text in confirm
    second.refresh_from_db()
    assert second.status == CommentStatus.PENDING
    client.post(f"/awards/comments/{second.pk}/reject/")
    public = html(visitor.get(url))
    assert first.text in public and first.author_name in public
    assert first.contact not in public and second.text not in public


# --- List, search, export -------------------------------------------------------------------------


def test_list_search_filters_and_export(client, hcmc, officer_1, reviewer, district_1, round_open):
    an = create(officer_1, round_open, district_1, nominee_name="Nguyễn Văn An")
    create(officer_1, round_open, district_1, nominee_name="Trần Thị Bình")
    collective = create(
        officer_1,
        round_open,
        district_1,
        nominee_name="Trung tâm học tập cộng đồng Phường Bến Nghé",
        nominee_kind=NomineeKind.COLLECTIVE,
        position="",
        birth_date=None,
    )
    advance(collective, DossierStatus.RECEIVED, officer=officer_1, reviewer=reviewer)
    client.force_login(officer_1)
    page = html(client.get("/awards/", {"q": "nguyen van an"}))
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" not in page
    page = html(client.get("/awards/", {"q": an.code.lower()}))
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" not in page
    page = html(client.get("/awards/", {"kind": "collective"}))
    assert "Bến Nghé" in page and "Nguyễn Văn An" not in page
    page = html(client.get("/awards/", {"status": "draft", "district": "760"}))
    assert "Nguyễn Văn An" in page and "Bến Nghé" not in page
    page = html(client.get("/awards/", {"sort": "-name"}))
    assert page.index("Trung tâm") < page.index("Trần Thị Bình") < page.index("Nguyễn Văn An")
    empty = html(english(client).get("/awards/", {"q": "khong co ai"}))
    assert "No dossier matches your search." in empty

    export = client.get("/awards/", {"q": "nguyen", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] in ("Dossier code", "Mã hồ sơ") and len(rows) == 2
    assert rows[1][0] == an.code and rows[1][2] == "Nguyễn Văn An"
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert PERSONAL["phone"] not in flat and PERSONAL["id_number"] not in flat

    client.force_login(reviewer)  # drafts stay with the district
    page = html(client.get("/awards/"))
    assert "Bến Nghé" in page and "Nguyễn Văn An" not in page


def test_list_shows_the_latest_round_unless_asked_for_all(
    client, hcmc, officer_1, district_1, round_open
):
    earlier = make_round(2029)
    create(officer_1, earlier, district_1, nominee_name="Lê Văn Cũ")
    create(officer_1, round_open, district_1, nominee_name="Phạm Văn Mới")
    client.force_login(officer_1)
    page = html(client.get("/awards/"))
    assert "Phạm Văn Mới" in page and "Lê Văn Cũ" not in page
    assert f'<option value="{round_open.pk}" selected>' in page  # the form says which round
    every = html(client.get("/awards/", {"round": ""}))  # "All rounds" in the form
    assert "Phạm Văn Mới" in every and "Lê Văn Cũ" in every
    older = html(client.get("/awards/", {"round": earlier.pk, "sort": "-code"}))
    assert "Lê Văn Cũ" in older and "Phạm Văn Mới" not in older
    export = client.get("/awards/", {"format": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 2  # the latest round


# --- Statistics of the demo 2024 round ------------------------------------------------------------


def _cells(page: str, kind: str) -> list[str]:
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'<td class="text-end">([^<]*)</td>', row)


def test_the_demo_2024_round_on_the_statistics_page_and_its_export(client, hcmc, officer_1):
    load_demo()
    round = Round.objects.get(year=2024)
    client.force_login(officer_1)  # city-wide figures: every signed-in user reads them
    page = html(client.get("/awards/stats/", {"round": round.pk}))
    assert re.search(r'id="stat-received">103<', page)
    assert re.search(r'id="stat-awarded">65<', page)
    assert _cells(page, "individual") == ["30", "16"]
    assert _cells(page, "household") == ["5", "1"]
    assert _cells(page, "collective") == ["68", "48"]
    assert 'id="chart-district-data" type="application/json"' in page
    assert "js/awards-stats.js" in page and "chart.umd.min.js" in page
    assert html(client.get("/awards/stats/", {"round": "2024"})).count("103") >= 1

    export = client.get("/awards/stats/", {"round": round.pk, "format": "xlsx"})
    book = load_workbook(io.BytesIO(export.content))
    by_kind, by_district, by_field = book.worksheets
    rows = list(by_kind.iter_rows(min_row=2, values_only=True))
    assert [r[1:] for r in rows] == [(30, 16), (5, 1), (68, 48), (103, 65)]
    districts = list(by_district.iter_rows(min_row=2, values_only=True))
    assert len(districts) == 23 and districts[-1][2:] == (103, 65)
    assert sum(r[2] for r in districts[:-1]) == 103 and sum(r[3] for r in districts[:-1]) == 65
    assert all(r[2] > 0 for r in districts[:-1])  # spread over the 22 districts
    fields = list(by_field.iter_rows(min_row=2, values_only=True))
    assert sum(r[2] for r in fields[:-1]) == 103 and sum(r[3] for r in fields[:-1]) == 65

    public = html(Client().get(f"/awards/public/{round.pk}/"))
    assert public.count("<tr><td>") == 65  # the awarded list of the decision
    assert "4821/QĐ-UBND" in public


# --- Query counts at two sizes --------------------------------------------------------------------

ROTATION = [
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.RECOMMENDED,
]


def grow(count: int, *, officer, reviewer, district, round, start: int = 0) -> None:
    """``count`` more dossiers of ``district`` in ``round``, in the states of ROTATION, with an
    opinion each under review, and the recommended ones granted by one decision."""
    recommended = []
    for n in range(start, start + count):
        dossier = create(
            officer,
            round,
            district,
            nominee_name=f"Người được đề nghị {n}",
            nominee_kind=NomineeKind.INDIVIDUAL,
        )
        attach(officer, dossier)
        attach(officer, dossier, AttachmentKind.COUNCIL_MINUTES)
        status = ROTATION[n % len(ROTATION)]
        dossier = advance(dossier, status, officer=officer, reviewer=reviewer)
        if status == DossierStatus.UNDER_REVIEW:
            services.opinion_add(user=reviewer, dossier=dossier, text=f"Ý kiến {n}.")
            comment = services.comment_submit(
                dossier=dossier, author_name=f"Dân {n}", contact="d@x.vn", text=f"Góp ý {n}."
            )
            services.comment_moderate(user=reviewer, comment=comment, approve=n % 2 == 0)
        if status == DossierStatus.RECOMMENDED and n % 8 == 3:
            recommended.append(dossier)
    if recommended:
        grant(reviewer, round, recommended, number=f"{start}/QĐ-UBND")


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/awards/", "reviewer"),
        ("/awards/", "officer_1"),
        ("/awards/?q=nguoi&sort=-name", "reviewer"),
        ("/awards/review/", "reviewer"),
        ("/awards/public/{round}/", None),
        ("/awards/stats/?round={round}", "reviewer"),
        ("/awards/comments/", "reviewer"),
    ],
)
def test_query_count_does_not_grow_with_rows(
    client, hcmc, officer_1, reviewer, district_1, round_open, url, who, request
):
    if who:
        client.force_login(request.getfixturevalue(who))
    url = url.format(round=round_open.pk)
    grow(4, officer=officer_1, reviewer=reviewer, district=district_1, round=round_open)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(24, officer=officer_1, reviewer=reviewer, district=district_1, round=round_open, start=4)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_pages_carry_no_inline_script(client, hcmc, officer_1, reviewer, district_1, round_open):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.UNDER_REVIEW,
        officer=officer_1,
        reviewer=reviewer,
    )
    client.force_login(reviewer)
    for url in [
        "/awards/",
        f"/awards/{dossier.pk}/",
        "/awards/review/",
        f"/awards/stats/?round={round_open.pk}",
        f"/awards/public/{round_open.pk}/",
        f"/awards/rounds/{round_open.pk}/decision/",
        "/awards/comments/",
    ]:
        page = html(client.get(url))
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_the_department_maintains_reference_data_in_the_admin(
    client, hcmc, admin_user, reviewer, officer_1, district_1, round_open
):
    create(officer_1, round_open, district_1)
    client.force_login(admin_user)
    for url in [
        "/admin/awards/commendationform/",
        "/admin/awards/fieldofactivity/",
        "/admin/awards/movement/",
        "/admin/awards/round/add/",
        "/admin/awards/dossier/",
    ]:
        assert client.get(url).status_code == 200, url
    # Dossiers change only through the workflow: the admin shows them, it does not edit them.
    assert client.get("/admin/awards/dossier/add/").status_code == 403
    client.force_login(reviewer)
    assert client.get("/admin/awards/round/").status_code == 302


def test_a_dossier_form_sent_twice_creates_one_dossier(client, officer_1, district_1, round_open):
    english(client).force_login(officer_1)
    page = html(client.get("/awards/new/"))
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    assert 'name="version"' not in page  # a new dossier has no version yet
    body = {**form_data(round_open, district_1), "form_token": token}
    first = client.post("/awards/new/", body)
    second = client.post("/awards/new/", body, follow=True)
    dossier = Dossier.objects.get()
    assert first["Location"] == f"/awards/{dossier.pk}/"
    assert second.redirect_chain[0][0] == f"/awards/{dossier.pk}/"
    assert "This form had already been sent" in second.content.decode()
