from django.urls import include, path

from workshops.booking import views
from workshops.feedback import views as feedback_views

app_name = "workshops"
urlpatterns = [
    path("", views.programme, name="programme"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/trust/", views.trust_bookings, name="trust_bookings"),
    path("bookings/<int:pk>/", views.booking, name="booking"),
    path("bookings/<int:pk>/attendee/", views.change_attendee, name="change_attendee"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/offer/", views.offer, name="offer"),
    path("bookings/<int:pk>/offer/accept/", views.accept_offer, name="accept_offer"),
    path("bookings/<int:pk>/offer/decline/", views.decline_offer, name="decline_offer"),
    path("bookings/<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("bookings/<int:pk>/access-needs/", views.access_needs, name="access_needs"),
    path("bookings/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("bookings/attended/", views.attended, name="attended"),
    path("bookings/feedback/<str:token>/", feedback_views.feedback_form, name="feedback"),
    # Before "<slug:slug>/", which would otherwise take "invitations" for a workshop.
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("steering/", include("workshops.steering.urls")),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/book/", views.book, name="book"),
]
