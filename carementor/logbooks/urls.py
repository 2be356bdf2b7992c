from django.urls import path

from carementor.logbooks import views

app_name = "logbooks"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("to-sign/", views.to_sign, name="to_sign"),
    path("export.csv", views.export_csv, name="export"),
    path("portfolio.pdf", views.export_pdf, name="portfolio"),
    path("entries/<str:code>/", views.entry, name="entry"),
    path("programs/<str:code>/requirements/", views.requirements, name="requirements"),
    path(
        "programs/<str:code>/requirements/<str:requirement>/remove/",
        views.requirement_delete,
        name="requirement_delete",
    ),
]
