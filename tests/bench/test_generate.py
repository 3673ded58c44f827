"""The benchmark data set: the shape the issue asks for, and the same data for the same seed."""

import hashlib

from django.db import transaction

from awards.models import Dossier
from bench.generate import NATIONAL_DISTRICTS, NATIONAL_DOSSIERS, YEARS, generate
from clc.models import ActivityReport, Centre
from districts.models import AdministrativeUnit
from indicators.models import CityFigure, Indicator, Submission, Value
from learningcity.deadlines.models import Obligation


def digest() -> str:
    rows = Dossier.objects.order_by("code").values_list("code", "nominee_name", "status")
    values = Value.objects.order_by(
        "submission__district__code", "submission__period__code", "indicator__code"
    )
    text = repr(list(rows)) + repr(list(values.values_list("indicator__code", "value")[:2000]))
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_city_data_set_has_the_national_shape_and_repeats_with_its_seed(db):
    fingerprints = []
    for _run in range(2):
        with transaction.atomic():
            generate(scale="city", seed=7, out=lambda line: None)
            districts = AdministrativeUnit.objects.filter(level="district").count()
            wards = AdministrativeUnit.objects.filter(level="ward").count()
            assert (districts, wards) == (22, 273)
            assert Centre.objects.count() == wards  # one centre per ward
            assert set(ActivityReport.objects.values_list("year", flat=True)) == set(YEARS)
            periods = 2 * len(YEARS)  # every year and its first half
            assert Submission.objects.count() == districts * periods
            entered = Indicator.objects.filter(computed="", area__group__framework__is_current=True)
            assert Value.objects.count() == districts * periods * entered.count()
            # The city figures the approvals would have stored, as the services store them.
            assert CityFigure.objects.filter(indicator__in=entered).count() == (
                periods * entered.count()
            )
            # The same number of dossiers per district as the country's 100,000.
            expected = round(NATIONAL_DOSSIERS * districts / NATIONAL_DISTRICTS)
            assert abs(Dossier.objects.count() - expected) < len(YEARS)
            # The timeliness benchmark's obligations, and submissions dated for it.
            assert Obligation.objects.filter(period__year=2025).count() == 4
            sent = Submission.objects.exclude(status="draft")
            assert not sent.filter(first_submitted_at=None).exists()
            fingerprints.append(digest())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
