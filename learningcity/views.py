from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from districts.selectors import portal_district_list


def home(request):
    districts = list(portal_district_list())
    return render(
        request,
        "learningcity/home.html",
        {
            "districts": districts,
            "ward_total": sum(d.ward_count for d in districts),
        },
    )


@login_not_required
@transaction.non_atomic_requests
@require_GET
def healthz(request):
    """Liveness probe for load balancers: the process answers; touches nothing else."""
    return JsonResponse({"status": "ok"})
