"""`manage.py backup` and `manage.py restore`: one archive with the database and every stored file.

Each round trip runs on the test database (PostgreSQL with DATABASE_URL, otherwise SQLite):
records are created through the services, with uploaded files in a MEDIA_ROOT of the test's
own (or in an S3 bucket on moto's server), backed up, wiped (flush, files deleted), restored,
and compared table by table, row by row and byte by byte.
"""

import datetime
import io
import json
import stat
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from awards.models import Attachment, Dossier, Round
from districts.choices import CommitteeRole
from districts.models import AdministrativeUnit, CommitteeMember, SteeringCommittee
from districts.services import committee_establish, member_create
from learningcity import backup
from learningcity.choices import Role
from learningcity.models import User
from tests.awards.helpers import attach, create, make_round
from tests.factories import UserFactory
from tests.object_storage import ACCESS_KEY, REGION, SECRET_KEY, s3_client
from tests.reference_data import reseed

# Transactional tests: pg_dump and pg_restore are other processes and must see committed rows.
# serialized_rollback gives the reference rows of the data migrations back to later tests.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The rows the round trip creates and then compares one by one.
CREATED_MODELS = [
    AdministrativeUnit,
    User,
    SteeringCommittee,
    CommitteeMember,
    Round,
    Dossier,
    Attachment,
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reference_data_afterwards():
    """The test empties every table on purpose (flush, then restore): run the data migrations'
    seeds again at its end (tests/reference_data.py). pytest-django's own flush after a
    transactional test follows; serialized_rollback gives the next transactional test its
    reference rows, and non-transactional tests run before transactional ones."""
    yield
    reseed()


def make_records() -> list[str]:
    """Units of province 79, users, a committee with its decision's scan, an award dossier with
    an attachment, and a file with a Vietnamese name; the names of the stored files."""
    reseed()  # a transactional test before this one may have emptied the reference tables
    call_command("load_admin_units", "--province", "79", stdout=io.StringIO())
    district = AdministrativeUnit.objects.get(level="district", code="760")
    officer = UserFactory(role=Role.DISTRICT_OFFICER, unit=district, username="officer_q1")
    UserFactory(role=Role.DEPARTMENT_REVIEWER, username="reviewer")
    committee = committee_establish(
        user=officer,
        district=district,
        number="123/QĐ-UBND",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch UBND Quận 1",
        file=SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"),
    )
    member_create(
        user=officer,
        committee=committee,
        full_name="Trần Văn Hùng",
        position="Chủ tịch UBND Quận 1",
        organisation="UBND Quận 1",
        role=CommitteeRole.HEAD,
    )
    dossier = create(officer, make_round(), district)
    attachment = attach(officer, dossier)
    other = default_storage.save("reports/2024/Báo cáo năm 2024.xlsx", ContentFile(b"PK\x03\x04"))
    return sorted([committee.file.name, attachment.file.name, other])


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def rows() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in CREATED_MODELS
    }


def stored_bytes(names) -> dict[str, bytes]:
    result = {}
    for name in names:
        with default_storage.open(name, "rb") as stored:
            result[name] = stored.read()
    return result


def wipe(names) -> None:
    call_command("flush", interactive=False, stdout=io.StringIO())
    for name in names:
        default_storage.delete(name)
    assert User.objects.count() == 0
    assert not any(default_storage.exists(name) for name in names)


def round_trip(tmp_path, archive_name="backup.tar"):
    """Create, back up, wipe, restore; assert that everything is back. The outputs."""
    names = make_records()
    counts, before, files = table_counts(), rows(), stored_bytes(names)
    assert counts["districts.AdministrativeUnit"] == 1 + 22 + 273
    assert len(files) == 3

    archive = tmp_path / archive_name
    backup_output = io.StringIO()
    call_command("backup", str(archive), stdout=backup_output)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # personal data: the owner only
    assert not archive.with_name(archive.name + ".partial").exists()

    wipe(names)

    restore_output = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=restore_output)

    assert table_counts() == counts
    assert rows() == before
    assert stored_bytes(names) == files
    assert sorted(backup.stored_files(default_storage)) == names
    return archive, backup_output.getvalue(), restore_output.getvalue()


@pytest.fixture
def bucket(s3_endpoint, settings, media):
    """A fresh bucket on moto's S3 server (tests/object_storage.py), and the default storage
    pointed at it with the options base.py sets for STORAGE=s3."""
    name = f"lc-backup-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
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
                "signature_version": "s3v4",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield name
    assert not any(Path(media).rglob("*")), "a file was written to MEDIA_ROOT, not to the bucket"


def keys(endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


# --- the round trips -----------------------------------------------------------------------------


@transactional
def test_backup_then_restore_brings_back_every_record_and_file(
    media, tmp_path, reference_data_afterwards
):
    archive, backed_up, restored = round_trip(tmp_path)

    engine = connection.vendor
    assert f"Backed up the {engine} database" in backed_up
    assert "and 3 stored files" in backed_up
    assert f"a {engine} database and 3 files; every checksum matches." in restored
    assert f"Restored the {engine} database" in restored
    assert "Restored 3 files" in restored
    assert "3 of 3 read back from the storage with matching checksums" in restored

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == 1
    assert manifest["database"]["engine"] == engine
    assert names[0] == manifest["database"]["member"]
    assert (
        manifest["database"]["member"]
        == {
            "postgresql": "database.pgdump",
            "sqlite": "database.sqlite3",
        }[engine]
    )
    assert "0001_initial" in manifest["migrations"]["districts"]
    assert manifest["file_count"] == 3
    assert manifest["storage"] == "django.core.files.storage.FileSystemStorage"
    assert sorted(entry["name"] for entry in manifest["files"]) == sorted(
        name.removeprefix("files/") for name in names if name.startswith("files/")
    )
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])
    datetime.datetime.fromisoformat(manifest["created"])


