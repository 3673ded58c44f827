from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from learningcity.choices import Role
from learningcity.permissions import restrict

from . import selectors
from .filters import DistrictFilterSet


class DistrictListView(ListView):
    template_name = "districts/district_list.html"
    context_object_name = "districts"
    paginate_by = 25
    # ?sort= values the page offers, mapped to orderings.
    orderings = {
        "code": "code",
        "name": "name_search",
        "-name": "-name_search",
        "wards": "ward_count",
        "-wards": "-ward_count",
    }

    def get_queryset(self):
        self.filterset = DistrictFilterSet(
            self.request.GET, queryset=selectors.portal_district_list()
        )
        self.sort = self.request.GET.get("sort", "code")
        ordering = self.orderings.get(self.sort, "code")
        return self.filterset.qs.order_by(ordering, "code")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, sort=self.sort, **kwargs)


def district_detail(request, code: str):
    district = get_object_or_404(selectors.portal_district_list(), code=code)
    # Officers' names and e-mails are personal data: only the Department and the
    # district's own officers see them.
    officers = restrict(
        get_user_model().objects.filter(unit=district, role=Role.DISTRICT_OFFICER, is_active=True),
        request.user,
    ).order_by("full_name")
    return render(
        request,
        "districts/district_detail.html",
        {
            "district": district,
            "wards": selectors.ward_list().filter(parent=district),
            "officers": officers,
        },
    )
