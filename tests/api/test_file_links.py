"""Files in API resources are links to the portal's own downloads, whatever the storage.

Every file an API resource names (a committee's or a plan's decision, progress evidence, indicator
evidence, a dossier's attachments, an award decision) is the URL of the permission-checked view
the pages link to, with files on the filesystem and in a bucket (STORAGE=s3, on the moto server of
tests/object_storage.py). Following it as the owner gives the file (streamed, or by a redirect to
a signed URL), with the session of the pages or with the API's token; another district's officer
finds nothing there. The API never hands out a URL of the bucket itself.
"""

import datetime
import io
import urllib.request
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from awards import services as award_services
from awards.choices import AttachmentKind, DossierStatus
from indicators import services as indicator_services
from indicators.models import Indicator, Value
from indicators.services import Entry
from learningcity.models import ReportingPeriod
from tests.awards.helpers import advance, create, make_round

# The bucket fixtures of the object-storage tests: a fresh bucket, the default storage on it.
from tests.learningcity.test_object_storage import bucket, media  # noqa: F401

API = "/api/v1"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, settings, tmp_path):
    if request.param == "s3":
        return SimpleNamespace(
            kind="s3",
            bucket=request.getfixturevalue("bucket"),
            endpoint=request.getfixturevalue("s3_endpoint"),
        )
    settings.MEDIA_ROOT = tmp_path / "media"
    return SimpleNamespace(kind="filesystem", bucket=None, endpoint=None)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(name: str = "quyet-dinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def portal_path(link: str, storage, expected_path: str) -> str:
    """The path of an API file link, after checking that it is the portal's download."""
    url = urlsplit(link)
    assert f"{url.scheme}://{url.netloc}" == "http://testserver", link
    assert url.path == expected_path and not url.query, link
    return url.path


def no_bucket_url(response, storage) -> None:
    if storage.endpoint:
        assert storage.endpoint not in response.content.decode()
        assert "X-Amz-" not in response.content.decode()


def downloaded(client, user, path: str, storage) -> bytes:
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    if storage.kind == "s3":
        assert response.status_code == 302, response.status_code
        location = response["Location"]
        assert location.startswith(f"{storage.endpoint}/{storage.bucket}/"), location
        with urllib.request.urlopen(location, timeout=10) as answer:
            return answer.read()
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def refused(client, user, path: str) -> None:
    """Another district's officer finds nothing there, and is handed no signed URL."""
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert "Location" not in response


# --- the programme: committees, plans, progress ---------------------------------------------------


def test_programme_files_link_to_the_portal_download(
    client, storage, officer_1, officer_3, district_1
):
    api = api_as(officer_1)
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    decision = {"district": "760", "number": "12/QĐ-UBND", "issued_on": "2024-03-01"}
    committee = ok(
        api.post(
            f"{API}/committees/",
            {**decision, "signer": "Nguyễn Văn A", "file": upload()},
            format="multipart",
        ),
        201,
    )
    plan = ok(
        api.post(
            f"{API}/plans/",
            {**decision, "title": "Kế hoạch", "file": upload("ke-hoach.pdf")},
            format="multipart",
        ),
        201,
    )
    progress = ok(
        api.post(
            f"{API}/key-task-progress/",
            {
                "district": "760",
                "period": period.code,
                "key_task": "NV01",
                "status": "done",
                "evidence": upload("bien-ban.pdf"),
            },
            format="multipart",
        ),
        201,
    )
    links = [
        (committee, "file", "committees", f"/districts/files/committee/{committee['id']}/"),
        (plan, "file", "plans", f"/districts/files/plan/{plan['id']}/"),
        (progress, "evidence", "key-task-progress", f"/districts/files/progress/{progress['id']}/"),
    ]
    for created, field, resource, expected in links:
        path = portal_path(created[field], storage, expected)
        detail = api.get(f"{API}/{resource}/{created['id']}/")
        assert ok(detail)[field] == created[field]
        listed = api.get(f"{API}/{resource}/")
        assert [row[field] for row in ok(listed)["results"]] == [created[field]]
        no_bucket_url(detail, storage)
        no_bucket_url(listed, storage)
        assert downloaded(client, officer_1, path, storage) == PDF
        refused(client, officer_3, path)


def with_token(user) -> APIClient:
    """A client that only has the user's API token (no session), as another system would."""
    out = io.StringIO()
    call_command("create_api_token", user.username, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    return client


def test_api_clients_follow_file_links_with_their_token(storage, officer_1, officer_3, district_1):
    owner = with_token(officer_1)
    created = owner.post(
        f"{API}/committees/",
        {
            "district": "760",
            "number": "1",
            "issued_on": "2024-03-01",
            "signer": "A",
            "file": upload(),
        },
        format="multipart",
    )
    path = urlsplit(ok(created, 201)["file"]).path
    assert downloaded(owner, None, path, storage) == PDF
    refused(with_token(officer_3), None, path)

    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = forged.get(path)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert "Location" not in response
    for anonymous in (APIClient().get(path), owner.post(path)):  # a token opens GET only
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")


def test_a_committee_without_a_file_has_no_link(storage, officer_1, district_1):
    created = api_as(officer_1).post(
        f"{API}/committees/",
        {"district": "760", "number": "1", "issued_on": "2024-03-01", "signer": "A"},
    )
    assert ok(created, 201)["file"] is None


# --- indicator evidence ---------------------------------------------------------------------------


def test_indicator_evidence_links_to_the_portal_download(
    client, storage, officer_1, officer_3, district_1
):
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    indicator = next(each for each in Indicator.objects.filter(computed="") if not each.is_ratio)
    submission = indicator_services.submission_open(
        user=officer_1, district=district_1, period=period
    )
    indicator_services.values_save(
        user=officer_1,
        submission=submission,
        entries={indicator.code: Entry(value=1, evidence=upload("minh-chung.pdf"))},
    )
    value = Value.objects.get(submission=submission, indicator=indicator)

    response = api_as(officer_1).get(f"{API}/submissions/{submission.pk}/")
    values = {row["indicator"]: row for row in ok(response)["values"]}
    path = portal_path(
        values[indicator.code]["evidence"], storage, f"/indicators/values/{value.pk}/evidence/"
    )
    no_bucket_url(response, storage)
    assert downloaded(client, officer_1, path, storage) == PDF
    refused(client, officer_3, path)


# --- award dossiers and decisions -----------------------------------------------------------------


def test_award_files_link_to_the_portal_download(
    client, storage, officer_1, officer_3, reviewer, district_1
):
    round = make_round()
    dossier = create(officer_1, round, district_1)
    attachment = award_services.attachment_add(
        user=officer_1,
        dossier=dossier,
        kind=AttachmentKind.ACHIEVEMENT_REPORT,
        file=upload("Báo cáo thành tích.pdf"),
    )
    response = api_as(officer_1).get(f"{API}/award-dossiers/{dossier.pk}/")
    (listed,) = ok(response)["personal"]["attachments"]
    path = portal_path(listed["file"], storage, f"/awards/files/{attachment.pk}/")
    no_bucket_url(response, storage)
    assert downloaded(client, officer_1, path, storage) == PDF
    refused(client, officer_3, path)

    # The People's Committee decision: every signed-in user reads it, nobody else.
    advance(dossier, DossierStatus.RECOMMENDED, officer=officer_1, reviewer=reviewer)
    decision = award_services.decision_grant(
        user=reviewer,
        round=round,
        number="99/QĐ-UBND",
        signed_on=datetime.date.today(),
        signer="Phó Chủ tịch UBND Thành phố",
        dossiers=[dossier],
        file=upload("quyet-dinh-khen-thuong.pdf"),
    )
    response = api_as(officer_3).get(f"{API}/award-decisions/{decision.pk}/")
    path = portal_path(ok(response)["file"], storage, f"/awards/decisions/{decision.pk}/file/")
    no_bucket_url(response, storage)
    assert downloaded(client, officer_3, path, storage) == PDF
    client.logout()
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
