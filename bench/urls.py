"""The portal's URLs and the floor: a bare Django view returning a constant JSON."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.urls import include, path


@login_not_required
@transaction.non_atomic_requests
def floor(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/floor/", floor), path("", include("learningcity.urls"))]
