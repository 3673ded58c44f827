"""Migrations are safe to run again: rolled back and re-applied, the data migrations keep what the
Department edited and the dates of first submission; two ``migrate`` started at once both
succeed (learningcity/management/commands/migrate.py)."""

import datetime
import io
import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from awards.models import CommendationForm
from clc.models import Criterion
from districts.models import AdministrativeUnit, InterimReview, KeyTask
from indicators.models import Framework, Indicator, Submission, Target
from learningcity.management.commands.migrate import MIGRATE_LOCK_KEY
from learningcity.models import ReportingPeriod
from tests.integration.conftest import missing
from tests.reference_data import reseed

from .test_settings import ROOT

FIRST_SUBMITTED = datetime.datetime(2025, 6, 10, 9, 30, tzinfo=datetime.UTC)


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        missing("These migration tests need PostgreSQL: set DATABASE_URL=postgres://…")


def migrate(*args: str) -> None:
    call_command("migrate", *args, verbosity=0, stdout=io.StringIO())


# The rollbacks change the schema: a transactional test. serialized_rollback gives later
# transactional tests the rows the data migrations seeded, as the other transactional tests do.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def seeded():
    require_postgresql()
    reseed()  # a transactional test before this one may have emptied the reference tables
    call_command("load_admin_units", "--province", "79", stdout=io.StringIO())
    yield
    migrate()  # whatever happened, the schema is complete again for the next tests


@pytest.fixture
def district(seeded):
    return AdministrativeUnit.objects.get(level="district", code="760")


@pytest.fixture
def period(seeded):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@transactional
def test_rolling_back_and_reapplying_districts_keeps_key_task_edits_and_submission_dates(
    district, period
):
    KeyTask.objects.filter(code="NV01").update(title="Truyền thông về học tập suốt đời", order=7)
    KeyTask.objects.filter(code="NV11").delete()
    KeyTask.objects.create(code="NV12", title="Nhiệm vụ mới", start_year=2026, end_year=2026)
    review = InterimReview.objects.create(
        district=district,
        period=period,
        held_on=datetime.date(2025, 6, 9),
        achievements="Đã triển khai.",
        difficulties="Không có.",
        proposals="Không có.",
        status="submitted",
        first_submitted_at=FIRST_SUBMITTED,  # its audit trail says later: a date not re-derived
    )

    # Back to before the key tasks were seeded (every app depending on them goes back too).
    migrate("districts", "0002_initial")
    migrate()

    task = KeyTask.objects.get(code="NV01")
    assert (task.title, task.order) == ("Truyền thông về học tập suốt đời", 7)
    assert KeyTask.objects.filter(code="NV12").exists()
    assert KeyTask.objects.count() == 12  # NV11, deleted, was a seed missing: it comes back
    review.refresh_from_db()
    assert review.first_submitted_at == FIRST_SUBMITTED
    assert Indicator.objects.exists()  # the apps rolled back with districts were seeded again


@transactional
def test_rolling_back_and_reapplying_reference_data_keeps_the_departments_edits(district, period):
    indicator = Indicator.objects.get(code="WB2.2")
    Indicator.objects.filter(pk=indicator.pk).update(name="Tên do Sở sửa")
    target = Target.objects.order_by("pk").first()
    Target.objects.filter(pk=target.pk).update(value=Decimal("42"))
    CommendationForm.objects.filter(code="GK-SGDDT").update(name="Giấy khen (tên mới)")
    Criterion.objects.filter(code="TC1").update(max_points=25)
    submission = Submission.objects.create(
        district=district,
        period=period,
        framework=Framework.objects.get(is_current=True),
        status="submitted",
        first_submitted_at=FIRST_SUBMITTED,
    )
    untouched = Submission.objects.create(
        district=AdministrativeUnit.objects.get(level="district", code="770"),
        period=period,
        framework=Framework.objects.get(is_current=True),
        status="submitted",
    )

    for app in ("indicators", "awards", "clc"):
        migrate(app, "0001_initial")
    migrate()

    assert Indicator.objects.get(pk=indicator.pk).name == "Tên do Sở sửa"
    assert Target.objects.get(pk=target.pk).value == Decimal("42")
    assert CommendationForm.objects.get(code="GK-SGDDT").name == "Giấy khen (tên mới)"
    assert Criterion.objects.get(code="TC1").max_points == 25
    submission.refresh_from_db()
    assert submission.first_submitted_at == FIRST_SUBMITTED
    untouched.refresh_from_db()  # no date yet: the backfill dates it from its audit trail
    assert untouched.first_submitted_at == untouched.history.earliest("history_date").history_date


# --- Two migrate at once -------------------------------------------------------------------------
@pytest.fixture
def fresh_database(db):
    """An empty PostgreSQL database of its own (created and dropped here), as a URL."""
    require_postgresql()
    params = connection.settings_dict
    name = f"lc_migrate_{uuid.uuid4().hex[:12]}"
    admin = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    try:
        yield (
            f"postgres://{params['USER']}{password}@{host}:{port}/{name}",
            {**admin, "dbname": name},
        )
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def waiting_for_the_migrate_lock(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchone()[0]


def test_two_migrate_started_at_once_both_succeed(fresh_database):
    url, params = fresh_database
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own default, as in a container
    # The test holds the lock until both runs wait for it: they then start at the same moment
    # and must take turns, whatever the machine's speed.
    with psycopg.connect(**params) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        runs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "migrate", "--no-input"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        while waiting_for_the_migrate_lock(holder) < 2:
            assert all(run.poll() is None for run in runs), "a migrate ended before the lock"
            time.sleep(0.2)
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert check.returncode == 0, check.stdout + check.stderr  # nothing left unapplied
    with psycopg.connect(**params) as conn:
        assert conn.execute("SELECT count(*) FROM districts_keytask").fetchone()[0] == 11
        assert conn.execute("SELECT count(*) FROM awards_fieldofactivity").fetchone()[0] == 5
