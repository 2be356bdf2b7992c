from django.urls import path

from carementor.programs import views

app_name = "programs"

# Mounted under /programs/ in the "programs" namespace together with the matching app's
# patterns (carementor/urls.py puts matching's first, as before).
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
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
]
