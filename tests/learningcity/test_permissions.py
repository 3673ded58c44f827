"""The permission matrix: each role x read/write x own/other district, through the scoping
helper and through every page and endpoint that shows district-owned data."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from learningcity.choices import Role
from learningcity.permissions import Action, ensure_allowed, may_see_personal_data, restrict
from tests.factories import UserFactory

User = get_user_model()

# role -> (view own, view other, change own, change other)
MATRIX = {
    Role.DEPARTMENT_ADMIN: (True, True, True, True),
    Role.DEPARTMENT_REVIEWER: (True, True, False, False),
    Role.DISTRICT_OFFICER: (True, False, True, False),
    Role.API_CONSUMER: (True, True, False, False),
}


@pytest.fixture
def actor_for(district_1):
    def make(role):
        # Department roles have no unit; "own" is then the officer's district 1 all the same.
        unit = district_1 if role == Role.DISTRICT_OFFICER else None
        return UserFactory(role=role, unit=unit)

    return make


@pytest.mark.parametrize("role", list(Role))
def test_matrix_through_the_scoping_helper(role, actor_for, officer_1, officer_3):
    actor = actor_for(role)
    expected = MATRIX[role]
    rows = User.objects.filter(pk__in=[officer_1.pk, officer_3.pk])
    seen = [
        restrict(rows, actor, Action.VIEW).filter(pk=officer_1.pk).exists(),
        restrict(rows, actor, Action.VIEW).filter(pk=officer_3.pk).exists(),
        restrict(rows, actor, Action.CHANGE).filter(pk=officer_1.pk).exists(),
        restrict(rows, actor, Action.CHANGE).filter(pk=officer_3.pk).exists(),
    ]
    assert tuple(seen) == expected


@pytest.mark.parametrize("role", list(Role))
def test_matrix_for_writes_rechecked_on_save(role, actor_for, officer_1, officer_3):
    actor = actor_for(role)
    _, _, change_own, change_other = MATRIX[role]
    for target, allowed in [(officer_1, change_own), (officer_3, change_other)]:
        if allowed:
            ensure_allowed(actor, target, Action.CHANGE)
        else:
            with pytest.raises(PermissionDenied):
                ensure_allowed(actor, target, Action.CHANGE)


def test_anonymous_and_inactive_users_reach_nothing(officer_1, district_1):
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(role=Role.DEPARTMENT_ADMIN, is_active=False)
    for actor in (AnonymousUser(), inactive):
        assert not restrict(User.objects.all(), actor).exists()


def test_reference_data_is_read_by_all_and_changed_by_the_admin_only(district_1, actor_for):
    from districts.models import AdministrativeUnit

    units = AdministrativeUnit.objects.filter(pk=district_1.pk)
    for role in Role:
        actor = actor_for(role)
        assert restrict(units, actor, Action.VIEW).exists()
        assert restrict(units, actor, Action.CHANGE).exists() == (role == Role.DEPARTMENT_ADMIN)


# role -> (personal data of the own district, of another district)
PERSONAL = {
    Role.DEPARTMENT_ADMIN: (True, True),
    Role.DEPARTMENT_REVIEWER: (True, True),
    Role.DISTRICT_OFFICER: (True, False),
    Role.API_CONSUMER: (False, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_personal_data_through_the_helper(role, actor_for, district_1, district_3):
    actor = actor_for(role)
    seen = (
        may_see_personal_data(actor, district_1.pk),
        may_see_personal_data(actor, district_3.pk),
    )
    assert seen == PERSONAL[role]


@pytest.mark.parametrize("role", list(Role))
def test_matrix_through_the_district_page(role, actor_for, client, officer_1, officer_3):
    """Officers' names on a district page are that district's personal data."""
    view_own, view_other = PERSONAL[role]
    client.force_login(actor_for(role))
    own = client.get("/districts/760/").content.decode()
    other = client.get("/districts/770/").content.decode()
    assert (officer_1.full_name in own) == view_own
    assert (officer_3.full_name in other) == view_other


@pytest.mark.parametrize("role", list(Role))
def test_only_the_department_administrator_enters_the_admin(role, actor_for, client, district_1):
    client.force_login(actor_for(role))
    change_url = f"/admin/districts/administrativeunit/{district_1.pk}/change/"
    response = client.get(change_url)
    if role == Role.DEPARTMENT_ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        response = client.post(change_url, {"name": "Quận Đổi Tên"})
        assert response.status_code == 302
        district_1.refresh_from_db()
        assert district_1.name == "Quận 1"
