from django.urls import path

from . import views

urlpatterns = [
    path("models", views.ModelList.as_view()),
    path("models/<str:model_id>", views.ModelDetail.as_view()),
    path("jobs", views.JobList.as_view()),
    path("jobs/<str:job_id>", views.JobDetail.as_view()),
    path("balance", views.BalanceView.as_view()),
]
