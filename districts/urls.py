from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("", views.DistrictListView.as_view(), name="list"),
    path("review-board/", views.review_board, name="review-board"),
    path("digest/", views.review_digest, name="digest"),
    path("members/template.xlsx", views.member_template, name="member-template"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee-edit"),
    path("committees/<int:pk>/members/add/", views.member_add, name="member-add"),
    path("committees/<int:pk>/members/import/", views.member_import, name="member-import"),
    path("committees/<int:pk>/members.xlsx", views.members_export, name="members-export"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/delete/", views.member_delete, name="member-delete"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/submit/", views.review_submit, name="review-submit"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review-decide"),
    path("files/<str:kind>/<int:pk>/", views.download, name="download"),
    path("<str:code>/", views.district_detail, name="detail"),
    path("<str:code>/committee/history/", views.committee_history, name="committee-history"),
    path("<str:code>/committee/establish/", views.committee_establish, name="committee-establish"),
    path("<str:code>/plan/new/", views.plan_issue, name="plan-issue"),
    path("<str:code>/progress/<str:period>/", views.progress_edit, name="progress-edit"),
    path("<str:code>/review/<str:period>/", views.review_edit, name="review-edit"),
]
