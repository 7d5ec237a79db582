from django.urls import URLPattern, URLResolver, path

from staff import views

app_name = "staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.staff_list, name="list"),
    path("ny/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_edit, name="edit"),
    path("<int:pk>/rolle/", views.role_add, name="role_add"),
    path("<int:pk>/rolle/<int:membership_pk>/fjern/", views.role_remove, name="role_remove"),
    path("<int:pk>/gi-videre/", views.hand_over, name="hand_over"),
    path("<int:pk>/deaktiver/", views.deactivate, name="deactivate"),
]
