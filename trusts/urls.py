from django.urls import path

from trusts import views

app_name = "trusts"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("founding/", views.founding, name="founding"),
]
