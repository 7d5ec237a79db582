from django.urls import path

from notes import views

app_name = "notes"

urlpatterns = [
    path("", views.note_list, name="list"),
    path("ny/", views.note_create, name="create"),
    path("<int:pk>/", views.note_edit, name="edit"),
    path("<int:pk>/slett/", views.note_delete, name="delete"),
]
