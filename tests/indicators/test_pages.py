"""Indicator pages: a district enters and submits its values, the Department reviews them, and
the city's figures appear on the dashboard, the comparison and the indicator pages."""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from districts.selectors import portal_district_list
from indicators import services
from indicators.choices import SubmissionStatus, Unit
from indicators.forms import field_name, format_number, parse_number
from indicators.models import Framework, Indicator, Submission
from indicators.services import Entry
from learningcity.models import ReportingPeriod
from learningcity.text import search_key

PAGE = "/indicators/districts/760/2025/"


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


def english(client):
    """Pages in English (the default is Vietnamese), for checking texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def vi(message: str) -> str:
    """A message as a Vietnamese page shows it."""
    with translation.override("vi"):
        return escape(gettext(message))


def entries(**overrides) -> dict[str, Entry]:
    """A plausible value for every indicator districts enter; ``overrides`` by code."""
    result = {}
    for indicator in Indicator.objects.filter(computed=""):
        if indicator.is_ratio:
            result[indicator.code] = Entry(numerator=50, denominator=100)
        elif indicator.unit == Unit.YES_NO:
            result[indicator.code] = Entry(value=1)
        else:
            result[indicator.code] = Entry(value=10)
    result.update(overrides)
    return result


def approve(district, period, officer, reviewer, **overrides) -> Submission:
    submission = services.submission_open(user=officer, district=district, period=period)
    services.values_save(user=officer, submission=submission, entries=entries(**overrides))
    submission = services.submission_submit(user=officer, submission=submission)
    return services.submission_approve(user=reviewer, submission=submission)


def form_data(submission: Submission, action: str = "save", **overrides) -> dict:
    """What the browser posts from the values form: every field, as a Vietnamese user types."""
    data = {"version": submission.version, "action": action}
    for indicator in Indicator.objects.filter(computed=""):
        code = indicator.code
        if indicator.is_ratio:
            data[field_name(code, "numerator")] = "50"
            data[field_name(code, "denominator")] = "100"
        elif indicator.unit == Unit.YES_NO:
            data[field_name(code, "value")] = "1"
        else:
            data[field_name(code, "value")] = "10"
        data[field_name(code, "note")] = ""
    data.update(overrides)
    return data


def block(html: str, code: str) -> str:
    """The part of a page about one indicator (its list item or table row)."""
    start = html.index(f'id="indicator-{code}"')
    end = re.search(r'id="indicator-', html[start + 10 :])
    return html[start : start + 10 + end.start()] if end else html[start:]


def values_of(submission) -> dict[str, Decimal | None]:
    return dict(submission.values.values_list("indicator__code", "value"))


# --- the whole cycle through the pages -----------------------------------------------------------


def test_officer_and_reviewer_complete_the_cycle(
    client, hcmc, officer_1, officer_3, district_3, reviewer, year_2025
):
    client.force_login(officer_1)
    # Opening the page writes nothing: an empty state with a Start button.
    response = client.get(PAGE)
    assert response.status_code == 200
    assert 'name="action" value="start"' in response.content.decode()
    assert not Submission.objects.exists()
    assert client.post(PAGE, {"action": "start"}).status_code == 302
    submission = Submission.objects.get(district__code="760")
    assert submission.status == SubmissionStatus.DRAFT

    html = client.get(PAGE).content.decode()
    assert 'name="version"' in html and "Dân số từ 15 tuổi trở lên" in html  # denominator label
    assert 'class="badge text-bg-info"' in block(html, "FC1.1")  # computed, read-only
    assert field_name("FC1.1", "value") not in html

    # One impossible percentage: the error sits next to that indicator and nothing is saved.
    bad = form_data(
        submission,
        **{field_name("WB1.1", "numerator"): "2.500", field_name("WB1.1", "denominator"): "2.000"},
    )
    response = client.post(PAGE, bad)
    assert response.status_code == 200
    html = response.content.decode()
    message = vi("The numerator cannot exceed the denominator.")
    assert message in block(html, "WB1.1")
    assert message not in block(html, "WB1.2")
    assert 'value="2.500"' in block(html, "WB1.1")  # what was typed stays in the form
    assert set(values_of(submission).values()) == {None, Decimal(0)}  # computed ones only

    # Numbers as a Vietnamese officer types them: 1.234 is one thousand two hundred and 34.
    good = form_data(
        submission,
        **{
            field_name("WB1.1", "numerator"): "1.234",
            field_name("WB1.1", "denominator"): "2.000",
            field_name("WB2.2", "value"): "1.500",
            field_name("FC3.1", "value"): "1.500.000.000",
            field_name("BB5.2", "value"): "72,5",
            field_name("WB2.2", "note"): "Báo cáo số 12/BC-UBND",
        },
    )
    assert client.post(PAGE, good).status_code == 302
    submission.refresh_from_db()
    saved = values_of(submission)
    assert saved["WB1.1"] == Decimal("61.7") and saved["WB2.2"] == 1500
    assert saved["FC3.1"] == 1_500_000_000 and saved["BB5.2"] == Decimal("72.5")
    html = client.get(PAGE).content.decode()
    assert 'value="1.234"' in block(html, "WB1.1") and 'value="1.500.000.000"' in html

    # Submit (saves first).
    good["version"] = submission.version
    good["action"] = "submit"
    assert client.post(PAGE, good).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    html = client.get(PAGE).content.decode()
    assert 'name="action" value="save"' not in html  # read-only now

    # The reviewer returns it with a comment on one value.
    client.force_login(reviewer)
    detail = f"/indicators/submissions/{submission.pk}/"
    html = client.get(detail).content.decode()
    assert 'name="decision" value="approve"' in html
    assert field_name("WB2.2", "comment") in block(html, "WB2.2")
    # Returning needs a reason.
    response = client.post(detail, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    response = client.post(
        detail,
        {"decision": "return", field_name("WB2.2", "comment"): "Số lượt tham gia cần kiểm tra."},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED

    # The officer sees the comment next to the value, corrects and submits again.
    client.force_login(officer_1)
    html = client.get(PAGE).content.decode()
    assert "Số lượt tham gia cần kiểm tra." in block(html, "WB2.2")
    good.update(
        {"version": submission.version, "action": "submit", field_name("WB2.2", "value"): "1.450"}
    )
    assert client.post(PAGE, good).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED

    # The reviewer approves.
    client.force_login(reviewer)
    assert client.post(detail, {"decision": "approve"}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED

    # A second district, approved through the services, and the city figures by hand.
    approve(
        district_3,
        year_2025,
        officer_3,
        reviewer,
        **{
            "WB1.1": Entry(numerator=700, denominator=3000),
            "WB2.2": Entry(value=2800),
            "FC3.1": Entry(value=250_000_000),
        },
    )
    html = client.get("/indicators/?period=2025").content.decode()
    # WB1.1: (1234 + 700) / (2000 + 3000) = 38.68 %, from 2 of the 22 districts: below the
    # Department's threshold (all districts, by default), not judged against the target.
    row = html[html.index(">WB1.1</a>") :].split("</tr>")[0]
    assert "38,7%" in row and "40%" in row and "2/22 quận, huyện" in row
    assert "Chưa đủ số liệu" in row and "text-bg-warning" not in row
    # Judged whatever the coverage: at risk (target 40, short by less than a tenth).
    Framework.objects.filter(is_current=True).update(min_coverage=0)
    html = client.get("/indicators/?period=2025").content.decode()
    row = html[html.index(">WB1.1</a>") :].split("</tr>")[0]
    assert "38,7%" in row and "text-bg-warning" in row and "Chưa đủ số liệu" not in row
    row = html[html.index(">WB2.2</a>") :].split("</tr>")[0]
    assert "4.250" in row  # 1.450 + 2.800
    row = html[html.index(">FC3.1</a>") :].split("</tr>")[0]
    assert "1.750.000.000" in row
    html = english(client).get("/indicators/?period=2025").content.decode()
    assert "2/22 districts submitted, 2 approved" in html


# --- permissions ---------------------------------------------------------------------------------


def test_an_officer_cannot_reach_another_districts_values(
    client, hcmc, officer_1, officer_3, reviewer, year_2025
):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    client.force_login(officer_3)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "start"}).status_code == 403
    assert client.post(PAGE, form_data(submission)).status_code == 403
    for url in (
        f"/indicators/submissions/{submission.pk}/",
        f"/indicators/submissions/{submission.pk}/import/",
        f"/indicators/submissions/{submission.pk}/template.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    assert values_of(submission)["WB2.2"] is None

    # Submitted, it is still closed to 770 and cannot be approved by an officer, not even 760's.
    services.values_save(user=officer_1, submission=submission, entries=entries())
    services.submission_submit(user=officer_1, submission=submission)
    detail = f"/indicators/submissions/{submission.pk}/"
    assert client.post(detail, {"decision": "approve"}).status_code == 404
    client.force_login(officer_1)
    html = client.get(detail).content.decode()
    assert 'name="decision"' not in html
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_a_reviewer_reviews_but_does_not_edit_and_does_not_see_drafts(
    client, hcmc, officer_1, reviewer, year_2025
):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    client.force_login(reviewer)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, form_data(submission)).status_code == 403
    assert client.get(f"/indicators/submissions/{submission.pk}/").status_code == 404
    html = client.get("/indicators/submissions/").content.decode()
    assert f"/indicators/submissions/{submission.pk}/" not in html
    assert values_of(submission)["WB2.2"] is None
    # The officer sees the draft in the list.
    client.force_login(officer_1)
    html = client.get("/indicators/submissions/").content.decode()
    assert f"/indicators/submissions/{submission.pk}/" in html


def test_stale_form_is_refused_with_a_message(client, hcmc, officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    stale = form_data(submission, **{field_name("WB2.2", "value"): "99"})
    services.values_save(user=officer_1, submission=submission, entries={"WB2.2": Entry(value=5)})
    client.force_login(officer_1)
    response = english(client).post(PAGE, stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert values_of(submission)["WB2.2"] == 5


def test_approved_values_are_read_only_until_a_revision(
    client, hcmc, officer_1, reviewer, year_2025
):
    approved = approve(officer_1.unit, year_2025, officer_1, reviewer)
    client.force_login(officer_1)
    html = client.get(PAGE).content.decode()
    assert 'name="action" value="revise"' in html and 'name="action" value="save"' not in html
    assert client.post(PAGE, form_data(approved)).status_code == 302  # refused with a message
    assert client.post(PAGE, {"action": "revise"}).status_code == 302
    revision = Submission.objects.get(district=officer_1.unit, revision=2)
    assert revision.status == SubmissionStatus.DRAFT
    html = client.get(PAGE).content.decode()
    assert 'name="action" value="save"' in html and 'value="50"' in html


def test_values_import_previews_then_saves(client, hcmc, officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    client.force_login(officer_1)
    url = f"/indicators/submissions/{submission.pk}/import/"
    template = client.get(f"/indicators/submissions/{submission.pk}/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "WB2.2":
            row[3].value = 1234
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("chi-so.xlsx", buffer.getvalue())
    response = client.post(url, {"upload": upload})
    assert response.status_code == 200
    html = response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert "1.234" in html
    assert values_of(submission)["WB2.2"] is None  # a preview writes nothing
    assert client.post(url, {"token": token}).status_code == 302
    assert values_of(submission)["WB2.2"] == 1234


# --- the city's figures --------------------------------------------------------------------------


def test_dashboard_compare_and_detail_show_approved_values(
    client, hcmc, officer_1, officer_3, district_3, reviewer, year_2025
):
    approve(officer_1.unit, year_2025, officer_1, reviewer, **{"WB2.2": Entry(value=1200)})
    # 770's values are submitted, not approved: they do not count.
    submission = services.submission_open(user=officer_3, district=district_3, period=year_2025)
    services.values_save(user=officer_3, submission=submission, entries=entries())
    services.submission_submit(user=officer_3, submission=submission)

    client.force_login(reviewer)
    html = english(client).get("/indicators/?period=2025").content.decode()
    assert "2/22 districts submitted, 1 approved" in html
    assert "On track: the value has reached the target" in html
    assert html.count('class="card district-card') == 12  # the areas of focus
    assert 'href="#area-BB4"' in html and 'id="area-BB4"' in html
    assert "Enter your district" not in html

    export = client.get("/indicators/", {"period": "2025", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 30
    assert rows["WB2.2"][5] == 1200 and rows["WB2.2"][8] == "1/22 districts"
    assert rows["FC1.1"][8] == "22/22 districts (computed)"
    assert rows["WB1.1"][5] == 50 and rows["WB1.1"][6] == 40

    html = client.get("/indicators/compare/?period=2025").content.decode()
    assert html.count("<tr>") == 1 + 22 + 2  # the head, the districts, the city and coverage
    quan_1 = html[html.index("Quận 1<") :].split("</tr>")[0]
    assert "bg-success-subtle" in quan_1 and "1,200" in quan_1
    quan_3 = html[html.index("Quận 3<") :].split("</tr>")[0]
    assert "bg-success-subtle" not in quan_3  # not approved: empty
    export = client.get("/indicators/compare/", {"period": "2025", "format": "xlsx"})
    book = load_workbook(io.BytesIO(export.content))
    header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    by_code = {row[0]: row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert by_code["760"][header.index("WB2.2")] == 1200
    assert by_code["770"][header.index("WB2.2")] is None

    html = client.get("/indicators/WB1.1/?period=2025").content.decode()
    assert 'data-chart="line"' in html and 'data-chart-source="trend-data"' in html
    assert '<script id="trend-data" type="application/json">' in html
    # No inline script: every script is a file or JSON data (the CSP forbids the rest).
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "Dân số từ 15 tuổi trở lên" in html
    assert client.get("/indicators/XX9.9/").status_code == 404


def test_officer_dashboard_links_to_the_districts_form(client, hcmc, officer_1, year_2025):
    client.force_login(officer_1)
    html = english(client).get("/indicators/?period=2025").content.decode()
    assert "Enter your district's indicators for Year 2025" in html
    assert 'href="/indicators/districts/760/2025/"' in html


def test_submission_list_filters_searches_and_sorts(client, hcmc, admin_user, reviewer, year_2025):
    districts = list(portal_district_list()[:3])
    for district in districts:
        approve(district, year_2025, admin_user, reviewer)
    client.force_login(reviewer)
    names = [d.name for d in districts]
    html = client.get("/indicators/submissions/", {"q": search_key(names[2])}).content.decode()
    assert re.findall(r'/indicators/submissions/\d+/">([^<]+)</a>', html) == [names[2]]
    html = client.get("/indicators/submissions/", {"status": "submitted"}).content.decode()
    assert "<tbody>" not in html
    for sort, reverse in (("district", False), ("-district", True)):
        html = client.get("/indicators/submissions/", {"sort": sort}).content.decode()
        shown = re.findall(r'/indicators/submissions/\d+/">([^<]+)</a>', html)
        assert shown == sorted(names, key=search_key, reverse=reverse)


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "number"),
    [
        ("vi", "1.234,5", Decimal("1234.5")),
        ("vi", "1.500", Decimal(1500)),
        ("vi", "1.500.000", Decimal(1500000)),
        ("vi", "12,5", Decimal("12.5")),
        ("vi", "12.5", Decimal("12.5")),
        ("en", "1,234.5", Decimal("1234.5")),
        ("en", "1,500", Decimal(1500)),
        ("en", "12.5", Decimal("12.5")),
    ],
)
def test_numbers_are_read_in_the_pages_language(language, text, number):
    with translation.override(language):
        assert parse_number(text) == number


def test_numbers_are_shown_in_the_pages_language():
    with translation.override("vi"):
        assert format_number(Decimal("1500000.0000")) == "1.500.000"
        assert format_number(Decimal("12.5000")) == "12,5"
    with translation.override("en"):
        assert format_number(Decimal("1234.5")) == "1,234.5"


# --- query counts --------------------------------------------------------------------------------


def _approve_districts(count: int, period, admin, reviewer) -> None:
    done = set(Submission.objects.filter(period=period).values_list("district_id", flat=True))
    for district in portal_district_list()[:count]:
        if district.pk not in done:
            approve(district, period, admin, reviewer)


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/?period=2025",
        "/indicators/compare/?period=2025",
        "/indicators/WB1.1/?period=2025",
        "/indicators/submissions/?period=2025",
        "/indicators/submissions/",
    ],
)
def test_query_count_does_not_grow_with_districts(client, hcmc, admin_user, reviewer, url):
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    client.force_login(reviewer)
    _approve_districts(2, period, admin_user, reviewer)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _approve_districts(8, period, admin_user, reviewer)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


@pytest.mark.parametrize("url", ["/indicators/WB1.1/?period=2025", "/indicators/?period=2025"])
def test_query_count_does_not_grow_with_years(client, hcmc, admin_user, reviewer, url):
    client.force_login(reviewer)
    y2025 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    _approve_districts(2, y2025, admin_user, reviewer)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    y2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    _approve_districts(2, y2024, admin_user, reviewer)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_city_figures_open_on_the_latest_year_values_were_sent_for(
    client, reviewer, district_1, admin_user
):
    """A year just begun has nothing to add up: the pages open on the latest year some
    district has sent values for, and offer years only."""
    year_2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    ReportingPeriod.objects.get_or_create_for(kind="month", year=2025, number=3)
    submission = services.submission_open(user=admin_user, district=district_1, period=year_2024)
    Submission.objects.filter(pk=submission.pk).update(first_submitted_at=timezone.now())
    client.force_login(reviewer)
    for url in ("/indicators/", "/indicators/compare/", "/indicators/WB1.1/"):
        response = client.get(url)
        assert response.context["period"] == year_2024, url
        offered = [p.kind for _label, group in response.context["period_groups"] for p in group]
        assert set(offered) == {"year"}, url
    assert client.get("/indicators/?period=2025-M03").status_code == 404
