from django.urls import path

from . import views
from .orders import ORDER_VIEWS

urlpatterns = [
    path("tasks", views.TaskList.as_view()),
    path("tasks/<str:task_id>", views.TaskDetail.as_view()),
    path("account", views.AccountView.as_view()),
    path("notes", views.NoteList.as_view()),
    path("paced-notes", views.PacedNoteList.as_view()),
    *(
        path(f"orders/{index}", view.as_view())
        for index, view in enumerate(ORDER_VIEWS)
    ),
]
