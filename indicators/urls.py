from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("compare/", views.compare, name="compare"),
    path("submissions/", views.SubmissionListView.as_view(), name="submissions"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/template.xlsx", views.values_template, name="values-template"),
    path("submissions/<int:pk>/import/", views.values_import, name="values-import"),
    path("values/<int:pk>/evidence/", views.evidence_download, name="evidence"),
    path(
        "districts/<str:code>/<str:period>/",
        views.district_submission,
        name="district-submission",
    ),
    path("<str:code>/", views.indicator_detail, name="indicator"),
]
