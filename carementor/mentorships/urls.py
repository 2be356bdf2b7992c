from django.urls import path

from carementor.mentorships import meeting_views as mv
from carementor.mentorships import message_views as msg
from carementor.mentorships import plan_views as pv
from carementor.mentorships import views

app_name = "mentorships"

urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("new/", views.mentorship_new, name="new"),
    path("oversee/<str:org_code>/", views.health, name="health"),
    path("action-plan/", pv.action_plan, name="action_plan"),
    path("network/", pv.network, name="network"),
    path("calendar/", mv.calendar_settings, name="calendar"),
    # Public: the secret token is the authentication (see tests/test_authorization.py).
    path("calendar/feed/<str:token>.ics", mv.calendar_feed, name="calendar_feed"),
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
    path("<str:code>/messages/", msg.thread, name="messages"),
    path("<str:code>/messages/files/<str:attachment_code>/", msg.attachment, name="attachment"),
    path("<str:code>/plan/", pv.plan, name="plan"),
    path("<str:code>/plan/goals/", pv.goal_new, name="goal_new"),
    path("<str:code>/plan/goals/<str:goal_code>/progress/", pv.goal_progress, name="goal_progress"),
    path("<str:code>/plan/actions/", pv.action_new, name="action_new"),
    path("<str:code>/plan/actions/<str:item_code>/done/", pv.action_done, name="action_done"),
    path("<str:code>/meetings/new/", mv.meeting_new, name="meeting_new"),
    path("<str:code>/meetings/<str:meeting_code>/", mv.meeting_detail, name="meeting"),
    path("<str:code>/meetings/<str:meeting_code>/edit/", mv.meeting_edit, name="meeting_edit"),
    path(
        "<str:code>/meetings/<str:meeting_code>/cancel/", mv.meeting_cancel, name="meeting_cancel"
    ),
    path(
        "<str:code>/meetings/<str:meeting_code>/record/", mv.meeting_record, name="meeting_record"
    ),
    path("<str:code>/meetings/<str:meeting_code>/invite.ics", mv.meeting_ics, name="meeting_ics"),
    path("<str:code>/meetings/<str:meeting_code>/agenda/", mv.agenda_add, name="agenda_add"),
    path(
        "<str:code>/meetings/<str:meeting_code>/agenda/<str:item_code>/move/",
        mv.agenda_move,
        name="agenda_move",
    ),
    path(
        "<str:code>/meetings/<str:meeting_code>/agenda/<str:item_code>/remove/",
        mv.agenda_remove,
        name="agenda_remove",
    ),
    path(
        "<str:code>/meetings/<str:meeting_code>/agenda/<str:item_code>/cover/",
        mv.agenda_cover,
        name="agenda_cover",
    ),
    path("<str:code>/meetings/<str:meeting_code>/notes/", mv.shared_note, name="shared_note"),
    path(
        "<str:code>/meetings/<str:meeting_code>/private-note/",
        mv.private_note,
        name="private_note",
    ),
]
