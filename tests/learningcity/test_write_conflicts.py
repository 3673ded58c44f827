"""A write that meets another one only at the database's unique constraint answers a clear 409,
on the API and on pages, never a server error; and the version kernel's rules."""

import datetime
import threading
import uuid

import pytest
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from districts.models import InterimReview
from learningcity.models import ReportingPeriod, SentForm
from learningcity.tasks import purge_sent_forms
from learningcity.workflow import NEW, ConflictError, check_version, is_write_collision
from tests.concurrency import need_postgresql, wait_until_blocked
from tests.districts.test_races import api_client, page_client, review_form
from tests.reference_data import reseed

COLLISION = "Someone else saved the same record at the same moment"


def collide(officer, send) -> object:
    """``send()`` a first review while another transaction has inserted one, uncommitted: the
    request passes every check, then waits at the unique constraint until that one commits."""
    reseed()
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    answer = {}

    def request():
        try:
            answer["response"] = send()
        finally:
            close_old_connections()

    with transaction.atomic():
        InterimReview.objects.create(
            district=officer.unit,
            period=period,
            held_on=datetime.date(2025, 7, 1),
            achievements="Đã lưu trước",
            difficulties="-",
            proposals="-",
        )
        thread = threading.Thread(target=request)
        thread.start()
        wait_until_blocked()
    thread.join(timeout=60)
    assert InterimReview.objects.get().achievements == "Đã lưu trước"
    return answer["response"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_integrity_race_in_the_api_answers_409_json(officer_1):
    need_postgresql()
    client = api_client(officer_1)
    body = {"district": "760", "period": "2025", **review_form(achievements="Gửi sau")}

    response = collide(officer_1, lambda: client.post("/api/v1/interim-reviews/", body))

    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/json"
    assert COLLISION in response.json()["detail"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_integrity_race_on_a_page_answers_a_409_page(officer_1):
    need_postgresql()
    client = page_client(officer_1)
    url = "/districts/760/review/2025/"

    form_page = f"http://testserver{url}"
    response = collide(
        officer_1, lambda: client.post(url, review_form(version=NEW), HTTP_REFERER=form_page)
    )

    assert response.status_code == 409
    html = response.content.decode()
    # The way back is the page the form was on (the URL posted to may take POST only).
    assert COLLISION in html and f'href="{form_page}"' in html


@pytest.mark.django_db(transaction=True)
def test_only_a_unique_constraint_is_a_collision_other_integrity_errors_are_defects(officer_1):
    token = uuid.uuid4()
    SentForm.objects.create(token=token, user=officer_1)
    with pytest.raises(IntegrityError) as twice, transaction.atomic():
        SentForm.objects.create(token=token, user=officer_1)
    with pytest.raises(IntegrityError) as no_user, transaction.atomic():
        SentForm.objects.create(token=uuid.uuid4(), user_id=None)

    assert is_write_collision(twice.value)
    assert not is_write_collision(no_user.value)


class Record:
    def __init__(self, version: int):
        self.version = version


@pytest.mark.parametrize(
    ("current", "expected", "refused"),
    [
        (None, None, False),  # an import or a command: nothing to compare
        (Record(3), None, False),
        (None, NEW, False),  # the first save, as the form expected
        (Record(1), NEW, True),  # someone created it meanwhile
        (Record(2), 2, False),
        (Record(3), 2, True),  # someone changed it meanwhile
        (None, 2, True),  # it was removed meanwhile
    ],
)
def test_check_version(current, expected, refused):
    if refused:
        with pytest.raises(ConflictError):
            check_version(current, expected)
    else:
        check_version(current, expected)


def test_tokens_of_forms_sent_more_than_a_week_ago_are_forgotten(officer_1):
    old, recent = SentForm.objects.bulk_create(
        [SentForm(token=uuid.uuid4(), user=officer_1), SentForm(token=uuid.uuid4(), user=officer_1)]
    )
    SentForm.objects.filter(pk=old.pk).update(sent_at=timezone.now() - datetime.timedelta(days=8))
    assert purge_sent_forms() == 1
    assert list(SentForm.objects.values_list("pk", flat=True)) == [recent.pk]