@transactional
def test_a_compressed_archive_round_trips_too(media, tmp_path, reference_data_afterwards):
    archive, _backed_up, _restored = round_trip(tmp_path, "backup.tar.gz")
    with archive.open("rb") as raw:
        assert raw.read(2) == b"\x1f\x8b"  # gzip


@transactional
def test_restore_refuses_without_confirmation_and_changes_nothing(
    media, tmp_path, monkeypatch, reference_data_afterwards
):
    names = make_records()
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    wipe(names)

    # Under pytest standard input is not a terminal: no one to ask, so no restore.
    with pytest.raises(CommandError, match="without confirmation"):
        call_command("restore", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="needs --yes"):
        call_command("restore", "-", stdout=io.StringIO())
    # In a terminal it asks; anything but "yes" cancels.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO()))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert User.objects.count() == 0
    assert not any(default_storage.exists(name) for name in names)


@transactional
def test_a_damaged_archive_is_refused_before_anything_changes(
    media, tmp_path, reference_data_afterwards
):
    names = make_records()
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())

    # The same archive with one stored file's bytes changed (its manifest entry kept).
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == f"files/{names[0]}":
                data = data[:-1] + b"X"
            target.addfile(member, io.BytesIO(data))
    UserFactory(username="created_after_the_backup")

    with pytest.raises(CommandError, match=r"damaged \(1 problems\).*checksum mismatch"):
        call_command("restore", str(damaged), "--yes", stdout=io.StringIO())
    assert User.objects.filter(username="created_after_the_backup").exists()

    # An archive of the other database engine.
    other_engine = {"postgresql": "sqlite", "sqlite": "postgresql"}[connection.vendor]
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(archive) as source, tarfile.open(foreign, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["database"]["engine"] = other_engine
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match=f"holds a {other_engine} database; this portal uses"):
        call_command("restore", str(foreign), "--yes", stdout=io.StringIO())
    assert User.objects.filter(username="created_after_the_backup").exists()

    not_a_backup = tmp_path / "other.tar"
    with tarfile.open(not_a_backup, "w") as target:
        target.addfile(tarfile.TarInfo("hello.txt"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a backup of this portal"):
        call_command("restore", str(not_a_backup), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such archive"):
        call_command("restore", str(tmp_path / "missing.tar"), "--yes")


@transactional
def test_restore_reports_and_prunes_files_that_are_not_in_the_backup(
    media, tmp_path, reference_data_afterwards
):
    make_records()
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    later = default_storage.save("reports/later.xlsx", ContentFile(b"later"))

    output = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=output)
    assert "Left in place 1 stored file that the backup does not have" in output.getvalue()
    assert default_storage.exists(later)

    output = io.StringIO()
    call_command("restore", str(archive), "--yes", "--prune", stdout=output)
    assert "Deleted 1 stored file that the backup does not have." in output.getvalue()
    assert not default_storage.exists(later)


@transactional
def test_files_in_object_storage_are_listed_and_restored(
    s3_endpoint, bucket, tmp_path, reference_data_afterwards
):
    """The same round trip with STORAGE=s3: the storage is walked with listdir, not os.walk."""
    round_trip(tmp_path)
    assert keys(s3_endpoint, bucket) == sorted(backup.stored_files(default_storage))


# --- no secrets ----------------------------------------------------------------------------------


class FakePostgresConnection:
    vendor = "postgresql"
    settings_dict = {
        "NAME": "learningcity",
        "USER": "learningcity",
        "PASSWORD": "s3cr3t-Pa55word",
        "HOST": "db.internal",
        "PORT": "5432",
        "OPTIONS": {"sslmode": "require"},
    }

    def close(self):
        pass


def test_the_database_password_reaches_pg_tools_only_through_their_environment(monkeypatch):
    calls = []

    def fake_run(arguments, **kwargs):
        calls.append((arguments, kwargs["env"]))
        return backup.subprocess.CompletedProcess(arguments, 0, "", "")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    backup.dump_database(FakePostgresConnection(), Path("/tmp/x.pgdump"))
    backup.restore_database(FakePostgresConnection(), Path("/tmp/x.pgdump"))

    (dump_args, _), (restore_args, _) = calls
    assert dump_args[0] == "/usr/bin/pg_dump" and "--format=custom" in dump_args
    assert restore_args[0] == "/usr/bin/pg_restore"
    assert {"--clean", "--if-exists", "--no-owner"} <= set(restore_args)
    for arguments, env in calls:
        assert not any("s3cr3t" in argument for argument in arguments)
        assert "--dbname=learningcity" in arguments
        assert env["PGPASSWORD"] == "s3cr3t-Pa55word"
        assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == (
            "db.internal",
            "5432",
            "learningcity",
        )
        assert env["PGSSLMODE"] == "require"


def test_pg_tool_errors_are_shown_with_the_password_masked():
    settings_dict = {**FakePostgresConnection.settings_dict}
    script = 'echo "FATAL: password $PGPASSWORD rejected for $PGUSER" >&2; exit 2'
    with pytest.raises(backup.BackupError) as raised:
        backup._run_pg_tool(["sh", "-c", script], settings_dict)
    message = str(raised.value)
    assert "s3cr3t" not in message
    assert "password ******** rejected for learningcity" in message
    assert "exit status 2" in message


def test_a_missing_pg_tool_is_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="pg_dump is not installed"):
        backup.dump_database(FakePostgresConnection(), Path("/tmp/x.pgdump"))
