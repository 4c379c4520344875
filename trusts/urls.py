from django.urls import path

app_name = "trusts"
urlpatterns: list = []
