"""The district programme's facts have one value wherever the portal shows them.

Districts with a steering committee, with an implementation plan, and the interim reviews sent
for a half-year or a year (both halves) are counted here straight from the models, then read
from the review board, the digest, the home page and the district list, the API, the board's
and the digest's XLSX exports and the compiled yearly report (XLSX and DOCX).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from districts.models import (
    AdministrativeUnit,
    ImplementationPlan,
    InterimReview,
    SteeringCommittee,
)
from learningcity.models import ReportingPeriod

from .conftest import page_text, xlsx_rows, yearly_report

pytestmark = pytest.mark.django_db

SENT = ("submitted", "acknowledged", "returned")  # a draft is the district's working copy
REVIEW_KINDS = {"half_year", "year"}


def t(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def day(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def districts():
    return AdministrativeUnit.objects.filter(level="district", parent__code="79")


def counted_on(as_of: datetime.date) -> dict:
    """Districts, and those with a committee and with a plan issued by ``as_of``."""
    return {
        "as_of": as_of,
        "districts": districts().count(),
        "committees": SteeringCommittee.objects.filter(
            district__in=districts(), issued_on__lte=as_of
        )
        .values("district")
        .distinct()
        .count(),
        "plans": ImplementationPlan.objects.filter(district__in=districts(), issued_on__lte=as_of)
        .values("district")
        .distinct()
        .count(),
    }


def counted(period: ReportingPeriod) -> dict:
    """The facts of ``period`` counted from the models: committees and plans issued by its last
    day (today while it runs), reviews sent for it or, for a year, for either of its halves."""
    halves = (
        ReportingPeriod.objects.filter(kind="half_year", year=period.year)
        if period.kind == "year"
        else ReportingPeriod.objects.filter(pk=period.pk)
    )
    reviews = InterimReview.objects.filter(
        district__in=districts(), status__in=SENT, period__in=[*halves, period]
    )
    return {
        **counted_on(min(period.end_date, datetime.date.today())),
        "reviews": reviews.count(),
        "reviewed": reviews.values("district").distinct().count(),
        "awaiting": reviews.filter(status="submitted").count(),
        "acknowledged": reviews.filter(status="acknowledged").count(),
        "returned": reviews.filter(status="returned").count(),
    }


def review_periods() -> list[str]:
    """The half-years and years of the demo that have begun."""
    return list(
        ReportingPeriod.objects.filter(
            kind__in=REVIEW_KINDS, start_date__lte=datetime.date.today()
        ).values_list("code", flat=True)
    )


def latest_half_year_with_a_review() -> ReportingPeriod:
    sent = InterimReview.objects.filter(status__in=SENT).values("period")
    return (
        ReportingPeriod.objects.filter(kind="half_year", pk__in=sent)
        .order_by("-start_date")
        .first()
    )


def test_the_demo_has_reviews_to_count(demo):
    """The checks below compare non-zero figures: the demo's first half of 2025 has reviews."""
    facts = counted(ReportingPeriod.objects.get(code="2025-H1"))
    assert facts["reviews"] == facts["reviewed"] > 0
    assert 0 < facts["committees"] < facts["districts"]
    assert set(review_periods()) >= {"2024", "2024-H1", "2024-H2", "2025", "2025-H1", "2025-H2"}


