"""Uploads and compiled reports in object storage (STORAGE=s3), against a real S3-protocol server.

moto's ``moto_server`` runs on loopback for this module (``s3_endpoint``, tests/object_storage.py);
each test gets a bucket of its own and the default storage pointed at it, as ``STORAGE=s3`` does
in production. Files go in through the portal's real views and services; downloads pass the
permission check, then answer a redirect to a short-lived signed URL that urllib fetches from the
server. Without STORAGE the filesystem is used and downloads stream, as before.
"""

import datetime
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from storages.backends.s3 import S3Storage

from awards import services as award_services
from awards.choices import AttachmentKind, DossierStatus
from awards.models import Attachment
from districts.models import SteeringCommittee
from districts.services import committee_establish
from learningcity.models import ImportPreview, ReportingPeriod
from learningcity.reports import services as report_services
from learningcity.reports.models import Report
from learningcity.reports.tasks import compile_report
from learningcity.storage import signs_urls
from learningcity.tasks import purge_import_previews
from tests.awards.helpers import advance, create, make_round
from tests.districts.test_member_import import xlsx_upload as member_xlsx
from tests.object_storage import ACCESS_KEY, REGION, SECRET_KEY, s3_client

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXPIRE = 60
# Serving a file other than through the helper, or reaching a stored file by a local path.
LOCAL_FILE_ACCESS = re.compile(r"FileResponse\(|\.(?:file|evidence|xlsx|docx)\.path\b|MEDIA_ROOT")


# --- the S3 server and the bucket ----------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT of the test's own: with S3 nothing may land in it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def bucket(s3_endpoint, settings, media):
    """A fresh bucket, and the default storage pointed at it with the options base.py sets."""
    name = f"lc-test-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "querystring_auth": True,
                "querystring_expire": EXPIRE,
                "signature_version": "s3v4",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    assert isinstance(SteeringCommittee._meta.get_field("file").storage, S3Storage)
    yield name
    assert not any(Path(media).rglob("*")), "a file was written to MEDIA_ROOT, not to the bucket"


