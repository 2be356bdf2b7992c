from django.urls import path

from carementor.network import views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentors/", views.mentor_search, name="search"),
    path("mentors/<str:user_code>/request/", views.request_new, name="request_new"),
    path("offer/", views.offer_edit, name="offer"),
    path("searches/", views.searches, name="searches"),
    path("blocks/", views.blocks, name="blocks"),
    path("people/<str:user_code>/block/", views.block, name="block"),
    path("people/<str:user_code>/report/", views.report, name="report"),
    path("rate/<str:code>/", views.rate, name="rate"),
    path("policy/<str:org_code>/", views.policy, name="policy"),
    path("staff/", views.staff, name="staff"),
]