@pytest.mark.parametrize("code", ["2024-H1", "2024-H2", "2025-H1", "2025-H2", "2024", "2025"])
def test_the_board_its_api_and_its_export_agree_with_the_models(
    as_user, code, django_assert_max_num_queries
):
    period = ReportingPeriod.objects.get(code=code)
    facts = counted(period)
    client = as_user("chuyenvien")
    total = facts["districts"]

    with django_assert_max_num_queries(25):
        text = page_text(client.get("/districts/review-board/", {"period": code}))
    date = day(facts["as_of"])
    assert (
        f"{facts['committees']}/{total} "
        + t("districts with a committee by %(date)s") % {"date": date}
        in text
    )
    assert (
        f"{facts['plans']}/{total} " + t("districts with a plan by %(date)s") % {"date": date}
        in text
    )
    # Districts out of all, reviews as a count: a district may send more than one.
    assert f"{t('Districts that sent an interim review')} {facts['reviewed']}/{total}" in text
    if period.kind == "year":
        sent = t("Interim reviews sent, both halves of %(year)s") % {"year": period.year}
    else:
        sent = t("Interim reviews sent")
    assert f"{sent} {facts['reviews']} " in text
    breakdown = t(
        "%(awaiting)s awaiting reading · %(acknowledged)s acknowledged · %(returned)s "
        "returned for changes"
    )
    assert breakdown % facts in text

    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/review-board/", {"period": code}).json()
    assert body["as_of"] == facts["as_of"].isoformat()
    assert body["totals"] == {
        "districts": total,
        "with_committee": facts["committees"],
        "with_plan": facts["plans"],
        "reviews_sent": facts["reviews"],
        "districts_reviewed": facts["reviewed"],
        "reviews_awaiting": facts["awaiting"],
        "reviews_acknowledged": facts["acknowledged"],
        "reviews_returned": facts["returned"],
    }
    rows = body["rows"]
    assert sum(row["reviews_sent"] for row in rows) == facts["reviews"]
    assert sum(1 for row in rows if row["reviews_sent"]) == facts["reviewed"]
    assert sum(1 for row in rows if row["committee_number"]) == facts["committees"]

    export = client.get("/districts/review-board/", {"period": code, "format": "xlsx"})
    board = xlsx_rows(export.content)
    header, *lines = board
    assert len(lines) == total
    committee = header.index(t("Committee decision"))
    plan = header.index(t("Plan number"))
    sent_column = header.index(t("Interim reviews sent"))
    assert sum(1 for line in lines if line[committee]) == facts["committees"]
    assert sum(1 for line in lines if line[plan]) == facts["plans"]
    assert sum(line[sent_column] for line in lines) == facts["reviews"]
    assert sum(1 for line in lines if line[sent_column]) == facts["reviewed"]
    city = dict(xlsx_rows(export.content, t("City totals"))[1:])
    assert (
        city[t("Districts with a steering committee by %(date)s") % {"date": date}]
        == (facts["committees"])
    )
    assert (
        city[t("Districts with an implementation plan by %(date)s") % {"date": date}]
        == (facts["plans"])
    )
    if period.kind == "year":
        year = {"year": period.year}
        assert (
            city[t("Interim reviews sent for the two half-years of %(year)s") % year]
            == (facts["reviews"])
        )
        reviewed = t("Districts that sent an interim review for either half of %(year)s") % year
        assert city[reviewed] == facts["reviewed"]
    else:
        with translation.override("vi"):
            label = t("Interim reviews sent for %(period)s") % {"period": str(period)}
        assert city[label] == facts["reviews"]
    assert city[t("of which returned to the district for changes")] == facts["returned"]


@pytest.mark.parametrize("code", ["2024-H1", "2025-H1", "2025-H2", "2024", "2025"])
def test_the_digest_and_its_export_list_the_reviews_the_board_counts(as_user, code):
    period = ReportingPeriod.objects.get(code=code)
    facts = counted(period)
    client = as_user("chuyenvien")
    response = client.get("/districts/digest/", {"period": code})
    assert response.content.decode().count('<article class="card') == facts["reviews"]
    text = page_text(response)
    if period.kind == "year":
        sentence = t(
            "Across the city, %(reviews)s interim reviews were sent for the two half-years of "
            "%(year)s, by %(districts)s districts."
        ) % {"reviews": facts["reviews"], "year": period.year, "districts": facts["reviewed"]}
    else:
        with translation.override("vi"):
            sentence = t(
                "Across the city, %(reviews)s interim reviews were sent for %(period)s."
            ) % {
                "reviews": facts["reviews"],
                "period": str(period),
            }
    assert sentence in text
    export = client.get("/districts/digest/", {"period": code, "format": "xlsx"})
    assert len(xlsx_rows(export.content)) - 1 == facts["reviews"]


def test_the_home_page_and_the_district_list_show_todays_committees_and_plans(as_user):
    today = datetime.date.today()
    latest = latest_half_year_with_a_review()
    now, reviews = counted_on(today), counted(latest)
    client = as_user("chuyenvien")
    home = page_text(client.get("/"))
    total = now["districts"]
    assert f"{now['committees']}/{total} {t('districts with a committee today')}" in home
    assert (
        t("%(n)s/%(total)s with an implementation plan")
        % {
            "n": now["plans"],
            "total": total,
        }
        in home
    )
    with translation.override("vi"):
        sent = t("Interim reviews sent for %(period)s") % {"period": str(latest)}
    assert f"{sent} {reviews['reviews']}/{total}" in home

    listing = page_text(client.get("/districts/"))
    assert t(
        "On %(date)s: %(committees)s/%(total)s districts have a steering committee, "
        "%(plans)s/%(total)s an implementation plan."
    ) % {
        "date": day(today),
        "committees": now["committees"],
        "plans": now["plans"],
        "total": total,
    } in (listing)
    assert listing.count(t("Set up")) == now["committees"]
    # A district officer reads the city's totals, and their own district's row only.
    own = page_text(as_user("quan1").get("/districts/"))
    assert f"{now['committees']}/{total}" in own and own.count(t("Set up")) == 1


