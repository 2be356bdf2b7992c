from django.urls import path

from carementor.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("progress/", views.progress_list, name="progress_list"),
    path("progress/<str:code>/", views.progress, name="progress"),
    path("progress/<str:code>/check/", views.check_now, name="check"),
    path("programs/<str:code>/rules/", views.rules, name="rules"),
    path("programs/<str:code>/completion/", views.completion, name="completion"),
    path("programs/<str:code>/issue/", views.issue_now, name="issue_now"),
    path("programs/<str:code>/rules/<str:role>/delete/", views.rule_delete, name="rule_delete"),
    path("settings/<str:code>/", views.settings_page, name="settings"),
    path("c/<str:code>/certificate.pdf", views.download, name="download"),
    path("c/<str:code>/revoke/", views.revoke, name="revoke"),
    path("c/<str:code>/reissue/", views.reissue, name="reissue"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("cpd/", views.cpd, name="cpd"),
    path("cpd/export.csv", views.cpd_export_csv, name="cpd_csv"),
    path("cpd/export.pdf", views.cpd_export_pdf, name="cpd_pdf"),
    path("cpd/<str:code>/delete/", views.cpd_delete, name="cpd_delete"),
]
