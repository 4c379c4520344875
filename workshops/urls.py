from django.urls import path

from workshops import views

app_name = "workshops"
urlpatterns = [
    path("", views.programme, name="programme"),
    path("<slug:slug>/", views.detail, name="detail"),
]
