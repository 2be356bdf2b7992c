"""The matching app's pages. They live under /programs/ in the "programs" URL namespace
(names and paths unchanged), mounted by carementor/urls.py, so programs imports no matching
code."""

from django.urls import path

from carementor.matching import hybrid_views, run_views, speed_views, views

urlpatterns = [
    path("requests/", views.inbox, name="inbox"),
    path("requests/<str:code>/", views.request_detail, name="request_detail"),
    path("requests/<str:code>/<str:action>/", views.request_act, name="request_act"),
    path("<str:code>/mentors/", views.suggestions, name="suggestions"),
    path("<str:code>/mentors/<str:user_code>/mark/", views.mark, name="mark"),
    path(
        "<str:code>/mentors/<str:user_code>/request/",
        views.request_new,
        name="request_new",
    ),
    path("<str:code>/queue/", views.queue, name="queue"),
    path("<str:code>/ranking/", hybrid_views.ranking, name="ranking"),
    path("<str:code>/runs/", run_views.run_list, name="runs"),
    path("<str:code>/runs/start/", run_views.run_start, name="run_start"),
    path("<str:code>/runs/rules/", run_views.pair_rule, name="pair_rule"),
    path("<str:code>/runs/pair/", run_views.pair_create, name="pair_create"),
    path("<str:code>/runs/<str:run_code>/", run_views.run_detail, name="run_detail"),
    path("<str:code>/runs/<str:run_code>/quality.svg", run_views.run_chart, name="run_chart"),
    path("<str:code>/runs/<str:run_code>/publish/", run_views.run_publish, name="run_publish"),
    path(
        "<str:code>/runs/<str:run_code>/proposals/<str:mentee>/",
        run_views.proposal_swap,
        name="proposal_swap",
    ),
    path("<str:code>/events/", speed_views.event_list, name="events"),
    path("<str:code>/events/new/", speed_views.event_create, name="event_create"),
    path("<str:code>/events/<str:event_code>/", speed_views.event_detail, name="event_detail"),
    path(
        "<str:code>/events/<str:event_code>/interest/",
        speed_views.event_interest,
        name="event_interest",
    ),
    path(
        "<str:code>/events/<str:event_code>/schedule/",
        speed_views.event_reschedule,
        name="event_schedule",
    ),
    path(
        "<str:code>/events/<str:event_code>/conclude/",
        speed_views.event_conclude,
        name="event_conclude",
    ),
]
