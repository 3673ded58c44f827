from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="archive"),
    path("request/", views.report_request, name="request"),
    path("request/periods/", views.period_options, name="period-options"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/progress/", views.report_progress, name="progress"),
    path("<int:pk>/compile/", views.report_compile_again, name="compile"),
    path("<int:pk>/<str:fmt>/", views.report_download, name="download"),
]
