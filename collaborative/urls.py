from django.contrib import admin
from django.urls import include, path

from collaborative import views
from workshops import feeds

admin.site.site_header = "NMHWDC programme operations"
admin.site.site_title = "NMHWDC admin"
admin.site.index_title = "Programme operations"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
    path("profile/", views.profile, name="profile"),
    path("profile/affiliation/", views.request_affiliation, name="profile_affiliation"),
    path("profile/calendar/", views.calendar_feed, name="profile_calendar"),
    path("calendar/<str:token>.ics", feeds.personal_calendar, name="calendar_feed"),
    path("trusts/", include("trusts.urls")),
    path("workshops/", include("workshops.urls")),
    path("resources/", include("resources.urls")),
    path("news/", include("workshops.news_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