@pytest.mark.parametrize("page", ["/districts/review-board/", "/districts/digest/"])
def test_the_period_picker_offers_half_years_and_years_and_opens_on_the_latest_review(
    as_user, page
):
    client = as_user("chuyenvien")
    response = client.get(page)
    latest = latest_half_year_with_a_review()
    assert response.context["period"] == latest
    offered = [
        period for _label, periods in response.context["period_groups"] for period in periods
    ]
    assert {period.kind for period in offered} == REVIEW_KINDS
    assert sorted(period.code for period in offered) == sorted(review_periods())
    html = response.content.decode()
    assert f'<option value="{latest.code}" selected>' in html
    assert 'value="2025-Q1"' not in html and 'value="2025-M07"' not in html
    assert client.get(page, {"period": "2025-Q1"}).status_code == 404
    # A district officer's board opens on the same period, and so does their district's page.
    assert as_user("quan1").get(page).context["period"] == latest
    assert as_user("quan1").get("/districts/760/").context["period"] == latest


def test_the_api_board_answers_half_years_and_years_only(as_user):
    client = as_user("chuyenvien")
    assert client.get("/api/v1/review-board/", {"period": "2025-H1"}).status_code == 200
    quarter = client.get("/api/v1/review-board/", {"period": "2025-Q1"})
    assert quarter.status_code == 400 and list(quarter.json()) == ["period"]


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_yearly_report_says_in_sections_one_and_two_what_the_board_says(
    demo, year, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    period = ReportingPeriod.objects.get(code=str(year))
    facts = counted(period)
    admin = get_user_model().objects.get(username="admin")
    sheets, text = yearly_report(admin, year, django_capture_on_commit_callbacks)
    summary = {(row[0].split(".")[0], row[1]): row[2] for row in sheets[0][1:] if row[0]}
    date, years = day(facts["as_of"]), {"year": year}
    assert (
        summary[("I", t("Districts with a steering committee by %(date)s") % {"date": date})]
        == (facts["committees"])
    )
    assert (
        summary[("I", t("Districts with an implementation plan by %(date)s") % {"date": date})]
        == (facts["plans"])
    )
    assert (
        summary[("I", t("Interim reviews sent for the two half-years of %(year)s") % years)]
        == (facts["reviews"])
    )
    reviewed = t("Districts that sent an interim review for either half of %(year)s") % years
    assert summary[("I", reviewed)] == facts["reviewed"]
    assert summary[("II", t("Interim reviews sent"))] == facts["reviews"]

    assert (
        t(
            "By %(date)s, %(committees)s of %(districts)s districts had set up a steering "
            "committee and %(plans)s had issued an implementation plan."
        )
        % {**facts, "date": date}
        in text
    )
    assert (
        t(
            "Interim reviews are filed per half-year. For the two half-years of %(year)s, "
            "%(reviews)s interim reviews were sent to the Department by %(reviewed)s districts."
        )
        % {**facts, "year": year}
        in text
    )
    if facts["reviews"]:
        with translation.override("vi"):
            span = str(period)
        assert (
            t(
                "%(count)s interim reviews of %(span)s were sent to the Department by "
                "%(districts)s districts. The difficulties and proposals they report are listed "
                "below as the districts wrote them."
            )
            % {"count": facts["reviews"], "span": span, "districts": facts["reviewed"]}
            in text
        )
    else:
        with translation.override("vi"):
            span = str(period)
        none = t("No interim review of %(span)s has been sent to the Department yet.")
        assert none % {"span": span} in text


def test_the_indicator_source_counts_the_districts_the_board_counts(demo):
    """Other apps read "districts that sent an interim review" from the same selector."""
    from districts import selectors

    for year in (2024, 2025):
        period = ReportingPeriod.objects.get(code=str(year))
        assert len(selectors.districts_with_review(year=year)) == counted(period)["reviewed"]
        as_of = period.end_date
        assert len(selectors.districts_with_committee(as_of=as_of)) == counted(period)["committees"]


def test_a_review_sent_for_a_quarter_adds_quarters_to_the_picker_and_counts_in_its_year(
    as_user,
):
    quarter = ReportingPeriod.objects.get(code="2025-Q3")
    before = counted(ReportingPeriod.objects.get(code="2025"))
    InterimReview.objects.create(
        district=AdministrativeUnit.objects.get(code="787"),
        period=quarter,
        held_on=datetime.date(2025, 9, 20),
        status="submitted",
    )
    client = as_user("chuyenvien")
    board = client.get("/districts/review-board/", {"period": "2025-Q3"})
    assert board.status_code == 200
    assert {p.kind for _label, periods in board.context["period_groups"] for p in periods} == {
        *REVIEW_KINDS,
        "quarter",
    }
    # The board still opens on the latest half-year; the year holds the quarter's review.
    assert client.get("/districts/review-board/").context["period"].kind == "half_year"
    year = client.get("/api/v1/review-board/", {"period": "2025"}).json()["totals"]
    assert year["reviews_sent"] == before["reviews"] + 1
    assert year["districts_reviewed"] == before["reviewed"] + 1
