import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from learningcity.choices import PeriodKind
from learningcity.models import ReportingPeriod


@pytest.mark.parametrize(
    ("kind", "number", "code", "start", "end"),
    [
        (PeriodKind.YEAR, 0, "2025", (2025, 1, 1), (2025, 12, 31)),
        (PeriodKind.HALF_YEAR, 2, "2025-H2", (2025, 7, 1), (2025, 12, 31)),
        (PeriodKind.QUARTER, 3, "2025-Q3", (2025, 7, 1), (2025, 9, 30)),
        (PeriodKind.MONTH, 2, "2024-M02", (2024, 2, 1), (2024, 2, 29)),
    ],
)
def test_period_code_and_bounds(db, kind, number, code, start, end):
    year = int(code[:4])
    period = ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)
    assert period.code == code
    assert period.start_date == datetime.date(*start)
    assert period.end_date == datetime.date(*end)


def test_period_is_created_once(db):
    first = ReportingPeriod.objects.get_or_create_for(kind=PeriodKind.QUARTER, year=2025, number=3)
    again = ReportingPeriod.objects.get_or_create_for(kind=PeriodKind.QUARTER, year=2025, number=3)
    assert first.pk == again.pk
    assert ReportingPeriod.objects.count() == 1


@pytest.mark.parametrize(("kind", "number"), [(PeriodKind.QUARTER, 5), (PeriodKind.MONTH, 0)])
def test_period_number_out_of_range_is_refused(db, kind, number):
    with pytest.raises(ValidationError) as excinfo:
        ReportingPeriod.objects.get_or_create_for(kind=kind, year=2025, number=number)
    assert "number" in excinfo.value.message_dict
    assert not ReportingPeriod.objects.exists()


def test_period_label_in_vietnamese(db):
    period = ReportingPeriod.objects.get_or_create_for(kind=PeriodKind.QUARTER, year=2025, number=3)
    with translation.override("vi"):
        assert str(period) == "Quý 3/2025"
    with translation.override("en"):
        assert str(period) == "Quarter 3/2025"
