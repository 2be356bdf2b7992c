from django.urls import path

from carementor.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("programs/<str:program_code>/", views.program_community, name="program_community"),
    path("posts/<str:code>/", views.post_detail, name="post"),
    path("posts/<str:code>/edit/", views.post_edit, name="post_edit"),
    path("posts/<str:code>/act/", views.post_action, name="post_action"),
    path("posts/<str:code>/report/", views.report, name="report"),
    path("posts/<str:code>/appeal/", views.appeal, name="appeal"),
    path("chats/<str:code>/", views.chat, name="chat"),
    path("files/<str:code>/", views.attachment, name="attachment"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/chats/", views.chats, name="chats"),
    path("<str:code>/join/", views.join, name="join"),
    path("<str:code>/membership/", views.membership, name="membership"),
    path("<str:code>/members/", views.members, name="members"),
    path("<str:code>/posts/new/", views.post_new, name="post_new"),
    path("<str:code>/moderation/", views.moderation, name="moderation"),
]
