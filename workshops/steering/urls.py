from django.urls import path

from workshops.steering import views as views

app_name = "steering"
urlpatterns = [
    path("", views.planner, name="planner"),
    path("<int:year>/", views.planner, name="planner_year"),
    path("<int:year>/quarter-<int:quarter>/plan/", views.plan_quarter, name="plan_quarter"),
    path("events/plan/", views.plan_event, name="plan_event"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/plan/", views.plan_proposal, name="plan_proposal"),
    path("proposals/<int:pk>/support/", views.support, name="support"),
    path("proposals/<int:pk>/withdraw-support/", views.withdraw_support, name="withdraw_support"),
    path("workshops/<slug:slug>/", views.workshop, name="workshop"),
    path("workshops/<slug:slug>/details/", views.edit_workshop, name="edit_workshop"),
    path("workshops/<slug:slug>/agenda/", views.agenda_editor, name="agenda"),
    path("workshops/<slug:slug>/agenda/<int:pk>/", views.edit_item, name="edit_item"),
    path("workshops/<slug:slug>/agenda/<int:pk>/move/", views.move_item, name="move_item"),
    path("workshops/<slug:slug>/agenda/<int:pk>/remove/", views.remove_item, name="remove_item"),
    path("workshops/<slug:slug>/sign-off/", views.sign_off_agenda, name="sign_off"),
    path("workshops/<slug:slug>/ask-for-sign-off/", views.ask_for_sign_off, name="ask_sign_off"),
    path("workshops/<slug:slug>/comment/", views.comment, name="comment"),
    path("workshops/<slug:slug>/agree/", views.agree, name="agree"),
    path("workshops/<slug:slug>/feedback/", views.feedback_results, name="feedback"),
    path("workshops/<slug:slug>/feedback.csv", views.feedback_csv, name="feedback_csv"),
    path("workshops/<slug:slug>/outcome/", views.outcome, name="outcome"),
]
