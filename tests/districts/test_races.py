"""Two people, or one impatient one, writing the same thing at the same moment: the first save
of a review, a committee member's form sent many times, decisions recorded twice."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from districts import services
from districts.models import (
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)
from learningcity.choices import Role
from learningcity.models import ReportingPeriod
from tests.concurrency import at_once, need_postgresql
from tests.factories import UserFactory
from tests.reference_data import reseed

REVIEW_URL = "/districts/760/review/2025/"
API = "/api/v1"


def review_form(**changes) -> dict:
    return {
        "held_on": "2025-07-01",
        "achievements": "Kết quả",
        "difficulties": "Khó khăn",
        "proposals": "Kiến nghị",
        **changes,
    }


def page_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages in their source form
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_authenticate(user)
    return client


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def colleague_of(officer):
    return UserFactory(role=Role.DISTRICT_OFFICER, unit=officer.unit, username="officer_q1_b")


def establish(officer):
    return services.committee_establish(
        user=officer,
        district=officer.unit,
        number="12/QĐ-UBND",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch UBND",
    )


MEMBER_FORM = {
    "full_name": "Nguyễn Văn An",
    "position": "Phó Chủ tịch",
    "organisation": "UBND Quận 1",
    "role": "member",
}

STALE_FIRST_SAVE = "Someone else created this record while you were writing yours"


# --- the first save of a review ------------------------------------------------------------------


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


def test_the_empty_review_form_says_no_review_existed(officer_1, year_2025):
    html = page_client(officer_1).get(REVIEW_URL).content.decode()
    assert hidden(html, "version") == "0"


def test_a_first_save_on_a_review_someone_else_created_meanwhile_is_refused(officer_1, year_2025):
    mine, theirs = page_client(officer_1), page_client(colleague_of(officer_1))
    assert hidden(mine.get(REVIEW_URL).content.decode(), "version") == "0"
    assert hidden(theirs.get(REVIEW_URL).content.decode(), "version") == "0"

    saved = theirs.post(REVIEW_URL, review_form(achievements="Bản của đồng nghiệp", version=0))
    assert saved.status_code == 302
    refused = mine.post(REVIEW_URL, review_form(achievements="Bản của tôi", version=0))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert STALE_FIRST_SAVE in html
    assert "Bản của tôi" in html  # the user's text is still in the form
    review = InterimReview.objects.get()
    assert (review.achievements, review.version) == ("Bản của đồng nghiệp", 1)


def test_a_review_form_without_its_version_saves_nothing(officer_1, year_2025):
    response = page_client(officer_1).post(REVIEW_URL, review_form())
    assert response.status_code == 200
    assert not InterimReview.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_saving_the_first_review_at_once(officer_1):
    need_postgresql()
    reseed()
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    clients = [page_client(officer_1), page_client(colleague_of(officer_1))]
    for client in clients:
        assert hidden(client.get(REVIEW_URL).content.decode(), "version") == "0"
    texts = ["Bản thứ nhất", "Bản thứ hai"]

    responses = at_once(
        [
            lambda c=client, t=text: c.post(REVIEW_URL, review_form(achievements=t, version=0))
            for client, text in zip(clients, texts, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 302], responses
    winner = texts[[r.status_code for r in responses].index(302)]
    loser = next(r for r in responses if r.status_code == 200).content.decode()
    assert STALE_FIRST_SAVE in loser
    assert (set(texts) - {winner}).pop() in loser
    review = InterimReview.objects.get()
    assert (review.achievements, review.version) == (winner, 1)


def test_api_first_save_of_an_existing_review_is_stale(officer_1, year_2025):
    mine, theirs = api_client(officer_1), api_client(colleague_of(officer_1))
    body = {"district": "760", "period": "2025", **review_form()}
    created = theirs.post(f"{API}/interim-reviews/", {**body, "achievements": "Của đồng nghiệp"})
    assert created.status_code == 201, created.content

    stale = mine.post(f"{API}/interim-reviews/", {**body, "achievements": "Của tôi"})
    assert stale.status_code == 409
    assert STALE_FIRST_SAVE in stale.json()["detail"]
    also_stale = mine.post(f"{API}/interim-reviews/", {**body, "version": 0})
    assert also_stale.status_code == 409
    assert InterimReview.objects.get().achievements == "Của đồng nghiệp"

    # Having read it, the client edits it with its version.
    url = f"{API}/interim-reviews/{created.json()['id']}/"
    missing = mine.patch(url, {"achievements": "Của tôi"}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["version"]
    edited = mine.patch(url, {"achievements": "Của tôi", "version": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["version"] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clients_posting_the_first_review_at_once(officer_1):
    need_postgresql()
    reseed()
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    clients = [api_client(officer_1), api_client(colleague_of(officer_1))]
    texts = ["Bản thứ nhất", "Bản thứ hai"]
    body = {"district": "760", "period": "2025", **review_form()}

    responses = at_once(
        [
            lambda c=client, t=text: c.post(f"{API}/interim-reviews/", {**body, "achievements": t})
            for client, text in zip(clients, texts, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [201, 409], responses
    winner = texts[[r.status_code for r in responses].index(201)]
    assert InterimReview.objects.get().achievements == winner


# --- a create form sent many times ---------------------------------------------------------------


def test_a_member_form_sent_twice_adds_one_member(officer_1, year_2025):
    committee = establish(officer_1)
    client = page_client(officer_1)
    url = f"/districts/committees/{committee.pk}/members/add/"
    token = hidden(client.get(url).content.decode(), "form_token")

    first = client.post(url, {**MEMBER_FORM, "form_token": token}, follow=True)
    assert "The member was added." in first.content.decode()
    second = client.post(url, {**MEMBER_FORM, "form_token": token}, follow=True)
    assert second.status_code == 200
    assert "This form had already been sent" in second.content.decode()
    assert committee.members.count() == 1
    # The next empty form carries a new token: adding the same person again is on purpose.
    fresh = hidden(client.get(url).content.decode(), "form_token")
    assert fresh != token
    client.post(url, {**MEMBER_FORM, "form_token": fresh})
    assert committee.members.count() == 2


def test_a_refused_member_form_can_be_corrected_and_sent_again(officer_1, year_2025):
    committee = establish(officer_1)
    client = page_client(officer_1)
    url = f"/districts/committees/{committee.pk}/members/add/"
    token = hidden(client.get(url).content.decode(), "form_token")
    refused = client.post(url, {**MEMBER_FORM, "full_name": "", "form_token": token})
    assert refused.status_code == 200 and hidden(refused.content.decode(), "form_token") == token
    assert client.post(url, {**MEMBER_FORM, "form_token": token}).status_code == 302
    assert committee.members.count() == 1


def test_another_users_form_token_is_not_theirs_to_reuse(officer_1, year_2025):
    committee = establish(officer_1)
    url = f"/districts/committees/{committee.pk}/members/add/"
    client = page_client(officer_1)
    token = hidden(client.get(url).content.decode(), "form_token")
    client.post(url, {**MEMBER_FORM, "form_token": token})
    other = page_client(colleague_of(officer_1))
    assert other.post(url, {**MEMBER_FORM, "form_token": token}).status_code == 403
    assert committee.members.count() == 1


def test_decisions_and_plans_sent_twice_are_recorded_once(officer_1, year_2025):
    client = page_client(officer_1)
    committee_url, plan_url = "/districts/760/committee/establish/", "/districts/760/plan/new/"
    committee = {"number": "1/QĐ-UBND", "issued_on": "2024-03-01", "signer": "Chủ tịch"}
    plan = {
        "number": "56/KH-UBND",
        "issued_on": "2024-04-01",
        "title": "Kế hoạch",
        "start_year": 2024,
        "end_year": 2030,
    }
    for url, form in ((committee_url, committee), (plan_url, plan)):
        token = hidden(client.get(url).content.decode(), "form_token")
        for _ in range(2):
            assert client.post(url, {**form, "form_token": token}).status_code == 302
    assert SteeringCommittee.objects.count() == 1
    assert ImplementationPlan.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_copies_of_one_member_form_at_once_add_one_member(officer_1):
    need_postgresql()
    reseed()
    committee = establish(officer_1)
    url = f"/districts/committees/{committee.pk}/members/add/"
    clients = [page_client(officer_1) for _ in range(20)]
    token = hidden(clients[0].get(url).content.decode(), "form_token")

    responses = at_once(
        [lambda c=client: c.post(url, {**MEMBER_FORM, "form_token": token}) for client in clients]
    )

    assert [getattr(r, "status_code", r) for r in responses] == [302] * 20
    assert CommitteeMember.objects.filter(committee=committee).count() == 1


# --- key-task progress ---------------------------------------------------------------------------


def progress_form(**changes) -> dict:
    form = {f"NV{n:02d}-status": "not_started" for n in range(1, 12)}
    form.update({f"NV{n:02d}-version": 0 for n in range(1, 12)})
    return {**form, **changes}


def test_progress_saved_meanwhile_by_a_colleague_is_not_overwritten(officer_1, year_2025):
    reseed()  # the key tasks, after a transactional test
    url = "/districts/760/progress/2025/"
    colleague = colleague_of(officer_1)
    mine, theirs = page_client(officer_1), page_client(colleague)
    assert hidden(mine.get(url).content.decode(), "NV03-version") == "0"
    assert theirs.post(url, progress_form(**{"NV03-account": "Của họ"})).status_code == 302

    # Opened on nothing recorded: refused, the text kept.
    refused = mine.post(url, progress_form(**{"NV03-account": "Của tôi"}))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert STALE_FIRST_SAVE in html and "Của tôi" in html
    assert KeyTaskProgress.objects.get(key_task__code="NV03").account == "Của họ"

    # Reloaded (every row at version 1), while the colleague changes one task again.
    reloaded = mine.get(url).content.decode()
    assert hidden(reloaded, "NV03-version") == "1"
    services.progress_save(
        user=colleague,
        district=officer_1.unit,
        period=year_2025,
        key_task=KeyTask.objects.get(code="NV03"),
        version=1,
        account="Của họ, sửa",
    )
    second = progress_form(**{f"NV{n:02d}-version": 1 for n in range(1, 12)})
    second.update({"NV01-status": "done", "NV03-account": "Của tôi"})
    refused = mine.post(url, second)
    assert refused.status_code == 200
    assert "Someone else changed this record" in refused.content.decode()
    # All the rows or none: NV01, saved before NV03 was refused, is not kept either.
    assert KeyTaskProgress.objects.get(key_task__code="NV01").status == "not_started"
    assert KeyTaskProgress.objects.get(key_task__code="NV03").account == "Của họ, sửa"
    assert sorted(KeyTaskProgress.objects.values_list("version", flat=True)) == [1] * 10 + [2]
