from django.urls import path

from . import views

app_name = "clc"
urlpatterns = [
    path("", views.CentreListView.as_view(), name="registry"),
    path("new/", views.centre_create, name="centre-create"),
    path("template.xlsx", views.centre_template, name="template"),
    path("import/", views.centre_import, name="import-all"),
    path("import/<str:code>/", views.centre_import, name="import"),
    path("stats/", views.rollup_city, name="rollup"),
    path("stats/<str:code>/", views.rollup_district, name="rollup-district"),
    path("not-reported/", views.not_reported, name="not-reported"),
    path("<int:pk>/", views.centre_detail, name="centre"),
    path("<int:pk>/edit/", views.centre_edit, name="centre-edit"),
    path("<int:pk>/status/", views.centre_status, name="centre-status"),
    path("<int:pk>/reports/<int:year>/", views.report_edit, name="report-edit"),
    path("<int:pk>/evaluations/<int:year>/", views.evaluation_edit, name="evaluation-edit"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report-decide"),
]
