"""Included at /news/ without a namespace: the page is ``news``, its Atom feed ``news_feed``."""

from django.urls import path

from workshops import news

urlpatterns = [
    path("", news.news, name="news"),
    path("feed/", news.NewsFeed(), name="news_feed"),
]
