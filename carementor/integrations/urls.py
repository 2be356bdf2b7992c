from django.urls import include, path

from carementor.integrations import calendar_views, hr_feed_views, scim_urls, views

app_name = "integrations"

urlpatterns = [
    path("scim/v2/", include(scim_urls.urlpatterns)),
    path("organizations/<str:code>/integrations/", views.page, name="page"),
    path(
        "organizations/<str:code>/integrations/scim/tokens/",
        views.token_create,
        name="token_create",
    ),
    path(
        "organizations/<str:code>/integrations/scim/tokens/<str:token_code>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    path(
        "organizations/<str:code>/integrations/scim/groups/<str:group_code>/role/",
        views.group_role,
        name="group_role",
    ),
]

urlpatterns += [
    path(
        "organizations/<str:code>/integrations/webhooks/",
        views.webhook_create,
        name="webhook_create",
    ),
    path(
        "organizations/<str:code>/integrations/webhooks/<str:endpoint_code>/",
        views.webhook_detail,
        name="webhook_detail",
    ),
    path(
        "organizations/<str:code>/integrations/webhooks/<str:endpoint_code>/test/",
        views.webhook_test,
        name="webhook_test",
    ),
    path(
        "organizations/<str:code>/integrations/webhooks/<str:endpoint_code>/active/",
        views.webhook_active,
        name="webhook_active",
    ),
    path(
        "organizations/<str:code>/integrations/webhooks/<str:endpoint_code>/delete/",
        views.webhook_delete,
        name="webhook_delete",
    ),
]

HR = "organizations/<str:code>/integrations/hr-feeds/"
urlpatterns += [
    path(HR, hr_feed_views.feeds, name="hr_feeds"),
    path(f"{HR}<str:feed_code>/", hr_feed_views.feed, name="hr_feed"),
    path(f"{HR}<str:feed_code>/file/", hr_feed_views.upload, name="hr_feed_upload"),
    path(f"{HR}<str:feed_code>/runs/", hr_feed_views.dry_run, name="hr_feed_dry_run"),
    path(f"{HR}<str:feed_code>/runs/<str:run_code>/", hr_feed_views.run, name="hr_feed_run"),
    path(
        f"{HR}<str:feed_code>/runs/<str:run_code>/apply/",
        hr_feed_views.apply,
        name="hr_feed_apply",
    ),
]

urlpatterns += [
    path("integrations/calendar/", calendar_views.calendar, name="calendar"),
    path("integrations/calendar/remove/", calendar_views.calendar_remove, name="calendar_remove"),
    path(
        "integrations/mentorships/<str:code>/meeting-times/",
        calendar_views.meeting_times,
        name="meeting_times",
    ),
]
