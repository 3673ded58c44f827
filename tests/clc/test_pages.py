"""The centres in the browser: an officer registers, reports and evaluates; scope everywhere."""

import datetime
import re

from clc import services
from clc.choices import ActivityReportStatus, CentreStatus
from clc.models import ActivityReport, Centre, Evaluation
from learningcity.text import search_key
from tests.factories import UserFactory

from .helpers import accepted_report, register, report, ward

REPORT_FORM = {
    "participants_total": "120",
    "participants_women": "70",
    "participants_elderly": "30",
    "participants_disabled": "2",
    "uses_it": "on",
    "it_usage": "Lớp kỹ năng số qua Zalo",
    "funding_state": "15000000",
    "funding_social": "3000000",
    "funding_association": "1000000",
    "funding_other": "0",
    "highlights": "Mở lớp tiếng Anh cho người lao động.",
    "difficulties": "Thiếu phòng học.",
    "classes_literacy": "2",
    "sessions_literacy": "16",
    "classes_digital_skills": "4",
    "sessions_digital_skills": "32",
    "version": "0",  # the form opened on no report
    **{
        f"{kind}_{topic}": "0"
        for kind in ("classes", "sessions")
        for topic in (
            "foreign_languages",
            "vocational_skills",
            "law",
            "health",
            "culture_life_skills",
            "other",
        )
    },
}


