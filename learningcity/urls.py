from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("learningcity.web_urls")),
    path("districts/", include("districts.urls")),
    path("clc/", include("clc.urls")),
    path("awards/", include("awards.urls")),
    path("indicators/", include("indicators.urls")),
    path("reports/", include("learningcity.reports.urls")),
    path("notifications/", include("learningcity.notifications.urls")),
    path("deadlines/", include("learningcity.deadlines.urls")),
    path("api/", include("learningcity.api.urls")),
    path("admin/", admin.site.urls),
    # i18n/setlang/ (the header's language switch) is in web_urls: it also saves the choice.
]
handler404 = "learningcity.views.page_not_found"

# Uploads are never served from MEDIA_URL: each app's download view checks who is asking.
