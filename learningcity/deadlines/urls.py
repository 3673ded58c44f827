from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.obligation_list, name="list"),
    path("generate/", views.obligation_generate, name="generate"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("<int:pk>/", views.obligation_detail, name="obligation"),
    path("<int:pk>/edit/", views.obligation_edit, name="obligation-edit"),
]
