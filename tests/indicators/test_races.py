""" "Start" pressed many times at once on one district's submission of a period: one submission,
every answer a normal one."""

import pytest
from rest_framework.test import APIClient

from indicators.models import Submission, Value
from learningcity.models import ReportingPeriod
from tests.concurrency import at_once, need_postgresql
from tests.districts.test_races import page_client
from tests.reference_data import reseed

PAGE = "/indicators/districts/760/2025/"


@pytest.fixture
def year_2025():
    reseed()  # a transactional test before this one may have emptied the framework's tables
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_starts_on_the_page_at_once_open_one_submission(officer_1, year_2025):
    need_postgresql()
    clients = [page_client(officer_1) for _ in range(20)]

    responses = at_once([lambda c=client: c.post(PAGE, {"action": "start"}) for client in clients])

    assert [getattr(r, "status_code", r) for r in responses] == [302] * 20
    submission = Submission.objects.get()
    assert Value.objects.filter(submission=submission).count() == Value.objects.count() > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_starts_through_the_api_at_once_answer_one_submission(officer_1, year_2025):
    need_postgresql()
    clients = []
    for _ in range(20):
        client = APIClient()
        client.force_authenticate(officer_1)
        clients.append(client)
    body = {"district": "760", "period": "2025"}

    responses = at_once(
        [lambda c=client: c.post("/api/v1/submissions/", body) for client in clients]
    )

    codes = [getattr(r, "status_code", r) for r in responses]
    assert set(codes) <= {200, 201} and codes.count(201) == 1, codes
    submission = Submission.objects.get()
    assert {r.json()["id"] for r in responses} == {submission.pk}