def keys(endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def stored_bytes(endpoint: str, bucket: str, key: str) -> bytes:
    return s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()


def signed_redirect(response, endpoint: str, bucket: str, key: str) -> str:
    """The signed URL a download answered with, after checking that it is one."""
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}" == endpoint
    assert url.path == f"/{bucket}/{key}"
    query = parse_qs(url.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Signature"][0]
    assert query["X-Amz-Expires"] == [str(EXPIRE)]
    assert query["response-content-disposition"][0].startswith("attachment; ")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    return location


def fetch(url: str) -> tuple[bytes, str]:
    """GET ``url`` from the S3 server as a browser following the redirect would."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.status == 200
        return answer.read(), answer.headers["Content-Disposition"]


# --- uploads -------------------------------------------------------------------------------------


def test_a_committee_decision_goes_to_the_bucket_and_downloads_by_signed_redirect(
    client, hcmc, officer_1, officer_3, s3_endpoint, bucket
):
    client.force_login(officer_1)
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
    assert keys(s3_endpoint, bucket) == [committee.file.name]
    assert stored_bytes(s3_endpoint, bucket, committee.file.name) == PDF

    download_url = f"/districts/files/committee/{committee.pk}/"
    location = signed_redirect(client.get(download_url), s3_endpoint, bucket, committee.file.name)
    body, disposition = fetch(location)
    assert body == PDF
    stored_name = committee.file.name.rsplit("/", 1)[-1]  # the portal names uploads itself
    assert disposition.startswith(f'attachment; filename="{stored_name}"')

    # Another district's officer: not found, and no signed URL handed out.
    client.force_login(officer_3)
    refused = client.get(download_url)
    assert refused.status_code == 404
    assert "Location" not in refused


def test_award_files_keep_their_vietnamese_names(
    client, hcmc, officer_1, officer_3, reviewer, district_1, s3_endpoint, bucket
):
    round = make_round()
    dossier = create(officer_1, round, district_1)
    name = "Báo cáo thành tích Quận 1.pdf"
    attachment = award_services.attachment_add(
        user=officer_1,
        dossier=dossier,
        kind=AttachmentKind.ACHIEVEMENT_REPORT,
        file=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
    )
    assert attachment.file.name in keys(s3_endpoint, bucket)

    client.force_login(officer_1)
    response = client.get(f"/awards/files/{attachment.pk}/")
    body, disposition = fetch(signed_redirect(response, s3_endpoint, bucket, attachment.file.name))
    assert body == PDF
    # RFC 6266: an ASCII stand-in for old clients, the real name in filename* (RFC 5987).
    assert disposition == (
        'attachment; filename="Bao cao thanh tich Quan 1.pdf"; '
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A0nh%20t%C3%ADch%20Qu%E1%BA%ADn%201.pdf"
    )

    client.force_login(officer_3)
    refused = client.get(f"/awards/files/{attachment.pk}/")
    assert refused.status_code == 404 and "Location" not in refused

    # The People's Committee decision, uploaded by the Department.
    advance(dossier, DossierStatus.RECOMMENDED, officer=officer_1, reviewer=reviewer)
    decision = award_services.decision_grant(
        user=reviewer,
        round=round,
        number="99/QĐ-UBND",
        signed_on=datetime.date.today(),
        signer="Phó Chủ tịch UBND Thành phố",
        dossiers=[dossier],
        file=SimpleUploadedFile("quyet-dinh-khen-thuong.pdf", PDF),
    )
    client.force_login(reviewer)
    response = client.get(f"/awards/decisions/{decision.pk}/file/")
    body, _disposition = fetch(signed_redirect(response, s3_endpoint, bucket, decision.file.name))
    assert body == PDF


# --- compiled reports ----------------------------------------------------------------------------


def compile_now(capture_on_commit, **request) -> Report:
    """Request a report, then run its compile task here and now (eagerly), commit hooks too."""
    with capture_on_commit():  # the queued job is not sent: it runs below
        report = report_services.report_request(**request)
    with capture_on_commit(execute=True):  # swapping in new files deletes the old ones
        assert compile_report.apply(args=[report.pk]).get() == "done"
    report.refresh_from_db()
    return report


def test_a_compiled_report_is_stored_in_the_bucket_and_downloads_by_redirect(
    client,
    hcmc,
    officer_1,
    officer_3,
    district_1,
    s3_endpoint,
    bucket,
    django_capture_on_commit_callbacks,
):
    year = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025, number=0)
    request = {"user": officer_1, "kind": "yearly", "period": year, "district": district_1}
    report = compile_now(django_capture_on_commit_callbacks, **request)
    assert keys(s3_endpoint, bucket) == sorted([report.xlsx.name, report.docx.name])

    client.force_login(officer_1)
    for fmt, url in [
        ("xlsx", f"/reports/{report.pk}/xlsx/"),
        ("docx", f"/api/v1/reports/{report.pk}/docx/"),
    ]:
        stored = getattr(report, fmt)
        location = signed_redirect(client.get(url), s3_endpoint, bucket, stored.name)
        body, disposition = fetch(location)
        assert body == stored_bytes(s3_endpoint, bucket, stored.name)
        assert body.startswith(b"PK")  # an Office file is a zip archive
        assert f'filename="bao-cao-nam-2025-760.{fmt}"' in disposition

    client.force_login(officer_3)
    for url in [f"/reports/{report.pk}/xlsx/", f"/api/v1/reports/{report.pk}/xlsx/"]:
        refused = client.get(url)
        assert refused.status_code == 404 and "Location" not in refused, url

    # Compiled again: the new files replace the old ones in the bucket.
    again = compile_now(django_capture_on_commit_callbacks, **request)
    assert {again.xlsx.name, again.docx.name}.isdisjoint({report.xlsx.name, report.docx.name})
    assert keys(s3_endpoint, bucket) == sorted([again.xlsx.name, again.docx.name])


def test_an_old_report_file_the_store_cannot_delete_does_not_undo_the_compile(
    hcmc, admin_user, s3_endpoint, bucket, monkeypatch, django_capture_on_commit_callbacks
):
    year = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025, number=0)
    request = {"user": admin_user, "kind": "yearly", "period": year}
    first = compile_now(django_capture_on_commit_callbacks, **request)

    def refuse(storage, name):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DeleteObject")

    monkeypatch.setattr(S3Storage, "delete", refuse)
    again = compile_now(django_capture_on_commit_callbacks, **request)
    assert again.status == "done" and again.error == ""
    # The new files are the report's; the old ones are merely left behind.
    names = [again.xlsx.name, again.docx.name, first.xlsx.name, first.docx.name]
    assert keys(s3_endpoint, bucket) == sorted(names)


def test_import_previews_wait_in_the_bucket_and_the_purge_deletes_the_stale_ones(
    client, settings, hcmc, officer_1, s3_endpoint, bucket, django_capture_on_commit_callbacks
):
    """A members import previewed and confirmed through the page, the file in the bucket
    between the two; previews never confirmed are deleted from the bucket after a day."""
    committee = committee_establish(
        user=officer_1,
        district=officer_1.unit,
        number="123/QĐ-UBND",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch UBND Quận 1",
    )
    url = f"/districts/committees/{committee.pk}/members/import/"
    members = [[1, "Trần Văn Hùng", "Chủ tịch UBND Quận 1", "UBND Quận 1", "Trưởng ban"]]
    client.force_login(officer_1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def preview_of(rows) -> str:
        response = client.post(url, {"upload": member_xlsx(rows)})
        assert response.status_code == 200 and "token" in response.context
        return response.context["token"]

    token = preview_of(members)
    confirmed = ImportPreview.objects.get()
    assert keys(s3_endpoint, bucket) == [confirmed.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"token": token}).status_code == 302
    assert keys(s3_endpoint, bucket) == [] and committee.members.count() == 1
    replayed = client.post(url, {"token": token}, follow=True)
    assert "already confirmed" in replayed.content.decode() and committee.members.count() == 1

    preview_of(members)
    preview_of(members * 2)
    old, fresh = ImportPreview.objects.filter(confirmed_at__isnull=True).order_by("pk")
    day = datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    for preview, age in ((old, day * 2), (confirmed, day * 2), (fresh, day / 2)):
        ImportPreview.objects.filter(pk=preview.pk).update(created_at=timezone.now() - age)
    assert keys(s3_endpoint, bucket) == sorted([old.file.name, fresh.file.name])

    assert purge_import_previews.apply().get() == 1
    assert keys(s3_endpoint, bucket) == [fresh.file.name]
    assert set(ImportPreview.objects.values_list("pk", flat=True)) == {confirmed.pk, fresh.pk}


# --- the embedded default ------------------------------------------------------------------------


def test_without_storage_s3_files_stay_on_the_filesystem_and_stream(
    client, hcmc, officer_1, district_1, media
):
    storage = Attachment._meta.get_field("file").storage
    assert isinstance(storage, FileSystemStorage) and not signs_urls(storage)
    attachment = award_services.attachment_add(
        user=officer_1,
        dossier=create(officer_1, make_round(), district_1),
        kind=AttachmentKind.ACHIEVEMENT_REPORT,
        file=SimpleUploadedFile("Quyết định thành lập.pdf", PDF),
    )
    assert (Path(media) / attachment.file.name).read_bytes() == PDF
    client.force_login(officer_1)
    response = client.get(f"/awards/files/{attachment.pk}/")
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Quyet dinh thanh lap.pdf"; '
        "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20th%C3%A0nh%20l%E1%BA%ADp.pdf"
    )


def settings_of(module: str, **environment) -> str:
    """The default and staticfiles backends that ``module`` chooses under ``environment``."""
    unwanted = {"STORAGE", "DEBUG", "SECRET_KEY"} | {k for k in os.environ if k.startswith("AWS_")}
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(DJANGO_SETTINGS_MODULE=module, SECRET_KEY="k3y-" + "x7Qm9vB2pL4rT8wZ1nC6" * 3)
    env.update(environment)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.STORAGES['default']; "
        "print(d['BACKEND'], s.STORAGES['staticfiles']['BACKEND'], d.get('OPTIONS', {}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return result.stdout + result.stderr


def test_storage_is_chosen_in_one_place_for_every_environment():
    base = settings_of("learningcity.settings.base")
    assert base.startswith(
        "django.core.files.storage.FileSystemStorage "
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    ), base
    s3 = {"STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "hoc-tap", "AWS_S3_ENDPOINT_URL": ""}
    production = settings_of("learningcity.settings.production", **s3)
    assert production.startswith(
        "storages.backends.s3.S3Storage whitenoise.storage.CompressedManifestStaticFilesStorage"
    ), production
    assert "'bucket_name': 'hoc-tap'" in production and "'endpoint_url': None" in production
    assert "'querystring_expire': 60" in production and "'file_overwrite': False" in production
    volume = settings_of("learningcity.settings.production", MEDIA_ROOT="/data/media")
    assert volume.startswith("django.core.files.storage.FileSystemStorage whitenoise"), volume
    assert "needs AWS_STORAGE_BUCKET_NAME" in settings_of(
        "learningcity.settings.base", STORAGE="s3"
    )
    assert "STORAGE must be" in settings_of("learningcity.settings.base", STORAGE="ftp")


def test_every_download_goes_through_the_one_helper():
    """Views serve stored files only through learningcity.storage.serve_stored_file, and nothing
    reads a stored file by its local path (object storage has none)."""
    offenders = []
    for package in ("awards", "clc", "districts", "indicators", "learningcity"):
        for source in (ROOT / package).rglob("*.py"):
            if "migrations" in source.parts or source.name == "storage.py":
                continue
            text = source.read_text(encoding="utf-8")
            if source.match("settings/*.py"):
                continue
            for found in LOCAL_FILE_ACCESS.findall(text):
                offenders.append(f"{source.relative_to(ROOT)}: {found}")
    assert offenders == []
