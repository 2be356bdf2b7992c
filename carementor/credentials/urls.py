from django.urls import path

from carementor.credentials import review_views, views

app_name = "credentials"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("validate/", views.validate, name="validate"),
    path("review/", review_views.review_home, name="review_home"),
    path("review/org/<str:org_code>/", review_views.review_queue_page, name="review_queue"),
    path("review/org/<str:org_code>/policy/", review_views.review_policy, name="review_policy"),
    path("review/<str:code>/", review_views.review_detail, name="review_detail"),
    path("review/<str:code>/start/", review_views.review_start, name="review_start"),
    path("review/<str:code>/decide/", review_views.review_decide, name="review_decide"),
    path("review/<str:code>/revoke/", review_views.review_revoke, name="review_revoke"),
    path("review/<str:code>/second/", review_views.review_second, name="review_second"),
    path("review/<str:code>/lookup/", review_views.review_lookup, name="review_lookup"),
    path("review/<str:code>/check/", review_views.review_check, name="review_check"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/resubmit/", views.resubmit, name="resubmit"),
    path("<str:code>/delete/", views.delete, name="delete"),
    path("<str:code>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<str:code>/evidence/<str:evidence_code>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "<str:code>/evidence/<str:evidence_code>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
]