def test_officer_registers_reports_and_evaluates(client, officer_1, district_1):
    client.force_login(officer_1)
    tan_dinh = ward(district_1)
    form = client.get("/clc/new/", {"ward": tan_dinh.code}).content.decode()
    assert "Trung tâm học tập cộng đồng " + tan_dinh.name in form
    response = client.post(
        "/clc/new/",
        {
            "ward": tan_dinh.pk,
            "name": "Trung tâm học tập cộng đồng Phường Tân Định",
            "decision_number": "125/QĐ-UBND",
            "decision_date": "2010-05-12",
            "director": "Nguyễn Thị Lan",
            "phone": "028 3820 1234",
            "email": "tthtcd.tandinh@example.vn",
            "rooms": "3",
            "computers": "6",
            "has_internet": "on",
            "model_decision_number": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    centre = Centre.objects.get(ward=tan_dinh)
    assert centre.history.get().history_user == officer_1

    # The yearly report: an error first, shown next to its field, nothing written.
    bad = client.post(f"/clc/{centre.pk}/reports/2025/", {**REPORT_FORM, "participants_women": 130})
    html = bad.content.decode()
    assert bad.status_code == 200 and not ActivityReport.objects.exists()
    field = re.search(
        r'name="participants_women".*?</div>\s*(<div class="form-text".*?</div>)?'
        r'\s*<div class="invalid-feedback d-block">([^<]+)</div>',
        html,
        re.S,
    )
    assert field and "cannot be more than the participants in total (120)" in field.group(2)
    response = client.post(f"/clc/{centre.pk}/reports/2025/", REPORT_FORM)
    saved = ActivityReport.objects.get(centre=centre, year=2025)
    assert response.status_code == 302 and saved.status == ActivityReportStatus.DRAFT
    assert dict(saved.topics.values_list("topic", "classes")) == {
        "literacy": 2,
        "digital_skills": 4,
    }
    client.post(f"/clc/reports/{saved.pk}/submit/")
    page = client.get(f"/clc/reports/{saved.pk}/").content.decode()
    assert "Accept" in page and "Return for correction" in page  # the district office decides
    client.post(f"/clc/reports/{saved.pk}/decide/", {"decision": "accept", "comment": "Đạt"})
    saved.refresh_from_db()
    assert saved.status == ActivityReportStatus.ACCEPTED

    # The evaluation, with the criteria sheet.
    sheet = client.get(f"/clc/{centre.pk}/evaluations/2025/").content.decode()
    assert sheet.count('class="form-control points-input"') == 5 and "85\u2013100" in sheet
    response = client.post(
        f"/clc/{centre.pk}/evaluations/2025/",
        {
            "evaluated_on": "2025-12-15",
            "points_TC1": "25",  # above the maximum of 20
            "points_TC2": "26",
            "points_TC3": "13",
            "points_TC4": "12",
            "points_TC5": "17",
        },
    )
    assert response.status_code == 200 and not Evaluation.objects.exists()
    assert "Ensure this value is less than or equal to 20." in response.content.decode()
    response = client.post(
        f"/clc/{centre.pk}/evaluations/2025/",
        {
            "evaluated_on": "2025-12-15",
            "points_TC1": "18",
            "points_TC2": "26",
            "points_TC3": "13",
            "points_TC4": "12",
            "points_TC5": "17",
            "comments": "Hoạt động tốt.",
            "proposals": "Thêm lớp kỹ năng số.",
            "version": "0",
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.total_points, evaluation.rating.code) == (86, "tot")
    detail = client.get(f"/clc/{centre.pk}/").content.decode()
    assert "86/100 points" in detail and "Good" in detail and "028 3820 1234" in detail


def test_report_form_rejects_negative_money_and_future_years(client, officer_1, district_1):
    centre = register(officer_1, ward(district_1))
    client.force_login(officer_1)
    response = client.post(f"/clc/{centre.pk}/reports/2025/", {**REPORT_FORM, "funding_state": -5})
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    future = datetime.date.today().year + 1
    response = client.post(f"/clc/{centre.pk}/reports/{future}/", REPORT_FORM)
    assert "The year cannot be in the future." in response.content.decode()
    assert not ActivityReport.objects.exists()


def test_other_districts_centres_are_closed_to_an_officer(client, officer_1, officer_3, district_1):
    centre = register(officer_1, ward(district_1), director="Trần Văn Bảo", phone="0903123456")
    saved = report(officer_1, centre)
    services.report_submit(user=officer_1, report=saved)
    client.force_login(officer_3)
    registry = client.get("/clc/").content.decode()
    assert centre.name not in registry
    for url in [
        f"/clc/{centre.pk}/",
        f"/clc/{centre.pk}/edit/",
        f"/clc/{centre.pk}/status/",
        f"/clc/{centre.pk}/reports/2025/",
        f"/clc/{centre.pk}/evaluations/2025/",
        f"/clc/reports/{saved.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/clc/reports/{saved.pk}/decide/", {"decision": "accept"}).status_code == 404
    )
    assert client.get("/clc/import/760/").status_code == 403
    assert client.get("/clc/stats/760/").status_code == 404
    # The create form offers the officer's own wards only.
    response = client.post(
        "/clc/new/", {"ward": ward(district_1, 1).pk, "name": "X", "rooms": 0, "computers": 0}
    )
    assert response.status_code == 200 and Centre.objects.count() == 1
    export = client.get("/clc/", {"format": "xlsx"})
    assert b"0903123456" not in export.content and "Trần Văn Bảo".encode() not in export.content


def test_department_reads_all_but_does_not_accept(client, reviewer, officer_1, district_1):
    centre = register(officer_1, ward(district_1), director="Trần Văn Bảo", phone="0903123456")
    draft = report(officer_1, register(officer_1, ward(district_1, 1)))
    saved = services.report_submit(user=officer_1, report=report(officer_1, centre))
    client.force_login(reviewer)
    detail = client.get(f"/clc/{centre.pk}/").content.decode()
    assert "0903123456" in detail  # the Department sees contact data
    page = client.get(f"/clc/reports/{saved.pk}/").content.decode()
    assert "Return for correction" not in page
    response = client.post(f"/clc/reports/{saved.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 403
    saved.refresh_from_db()
    assert saved.status == ActivityReportStatus.SUBMITTED
    assert client.get(f"/clc/reports/{draft.pk}/").status_code == 404  # a district's draft
    assert client.get(f"/clc/{centre.pk}/edit/").status_code == 404
    assert client.get("/clc/new/").status_code == 403


def test_api_consumer_on_the_pages_sees_no_contact_data(
    client, api_consumer, officer_1, district_1
):
    centre = register(officer_1, ward(district_1), director="Trần Văn Bảo", phone="0903123456")
    client.force_login(api_consumer)
    detail = client.get(f"/clc/{centre.pk}/").content.decode()
    assert "0903123456" not in detail and "Trần Văn Bảo" not in detail
    assert "Visible to the Department and the district only." in detail


def test_registry_filters_search_and_sort(
    client, reviewer, officer_1, officer_3, district_1, district_3
):
    tan_dinh = register(officer_1, ward(district_1, 0))
    model = register(
        officer_1,
        ward(district_1, 1),
        model_decision_number="9/QĐ",
        model_year=2024,
        model_valid_until=datetime.date(2030, 12, 31),
    )
    q3 = register(officer_3, ward(district_3, 0))
    services.centre_set_status(user=officer_3, centre=q3, status=CentreStatus.SUSPENDED)
    client.force_login(reviewer)

    def names(**params):
        return [c.name for c in client.get("/clc/", params).context["centres"]]

    assert tan_dinh.ward.name == "Phường Tân Định"
    assert names(q="TAN DINH") == [tan_dinh.name]  # diacritics and case ignored
    assert names(district="770") == [q3.name]
    assert names(status="suspended") == [q3.name]
    assert names(model="true") == [model.name]
    expected = sorted([tan_dinh.name, model.name, q3.name], key=search_key, reverse=True)
    assert names(sort="-name") == expected
    empty = client.get("/clc/", {"q": "khong co dau"}).content.decode()
    assert "No centre matches your search." in empty


def test_suspension_asks_for_confirmation(client, officer_1, district_1):
    centre = register(officer_1, ward(district_1))
    client.force_login(officer_1)
    page = client.get(f"/clc/{centre.pk}/status/").content.decode()
    assert "Suspend " in page and "Yes, suspend" in page
    centre.refresh_from_db()
    assert centre.status == CentreStatus.ACTIVE
    client.post(f"/clc/{centre.pk}/status/", {"status": "suspended", "version": centre.version})
    centre.refresh_from_db()
    assert centre.status == CentreStatus.SUSPENDED


def test_pages_for_an_empty_registry(client, hcmc):
    client.force_login(UserFactory(role="department_reviewer"))
    assert "No centre has been registered yet." in client.get("/clc/").content.decode()
    assert client.get("/clc/stats/", {"year": 2025}).status_code == 200
    assert "Every centre has reported" in client.get("/clc/not-reported/").content.decode()
    assert client.get("/clc/stats/", {"year": 1999}).status_code == 404


def test_returned_report_shows_the_comment_and_is_editable(client, officer_1, district_1):
    centre = register(officer_1, ward(district_1))
    saved = services.report_submit(user=officer_1, report=report(officer_1, centre))
    services.report_return(user=officer_1, report=saved, comment="Bổ sung số lớp pháp luật.")
    client.force_login(officer_1)
    form = client.get(f"/clc/{centre.pk}/reports/2025/").content.decode()
    assert "Bổ sung số lớp pháp luật." in form
    accepted = accepted_report(officer_1, register(officer_1, ward(district_1, 1)))
    response = client.get(f"/clc/{accepted.centre.pk}/reports/2025/")
    assert response.status_code == 302  # an accepted report is read, not edited


def test_a_centre_form_sent_twice_registers_one_centre(client, officer_1, district_1):
    client.force_login(officer_1)
    tan_dinh = ward(district_1)
    page = client.get("/clc/new/", {"ward": tan_dinh.code}).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    body = {
        "ward": tan_dinh.pk,
        "name": "TTHTCĐ Tân Định",
        "rooms": "3",
        "computers": "6",
        "form_token": token,
    }
    first, second = client.post("/clc/new/", body), client.post("/clc/new/", body)
    centre = Centre.objects.get(ward=tan_dinh)
    assert first["Location"] == second["Location"] == f"/clc/{centre.pk}/"
