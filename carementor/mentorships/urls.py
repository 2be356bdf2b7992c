from django.urls import path

from carementor.mentorships import views

app_name = "mentorships"

urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("new/", views.mentorship_new, name="new"),
    path("oversee/<str:org_code>/", views.health, name="health"),
    path("<str:code>/", views.mentorship_detail, name="detail"),
    path("<str:code>/agreement/", views.agreement, name="agreement"),
    path("<str:code>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path("<str:code>/help/", views.request_help, name="request_help"),
    path("<str:code>/help/resolve/", views.resolve_help, name="resolve_help"),
    path("<str:code>/extension/", views.request_extension, name="request_extension"),
    path(
        "<str:code>/extension/<str:extension_code>/",
        views.decide_extension,
        name="decide_extension",
    ),
    path("<str:code>/closing/", views.start_closing, name="start_closing"),
    path("<str:code>/close/", views.close, name="close"),
]
