"""Measure the hot paths on the database of the settings; prints one JSON document.

Run by bench/run.py once per scale (DATABASE_URL and PORTAL_PROVINCE_CODE set by it). Each page
and API call is requested through Django's test client (the whole middleware stack, no network)
after warming up; the number of queries is counted on one warm request. Floors measured in the same
run: the raw SQL of the same aggregate through psycopg, and a view returning a constant JSON.
"""

import io
import json
import os
import statistics
import sys
import time

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WARM_UP = 3
COMPILE_REPEAT = int(os.environ.get("BENCH_COMPILE_REPEAT", "3"))
IMPORT_ROWS = 10_000

# (name, who asks, URL, the floor SQL of the same aggregate)
PATHS = [
    ("home dashboard", "reviewer", "/", "districts"),
    ("review board", "reviewer", "/districts/review-board/?period=2025-H1", "reviews"),
    ("review board API", "consumer", "/api/v1/review-board/?period=2025-H1", "reviews"),
    ("indicator status API, city", "consumer", "/api/v1/indicator-status/?period=2025", "values"),
    (
        "indicator status API, district",
        "consumer",
        "/api/v1/indicator-status/?period=2025&district=760",
        "district_values",
    ),
    ("dossier list", "reviewer", "/awards/", "dossiers"),
    ("dossier list API", "reviewer", "/api/v1/award-dossiers/", "dossiers"),
    ("award stats", "reviewer", "/awards/stats/?round=2024", "award_stats"),
    ("award stats API", "consumer", "/api/v1/award-stats/?round=2024", "award_stats"),
    ("CLC stats", "reviewer", "/clc/stats/?year=2024", "clc_stats"),
    ("CLC stats API", "consumer", "/api/v1/clc-stats/?year=2024", "clc_stats"),
    ("timeliness API", "consumer", "/api/v1/timeliness/?year=2025", "timeliness"),
]

# The province condition is added where the portal is one province's.
FLOORS = {
    "districts": """
        SELECT d.id, d.code, d.name, count(w.id)
        FROM districts_administrativeunit d
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        LEFT JOIN districts_administrativeunit w ON w.parent_id = d.id
        WHERE d.level = 'district' {province}
        GROUP BY d.id ORDER BY d.code""",
    "reviews": """
        SELECT d.id, d.code, r.status, count(c.id)
        FROM districts_administrativeunit d
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        LEFT JOIN districts_interimreview r ON r.district_id = d.id
          AND r.period_id = (SELECT id FROM learningcity_reportingperiod WHERE code = '2025-H1')
        LEFT JOIN districts_steeringcommittee c ON c.district_id = d.id
          AND c.superseded_at IS NULL
        WHERE d.level = 'district' {province}
        GROUP BY d.id, r.status ORDER BY d.code""",
    "values": """
        SELECT v.indicator_id, sum(v.value), avg(v.value), sum(v.numerator), sum(v.denominator),
               count(*)
        FROM indicators_value v
        JOIN indicators_submission s ON s.id = v.submission_id
        JOIN districts_administrativeunit d ON d.id = s.district_id
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        WHERE s.status = 'approved' {province}
          AND s.period_id = (SELECT id FROM learningcity_reportingperiod WHERE code = '2025')
        GROUP BY v.indicator_id""",
    "district_values": """
        SELECT v.indicator_id, v.value, v.numerator, v.denominator
        FROM indicators_value v
        JOIN indicators_submission s ON s.id = v.submission_id
        JOIN districts_administrativeunit d ON d.id = s.district_id
        WHERE d.code = '760' AND d.level = 'district' AND s.status = 'approved'
          AND s.period_id = (SELECT id FROM learningcity_reportingperiod WHERE code = '2025')""",
    "dossiers": """
        SELECT x.id, x.code, x.nominee_name, x.status, d.name, count(*) OVER ()
        FROM awards_dossier x
        JOIN districts_administrativeunit d ON d.id = x.district_id
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        WHERE true {province}
        ORDER BY x.code LIMIT 25""",
    "award_stats": """
        SELECT x.district_id, x.nominee_kind, x.field_id, count(*),
               count(*) FILTER (WHERE x.status = 'awarded')
        FROM awards_dossier x
        JOIN awards_round r ON r.id = x.round_id
        JOIN districts_administrativeunit d ON d.id = x.district_id
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        WHERE r.year = 2024 AND x.status NOT IN ('draft', 'submitted', 'returned', 'resubmitted')
          {province}
        GROUP BY x.district_id, x.nominee_kind, x.field_id""",
    "clc_stats": """
        SELECT w.parent_id, count(DISTINCT c.id), count(a.id), sum(a.participants_total),
               sum(a.funding_state + a.funding_social)
        FROM clc_centre c
        JOIN districts_administrativeunit w ON w.id = c.ward_id
        JOIN districts_administrativeunit d ON d.id = w.parent_id
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        LEFT JOIN clc_activityreport a ON a.centre_id = c.id AND a.year = 2024
        WHERE true {province}
        GROUP BY w.parent_id""",
    "timeliness": """
        SELECT r.district_id, r.first_submitted_at, r.status
        FROM districts_interimreview r
        JOIN districts_administrativeunit d ON d.id = r.district_id
        JOIN districts_administrativeunit p ON p.id = d.parent_id
        WHERE r.first_submitted_at IS NOT NULL {province}
          AND r.period_id IN (SELECT id FROM learningcity_reportingperiod WHERE year = 2025)""",
}


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(samples)}


