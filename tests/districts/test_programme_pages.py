"""The programme in the browser: an officer enters and submits, the Department reviews."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from districts import services
from districts.choices import ReviewStatus
from districts.models import CommitteeMember, InterimReview, KeyTaskProgress, SteeringCommittee
from districts.selectors import portal_district_list
from learningcity.models import ReportingPeriod
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def periods(db):
    return {
        code: ReportingPeriod.objects.get_or_create_for(kind=kind, year=2025, number=number)
        for code, kind, number in [("2025", "year", 0), ("2025-H1", "half_year", 1)]
    }


def members_xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Vai trò trong Ban chỉ đạo"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("thanh-vien.xlsx", buffer.getvalue())


def test_officer_and_reviewer_complete_the_cycle(client, hcmc, officer_1, reviewer, periods):
    client.force_login(officer_1)
    # The steering committee, with its scanned decision.
    response = client.post(
        "/districts/760/committee/establish/",
        {
            "number": "1234/QĐ-UBND",
            "issued_on": "2024-03-15",
            "signer": "Chủ tịch UBND Quận 1",
            "file": SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    committee = SteeringCommittee.objects.get(district__code="760")
    # One member by form, the rest from the Excel template.
    client.post(
        f"/districts/committees/{committee.pk}/members/add/",
        {
            "full_name": "Nguyễn Văn An",
            "position": "Phó Chủ tịch",
            "organisation": "UBND Quận 1",
            "role": "head",
        },
    )
    assert committee.members.count() == 1
    template = client.get("/districts/members/template.xlsx")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    preview = client.post(
        f"/districts/committees/{committee.pk}/members/import/",
        {
            "upload": members_xlsx(
                [
                    [1, "Nguyễn Văn An", "Phó Chủ tịch", "UBND Quận 1", "Trưởng ban"],
                    [2, "Trần Thị Bình", "Trưởng phòng", "Phòng GD&ĐT", "Phó Trưởng ban"],
                    [3, "Lê Văn Cường", "Chủ tịch", "Hội Khuyến học", "Ủy viên"],
                ]
            )
        },
    )
    html = preview.content.decode()
    assert "Trần Thị Bình" in html
    assert committee.members.count() == 1  # a preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    client.post(f"/districts/committees/{committee.pk}/members/import/", {"token": token})
    assert committee.members.count() == 3
    # The plan, progress on a key task, and the interim review.
    client.post(
        "/districts/760/plan/new/",
        {
            "number": "56/KH-UBND",
            "issued_on": "2024-04-01",
            "title": "Kế hoạch triển khai",
            "start_year": 2024,
            "end_year": 2030,
        },
    )
    form = {f"NV{n:02d}-status": "not_started" for n in range(1, 12)}
    form.update({f"NV{n:02d}-version": 0 for n in range(1, 12)})
    form.update({"NV01-status": "done", "NV01-account": "Đã tuyên truyền"})
    assert client.post("/districts/760/progress/2025/", form).status_code == 302
    assert KeyTaskProgress.objects.filter(district__code="760", status="done").count() == 1
    response = client.post(
        "/districts/760/review/2025-H1/",
        {
            "held_on": "2025-07-10",
            "achievements": "Đã thành lập Ban chỉ đạo.",
            "difficulties": "Thiếu kinh phí.",
            "proposals": "Bổ sung kinh phí.",
            "version": 0,  # the form opened on no review
        },
    )
    assert response.status_code == 302
    review = InterimReview.objects.get(district__code="760")
    client.post(f"/districts/reviews/{review.pk}/submit/")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED

    # The Department sees it on the board and returns it with a comment.
    client.force_login(reviewer)
    board = client.get("/districts/review-board/", {"period": "2025-H1"}).content.decode()
    assert "1/22" in board
    client.post(
        f"/districts/reviews/{review.pk}/decide/",
        {"decision": "return", "comment": "Bổ sung số liệu."},
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.RETURNED

    # The officer fixes and resubmits; the reviewer acknowledges.
    client.force_login(officer_1)
    detail = client.get("/districts/760/", {"period": "2025-H1"}).content.decode()
    assert "Bổ sung số liệu." in detail
    client.post(
        "/districts/760/review/2025-H1/",
        {
            "held_on": "2025-07-10",
            "achievements": "Đã thành lập Ban chỉ đạo; 12 lớp.",
            "difficulties": "Thiếu kinh phí.",
            "proposals": "Bổ sung kinh phí.",
            "version": review.version,
        },
    )
    client.post(f"/districts/reviews/{review.pk}/submit/")
    client.force_login(reviewer)
    client.post(f"/districts/reviews/{review.pk}/decide/", {"decision": "acknowledge"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.ACKNOWLEDGED

    export = client.get("/districts/review-board/", {"period": "2025-H1", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 22
    assert rows["760"][2] == "1234/QĐ-UBND" and rows["760"][4] == 3
    assert rows["760"][7] == 0  # NV01 was done for the year, not for this half
    assert rows["770"][2] is None
    assert sheet.freeze_panes == "A2"


def test_board_filters_totals_and_officer_view(client, hcmc, officer_1, reviewer, periods):
    services.committee_establish(
        user=officer_1,
        district=officer_1.unit,
        number="1/QĐ",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch",
    )
    client.force_login(reviewer)
    missing = client.get(
        "/districts/review-board/", {"period": "2025", "filter": "missing_committee"}
    ).content.decode()
    assert "Quận 3" in missing and ">Quận 1<" not in missing
    client.force_login(officer_1)
    own = client.get("/districts/review-board/", {"period": "2025"}).content.decode()
    assert "1/22" in own  # city totals
    assert "Quận 1" in own and "Quận 3<" not in own  # only the officer's own row


def test_reviewer_cannot_see_a_draft_and_officer_cannot_review(
    client, hcmc, officer_1, officer_3, reviewer, periods
):
    review = services.review_save(
        user=officer_1,
        district=officer_1.unit,
        period=periods["2025-H1"],
        held_on=datetime.date(2025, 7, 1),
        achievements="a",
        difficulties="b",
        proposals="c",
    )
    client.force_login(reviewer)
    assert client.get(f"/districts/reviews/{review.pk}/").status_code == 404
    client.force_login(officer_3)
    assert client.get(f"/districts/reviews/{review.pk}/").status_code == 404
    assert client.post(f"/districts/reviews/{review.pk}/submit/").status_code == 404
    client.force_login(officer_1)
    services.review_submit(user=officer_1, review=review)
    client.post(f"/districts/reviews/{review.pk}/decide/", {"decision": "acknowledge"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_forms_show_errors_next_to_fields_and_write_nothing(client, hcmc, officer_1):
    client.force_login(officer_1)
    response = client.post(
        "/districts/760/committee/establish/",
        {
            "number": "",
            "issued_on": "31/02/2024",
            "signer": "X",
            "file": SimpleUploadedFile(
                "virus.pdf", b"MZ\x90\x00binary", content_type="application/pdf"
            ),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in html
    assert "không đúng như tên" in html or "is not what its name says" in html
    assert not SteeringCommittee.objects.exists()


def test_other_districts_pages_are_closed_to_an_officer(client, hcmc, officer_1, officer_3):
    committee = services.committee_establish(
        user=officer_3,
        district=officer_3.unit,
        number="7/QĐ",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch",
        file=SimpleUploadedFile("qd.pdf", PDF),
    )
    member = services.member_create(
        user=officer_3,
        committee=committee,
        full_name="Phạm Văn Dũng",
        position="P",
        organisation="O",
        role="member",
    )
    client.force_login(officer_1)
    assert "Phạm Văn Dũng" not in client.get("/districts/770/").content.decode()
    for url in [
        "/districts/770/committee/establish/",
        "/districts/770/plan/new/",
        "/districts/770/progress/2025/",
        "/districts/770/review/2025/",
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        f"/districts/committees/{committee.pk}/edit/",
        f"/districts/committees/{committee.pk}/members/add/",
        f"/districts/committees/{committee.pk}/members/import/",
        f"/districts/committees/{committee.pk}/members.xlsx",
        f"/districts/members/{member.pk}/edit/",
        f"/districts/members/{member.pk}/delete/",
        f"/districts/files/committee/{committee.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    client.post(f"/districts/members/{member.pk}/delete/")
    assert CommitteeMember.objects.filter(pk=member.pk).exists()
    client.force_login(officer_3)
    download = client.get(f"/districts/files/committee/{committee.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_member_delete_asks_for_confirmation(client, hcmc, officer_1):
    committee = services.committee_establish(
        user=officer_1,
        district=officer_1.unit,
        number="7/QĐ",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch",
    )
    member = services.member_create(
        user=officer_1,
        committee=committee,
        full_name="Phạm Văn Dũng",
        position="P",
        organisation="O",
        role="member",
    )
    client.force_login(officer_1)
    page = client.get(f"/districts/members/{member.pk}/delete/").content.decode()
    assert "Phạm Văn Dũng" in page and CommitteeMember.objects.filter(pk=member.pk).exists()
    client.post(f"/districts/members/{member.pk}/delete/")
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    assert member.history.filter(history_type="-").exists()


def _grow(n_districts: int):
    """Committees with members, plans and reviews for the first ``n_districts`` districts."""
    admin = UserFactory(role="department_admin")
    period = ReportingPeriod.objects.get(code="2025")
    for district in portal_district_list()[:n_districts]:
        if SteeringCommittee.objects.filter(district=district).exists():
            continue
        committee = services.committee_establish(
            user=admin,
            district=district,
            number="1/QĐ",
            issued_on=datetime.date(2024, 3, 1),
            signer="Chủ tịch",
        )
        for n in range(3):
            services.member_create(
                user=admin,
                committee=committee,
                full_name=f"Người {n}",
                position="P",
                organisation="O",
                role="member",
            )
        services.plan_issue(
            user=admin,
            district=district,
            number="2/KH",
            issued_on=datetime.date(2024, 4, 1),
            title="Kế hoạch",
        )
        review = services.review_save(
            user=admin,
            district=district,
            period=period,
            held_on=datetime.date(2025, 7, 1),
            achievements="a",
            difficulties="khó khăn",
            proposals="đề xuất",
        )
        services.review_submit(user=admin, review=review)


@pytest.mark.parametrize(
    "url",
    [
        "/districts/review-board/?period=2025",
        "/districts/digest/?period=2025",
        "/districts/760/?period=2025",
        "/districts/760/committee/history/",
    ],
)
def test_query_count_does_not_grow_with_rows(client, hcmc, reviewer, periods, url):
    client.force_login(reviewer)
    _grow(2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(22)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_digest_search_ignores_diacritics(client, hcmc, reviewer, periods):
    _grow(3)
    client.force_login(reviewer)
    html = client.get("/districts/digest/", {"period": "2025", "q": "kho khan"}).content.decode()
    assert html.count('<article class="card') == 3
    html = client.get("/districts/digest/", {"period": "2025", "q": "khong co"}).content.decode()
    assert html.count('<article class="card') == 0
    export = client.get("/districts/digest/", {"period": "2025", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    # The period column says which half-year each review is of (a year shows both).
    assert sheet.max_row == 4 and sheet["F2"].value == "khó khăn"


def test_the_board_of_many_districts_comes_in_pages_with_city_totals(
    client, reviewer, hcmc, periods, monkeypatch
):
    from districts import views

    monkeypatch.setattr(views, "BOARD_PAGE_SIZE", 10)  # as 696 districts at 50 a page
    client.force_login(reviewer)
    first = client.get("/districts/review-board/", {"period": "2025"}).content.decode()
    assert first.count('<a href="/districts/7') == 10 and "0/22" in first
    assert "Trang 1/3" in first and "period=2025&amp;page=2" in first
    last = client.get("/districts/review-board/", {"period": "2025", "page": 3}).content.decode()
    assert last.count('<a href="/districts/7') == 2 and "0/22" in last
    export = client.get("/districts/review-board/", {"period": "2025", "format": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 23  # every district


def test_officers_e_mails_are_shown_to_the_department_and_their_district_only(
    client, hcmc, officer_1, officer_3, reviewer, admin_user, api_consumer
):
    officer_1.email = "can.bo.quan1@hcm.edu.vn"
    officer_1.save(update_fields=["email"])
    for user in (admin_user, reviewer, officer_1):
        client.force_login(user)
        html = client.get("/districts/760/").content.decode()
        assert "can.bo.quan1@hcm.edu.vn" in html and officer_1.full_name in html, user
    for user in (officer_3, api_consumer):
        client.force_login(user)
        response = client.get("/districts/760/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "can.bo.quan1@hcm.edu.vn" not in html and officer_1.full_name not in html, user


def test_the_board_hides_a_draft_review_on_the_page_and_in_the_api_alike(
    client, hcmc, officer_1, reviewer, api_consumer, periods
):
    review = services.review_save(
        user=officer_1,
        district=officer_1.unit,
        period=periods["2025"],
        held_on=datetime.date(2025, 12, 1),
        achievements="a",
        difficulties="b",
        proposals="c",
    )
    for user in (reviewer, api_consumer, officer_1):
        client.force_login(user)
        html = client.get("/districts/review-board/", {"period": "2025"}).content.decode()
        assert f"/districts/reviews/{review.pk}/" not in html, user
        api = APIClient()
        api.force_authenticate(user)
        body = api.get("/api/v1/review-board/", {"period": "2025"}).json()
        row = next(row for row in body["rows"] if row["district"]["code"] == "760")
        assert (row["review_id"], row["review_status"]) == (None, None), user
    services.review_submit(user=officer_1, review=review)
    client.force_login(api_consumer)
    html = client.get("/districts/review-board/", {"period": "2025"}).content.decode()
    assert f"/districts/reviews/{review.pk}/" in html
    api = APIClient()
    api.force_authenticate(api_consumer)
    body = api.get("/api/v1/review-board/", {"period": "2025"}).json()
    row = next(row for row in body["rows"] if row["district"]["code"] == "760")
    assert (row["review_id"], row["review_status"]) == (review.pk, "submitted")
