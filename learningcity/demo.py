"""Demo accounts and reference periods for the embedded set-up (`make run`). Idempotent."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from districts.models import AdministrativeUnit

from .choices import PeriodKind, Role
from .models import ReportingPeriod, User

DEMO_PASSWORD = "HocTap@2024"
DEMO_YEARS = (2024, 2025)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Nguyễn Minh Quản", Role.DEPARTMENT_ADMIN),
    DemoAccount("chuyenvien", "Trần Thị Thu Hà", Role.DEPARTMENT_REVIEWER),
    DemoAccount("quan1", "Lê Văn Bình", Role.DISTRICT_OFFICER, "760"),
    DemoAccount("thuduc", "Phạm Thị Mai", Role.DISTRICT_OFFICER, "769"),
    DemoAccount("quan3", "Võ Quốc Hùng", Role.DISTRICT_OFFICER, "770"),
    DemoAccount("api", "Hệ thống báo cáo thống kê", Role.API_CONSUMER),
]


@transaction.atomic
def demo_data_load() -> list[str]:
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo data is disabled here (DEMO_DATA_ALLOWED is off).")
    units = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.districts().filter(
            code__in=[a.unit_code for a in DEMO_ACCOUNTS if a.unit_code]
        )
    }
    for account in DEMO_ACCOUNTS:
        if account.unit_code and account.unit_code not in units:
            raise ImproperlyConfigured("Load the administrative units first: load_admin_units.")
        user, _created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "role": account.role,
                "unit": units.get(account.unit_code),
                "email": f"{account.username}@demo.hcm.edu.vn",
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    for year in DEMO_YEARS:
        for kind, numbers in [
            (PeriodKind.YEAR, [0]),
            (PeriodKind.HALF_YEAR, [1, 2]),
            (PeriodKind.QUARTER, [1, 2, 3, 4]),
            (PeriodKind.MONTH, range(1, 13)),
        ]:
            for number in numbers:
                ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD})"]
    for account in DEMO_ACCOUNTS:
        scope = f"  [{account.unit_code}]" if account.unit_code else ""
        lines.append(f"  {account.username:<12} {account.role:<20}{scope}")
    return lines
