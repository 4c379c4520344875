"""Included at /news/ without a namespace: the page is ``news``, its Atom feed ``news_feed``."""

from django.urls import path

from workshops.news import views

urlpatterns = [
    path("", views.news, name="news"),
    path("feed/", views.NewsFeed(), name="news_feed"),
]
