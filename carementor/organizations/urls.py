from django.urls import path

from carementor.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("switch/", views.switch, name="switch"),
    path("new/", views.create, name="create"),
    path("invitations/code/<str:code>/", views.invitation_by_code, name="invitation_by_code"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/settings/", views.organization_settings, name="settings"),
    path("<str:code>/leave/", views.leave, name="leave"),
    path("<str:code>/members/", views.members, name="members"),
    path(
        "<str:code>/members/<str:membership_code>/roles/",
        views.member_roles,
        name="member_roles",
    ),
    path(
        "<str:code>/members/<str:membership_code>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<str:code>/invitations/", views.invite, name="invite"),
    path(
        "<str:code>/invitations/<str:invitation_code>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<str:code>/invitations/<str:invitation_code>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
