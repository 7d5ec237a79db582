from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("ny/", views.choose_log, name="choose_log"),
    path("ny/logg/<int:pk>/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/endre/", views.meeting_edit, name="edit"),
    path("<int:pk>/avlys/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/referat/", views.meeting_minutes, name="minutes"),
]
