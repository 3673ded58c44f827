"""The period picker: the kinds a page's data is filed in, opening on the latest with data."""

import datetime

import pytest

from learningcity.models import ReportingPeriod
from learningcity.periods import period_choice

pytestmark = pytest.mark.django_db

KINDS = {"half_year": "Half-years", "year": "Years"}
TODAY = datetime.date(2026, 3, 1)


def make(kind, year, number=0):
    return ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)


def test_it_opens_on_the_latest_period_of_the_filing_kind_that_has_data():
    first = make("half_year", 2025, 1)
    make("half_year", 2025, 2)
    make("year", 2025)
    make("quarter", 2025, 3)
    make("half_year", 2026, 2)  # not begun by TODAY
    choice = period_choice(None, kinds=KINDS, with_data={first.pk}, today=TODAY)
    assert choice.selected == first
    assert [label for label, _periods in choice.groups] == ["Half-years", "Years"]
    assert [p.code for p in choice.periods] == ["2025-H2", "2025-H1", "2025"]


def test_without_data_it_opens_on_the_latest_begun_period_of_the_filing_kind():
    make("half_year", 2025, 1)
    make("year", 2026)
    choice = period_choice(None, kinds=KINDS, with_data=set(), today=TODAY)
    assert choice.selected.code == "2025-H1"


def test_with_no_period_of_the_filing_kind_it_opens_on_the_running_one():
    make("year", 2026)
    choice = period_choice(None, kinds=KINDS, with_data=set(), today=TODAY)
    assert choice.selected.code == "2026-H1"
    assert [p.code for p in choice.periods] == ["2026-H1", "2026"]


def test_a_code_it_does_not_offer_selects_nothing():
    make("quarter", 2025, 3)
    make("half_year", 2026, 2)
    for code in ("2025-Q3", "2026-H2", "nope"):
        assert period_choice(code, kinds=KINDS, with_data=set(), today=TODAY).selected is None
