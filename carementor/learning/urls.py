from django.urls import path

from carementor.learning import quiz_views, views

app_name = "learning"

urlpatterns = [
    path("", views.learning_home, name="home"),
    path("programs/<str:code>/", views.program_learning, name="program"),
    path("programs/<str:code>/library/", views.library_add, name="library_add"),
    path("programs/<str:code>/modules/new/", views.module_create, name="module_create"),
    path("programs/<str:code>/quizzes/new/", quiz_views.quiz_create, name="quiz_create"),
    path("modules/<str:code>/", views.module_detail, name="module"),
    path("modules/<str:code>/complete/", views.module_complete, name="module_complete"),
    path("modules/<str:code>/edit/", views.module_edit, name="module_edit"),
    path("modules/<str:code>/move/", views.module_move, name="module_move"),
    path("modules/<str:code>/delete/", views.module_delete, name="module_delete"),
    path("modules/<str:code>/blocks/", views.block_add, name="block_add"),
    path("modules/<str:code>/blocks/<str:block_code>/done/", views.block_done, name="block_done"),
    path("modules/<str:code>/blocks/<str:block_code>/file/", views.block_file, name="block_file"),
    path("modules/<str:code>/blocks/<str:block_code>/edit/", views.block_edit, name="block_edit"),
    path("modules/<str:code>/blocks/<str:block_code>/move/", views.block_move, name="block_move"),
    path(
        "modules/<str:code>/blocks/<str:block_code>/delete/",
        views.block_delete,
        name="block_delete",
    ),
    path("quizzes/<str:code>/", quiz_views.quiz_detail, name="quiz"),
    path("quizzes/<str:code>/start/", quiz_views.attempt_start, name="attempt_start"),
    path("quizzes/<str:code>/edit/", quiz_views.quiz_edit, name="quiz_edit"),
    path("quizzes/<str:code>/questions/", quiz_views.question_add, name="question_add"),
    path(
        "quizzes/<str:code>/questions/<str:question_code>/delete/",
        quiz_views.question_delete,
        name="question_delete",
    ),
    path("quizzes/<str:code>/results/", quiz_views.quiz_results, name="quiz_results"),
    path("attempts/<str:code>/", quiz_views.attempt_detail, name="attempt"),
    path("attempts/<str:code>/submit/", quiz_views.attempt_submit, name="attempt_submit"),
]
