from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("read-all/", views.notices_read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/open/", views.notice_open, name="open"),
]
