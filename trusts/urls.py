from django.urls import path

from trusts import views

app_name = "trusts"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("founding/", views.founding, name="founding"),
    path("my-trust/people/", views.people, name="people"),
    path("my-trust/people/<int:pk>/confirm/", views.confirm_seniority, name="confirm_seniority"),
]
