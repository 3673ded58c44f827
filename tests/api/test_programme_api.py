"""The programme API: committees, plans, key tasks, progress, interim reviews, review board.

Every workflow transition is tried allowed and refused, every permission boundary from both
sides, and every list endpoint at two data sizes for a fixed number of queries.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from districts import services
from districts.choices import ReviewStatus, TaskStatus
from districts.models import (
    AdministrativeUnit,
    CommitteeMember,
    ImplementationPlan,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)
from learningcity.models import ReportingPeriod

API = "/api/v1"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def key_tasks(db):
    """Three of the 11 tasks the migrations seed for 2024-2025, and one that ended in 2023."""
    seeded = KeyTask.objects.filter(code__in=["NV01", "NV02", "NV03"]).order_by("order")
    ended = KeyTask.objects.create(
        code="X9", title="Đã xong", start_year=2020, end_year=2023, order=99
    )
    return [*seeded, ended]


def establish(user, district, *, number="01/QĐ-UBND", members=0, **fields):
    committee = services.committee_establish(
        user=user,
        district=district,
        number=number,
        issued_on=fields.pop("issued_on", datetime.date(2024, 3, 1)),
        signer=fields.pop("signer", "Nguyễn Văn A"),
        **fields,
    )
    for n in range(members):
        services.member_create(
            user=user,
            committee=committee,
            full_name=f"Thành viên {n}",
            position="Phó Chủ tịch",
            organisation="UBND quận",
            role="member",
        )
    return committee


def issue_plan(user, district, *, number="05/KH-UBND"):
    return services.plan_issue(
        user=user,
        district=district,
        number=number,
        issued_on=datetime.date(2024, 4, 1),
        title="Kế hoạch xây dựng thành phố học tập",
    )


def write_review(user, district, period, **fields):
    return services.review_save(
        user=user,
        district=district,
        period=period,
        held_on=fields.pop("held_on", datetime.date(2025, 6, 30)),
        achievements="Kết quả",
        difficulties="Khó khăn",
        proposals="Kiến nghị",
        **fields,
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Committees -----------------------------------------------------------------------------------


def test_officer_establishes_their_districts_committee(client_for, officer_1, district_1):
    client = client_for(officer_1)
    response = client.post(
        f"{API}/committees/",
        {
            "district": "760",
            "number": "12/QĐ-UBND",
            "issued_on": "2024-03-01",
            "signer": "Nguyễn Văn A",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["district"] == {"code": "760", "name": "Quận 1"}
    assert body["current"] is True and body["version"] == 1 and body["members"] == []
    assert body["file"] is None
    assert client.get(f"{API}/committees/{body['id']}/").json() == body
    assert ids(client.get(f"{API}/committees/")) == [body["id"]]


def test_committee_decision_attached_as_multipart(client_for, officer_1, district_1):
    upload = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    response = client_for(officer_1).post(
        f"{API}/committees/",
        {
            "district": "760",
            "number": "12/QĐ-UBND",
            "issued_on": "2024-03-01",
            "signer": "Nguyễn Văn A",
            "file": upload,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    committee = SteeringCommittee.objects.get()
    # The portal's permission-checked download, not the storage's URL (tests/api/test_file_links.py)
    assert response.json()["file"] == f"http://testserver/districts/files/committee/{committee.pk}/"
    assert committee.file.name.startswith(f"districts/{district_1.pk}/steeringcommittee/")


def test_re_establishing_keeps_the_old_committee_and_copies_members(
    client_for, officer_1, district_1
):
    old = establish(officer_1, district_1, members=3)
    client = client_for(officer_1)
    response = client.post(
        f"{API}/committees/",
        {
            "district": "760",
            "number": "30/QĐ-UBND",
            "issued_on": "2025-01-15",
            "signer": "Trần Thị B",
        },
    )
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["current"] is True
    assert [m["full_name"] for m in new["members"]] == [
        "Thành viên 0",
        "Thành viên 1",
        "Thành viên 2",
    ]
    previous = client.get(f"{API}/committees/{old.pk}/").json()
    assert previous["current"] is False and previous["superseded_at"] is not None
    assert len(previous["members"]) == 3  # history keeps its own members
    assert ids(client.get(f"{API}/committees/", {"district": "760"})) == [new["id"], old.pk]
    assert ids(client.get(f"{API}/committees/", {"current": "true"})) == [new["id"]]
    assert ids(client.get(f"{API}/committees/", {"current": "false"})) == [old.pk]


def test_re_establishing_without_copying_members(client_for, admin_user, district_1):
    establish(admin_user, district_1, members=2)
    response = client_for(admin_user).post(
        f"{API}/committees/",
        {
            "district": "760",
            "number": "30/QĐ-UBND",
            "issued_on": "2025-01-15",
            "signer": "Trần Thị B",
            "copy_members": False,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["members"] == []


def test_re_establishing_by_multipart_copies_members_when_not_told_otherwise(
    client_for, admin_user, district_1
):
    establish(admin_user, district_1, members=2)
    response = client_for(admin_user).post(
        f"{API}/committees/",
        {"district": "760", "number": "30", "issued_on": "2025-01-15", "signer": "B"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["members"]) == 2


def test_fake_pdf_is_refused_on_the_file_field_and_nothing_is_written(
    client_for, officer_1, district_1
):
    current = establish(officer_1, district_1, members=1)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64)
    response = client_for(officer_1).post(
        f"{API}/committees/",
        {
            "district": "760",
            "number": "30/QĐ-UBND",
            "issued_on": "2025-01-15",
            "signer": "Trần Thị B",
            "file": fake,
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert response.json()["file"][0]
    assert list(SteeringCommittee.objects.values_list("pk", flat=True)) == [current.pk]
    current.refresh_from_db()
    assert current.is_current
    assert CommitteeMember.objects.count() == 1


def test_committee_update_with_optimistic_lock(client_for, officer_1, district_1):
    committee = establish(officer_1, district_1)
    client = client_for(officer_1)
    url = f"{API}/committees/{committee.pk}/"
    response = client.patch(url, {"number": "13/QĐ-UBND", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["number"] == "13/QĐ-UBND" and response.json()["version"] == 2

    stale = client.patch(url, {"number": "14/QĐ-UBND", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["detail"]
    committee.refresh_from_db()
    assert (committee.number, committee.version) == ("13/QĐ-UBND", 2)

    assert client.put(url, {"number": "x"}, format="json").status_code == 405


def test_committee_scope_boundaries(client_for, officer_1, officer_3, district_3):
    other = establish(officer_3, district_3)
    client = client_for(officer_1)
    assert ids(client.get(f"{API}/committees/")) == []
    assert client.get(f"{API}/committees/{other.pk}/").status_code == 404
    patch = client.patch(f"{API}/committees/{other.pk}/", {"number": "x"}, format="json")
    assert patch.status_code == 404
    create = client.post(
        f"{API}/committees/",
        {"district": "770", "number": "1", "issued_on": "2024-01-01", "signer": "A"},
    )
    assert create.status_code == 403
    assert SteeringCommittee.objects.count() == 1
    other.refresh_from_db()
    assert other.number == "01/QĐ-UBND"


def test_reviewer_and_api_consumer_read_committees_but_do_not_write(
    client_for, reviewer, api_consumer, officer_1, district_1
):
    committee = establish(officer_1, district_1)
    body = {"district": "760", "number": "2", "issued_on": "2024-01-01", "signer": "A"}
    for user in (reviewer, api_consumer):
        client = client_for(user)
        assert ids(client.get(f"{API}/committees/")) == [committee.pk]
        assert client.post(f"{API}/committees/", body).status_code == 403
    patch = client_for(api_consumer).patch(
        f"{API}/committees/{committee.pk}/", {"number": "x"}, format="json"
    )
    assert patch.status_code == 403
    assert SteeringCommittee.objects.count() == 1


def test_unknown_district_code_is_a_field_error(client_for, admin_user, hcmc):
    response = client_for(admin_user).post(
        f"{API}/committees/",
        {"district": "26734", "number": "1", "issued_on": "2024-01-01", "signer": "A"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["district"]  # a ward code is not a district


# --- Committee members ----------------------------------------------------------------------------


def test_member_crud_and_filters(client_for, officer_1, officer_3, district_1, district_3):
    committee = establish(officer_1, district_1, members=1)
    establish(officer_3, district_3, members=2)
    client = client_for(officer_1)
    response = client.post(
        f"{API}/committee-members/",
        {
            "committee": committee.pk,
            "full_name": "Lê Văn C",
            "position": "Trưởng phòng GD&ĐT",
            "organisation": "Phòng GD&ĐT",
            "role": "standing_member",
        },
    )
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["order"] == 2 and member["role_display"]  # added at the end

    url = f"{API}/committee-members/{member['id']}/"
    response = client.patch(url, {"role": "deputy_head", "order": 0}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "deputy_head"

    listed = ids(client.get(f"{API}/committee-members/", {"committee": committee.pk}))
    assert listed[0] == member["id"] and len(listed) == 2
    everyone = client_for(officer_3).get(f"{API}/committee-members/", {"district": "770"})
    assert len(ids(everyone)) == 2
    assert ids(client_for(officer_3).get(f"{API}/committee-members/", {"district": "760"})) == []

    assert client.delete(url).status_code == 204
    assert not CommitteeMember.objects.filter(pk=member["id"]).exists()


def test_member_scope_boundaries(client_for, officer_1, officer_3, district_3, district_1):
    other = establish(officer_3, district_3, members=1)
    member = other.members.get()
    client = client_for(officer_1)
    body = {
        "committee": other.pk,
        "full_name": "X",
        "position": "Y",
        "organisation": "Z",
        "role": "member",
    }
    assert client.post(f"{API}/committee-members/", body).status_code == 403
    url = f"{API}/committee-members/{member.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"full_name": "X"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client_for(officer_3).get(url).json()["full_name"] == "Thành viên 0"
    assert CommitteeMember.objects.count() == 1


def test_members_are_added_only_to_the_current_committee(client_for, admin_user, district_1):
    old = establish(admin_user, district_1)
    establish(admin_user, district_1, number="02/QĐ-UBND")
    response = client_for(admin_user).post(
        f"{API}/committee-members/",
        {
            "committee": old.pk,
            "full_name": "X",
            "position": "Y",
            "organisation": "Z",
            "role": "member",
        },
    )
    assert response.status_code == 400
    assert response.json()["detail"]


# --- Plans ----------------------------------------------------------------------------------------


def test_plan_issue_and_revision(client_for, officer_1, district_1):
    client = client_for(officer_1)
    body = {
        "district": "760",
        "number": "05/KH-UBND",
        "issued_on": "2024-04-01",
        "title": "Kế hoạch xây dựng thành phố học tập",
    }
    first = client.post(f"{API}/plans/", body)
    assert first.status_code == 201, first.content
    assert first.json()["start_year"] == 2024 and first.json()["end_year"] == 2030
    revision = client.post(f"{API}/plans/", {**body, "number": "07/KH-UBND", "start_year": 2025})
    assert revision.status_code == 201, revision.content
    assert ids(client.get(f"{API}/plans/", {"current": "true"})) == [revision.json()["id"]]
    assert client.get(f"{API}/plans/{first.json()['id']}/").json()["current"] is False
    assert ids(client.get(f"{API}/plans/", {"district": "760"})) == [
        revision.json()["id"],
        first.json()["id"],
    ]


def test_plan_years_must_run_forward(client_for, officer_1, district_1):
    response = client_for(officer_1).post(
        f"{API}/plans/",
        {
            "district": "760",
            "number": "1",
            "issued_on": "2024-04-01",
            "title": "T",
            "start_year": 2030,
            "end_year": 2024,
        },
    )
    assert response.status_code == 400
    assert not ImplementationPlan.objects.exists()


def test_refused_revision_leaves_the_current_plan_in_force(client_for, officer_1, district_1):
    current = issue_plan(officer_1, district_1)
    response = client_for(officer_1).post(
        f"{API}/plans/",
        {
            "district": "760",
            "number": "07/KH-UBND",
            "issued_on": "2025-01-01",
            "title": "T",
            "start_year": 2030,
            "end_year": 2024,
        },
    )
    assert response.status_code == 400
    assert list(ImplementationPlan.objects.values_list("pk", flat=True)) == [current.pk]
    current.refresh_from_db()
    assert current.is_current


def test_plan_scope_boundaries(client_for, officer_1, officer_3, district_3, api_consumer):
    other = issue_plan(officer_3, district_3)
    client = client_for(officer_1)
    assert ids(client.get(f"{API}/plans/")) == []
    assert client.get(f"{API}/plans/{other.pk}/").status_code == 404
    body = {"district": "770", "number": "2", "issued_on": "2024-04-01", "title": "T"}
    assert client.post(f"{API}/plans/", body).status_code == 403
    assert client_for(api_consumer).post(f"{API}/plans/", body).status_code == 403
    assert ImplementationPlan.objects.get().pk == other.pk


# --- Key tasks and progress -----------------------------------------------------------------------


def test_key_task_catalogue_by_year(client_for, officer_1, key_tasks):
    client = client_for(officer_1)

    def codes(**params):
        return [t["code"] for t in client.get(f"{API}/key-tasks/", params).json()["results"]]

    seeded = [f"NV{n:02d}" for n in range(1, 12)]
    assert codes() == [*seeded, "X9"]
    assert codes(year=2025) == seeded
    assert codes(year=2022) == ["X9"]
    assert codes(year=2026) == []
    assert client.get(f"{API}/key-tasks/X9/").json()["title"] == "Đã xong"
    assert client.post(f"{API}/key-tasks/", {"code": "X10"}).status_code in (403, 405)


def test_progress_upsert(client_for, officer_1, district_1, year_2025, key_tasks):
    client = client_for(officer_1)
    body = {"district": "760", "period": "2025", "key_task": "NV01", "status": "in_progress"}
    created = client.post(f"{API}/key-task-progress/", {**body, "account": "Đã triển khai"})
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "in_progress" and created.json()["period"] == "2025"

    # Posting again without the version read would overwrite what is there: refused.
    stale = client.post(f"{API}/key-task-progress/", {**body, "status": "done"})
    assert stale.status_code == 409, stale.content
    updated = client.post(f"{API}/key-task-progress/", {**body, "status": "done", "version": 1})
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2
    assert updated.json()["id"] == created.json()["id"]
    assert updated.json()["status"] == "done"
    assert updated.json()["account"] == "Đã triển khai"  # left out: kept
    assert KeyTaskProgress.objects.count() == 1

    for params in (
        {"district": "760"},
        {"period": "2025"},
        {"key_task": "NV01"},
        {"status": "done"},
    ):
        assert ids(client.get(f"{API}/key-task-progress/", params)) == [created.json()["id"]]
    for params in ({"district": "770"}, {"key_task": "NV02"}, {"status": "in_progress"}):
        assert ids(client.get(f"{API}/key-task-progress/", params)) == []


def test_progress_evidence_is_checked(client_for, officer_1, district_1, year_2025, key_tasks):
    client = client_for(officer_1)
    body = {"district": "760", "period": "2025", "key_task": "NV01", "status": "done"}
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00")
    response = client.post(f"{API}/key-task-progress/", {**body, "evidence": fake})
    assert response.status_code == 400
    assert list(response.json()) == ["evidence"]
    assert not KeyTaskProgress.objects.exists()

    real = SimpleUploadedFile("bien-ban.pdf", PDF)
    response = client.post(f"{API}/key-task-progress/", {**body, "evidence": real})
    assert response.status_code == 201, response.content
    progress = KeyTaskProgress.objects.get()
    assert progress.evidence.name.endswith(".pdf")
    assert response.json()["evidence"] == (
        f"http://testserver/districts/files/progress/{progress.pk}/"
    )


def test_progress_scope_boundaries(
    client_for, officer_1, officer_3, district_3, year_2025, key_tasks
):
    other = services.progress_save(
        user=officer_3, district=district_3, period=year_2025, key_task=key_tasks[0], status="done"
    )
    client = client_for(officer_1)
    assert ids(client.get(f"{API}/key-task-progress/")) == []
    assert client.get(f"{API}/key-task-progress/{other.pk}/").status_code == 404
    body = {"district": "770", "period": "2025", "key_task": "NV01", "status": "not_started"}
    assert client.post(f"{API}/key-task-progress/", body).status_code == 403
    other.refresh_from_db()
    assert other.status == TaskStatus.DONE


def test_progress_unknown_period_or_task(client_for, officer_1, district_1, key_tasks, year_2025):
    client = client_for(officer_1)
    body = {"district": "760", "period": "2031", "key_task": "77", "status": "done"}
    response = client.post(f"{API}/key-task-progress/", body)
    assert response.status_code == 400
    assert set(response.json()) == {"period", "key_task"}


# --- Interim reviews ------------------------------------------------------------------------------


@pytest.fixture
def draft(officer_1, district_1, year_2025):
    return write_review(officer_1, district_1, year_2025)


def review_body(**overrides):
    return {
        "district": "760",
        "period": "2025",
        "held_on": "2025-06-30",
        "achievements": "Kết quả",
        "difficulties": "Khó khăn",
        "proposals": "Kiến nghị",
        **overrides,
    }


def test_officer_writes_and_edits_a_draft(client_for, officer_1, district_1, year_2025):
    client = client_for(officer_1)
    created = client.post(f"{API}/interim-reviews/", review_body())
    assert created.status_code == 201, created.content
    review = created.json()
    assert review["status"] == "draft" and review["version"] == 1 and review["period"] == "2025"

    again = client.post(f"{API}/interim-reviews/", review_body(proposals="Mới", version=1))
    assert again.status_code == 200, again.content
    assert again.json()["id"] == review["id"] and again.json()["version"] == 2

    url = f"{API}/interim-reviews/{review['id']}/"
    patched = client.patch(url, {"achievements": "Sửa", "version": 2}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["achievements"] == "Sửa" and patched.json()["version"] == 3
    assert ids(client.get(f"{API}/interim-reviews/", {"status": "draft"})) == [review["id"]]


def test_stale_review_edit_is_refused(client_for, officer_1, draft):
    client = client_for(officer_1)
    url = f"{API}/interim-reviews/{draft.pk}/"
    assert client.patch(url, {"proposals": "A", "version": 1}, format="json").status_code == 200
    stale = client.patch(url, {"proposals": "B", "version": 1}, format="json")
    assert stale.status_code == 409
    draft.refresh_from_db()
    assert (draft.proposals, draft.version) == ("A", 2)


def test_submit_then_submit_again_is_a_conflict(client_for, officer_1, draft):
    client = client_for(officer_1)
    url = f"{API}/interim-reviews/{draft.pk}/submit/"
    response = client.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["status_changed_at"] is not None
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["detail"]


def test_officer_cannot_acknowledge_or_return_their_own_review(client_for, officer_1, draft):
    client = client_for(officer_1)
    client.post(f"{API}/interim-reviews/{draft.pk}/submit/")
    for step, body in [("acknowledge", {}), ("return", {"comment": "Sửa lại"})]:
        response = client.post(f"{API}/interim-reviews/{draft.pk}/{step}/", body)
        assert response.status_code == 404  # looked up in review scope, which officers lack
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED


def test_return_needs_a_comment(client_for, officer_1, reviewer, draft):
    client_for(officer_1).post(f"{API}/interim-reviews/{draft.pk}/submit/")
    url = f"{API}/interim-reviews/{draft.pk}/return/"
    for body in ({}, {"comment": "   "}):
        response = client_for(reviewer).post(url, body, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["comment"]
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED


def test_returned_review_is_edited_resubmitted_and_acknowledged(
    client_for, officer_1, reviewer, draft
):
    officer, department = client_for(officer_1), client_for(reviewer)
    url = f"{API}/interim-reviews/{draft.pk}/"
    officer.post(f"{url}submit/")
    # While submitted, the district can no longer edit, even with the version it read.
    submitted = officer.get(url).json()["version"]
    assert officer.patch(url, {"proposals": "X"}, format="json").status_code == 400
    stale = officer.patch(url, {"proposals": "X", "version": submitted}, format="json")
    assert stale.status_code == 409

    returned = department.post(f"{url}return/", {"comment": "Bổ sung số liệu"})
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "Bổ sung số liệu"

    version = officer.get(url).json()["version"]
    edited = officer.patch(url, {"achievements": "Đã bổ sung", "version": version}, format="json")
    assert edited.status_code == 200, edited.content
    assert officer.post(f"{url}submit/").json()["status"] == "submitted"

    acknowledged = department.post(f"{url}acknowledge/", {"comment": "Đã nhận"})
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["status"] == "acknowledged"
    assert acknowledged.json()["achievements"] == "Đã bổ sung"

    # Acknowledged is final: no edit, no second acknowledgement, no return.
    final = officer.get(url).json()["version"]
    assert (
        officer.patch(url, {"proposals": "X", "version": final}, format="json").status_code == 409
    )
    assert officer.post(f"{API}/interim-reviews/", review_body()).status_code == 409
    again = officer.post(f"{API}/interim-reviews/", {**review_body(), "version": final})
    assert again.status_code == 409
    assert department.post(f"{url}acknowledge/").status_code == 409
    assert department.post(f"{url}return/", {"comment": "X"}).status_code == 409
    assert officer.post(f"{url}submit/").status_code == 409
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.ACKNOWLEDGED and draft.proposals == "Kiến nghị"


def test_a_draft_cannot_be_acknowledged(client_for, admin_user, draft):
    response = client_for(admin_user).post(f"{API}/interim-reviews/{draft.pk}/acknowledge/")
    assert response.status_code == 409


def test_drafts_are_the_districts_own(
    client_for, admin_user, reviewer, api_consumer, officer_1, draft
):
    url = f"{API}/interim-reviews/{draft.pk}/"
    assert ids(client_for(admin_user).get(f"{API}/interim-reviews/")) == [draft.pk]
    for user in (reviewer, api_consumer):
        assert ids(client_for(user).get(f"{API}/interim-reviews/")) == []
        assert client_for(user).get(url).status_code == 404
    client_for(officer_1).post(f"{url}submit/")
    for user in (reviewer, api_consumer):
        assert ids(client_for(user).get(f"{API}/interim-reviews/")) == [draft.pk]


def test_review_scope_boundaries(client_for, officer_3, reviewer, api_consumer, draft):
    client = client_for(officer_3)
    url = f"{API}/interim-reviews/{draft.pk}/"
    assert ids(client.get(f"{API}/interim-reviews/")) == []
    assert client.get(url).status_code == 404
    assert client.patch(url, {"proposals": "X"}, format="json").status_code == 404
    assert client.post(f"{url}submit/").status_code == 404
    assert client.post(f"{API}/interim-reviews/", review_body()).status_code == 403
    # The Department reviews but does not write or submit a district's review.
    assert client_for(reviewer).post(f"{API}/interim-reviews/", review_body()).status_code == 403
    assert client_for(reviewer).post(f"{url}submit/").status_code == 404
    assert client_for(api_consumer).post(f"{url}submit/").status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.proposals, draft.version) == (ReviewStatus.DRAFT, "Kiến nghị", 1)


def test_review_filters(client_for, admin_user, officer_3, draft, district_3, year_2025):
    other = write_review(officer_3, district_3, year_2025)
    services.review_submit(user=officer_3, review=other)
    client = client_for(admin_user)
    assert ids(client.get(f"{API}/interim-reviews/", {"district": "770"})) == [other.pk]
    assert ids(client.get(f"{API}/interim-reviews/", {"status": "submitted"})) == [other.pk]
    assert len(ids(client.get(f"{API}/interim-reviews/", {"period": "2025"}))) == 2
    assert ids(client.get(f"{API}/interim-reviews/", {"period": "2025-H1"})) == []


# --- Review board ---------------------------------------------------------------------------------


@pytest.fixture
def board_scenario(admin_user, officer_1, district_1, district_3, year_2025, key_tasks):
    """Two committees, one plan, one submitted review, one draft, one task of three done."""
    establish(admin_user, district_1, members=3)
    establish(admin_user, district_3, members=1)
    issue_plan(admin_user, district_1)
    review = write_review(officer_1, district_1, year_2025)
    services.review_submit(user=officer_1, review=review)
    write_review(admin_user, district_3, year_2025)
    *current, ended = key_tasks
    for task, task_status in zip(current, ["done", "in_progress", "not_started"], strict=True):
        services.progress_save(
            user=admin_user,
            district=district_1,
            period=year_2025,
            key_task=task,
            status=task_status,
        )
    # Progress recorded before the task ended does not count on the board.
    KeyTaskProgress.objects.create(
        district=district_1, period=year_2025, key_task=ended, status="done"
    )
    return review


CITY_TOTALS = {
    "districts": 22,
    "with_committee": 2,
    "with_plan": 1,
    "reviews_sent": 1,
    "districts_reviewed": 1,
    "reviews_awaiting": 1,
    "reviews_acknowledged": 0,
    "reviews_returned": 0,
}


def test_review_board_for_the_department(client_for, reviewer, board_scenario):
    response = client_for(reviewer).get(f"{API}/review-board/", {"period": "2025"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == "2025" and body["as_of"] == "2025-12-31"
    assert body["totals"] == CITY_TOTALS
    assert len(body["rows"]) == 22
    rows = {row["district"]["code"]: row for row in body["rows"]}
    assert rows["760"] == {
        "district": {"code": "760", "name": "Quận 1"},
        "committee_number": "01/QĐ-UBND",
        "committee_issued_on": "2024-03-01",
        "member_count": 3,
        "plan_number": "05/KH-UBND",
        "plan_issued_on": "2024-04-01",
        "tasks_done": 1,  # X9 is done too, but it ended in 2023
        "tasks_total": 11,
        "reviews_sent": 1,
        "review_id": board_scenario.pk,
        "review_status": "submitted",
    }
    assert rows["770"]["member_count"] == 1 and rows["770"]["plan_number"] is None
    # Quận 3's review is a draft: the board shows no review yet, as the page does.
    assert rows["770"]["review_status"] is None and rows["770"]["review_id"] is None
    assert rows["761"]["committee_number"] is None and rows["761"]["review_id"] is None


def test_review_board_rows_come_in_pages_with_the_totals_on_each(
    client_for, reviewer, board_scenario
):
    client = client_for(reviewer)
    every = client.get(f"{API}/review-board/", {"period": "2025"}).json()
    codes = [row["district"]["code"] for row in every["rows"]]
    assert (every["count"], every["next"], every["previous"]) == (22, None, None)
    first = client.get(f"{API}/review-board/", {"period": "2025", "page_size": 10}).json()
    assert first["totals"] == CITY_TOTALS and first["count"] == 22
    assert [row["district"]["code"] for row in first["rows"]] == codes[:10]
    assert first["previous"] is None and "page=2" in first["next"]
    last = client.get(f"{API}/review-board/", {"period": "2025", "page_size": 10, "page": 3})
    body = last.json()
    assert body["totals"] == CITY_TOTALS and body["next"] is None
    assert [row["district"]["code"] for row in body["rows"]] == codes[20:]
    beyond = client.get(f"{API}/review-board/", {"period": "2025", "page_size": 10, "page": 4})
    assert beyond.status_code == 404


@pytest.mark.parametrize(
    ("board_filter", "codes"),
    [
        ("missing_committee", 20),
        ("missing_plan", 21),
        ("review_not_submitted", 21),
    ],
)
def test_review_board_filters_rows_not_totals(
    client_for, reviewer, board_scenario, board_filter, codes
):
    body = (
        client_for(reviewer)
        .get(f"{API}/review-board/", {"period": "2025", "filter": board_filter})
        .json()
    )
    assert body["totals"] == CITY_TOTALS
    assert len(body["rows"]) == codes


def test_officer_sees_their_own_row_and_the_city_totals(client_for, officer_3, board_scenario):
    body = client_for(officer_3).get(f"{API}/review-board/", {"period": "2025"}).json()
    assert body["totals"] == CITY_TOTALS
    assert [row["district"]["code"] for row in body["rows"]] == ["770"]
    filtered = client_for(officer_3).get(
        f"{API}/review-board/", {"period": "2025", "filter": "missing_committee"}
    )
    assert filtered.json()["rows"] == []


def test_review_board_needs_a_known_period(client_for, reviewer, hcmc, year_2025):
    client = client_for(reviewer)
    unknown = client.get(f"{API}/review-board/", {"period": "2099-Q9"})
    assert unknown.status_code == 400
    assert "2099-Q9" in unknown.json()["period"][0]
    assert list(client.get(f"{API}/review-board/").json()) == ["period"]
    bad_filter = client.get(f"{API}/review-board/", {"period": "2025", "filter": "x"})
    assert list(bad_filter.json()) == ["filter"]


def test_review_board_is_read_only_and_for_signed_in_users(client_for, api_consumer, hcmc):
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    assert APIClient().get(f"{API}/review-board/", {"period": "2025"}).status_code in (401, 403)
    client = client_for(api_consumer)
    assert len(client.get(f"{API}/review-board/", {"period": "2025"}).json()["rows"]) == 22
    assert client.post(f"{API}/review-board/", {}).status_code == 403


# --- Query counts ---------------------------------------------------------------------------------


def fill(districts, *, user, period, key_tasks):
    """Committee with members (re-established once), plan, progress and review per district."""
    for district in districts:
        establish(user, district, members=2)
        establish(user, district, number="02/QĐ-UBND", members=1)
        issue_plan(user, district)
        for task in key_tasks[:3]:  # the fourth has ended
            services.progress_save(
                user=user, district=district, period=period, key_task=task, status="done"
            )
        review = write_review(user, district, period)
        services.review_submit(user=user, review=review)


@pytest.mark.parametrize(
    ("url", "grows"),
    [
        ("/committees/", True),
        ("/committee-members/", True),
        ("/plans/", True),
        ("/key-tasks/", False),  # reference data: the catalogue stays the same
        ("/key-task-progress/", True),
        ("/interim-reviews/", True),
        ("/review-board/?period=2025", False),  # one row per district, whatever they filed
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    client_for, admin_user, hcmc, year_2025, key_tasks, url, grows
):
    client = client_for(admin_user)
    districts = list(AdministrativeUnit.objects.districts().order_by("code"))

    def get():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}{url}")
        assert response.status_code == 200, response.content
        body = response.json()
        return len(queries), body.get("count", len(body.get("rows", [])))

    fill(districts[:2], user=admin_user, period=year_2025, key_tasks=key_tasks)
    small, small_count = get()
    fill(districts[2:12], user=admin_user, period=year_2025, key_tasks=key_tasks)
    large, large_count = get()
    assert large == small
    assert (large_count > small_count) is grows
