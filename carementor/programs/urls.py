from django.urls import path

from carementor.matching import hybrid_views, run_views, speed_views
from carementor.matching import views as matching_views
from carementor.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("requests/", matching_views.inbox, name="inbox"),
    path("requests/<str:code>/", matching_views.request_detail, name="request_detail"),
    path("requests/<str:code>/<str:action>/", matching_views.request_act, name="request_act"),
    path("enrollments/<str:code>/decide/", views.enrollment_decide, name="enrollment_decide"),
    path("enrollments/<str:code>/capacity/", views.enrollment_capacity, name="enrollment_capacity"),
    path("enrollments/<str:code>/withdraw/", views.enrollment_withdraw, name="enrollment_withdraw"),
    path("<str:code>/", views.program_detail, name="detail"),
    path("<str:code>/edit/", views.program_edit, name="edit"),
    path("<str:code>/status/", views.program_status, name="status"),
    path("<str:code>/questions/", views.program_questions, name="questions"),
    path(
        "<str:code>/questions/<str:question_code>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<str:code>/apply/", views.program_apply, name="apply"),
    path("<str:code>/participants/", views.participants, name="participants"),
    path("<str:code>/participants.csv", views.participants_export, name="participants_export"),
    path("<str:code>/import/", views.program_import, name="import"),
    path("<str:code>/import/<str:batch_code>/", views.import_detail, name="import_detail"),
    path("<str:code>/mentors/", matching_views.suggestions, name="suggestions"),
    path("<str:code>/mentors/<str:user_code>/mark/", matching_views.mark, name="mark"),
    path(
        "<str:code>/mentors/<str:user_code>/request/",
        matching_views.request_new,
        name="request_new",
    ),
    path("<str:code>/queue/", matching_views.queue, name="queue"),
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
