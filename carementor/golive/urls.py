from django.urls import path

from carementor.golive import views

app_name = "golive"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/teams/", views.team_add, name="team_add"),
    path("<str:code>/members/", views.member_add, name="member_add"),
    path("<str:code>/checklist/", views.checklist_add, name="checklist_add"),
    path("<str:code>/checklist/<str:item>/", views.checklist_mark, name="checklist_mark"),
    path("<str:code>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "<str:code>/milestones/<str:milestone>/pass/", views.milestone_pass, name="milestone_pass"
    ),
    path("<str:code>/pairs/", views.pair_add, name="pair_add"),
    path("<str:code>/issues/", views.issues, name="issues"),
    path("<str:code>/issues/<str:issue>/resolve/", views.issue_resolve, name="issue_resolve"),
    path("<str:code>/pulse/<str:milestone>/", views.pulse, name="pulse"),
    path("<str:code>/report/", views.report_page, name="report"),
]
