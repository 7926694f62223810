from django.urls import path

from . import views

urlpatterns = [
    path("tasks", views.TaskList.as_view()),
    path("tasks/<str:task_id>", views.TaskDetail.as_view()),
    path("account", views.AccountView.as_view()),
]
