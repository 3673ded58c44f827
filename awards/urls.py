from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.DossierListView.as_view(), name="dossier-list"),
    path("new/", views.dossier_create, name="dossier-new"),
    path("review/", views.review_queue, name="review-queue"),
    path("stats/", views.stats, name="stats"),
    path("comments/", views.moderation, name="moderation"),
    path("comments/<int:pk>/<str:verdict>/", views.comment_moderate, name="comment-moderate"),
    path("rounds/<int:pk>/decision/", views.decision_create, name="decision-new"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("decisions/<int:pk>/file/", views.decision_download, name="decision-file"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("public/", views.public_index, name="public"),
    path("public/<int:pk>/", views.public_round, name="public-round"),
    path("<int:pk>/", views.dossier_detail, name="dossier"),
    path("<int:pk>/edit/", views.dossier_edit, name="dossier-edit"),
    path("<int:pk>/vote/", views.vote_record, name="vote"),
    path("<int:pk>/opinions/", views.opinion_add, name="opinion-add"),
    path("<int:pk>/<str:step>/", views.dossier_step, name="step"),
]
