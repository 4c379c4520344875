from django.contrib import admin
from django.urls import include, path

from collaborative.privacy import views as privacy_views
from collaborative.security import views as security_views
from collaborative.site import public_pages, views
from workshops.messages import feed

admin.site.site_header = "NMHWDC programme operations"
admin.site.site_title = "NMHWDC admin"
admin.site.index_title = "Programme operations"
# The admin signs in through allauth, with its rate limits and two-step verification.
admin.site.login = security_views.admin_sign_in
admin.site.password_change = security_views.admin_password_change

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", public_pages.about, name="about"),
    path("join/", public_pages.join, name="join"),
    path("join/sent/", public_pages.join_sent, name="join_sent"),
    path("accessibility/", public_pages.accessibility, name="accessibility"),
    path("privacy/", public_pages.privacy, name="privacy"),
    path("cookies/", public_pages.cookies, name="cookies"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
    path("profile/", views.profile, name="profile"),
    path("profile/affiliation/", views.request_affiliation, name="profile_affiliation"),
    path("profile/calendar/", views.calendar_feed, name="profile_calendar"),
    path("profile/data/", privacy_views.download_my_data, name="profile_data"),
    path("profile/close/", privacy_views.close_account, name="profile_close"),
    path("account-closed/", privacy_views.account_closed, name="account_closed"),
    path("calendar/<str:token>.ics", feed.personal_calendar, name="calendar_feed"),
    path("trusts/", include("trusts.urls")),
    path("workshops/", include("workshops.urls")),
    path("resources/", include("resources.urls")),
    path("news/", include("workshops.news.urls")),
    path("accounts/2fa/required/", security_views.mfa_required, name="security_mfa_required"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
