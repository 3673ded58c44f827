"""Roll-ups computed by hand, and the page, its Excel export and /api/v1/clc-stats/ agreeing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from clc import demo, selectors, services
from clc.models import Centre

from .helpers import POINTS_FAIR, POINTS_GOOD, accepted_report, evaluate, register, report, ward


@pytest.fixture
def figures_2025(officer_1, officer_3, district_1, district_3):
    """Quận 1: centres A (model), B, C; Quận 3: centre D.

    A and B have accepted reports with known figures, C's report is only submitted (it counts
    as reported but not in the figures), D has nothing. A is rated Tốt (86), B Khá (72).
    """
    a = register(
        officer_1,
        ward(district_1, 0),
        model_decision_number="1/QĐ",
        model_year=2024,
        model_valid_until=datetime.date(2027, 12, 31),
    )
    b = register(officer_1, ward(district_1, 1))
    c = register(officer_1, ward(district_1, 2))
    d = register(officer_3, ward(district_3, 0))
    accepted_report(
        officer_1,
        a,
        participants_total=100,
        participants_women=60,
        participants_elderly=20,
        participants_disabled=2,
        uses_it=True,
        it_usage="Lớp qua Zalo",
        funding_state=10_000_000,
        funding_social=5_000_000,
        funding_association=1_000_000,
        funding_other=0,
        topics={
            "literacy": {"classes": 2, "sessions": 16},
            "digital_skills": {"classes": 3, "sessions": 24},
        },
    )
    accepted_report(
        officer_1,
        b,
        participants_total=50,
        participants_women=20,
        participants_elderly=10,
        participants_disabled=0,
        funding_state=4_000_000,
        funding_social=0,
        funding_association=0,
        funding_other=500_000,
        topics={
            "digital_skills": {"classes": 1, "sessions": 8},
            "law": {"classes": 2, "sessions": 6},
        },
    )
    services.report_submit(
        user=officer_1,
        report=report(
            officer_1, c, participants_total=999, participants_women=0, uses_it=True, it_usage="x"
        ),
    )
    evaluate(officer_1, a, points=POINTS_GOOD)
    evaluate(officer_1, b, points=POINTS_FAIR)
    return {"a": a, "b": b, "c": c, "d": d}


def test_city_and_district_figures_by_hand(figures_2025, district_1, district_3):
    rollup = selectors.clc_rollup(year=2025)
    city = rollup.total
    assert (city.centres, city.active_centres, city.model_centres) == (4, 4, 1)
    assert (city.reports_in, city.reports_accepted) == (3, 2)
    assert city.share_reporting == Decimal("75.0")
    assert city.participants == {"total": 150, "women": 80, "elderly": 30, "disabled": 2}
    assert (city.using_it, city.it_share) == (1, Decimal("25.0"))
    assert city.funding == {
        "state": 14_000_000,
        "social": 5_000_000,
        "association": 1_000_000,
        "other": 500_000,
    }
    assert city.funding_total == 20_500_000
    assert city.classes["literacy"] == 2 and city.classes["digital_skills"] == 4
    assert city.classes["law"] == 2 and city.classes_total == 8 and city.sessions_total == 54
    assert city.ratings == {"tot": 1, "kha": 1, "trung-binh": 0, "khong-dat": 0}
    assert city.evaluated == 2

    rows = {d.code: f for d, f in rollup.districts}
    assert len(rows) == 22
    q1, q3 = rows["760"], rows["770"]
    assert (q1.centres, q1.reports_in, q1.share_reporting) == (3, 3, Decimal("100.0"))
    assert q1.it_share == Decimal("33.3") and q1.participants["total"] == 150
    assert (q3.centres, q3.reports_in, q3.share_reporting, q3.it_share) == (
        1,
        0,
        Decimal("0.0"),
        Decimal("0.0"),
    )
    assert rows["761"].centres == 0 and rows["761"].share_reporting is None
    assert selectors.clc_rollup(year=2025, district=district_1).total == q1
    assert selectors.clc_rollup(year=2024).total.reports_in == 0


def test_selectors_for_computed_indicators(figures_2025, district_1, district_3, hcmc):
    empty = hcmc.children.get(code="761")
    ids = [district_1.pk, district_3.pk, empty.pk]
    assert selectors.centre_counts(district_ids=ids) == {
        district_1.pk: 3,
        district_3.pk: 1,
        empty.pk: 0,
    }
    assert selectors.model_centre_counts(district_ids=ids, as_of=datetime.date(2025, 12, 31)) == {
        district_1.pk: 1,
        district_3.pk: 0,
        empty.pk: 0,
    }
    assert selectors.report_counts(district_ids=ids, year=2025) == {
        district_1.pk: (2, 3),  # A and B accepted; C only submitted
        district_3.pk: (0, 1),
        empty.pk: (0, 0),
    }
    assert selectors.it_counts(district_ids=ids, year=2025) == {
        district_1.pk: (1, 3),
        district_3.pk: (0, 1),
        empty.pk: (0, 0),
    }
    with CaptureQueriesContext(connection) as queries:
        selectors.centre_counts(district_ids=ids)
        selectors.model_centre_counts(district_ids=ids, as_of=datetime.date(2025, 12, 31))
        selectors.report_counts(district_ids=ids, year=2025)
        selectors.it_counts(district_ids=ids, year=2025)
    assert len(queries) == 4


def _sheet_rows(content: bytes, index: int = 0) -> dict:
    sheet = load_workbook(io.BytesIO(content)).worksheets[index]
    header = [cell.value for cell in sheet[1]]
    return {
        row[1]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }


def test_page_export_and_api_agree(client, figures_2025, reviewer):
    client.force_login(reviewer)
    page = client.get("/clc/stats/", {"year": 2025})
    assert page.status_code == 200
    figures = page.context["figures"]
    html = page.content.decode()
    assert 'id="clc-chart-data"' in html and "<script>" not in html  # data, not inline code
    export = client.get("/clc/stats/", {"year": 2025, "format": "xlsx"})
    rows = _sheet_rows(export.content)
    city = rows["Whole city"]
    api = APIClient()
    api.force_authenticate(reviewer)
    stats = api.get("/api/v1/clc-stats/", {"year": 2025}).json()
    totals = stats["totals"]

    assert figures.centres == city["Centres registered"] == totals["centres"] == 4
    assert (
        figures.reports_in
        == city["Reports in (submitted or accepted)"]
        == totals["reports_in"]
        == 3
    )
    assert city["Share reporting (%)"] == 75.0 and totals["share_reporting"] == "75.0"
    assert figures.participants["total"] == city["Participants"] == 150
    assert totals["participants"] == {"total": 150, "women": 80, "elderly": 30, "disabled": 2}
    assert city["Share using IT (%)"] == 25.0 and totals["it_share"] == "25.0"
    assert city["Funding in total"] == totals["funding"]["total"] == 20_500_000
    assert city["State budget"] == totals["funding"]["state"] == 14_000_000
    assert city["Good"] == 1 and city["Fair"] == 1  # Tốt, Khá
    assert {r["rating"]: r["centres"] for r in totals["ratings"]} == figures.ratings
    assert {r["topic"]: r["classes"] for r in totals["classes_by_topic"]} == figures.classes
    assert rows["Quận 1"]["Centres registered"] == 3 and rows["Quận 3"]["Share using IT (%)"] == 0.0
    assert len(stats["districts"]) == 22 and len(rows) == 23
    by_topic = _sheet_rows(export.content, 1)["Whole city"]
    assert by_topic["Digital skills: classes"] == 4

    district = client.get("/clc/stats/760/", {"year": 2025})
    assert district.context["figures"].participants["total"] == 150
    district_stats = api.get("/api/v1/clc-stats/", {"year": 2025, "district": "760"}).json()
    assert district_stats["totals"]["it_share"] == "33.3"
    assert (
        district_stats["district"] == {"code": "760", "name": "Quận 1"}
        and not district_stats["districts"]
    )
    district_export = client.get("/clc/stats/760/", {"year": 2025, "format": "xlsx"})
    assert _sheet_rows(district_export.content)["Quận 1"]["Share using IT (%)"] == 33.3
    centres = load_workbook(io.BytesIO(district_export.content)).worksheets[2]
    assert centres.max_row == 1 + 3  # every centre of Quận 1, reported or not


def test_department_sees_the_rating_distribution_and_the_centres_not_reported(
    client, figures_2025, reviewer, officer_1, officer_3
):
    d = figures_2025["d"]
    draft = register(officer_3, ward(d.ward.parent, 1))
    report(officer_3, draft)  # a draft has not been sent in
    client.force_login(reviewer)
    page = client.get("/clc/stats/", {"year": 2025})
    rows = {row["district"].code: row["ratings"] for row in page.context["rows"]}
    assert rows["760"] == [1, 1, 0, 0] and rows["770"] == [0, 0, 0, 0] and len(rows) == 22
    missing = client.get("/clc/not-reported/", {"year": 2025})
    names = {c.name for c in missing.context["centres"]}
    assert names == {d.name, draft.name}
    # The draft is the centre's own business: to a reviewer the centre has no report yet.
    assert "Draft" not in missing.content.decode()
    export = client.get("/clc/not-reported/", {"year": 2025, "format": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 3
    # A district office sees its own centres only.
    client.force_login(officer_1)
    assert not client.get("/clc/not-reported/", {"year": 2025}).context["centres"]
    assert client.get("/clc/stats/770/", {"year": 2025}).status_code == 404
    client.force_login(officer_3)
    missing = client.get("/clc/not-reported/", {"year": 2025})
    assert len(missing.context["centres"]) == 2 and "Draft" in missing.content.decode()


def test_the_districts_of_the_city_page_come_in_pages(client, figures_2025, reviewer, monkeypatch):
    from clc import views

    monkeypatch.setattr(views, "DISTRICTS_PAGE_SIZE", 10)  # as 696 districts at 50 a page
    client.force_login(reviewer)
    first = client.get("/clc/stats/", {"year": 2025})
    assert [row["district"].code for row in first.context["rows"]][:1] == ["760"]
    assert len(first.context["rows"]) == 10 and first.context["figures"].centres == 4
    html = first.content.decode()
    assert "Page 1 of 3" in html and "year=2025&amp;page=2" in html
    last = client.get("/clc/stats/", {"year": 2025, "page": 3})
    assert len(last.context["rows"]) == 2 and last.context["figures"].centres == 4
    export = client.get("/clc/stats/", {"year": 2025, "format": "xlsx"})
    assert len(_sheet_rows(export.content)) == 23  # every district and the city


def test_a_countrys_charts_are_by_province(client, figures_2025, reviewer, settings):
    settings.PORTAL_PROVINCE_CODE = ""  # the whole country: here, the one province loaded
    client.force_login(reviewer)
    page = client.get("/clc/stats/", {"year": 2025})
    chart = page.context["chart_data"]["districts"]
    assert chart["labels"] == ["Thành phố Hồ Chí Minh"]
    assert chart["itShare"] == [25.0] and chart["reporting"] == [75.0]
    assert [values[0] for values in chart["ratings"]] == [1, 1, 0, 0]
    html = page.content.decode()
    assert "Ratings by province" in html and "Ratings by district" not in html
    assert len(page.context["rows"]) == 22  # the table stays by district


def _small(officer_1, district_1):
    for index in range(3):
        centre = register(officer_1, ward(district_1, index))
        accepted_report(officer_1, centre, topics={"law": {"classes": 1, "sessions": 2}})
        evaluate(officer_1, centre)


PAGES = [
    "/clc/?district=760",
    "/clc/?q=phuong&sort=-name",
    "/clc/?sort=district&status=active",
    "/clc/stats/?year=2025",
    "/clc/stats/760/?year=2025",
    "/clc/not-reported/?year=2025",
    "/clc/stats/?year=2025&format=xlsx",
    "/clc/?format=xlsx",
]
API = [
    "/api/v1/clc-centres/",
    "/api/v1/clc-reports/",
    "/api/v1/clc-evaluations/",
    "/api/v1/clc-stats/?year=2025",
    "/api/v1/clc-stats/?year=2025&district=760",
]


def test_query_counts_do_not_grow_with_all_273_centres(client, officer_1, district_1, admin_user):
    """Lists, roll-ups and the stats endpoint, with 3 centres and then with the whole city."""
    _small(officer_1, district_1)
    api = APIClient()
    api.force_authenticate(admin_user)
    client.force_login(admin_user)

    def counts():
        result = {}
        for url in PAGES:
            client.get(url)  # warm caches (content types, sessions)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            result[url] = len(queries)
        for url in API:
            api.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200, url
            result[url] = len(queries)
        return result

    small = counts()
    demo.demo_data_load()
    assert Centre.objects.count() == 273
    large = counts()
    assert large == small


def test_cached_figures_follow_every_kind_of_write(figures_2025, officer_1, district_1):
    """The roll-up is cached between writes; each write through the services shows at once."""

    def city():
        return selectors.clc_rollup(year=2025).total

    before = city()
    with CaptureQueriesContext(connection) as queries:
        assert city() == before
    assert not any("clc_reporttopic" in q["sql"] for q in queries.captured_queries)

    register(officer_1, ward(district_1, 3))
    assert city().centres == before.centres + 1
    services.centre_set_status(user=officer_1, centre=figures_2025["b"], status="suspended")
    assert city().active_centres == before.active_centres  # one more, one less
    services.centre_update(
        user=officer_1, centre=figures_2025["a"], model_valid_until=datetime.date(2025, 6, 30)
    )
    assert city().model_centres == before.model_centres - 1

    submitted = figures_2025["c"].reports.get(year=2025)
    returned = services.report_return(user=officer_1, report=submitted, comment="Bổ sung số lớp")
    assert city().reports_in == before.reports_in - 1
    resubmitted = services.report_submit(user=officer_1, report=returned)
    services.report_accept(user=officer_1, report=resubmitted)
    assert city().reports_accepted == before.reports_accepted + 1
    assert city().participants["total"] == before.participants["total"] + 999

    evaluate(officer_1, figures_2025["b"], points=POINTS_GOOD)
    assert city().ratings["tot"] == 2 and city().ratings["kha"] == 0


def test_an_officer_reads_the_city_total_and_their_own_district_only(
    client, figures_2025, officer_3
):
    """Page, export and API alike: one row, the officer's district; the city's total (a figure
    of the programme, as the indicators' city roll-up) and no other district's figures."""
    client.force_login(officer_3)
    page = client.get("/clc/stats/", {"year": 2025})
    assert [row["district"].code for row in page.context["rows"]] == ["770"]
    assert page.context["chart_data"]["districts"]["labels"] == ["Quận 3"]
    html = page.content.decode()
    assert "Quận 1" not in html and "Quận 3" in html
    export = client.get("/clc/stats/", {"year": 2025, "format": "xlsx"})
    summary = _sheet_rows(export.content)
    assert list(summary) == ["Quận 3", "Whole city"]
    assert list(_sheet_rows(export.content, 1)) == ["Quận 3", "Whole city"]
    api = APIClient()
    api.force_authenticate(officer_3)
    stats = api.get("/api/v1/clc-stats/", {"year": 2025}).json()
    assert [row["district"]["code"] for row in stats["districts"]] == ["770"]
    mine = stats["districts"][0]["figures"]
    assert summary["Quận 3"]["Centres registered"] == mine["centres"] == 1
    assert summary["Quận 3"]["Participants"] == mine["participants"]["total"] == 0
    city = summary["Whole city"]
    assert (
        city["Centres registered"]
        == stats["totals"]["centres"]
        == page.context["figures"].centres
        == 4
    )
    assert city["Participants"] == stats["totals"]["participants"]["total"] == 150
    # Quận 1's own page and export stay closed to Quận 3.
    assert client.get("/clc/stats/760/", {"year": 2025, "format": "xlsx"}).status_code == 404


def test_the_api_consumer_reads_every_district_as_its_api_does(client, figures_2025, api_consumer):
    client.force_login(api_consumer)
    page = client.get("/clc/stats/", {"year": 2025})
    assert len(page.context["rows"]) == 22
    export = client.get("/clc/stats/", {"year": 2025, "format": "xlsx"})
    assert len(_sheet_rows(export.content)) == 23