def _timed(call, repeat: int = REPEAT, warm_up: int = WARM_UP) -> dict:
    for _ in range(warm_up):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return _summary(samples)


def _clients() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.generate import USERS

    clients = {}
    for key, username in USERS.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients[key] = client
    clients["anonymous"] = Client()
    return clients


def _page(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    get()  # counted warm, as a steady stream of requests finds it (cached roll-ups included)
    with CaptureQueriesContext(connection) as queries:
        get()
    return {"queries": len(queries), **_timed(get)}


def _sql_floor(sql: str) -> dict:
    """The same aggregate through psycopg on a connection of its own (no Django at all)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    province = settings.PORTAL_PROVINCE_CODE
    sql = sql.format(province=f"AND p.code = '{province}'" if province else "")
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    ) as connection:
        return _timed(lambda: connection.execute(sql).fetchall())


def _compile() -> dict:
    """The yearly city report of 2025, compiled again and again (the files are replaced)."""
    from django.contrib.auth import get_user_model

    from bench.generate import USERS
    from learningcity.models import ReportingPeriod
    from learningcity.reports import services
    from learningcity.reports.choices import ReportKind, ReportStatus
    from learningcity.reports.models import Report

    reviewer = get_user_model().objects.get(username=USERS["reviewer"])
    period = ReportingPeriod.objects.get(code="2025")
    report = services.report_request(user=reviewer, kind=ReportKind.YEARLY, period=period)

    def compile_once():
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED)
        compiled = services.report_compile(report_id=report.pk)
        if compiled is None or compiled.status != ReportStatus.DONE:
            raise RuntimeError(f"the report did not compile: {compiled and compiled.error}")

    return _timed(compile_once, repeat=COMPILE_REPEAT, warm_up=1)


def _import() -> dict | None:
    """A 10,000-row registry of centres imported by the Department (an update of every row)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.generate import USERS
    from clc import imports
    from clc.selectors import centre_list
    from learningcity.xlsx import build_workbook

    centres = list(centre_list()[:IMPORT_ROWS])
    if len(centres) < IMPORT_ROWS:
        return None  # the city has fewer wards than that
    content = build_workbook(imports.export_sheets(centres, with_contact=lambda centre: True))
    admin = get_user_model().objects.get(username=USERS["admin"])

    def run():
        upload = SimpleUploadedFile("trung-tam.xlsx", content)
        outcome = imports.centres_import(user=admin, district=None, upload=upload, dry_run=True)
        if not outcome.is_valid or len(outcome.rows) != IMPORT_ROWS:
            raise RuntimeError(
                f"the import was refused: {outcome.file_errors or outcome.errors[:3]}"
            )

    with CaptureQueriesContext(connection) as queries:
        run()
    return {"queries": len(queries), **_timed(run, repeat=3, warm_up=0)}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # Set up as a web process is (learningcity/wsgi.py), start-up objects frozen out of the GC.
    from django.db import connection

    import learningcity.wsgi  # noqa: F401

    clients = _clients()
    result = {"paths": {}, "sql_floors": {}}
    result["json_floor"] = _page(clients["anonymous"], "/bench/floor/")
    for name, who, url, floor in PATHS:
        print(f"  {name}", file=sys.stderr)
        result["paths"][name] = {"url": url, "floor": floor, **_page(clients[who], url)}
    for key, sql in FLOORS.items():
        result["sql_floors"][key] = _sql_floor(sql)
    print("  yearly report compile", file=sys.stderr)
    result["compile"] = _compile()
    print("  10,000-row import", file=sys.stderr)
    result["import"] = _import()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM districts_administrativeunit WHERE level = 'district'),"
            " (SELECT count(*) FROM clc_centre), (SELECT count(*) FROM indicators_value),"
            " (SELECT count(*) FROM awards_dossier)"
        )
        districts, centres, values, dossiers = cursor.fetchone()
    result["rows"] = {
        "districts": districts,
        "centres": centres,
        "indicator values": values,
        "dossiers": dossiers,
    }
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
