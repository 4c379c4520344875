from django.contrib import admin
from django.urls import include, path

from collaborative import views

admin.site.site_header = "NMHWDC programme operations"
admin.site.site_title = "NMHWDC admin"
admin.site.index_title = "Programme operations"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
    path("profile/", views.profile, name="profile"),
    path("profile/affiliation/", views.request_affiliation, name="profile_affiliation"),
    path("trusts/", include("trusts.urls")),
    path("workshops/", include("workshops.urls")),
    path("resources/", include("resources.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
