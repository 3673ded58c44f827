import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from learningcity.choices import Role
from learningcity.demo import DEMO_PASSWORD
from learningcity.models import ReportingPeriod


def test_demo_data_loads_twice_without_duplicates(hcmc):
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    call_command("load_demo_data", stdout=out)
    users = get_user_model().objects.all()
    assert users.count() == 6
    assert set(users.values_list("role", flat=True)) == set(Role)
    officer = users.get(username="quan1")
    assert officer.unit.code == "760" and officer.check_password(DEMO_PASSWORD)
    assert users.get(username="admin").is_superuser
    # 2 years x (1 year + 2 halves + 4 quarters + 12 months)
    assert ReportingPeriod.objects.count() == 38
    assert "quan1" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_demo_data_needs_the_units(db):
    with pytest.raises(CommandError, match="load_admin_units"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_demo_data_is_refused_where_not_allowed(hcmc, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
